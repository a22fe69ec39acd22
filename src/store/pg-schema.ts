/**
 * The PostgreSQL schema, as numbered migrations applied at start-up (pg-store.ts `init`). Each runs once,
 * in a transaction, under an advisory lock, so instances starting together apply it exactly once. Never
 * edit a released migration: add the next one.
 *
 * Tables:
 *  - videogen_jobs: one row per job; the record as JSON plus the columns the store queries by.
 *    `principal` is '' for a single user. Partial indexes keep the unfinished and unsaved sets cheap.
 *  - videogen_pending_submits: the idempotency claim and pending submit, primary key (principal, key).
 *  - videogen_leases: one polling lease per job, times in ms on the database's clock.
 *  - videogen_spend_days: estimated and billed USD per (local day, principal), numeric (exact).
 *  - videogen_spend_keys: the standing reservation per (principal, key).
 *  - videogen_settings: small shared values (the download URL signing key).
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'jobs, claims, leases, spend',
    sql: `
CREATE TABLE videogen_jobs (
  job_id text PRIMARY KEY,
  principal text NOT NULL DEFAULT '',
  idempotency_key text,
  status text NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  created_at text NOT NULL,
  updated_at text NOT NULL,
  saved boolean NOT NULL DEFAULT false,
  billed_booked boolean NOT NULL DEFAULT false,
  record jsonb NOT NULL
);
CREATE INDEX videogen_jobs_order ON videogen_jobs (created_at DESC, job_id DESC);
CREATE INDEX videogen_jobs_principal_order ON videogen_jobs (principal, created_at DESC, job_id DESC);
CREATE INDEX videogen_jobs_key ON videogen_jobs (principal, idempotency_key, created_at) WHERE idempotency_key IS NOT NULL;
CREATE INDEX videogen_jobs_unfinished ON videogen_jobs (created_at) WHERE status NOT IN ('succeeded', 'failed', 'canceled', 'unknown');
CREATE INDEX videogen_jobs_unsaved ON videogen_jobs (updated_at) WHERE status = 'succeeded' AND NOT saved;

CREATE TABLE videogen_pending_submits (
  principal text NOT NULL,
  idempotency_key text NOT NULL,
  created_at text NOT NULL,
  submit jsonb NOT NULL,
  PRIMARY KEY (principal, idempotency_key)
);

CREATE TABLE videogen_leases (
  job_id text PRIMARY KEY,
  holder text NOT NULL,
  until_ms bigint NOT NULL
);

CREATE TABLE videogen_spend_days (
  day text NOT NULL,
  principal text NOT NULL,
  estimated_usd numeric NOT NULL DEFAULT 0,
  billed_usd numeric NOT NULL DEFAULT 0,
  PRIMARY KEY (day, principal)
);

CREATE TABLE videogen_spend_keys (
  principal text NOT NULL,
  key text NOT NULL,
  day text NOT NULL,
  usd numeric NOT NULL,
  at_ms bigint NOT NULL,
  PRIMARY KEY (principal, key)
);

CREATE TABLE videogen_settings (
  name text PRIMARY KEY,
  value text NOT NULL
);
`,
  },
];

/** Advisory lock keys (any constants unique to this program). */
export const MIGRATION_LOCK = 7_321_001;
export const SPEND_LOCK = 7_321_002;
