/**
 * The PostgreSQL store (VIDEOGEN_DATABASE_URL), for a team running any number of instances on one
 * database. It implements the store contract (types.ts) and runs the same conformance suite as the file
 * store (test/store/conformance.ts via test/pg/pg-store.test.ts). How each guarantee is kept:
 *  - records: `put` locks the row (SELECT … FOR UPDATE; a first insert races on the primary key and
 *    retries) and applies the shared `mergeRecord` rule, so the first terminal status wins across
 *    instances; a billed cost is booked in the same transaction, once per job (`billed_booked`);
 *  - claims: INSERT … ON CONFLICT DO NOTHING on (principal, key): exactly one concurrent claim wins;
 *  - leases: one row per job, taken with a conditional upsert that succeeds only when the row is free,
 *    expired or already ours; expiry is judged on the database's clock, so instances' clocks may differ;
 *  - spend: every reservation, release and settlement runs under one transaction-scoped advisory lock
 *    and reads the day's sums from `videogen_spend_days`: the caps are exact under any concurrency.
 * Migrations (pg-schema.ts) are applied by `init`, once, under an advisory lock.
 * The pool is bounded (VIDEOGEN_DATABASE_POOL, default 10) and every query has a statement timeout.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { VideogenError } from '../errors.js';
import { MIGRATION_LOCK, MIGRATIONS, SPEND_LOCK } from './pg-schema.js';
import {
  MAX_AGE_DAYS,
  MAX_RECORDS,
  TERMINAL,
  localDay,
  mergeRecord,
  type JobPage,
  type JobRecord,
  type JobStore,
  type Lease,
  type ListJobsOptions,
  type PendingSubmit,
  type ReserveResult,
  type SpendCaps,
  type SpendReservation,
  type SpendTotals,
} from './types.js';

/** Connections per instance; a tool call uses one at a time, briefly. */
export const DEFAULT_POOL_SIZE = 10;
/** No query may hang a tool call: the database must answer within this. */
const STATEMENT_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 5_000;

const TERMINAL_SQL = `('succeeded', 'failed', 'canceled', 'unknown')`;
const nowMsSql = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

export interface PgStoreOptions {
  connectionString: string;
  /** A schema to keep the tables in (created if missing); default: the connection's search path. */
  schema?: string;
  poolSize?: number;
  now?: () => number;
}

type Queryable = pg.Pool | pg.PoolClient;

const round = (n: number) => Math.round(n * 10_000) / 10_000;
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

export class PgStore implements JobStore {
  private readonly pool: pg.Pool;
  private readonly holder = `${hostname()} ${process.pid} ${randomBytes(4).toString('hex')}`;
  private readonly now: () => number;
  private ready: Promise<void> | undefined;
  /** Queries sent (for the bench's queries-per-job figure), in all and by statement. */
  queries = 0;
  readonly queriesBy = new Map<string, number>();
  /** The database and schema (never the password): instances with the same id share their jobs. */
  readonly id: string;

  constructor(private readonly opts: PgStoreOptions) {
    this.now = opts.now ?? Date.now;
    const u = new URL(opts.connectionString);
    this.id = `postgres://${u.hostname}:${u.port || 5432}${u.pathname}${opts.schema ? `#${opts.schema}` : ''}`;
    if (opts.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(opts.schema)) throw new Error('schema must be a lower-case SQL identifier');
    this.pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: opts.poolSize ?? DEFAULT_POOL_SIZE,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      application_name: 'videogen-mcp',
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    // An idle client losing its connection (database restart) must not crash the server.
    this.pool.on('error', () => {});
  }

  private async q<R extends pg.QueryResultRow = Record<string, unknown>>(db: Queryable, text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    this.queries++;
    const kind = text.trim().split(/\s+/).slice(0, 4).join(' ');
    this.queriesBy.set(kind, (this.queriesBy.get(kind) ?? 0) + 1);
    try {
      return await db.query<R>(text, values);
    } catch (err) {
      throw unreachable(err) ?? err;
    }
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect().catch((err: unknown) => {
      throw unreachable(err) ?? err;
    });
    // A connection lost while checked out emits 'error' on the client: the query in flight fails and
    // is reported; the event itself must not crash the server.
    let broken: Error | undefined;
    const onError = (err: Error) => (broken = err);
    c.on('error', onError);
    try {
      await this.q(c, 'BEGIN');
      const out = await fn(c);
      await this.q(c, 'COMMIT');
      return out;
    } catch (err) {
      broken ??= err instanceof Error && /terminated|ECONNRESET|EPIPE/i.test(err.message) ? err : undefined;
      if (!broken) await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      c.off('error', onError);
      c.release(broken); // a broken connection is destroyed, not returned to the pool
    }
  }

  init(): Promise<void> {
    this.ready ??= this.migrate().catch((err: unknown) => {
      this.ready = undefined; // try again on the next call (the database may come back)
      throw err;
    });
    return this.ready;
  }

  private async migrate(): Promise<void> {
    const schema = this.opts.schema;
    const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
    // Fast path (every start but the first): one query, no lock.
    const applied = await this.q<{ v: number | null }>(this.pool, 'SELECT max(version) AS v FROM videogen_migrations').catch(() => undefined);
    if (applied?.rows[0]?.v === latest) return;
    await this.tx(async (c) => {
      await this.q(c, 'SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      if (schema) await this.q(c, `CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await this.q(
        c,
        'CREATE TABLE IF NOT EXISTS videogen_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const done = new Set((await this.q<{ version: number }>(c, 'SELECT version FROM videogen_migrations')).rows.map((r) => r.version));
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        await this.q(c, m.sql);
        await this.q(c, 'INSERT INTO videogen_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      }
    });
  }

  /** A cheap round trip, for /healthz. */
  async ping(): Promise<void> {
    await this.init();
    await this.q(this.pool, 'SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
  }

  // ---- records ------------------------------------------------------------------------------------

  async get(jobId: string): Promise<JobRecord | undefined> {
    await this.init();
    const r = await this.q<{ record: JobRecord }>(this.pool, 'SELECT record FROM videogen_jobs WHERE job_id = $1', [jobId]);
    return r.rows[0]?.record;
  }

  async put(record: JobRecord): Promise<JobRecord> {
    await this.init();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.tx(async (c) => {
          const cur = await this.q<{ record: JobRecord; billed_booked: boolean }>(
            c,
            'SELECT record, billed_booked FROM videogen_jobs WHERE job_id = $1 FOR UPDATE',
            [record.job_id],
          );
          const existing = cur.rows[0];
          const next = mergeRecord(existing?.record, record);
          const bookBilled = next.billed_cost_usd !== undefined && !existing?.billed_booked;
          const cols = [
            next.job_id,
            next.principal ?? '',
            next.idempotency_key ?? null,
            next.status,
            next.provider,
            next.model,
            next.created_at,
            next.updated_at,
            next.local_path !== undefined,
            bookBilled || (existing?.billed_booked ?? false),
            JSON.stringify(next),
          ];
          if (existing) {
            await this.q(
              c,
              // created_at stays as first written: the listing order never moves.
              `UPDATE videogen_jobs SET principal = $2, idempotency_key = $3, status = $4, provider = $5, model = $6, updated_at = $7,
                 saved = $8, billed_booked = $9, record = $10 WHERE job_id = $1`,
              [...cols.slice(0, 6), ...cols.slice(7)],
            );
          } else {
            const ins = await this.q(
              c,
              `INSERT INTO videogen_jobs (job_id, principal, idempotency_key, status, provider, model, created_at, updated_at, saved, billed_booked, record)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (job_id) DO NOTHING`,
              cols,
            );
            if (ins.rowCount === 0) throw new RetryPut();
          }
          if (bookBilled) await this.addSpend(c, localDay(this.now()), next.principal ?? '', 0, next.billed_cost_usd!);
          return next;
        });
      } catch (err) {
        // Another writer inserted the same new job first: lock its row and merge into it.
        if (err instanceof RetryPut && attempt < 5) continue;
        throw err;
      }
    }
  }

  async update(jobId: string, patch: Partial<JobRecord>): Promise<JobRecord | undefined> {
    const existing = await this.get(jobId);
    if (!existing) return undefined;
    return this.put({ ...existing, ...patch, updated_at: new Date(this.now()).toISOString() });
  }

  async listJobs(opts: ListJobsOptions): Promise<JobPage> {
    await this.init();
    const limit = Math.max(1, Math.min(1000, Math.floor(opts.limit)));
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      values.push(v);
      where.push(sql.replace('?', `$${values.length}`));
    };
    if (opts.principal !== undefined) add('principal = ?', opts.principal);
    if (opts.status !== undefined) add('status = ANY(?)', Array.isArray(opts.status) ? [...opts.status] : [opts.status]);
    if (opts.provider !== undefined) add('provider = ?', opts.provider);
    if (opts.model !== undefined) add('model = ?', opts.model);
    const cursor = decodeCursor(opts.cursor);
    if (cursor) {
      values.push(cursor[0], cursor[1]);
      where.push(`(created_at, job_id) < ($${values.length - 1}, $${values.length})`);
    }
    values.push(limit + 1);
    const r = await this.q<{ record: JobRecord; created_at: string; job_id: string }>(
      this.pool,
      `SELECT record, created_at, job_id FROM videogen_jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, job_id DESC LIMIT $${values.length}`,
      values,
    );
    const rows = r.rows.slice(0, limit);
    const last = rows[rows.length - 1];
    return { jobs: rows.map((x) => x.record), next_cursor: r.rows.length > limit && last ? encodeCursor(last.created_at, last.job_id) : undefined };
  }

  async listUnfinished(opts: { principal?: string | undefined; sinceMs?: number | undefined } = {}): Promise<JobRecord[]> {
    await this.init();
    const values: unknown[] = [];
    let extra = '';
    if (opts.principal !== undefined) {
      values.push(opts.principal);
      extra += ` AND principal = $${values.length}`;
    }
    if (opts.sinceMs !== undefined) {
      values.push(new Date(opts.sinceMs).toISOString());
      extra += ` AND created_at >= $${values.length}`;
    }
    const r = await this.q<{ record: JobRecord }>(
      this.pool,
      `SELECT record FROM videogen_jobs WHERE status NOT IN ${TERMINAL_SQL}${extra} ORDER BY created_at`,
      values,
    );
    return r.rows.map((x) => x.record);
  }

  async listUnsaved(opts: { sinceMs?: number | undefined } = {}): Promise<JobRecord[]> {
    await this.init();
    const since = new Date(opts.sinceMs ?? 0).toISOString();
    const r = await this.q<{ record: JobRecord }>(
      this.pool,
      `SELECT record FROM videogen_jobs WHERE status = 'succeeded' AND NOT saved AND updated_at >= $1 ORDER BY updated_at LIMIT 1000`,
      [since],
    );
    return r.rows.map((x) => x.record);
  }

  async findByIdempotencyKey(key: string, principal?: string): Promise<JobRecord | undefined> {
    await this.init();
    const r = await this.q<{ record: JobRecord }>(
      this.pool,
      'SELECT record FROM videogen_jobs WHERE principal = $1 AND idempotency_key = $2 ORDER BY created_at LIMIT 1',
      [principal ?? '', key],
    );
    return r.rows[0]?.record;
  }

  // ---- pending submits and claims ----------------------------------------------------------------

  async claimPendingSubmit(p: PendingSubmit): Promise<boolean> {
    await this.init();
    const r = await this.q(
      this.pool,
      `INSERT INTO videogen_pending_submits (principal, idempotency_key, created_at, submit) VALUES ($1, $2, $3, $4)
       ON CONFLICT (principal, idempotency_key) DO NOTHING`,
      [p.principal ?? '', p.idempotency_key, p.created_at, JSON.stringify(p)],
    );
    return r.rowCount === 1;
  }

  async putPendingSubmit(p: PendingSubmit): Promise<void> {
    await this.init();
    await this.q(
      this.pool,
      `INSERT INTO videogen_pending_submits (principal, idempotency_key, created_at, submit) VALUES ($1, $2, $3, $4)
       ON CONFLICT (principal, idempotency_key) DO UPDATE SET created_at = EXCLUDED.created_at, submit = EXCLUDED.submit`,
      [p.principal ?? '', p.idempotency_key, p.created_at, JSON.stringify(p)],
    );
  }

  async getPendingSubmit(key: string, principal?: string): Promise<PendingSubmit | undefined> {
    await this.init();
    const r = await this.q<{ submit: PendingSubmit }>(this.pool, 'SELECT submit FROM videogen_pending_submits WHERE principal = $1 AND idempotency_key = $2', [
      principal ?? '',
      key,
    ]);
    return r.rows[0]?.submit;
  }

  async clearPendingSubmit(key: string, principal?: string): Promise<void> {
    await this.init();
    await this.q(this.pool, 'DELETE FROM videogen_pending_submits WHERE principal = $1 AND idempotency_key = $2', [principal ?? '', key]);
  }

  async listPendingSubmits(): Promise<PendingSubmit[]> {
    await this.init();
    const r = await this.q<{ submit: PendingSubmit }>(
      this.pool,
      'SELECT submit FROM videogen_pending_submits ORDER BY created_at, principal, idempotency_key LIMIT 10000',
    );
    return r.rows.map((x) => x.submit);
  }

  // ---- leases -----------------------------------------------------------------------------------------

  async acquireLease(jobId: string, ttlMs: number): Promise<Lease | undefined> {
    await this.init();
    const r = await this.q<{ until_ms: string }>(
      this.pool,
      `INSERT INTO videogen_leases AS l (job_id, holder, until_ms) VALUES ($1, $2, ${nowMsSql} + $3)
       ON CONFLICT (job_id) DO UPDATE SET holder = EXCLUDED.holder, until_ms = GREATEST(EXCLUDED.until_ms, CASE WHEN l.holder = EXCLUDED.holder THEN l.until_ms ELSE 0 END)
       WHERE l.holder = EXCLUDED.holder OR l.until_ms <= ${nowMsSql}
       RETURNING until_ms`,
      [jobId, this.holder, Math.max(1, Math.round(ttlMs))],
    );
    const row = r.rows[0];
    return row ? { job_id: jobId, holder: this.holder, until: Number(row.until_ms) } : undefined;
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    if (lease.holder !== this.holder) return undefined;
    await this.init();
    const r = await this.q<{ until_ms: string }>(
      this.pool,
      `UPDATE videogen_leases SET until_ms = ${nowMsSql} + $3 WHERE job_id = $1 AND holder = $2 RETURNING until_ms`,
      [lease.job_id, this.holder, Math.max(1, Math.round(ttlMs))],
    );
    const row = r.rows[0];
    return row ? { job_id: lease.job_id, holder: this.holder, until: Number(row.until_ms) } : undefined;
  }

  async releaseLease(lease: Lease): Promise<void> {
    if (lease.holder !== this.holder) return;
    await this.init();
    await this.q(this.pool, 'DELETE FROM videogen_leases WHERE job_id = $1 AND holder = $2', [lease.job_id, this.holder]);
  }

  async getLease(jobId: string): Promise<Lease | undefined> {
    await this.init();
    const r = await this.q<{ holder: string; until_ms: string }>(
      this.pool,
      `SELECT holder, until_ms FROM videogen_leases WHERE job_id = $1 AND until_ms > ${nowMsSql}`,
      [jobId],
    );
    const row = r.rows[0];
    return row ? { job_id: jobId, holder: row.holder, until: Number(row.until_ms) } : undefined;
  }

  // ---- spend ------------------------------------------------------------------------------------------

  private async addSpend(c: Queryable, day: string, principal: string, estimated: number, billed: number): Promise<void> {
    await this.q(
      c,
      `INSERT INTO videogen_spend_days AS d (day, principal, estimated_usd, billed_usd) VALUES ($1, $2, $3, $4)
       ON CONFLICT (day, principal) DO UPDATE SET estimated_usd = d.estimated_usd + EXCLUDED.estimated_usd, billed_usd = d.billed_usd + EXCLUDED.billed_usd`,
      [day, principal, String(estimated), String(billed)],
    );
  }

  async reserveSpend(r: SpendReservation, caps: SpendCaps): Promise<ReserveResult> {
    await this.init();
    const at = r.at ?? this.now();
    const day = localDay(at);
    const principal = r.principal ?? '';
    return this.tx(async (c) => {
      await this.q(c, 'SELECT pg_advisory_xact_lock($1)', [SPEND_LOCK]);
      const held = await this.q(c, 'SELECT 1 FROM videogen_spend_keys WHERE principal = $1 AND key = $2', [principal, r.key]);
      if (held.rowCount) return { ok: true, booked: false };
      const sums = await this.q<{ mine: string | null; total: string | null }>(
        c,
        `SELECT sum(estimated_usd) FILTER (WHERE principal = $2) AS mine, sum(estimated_usd) AS total FROM videogen_spend_days WHERE day = $1`,
        [day, principal],
      );
      const mine = round(num(sums.rows[0]?.mine));
      const total = round(num(sums.rows[0]?.total));
      if (caps.principal_daily_usd !== undefined && mine + r.usd > caps.principal_daily_usd + 1e-9)
        return { ok: false, scope: 'principal', spent_usd: mine, cap_usd: caps.principal_daily_usd };
      if (caps.daily_usd !== undefined && total + r.usd > caps.daily_usd + 1e-9)
        return { ok: false, scope: 'total', spent_usd: total, cap_usd: caps.daily_usd };
      await this.addSpend(c, day, principal, r.usd, 0);
      await this.q(c, 'INSERT INTO videogen_spend_keys (principal, key, day, usd, at_ms) VALUES ($1, $2, $3, $4, $5)', [
        principal,
        r.key,
        day,
        String(r.usd),
        // Settlement judges age from when the reservation was booked, not from when the call began.
        r.at ?? this.now(),
      ]);
      return { ok: true, booked: true };
    });
  }

  private async releaseKey(c: pg.PoolClient, principal: string, key: string): Promise<boolean> {
    const gone = await this.q<{ day: string; usd: string }>(c, 'DELETE FROM videogen_spend_keys WHERE principal = $1 AND key = $2 RETURNING day, usd', [
      principal,
      key,
    ]);
    const row = gone.rows[0];
    if (!row) return false;
    await this.addSpend(c, row.day, principal, -Number(row.usd), 0);
    return true;
  }

  async releaseSpend(key: string, principal?: string): Promise<void> {
    await this.init();
    await this.tx(async (c) => {
      await this.q(c, 'SELECT pg_advisory_xact_lock($1)', [SPEND_LOCK]);
      await this.releaseKey(c, principal ?? '', key);
    });
  }

  async commitSpend(key: string, principal?: string): Promise<void> {
    await this.init();
    await this.q(this.pool, 'DELETE FROM videogen_spend_keys WHERE principal = $1 AND key = $2', [principal ?? '', key]);
  }

  async settleSpend(olderThanMs: number): Promise<number> {
    await this.init();
    return this.tx(async (c) => {
      await this.q(c, 'SELECT pg_advisory_xact_lock($1)', [SPEND_LOCK]);
      const old = await this.q<{ principal: string; key: string; has_job: boolean; pending: boolean }>(
        c,
        `SELECT k.principal, k.key,
           EXISTS (SELECT 1 FROM videogen_jobs j WHERE j.principal = k.principal AND j.idempotency_key = k.key) AS has_job,
           EXISTS (SELECT 1 FROM videogen_pending_submits p WHERE p.principal = k.principal AND p.idempotency_key = k.key) AS pending
         FROM videogen_spend_keys k WHERE k.at_ms <= $1 LIMIT 10000`,
        [this.now() - olderThanMs],
      );
      let released = 0;
      for (const row of old.rows) {
        if (row.has_job) await this.q(c, 'DELETE FROM videogen_spend_keys WHERE principal = $1 AND key = $2', [row.principal, row.key]);
        else if (!row.pending && (await this.releaseKey(c, row.principal, row.key))) released++;
      }
      return released;
    });
  }

  async spendTotals(opts: { principal?: string | undefined } = {}): Promise<SpendTotals> {
    await this.init();
    const today = localDay(this.now());
    const r = await this.q<{ te: string | null; tb: string | null; ae: string | null; ab: string | null }>(
      this.pool,
      `SELECT sum(estimated_usd) FILTER (WHERE day = $1) AS te, sum(billed_usd) FILTER (WHERE day = $1) AS tb,
              sum(estimated_usd) AS ae, sum(billed_usd) AS ab
       FROM videogen_spend_days ${opts.principal !== undefined ? 'WHERE principal = $2' : ''}`,
      opts.principal !== undefined ? [today, opts.principal] : [today],
    );
    const row = r.rows[0];
    return {
      day: today,
      today_estimated_usd: round(num(row?.te)),
      all_time_estimated_usd: round(num(row?.ae)),
      today_billed_usd: round(num(row?.tb)),
      all_time_billed_usd: round(num(row?.ab)),
    };
  }

  // ---- settings and upkeep --------------------------------------------------------------------------

  /** A shared value, created once by whichever instance asks first (e.g. the URL signing key). */
  async sharedSetting(name: string, create: () => string): Promise<string> {
    await this.init();
    await this.q(this.pool, 'INSERT INTO videogen_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, create()]);
    const r = await this.q<{ value: string }>(this.pool, 'SELECT value FROM videogen_settings WHERE name = $1', [name]);
    return r.rows[0]!.value;
  }

  async prune(opts: { now?: number; maxRecords?: number; maxAgeDays?: number; batch?: number } = {}): Promise<number> {
    await this.init();
    const now = opts.now ?? this.now();
    const cutoff = new Date(now - (opts.maxAgeDays ?? MAX_AGE_DAYS) * 86_400_000).toISOString();
    const maxRecords = opts.maxRecords ?? MAX_RECORDS;
    const batch = opts.batch ?? 1_000;
    return this.tx(async (c) => {
      // The newest maxRecords stay (unfinished jobs count among them and are never removed).
      const edge = await this.q<{ created_at: string; job_id: string }>(
        c,
        'SELECT created_at, job_id FROM videogen_jobs ORDER BY created_at DESC, job_id DESC OFFSET $1 LIMIT 1',
        [Math.max(0, maxRecords - 1)],
      );
      const e = edge.rows[0];
      const gone = await this.q<{ job_id: string }>(
        c,
        `DELETE FROM videogen_jobs WHERE job_id IN (
           SELECT job_id FROM videogen_jobs
           WHERE status IN ${TERMINAL_SQL} AND (created_at < $1 ${e ? 'OR (created_at, job_id) < ($3, $4)' : ''})
           ORDER BY created_at, job_id LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING job_id`,
        e ? [cutoff, batch, e.created_at, e.job_id] : [cutoff, batch],
      );
      if (gone.rowCount) await this.q(c, 'DELETE FROM videogen_leases WHERE job_id = ANY($1)', [gone.rows.map((x) => x.job_id)]);
      return gone.rowCount ?? 0;
    });
  }
}

class RetryPut extends Error {}

/** SQLSTATE classes and client errors that mean "the database cannot be reached right now". */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE', '57P01', '57P02', '57P03', '53300']);

/** A connection-class failure as an agent-facing "unavailable" error (the raw text goes to the cause). */
function unreachable(err: unknown): VideogenError | undefined {
  if (err instanceof VideogenError) return undefined;
  const code = (err as { code?: string } | null)?.code ?? '';
  const msg = err instanceof Error ? err.message : String(err);
  if (!UNREACHABLE_CODES.has(code) && !code.startsWith('08') && !/terminated|timeout exceeded when trying to connect|Connection terminated/i.test(msg))
    return undefined;
  return new VideogenError(
    'unavailable',
    `The team server's database is unreachable right now (${code || msg.slice(0, 60)}), so this call could not finish. Try again in a minute with the same arguments (for generate_video, the same idempotency_key returns the job if one was made); if it persists, tell whoever runs the server (its /healthz answers 503 meanwhile).`,
    { cause: err },
  );
}

function encodeCursor(createdAt: string, jobId: string): string {
  return Buffer.from(JSON.stringify([createdAt, jobId])).toString('base64url');
}

function decodeCursor(c: string | undefined): [string, string] | undefined {
  if (!c) return undefined;
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    /* an unknown cursor starts from the top */
  }
  return undefined;
}

export { TERMINAL };
