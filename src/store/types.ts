/**
 * The store contract: every durable fact the server keeps (job records, idempotency claims, pending
 * submits, polling leases, spend lines) goes through this interface. Two stores implement it: the
 * file store (`file-store.ts`, one machine, any number of processes sharing a state directory) and
 * the PostgreSQL store (teams, any number of instances). Each guarantee below is a test in
 * `test/store/conformance.ts`, and every store runs that suite.
 *
 * Tenancy: one store instance serves one tenant (a stdio user, or a team). `principal` names the
 * member inside it (a team member, a token); `undefined` is the single-user case. Records, claims,
 * pending submits and spend lines carry it; idempotency keys are scoped by it (two members may use
 * the same key without seeing each other's jobs); listing can filter by it.
 *
 * Costs (the file store; the PostgreSQL store meets them with indexes): get/put/find/claim/lease are
 * O(1) in records read whatever the history holds; `listJobs` with limit N is O(N) (more only when a
 * filter skips records); `listUnfinished` is O(unfinished); `prune` is bounded per call.
 */
import type { Mode, ProviderId, VideoParams } from '../catalog/types.js';
import type { ErrorCode } from '../errors.js';
import { TERMINAL, type LedgerStatus } from '../jobs/status.js';

export { TERMINAL, type LedgerStatus };

/** One job as the ledger holds it. Secrets never enter it (params are sanitized before they do). */
export interface JobRecord {
  job_id: string;
  provider: ProviderId;
  model: string;
  native_model?: string;
  params: VideoParams;
  status: LedgerStatus;
  progress?: number;
  detail?: string;
  video_url?: string;
  video_expires_at?: string;
  local_path?: string;
  local_bytes?: number;
  error?: { code: ErrorCode; message: string };
  idempotency_key?: string;
  /** Hash of model + params + pinned provider: detects an idempotency key reused for another request. */
  fingerprint?: string;
  mode?: Mode;
  estimated_cost_usd?: number;
  billed_cost_usd?: number;
  simulated: boolean;
  /** Providers tried first that failed in a way proving no job was created. */
  failed_over_from?: ProviderId[];
  /** Who submitted it (a team member); undefined for a single user. */
  principal?: string;
  /** ISO 8601; the listing order. */
  created_at: string;
  updated_at: string;
  completed_at?: string;
  /** Last upstream status call (ms since epoch), shared by every process. */
  polled_at?: number;
  /** @deprecated leases live in the store (acquireLease); kept so old records still parse. */
  lease?: { pid: number; until: number };
}

/** A submit about to be sent (or sent, answer not yet recorded), keyed by its idempotency key. */
export interface PendingSubmit {
  idempotency_key: string;
  provider: ProviderId;
  model: string;
  native_model: string;
  params: VideoParams;
  /** Fingerprint of the request, so a key reused with other parameters is detected locally. */
  fingerprint: string;
  /** ISO 8601. */
  created_at: string;
  principal?: string;
  /** The process sending it; absent once that process saw the send end without an answer. */
  pid?: number;
  /**
   * The host of that process (os.hostname()). A pid means nothing on another host: instances sharing
   * one PostgreSQL store treat another host's pending submit as live until it is stale.
   */
  host?: string;
  mode?: Mode;
  estimated_cost_usd?: number;
  simulated?: boolean;
  /**
   * The exact wire parameters (uploaded media as URLs), kept only where the provider deduplicates by
   * key and nothing is inline, so a reconciliation can replay the identical request.
   */
  wire?: VideoParams;
}

/** A polling/saving lease on one job: while it holds, no other holder polls or saves that job. */
export interface Lease {
  job_id: string;
  /** Who holds it: unique per store instance (host, pid, random). */
  holder: string;
  /** ms since epoch; after this, another holder may take it over. */
  until: number;
}

export interface ListJobsOptions {
  /** 1…1000. */
  limit: number;
  /** From a previous page's `next_cursor`; opaque. */
  cursor?: string | undefined;
  principal?: string | undefined;
  /** Filters; with a filter the cost is the records scanned, not N. */
  status?: LedgerStatus | readonly LedgerStatus[] | undefined;
  provider?: ProviderId | undefined;
  model?: string | undefined;
  /** Stop after reading this many records (a filter that matches nothing must not scan everything); default 2,000. */
  scanLimit?: number | undefined;
}

export interface JobPage {
  /** Newest first by `created_at`. */
  jobs: JobRecord[];
  /** Pass back to continue; undefined when there is nothing older (or the scan limit was reached: see `truncated`). */
  next_cursor?: string | undefined;
  /** True when the scan limit stopped the listing before `limit` matches were found. */
  truncated?: boolean;
}

/** One reservation of estimated spend, made before a paid request goes out. */
export interface SpendReservation {
  /** The submit's idempotency key (caller's or generated): one reservation per key. */
  key: string;
  usd: number;
  provider: ProviderId;
  model: string;
  principal?: string | undefined;
  /** ms since epoch (the store's `now` when omitted); decides the day. */
  at?: number | undefined;
}

/**
 * Daily caps, checked atomically with the reservation. `daily_usd` caps the whole store (the team, or
 * the single user); `principal_daily_usd` caps the reserving principal's own lines. Either may be unset.
 */
export interface SpendCaps {
  daily_usd?: number | undefined;
  principal_daily_usd?: number | undefined;
}

export type ReserveResult =
  | { ok: true; /** False when this key already held a reservation (a replay): nothing new was booked. */ booked: boolean }
  | { ok: false; scope: 'total' | 'principal'; spent_usd: number; cap_usd: number };

export interface SpendTotals {
  /** The local calendar day the figures are for (YYYY-MM-DD). */
  day: string;
  today_estimated_usd: number;
  all_time_estimated_usd: number;
  today_billed_usd: number;
  all_time_billed_usd: number;
}

/** Everything the server keeps durably. All methods are safe to call concurrently, from any process or instance sharing the store. */
export interface JobStore {
  /** Names the backing data (a directory, a database and tenant): instances with the same id share it. */
  readonly id: string;
  /** Create what the store needs and sweep what a killed process left (temp files, stale locks). Idempotent; other methods call it. */
  init(): Promise<void>;

  // ---- records ----------------------------------------------------------------------------------
  get(jobId: string): Promise<JobRecord | undefined>;
  /**
   * Write a record, atomically with respect to every other writer of the same job, and return what
   * the store now holds:
   *  - the first terminal status wins: once a job is succeeded/failed/canceled/unknown, a write with
   *    another status changes nothing but `polled_at`;
   *  - facts another writer learned and this one lacks are kept (`local_path`/`local_bytes`,
   *    `billed_cost_usd`);
   *  - otherwise the newest write wins.
   * A `billed_cost_usd` seen for the first time is also booked as billed spend.
   */
  put(record: JobRecord): Promise<JobRecord>;
  /** get + merge a patch + put (under the same guarantees); undefined when the job is unknown. */
  update(jobId: string, patch: Partial<JobRecord>): Promise<JobRecord | undefined>;
  /**
   * A page of jobs, newest first; O(limit) records read when unfiltered (and O(unfinished) when only
   * unfinished statuses are asked for). A prune between two pages may skip or repeat a row there.
   */
  listJobs(opts: ListJobsOptions): Promise<JobPage>;
  /** Every job not yet terminal (for adoption at start-up), optionally only those created after `sinceMs`; O(unfinished). */
  listUnfinished(opts?: { principal?: string | undefined; sinceMs?: number | undefined }): Promise<JobRecord[]>;
  /** Succeeded jobs without a saved file, updated after `sinceMs` (to finish saving after a restart); bounded like listUnfinished. */
  listUnsaved?(opts?: { sinceMs?: number | undefined }): Promise<JobRecord[]>;
  /** The job recorded for an idempotency key (scoped by principal); O(1). */
  findByIdempotencyKey(key: string, principal?: string): Promise<JobRecord | undefined>;

  // ---- pending submits and the idempotency claim -----------------------------------------------
  /**
   * Claim a key for a first submit, exclusively across every process and instance: exactly one of
   * any number of concurrent claims of the same (principal, key) returns true; the others return
   * false until the winner clears it. The claim is the pending submit itself.
   */
  claimPendingSubmit(p: PendingSubmit): Promise<boolean>;
  /** Write (or overwrite) a pending submit, unconditionally. */
  putPendingSubmit(p: PendingSubmit): Promise<void>;
  getPendingSubmit(key: string, principal?: string): Promise<PendingSubmit | undefined>;
  clearPendingSubmit(key: string, principal?: string): Promise<void>;
  /** Every pending submit (for reconciliation at start-up), oldest first; O(pending). */
  listPendingSubmits(): Promise<PendingSubmit[]>;

  // ---- polling leases ----------------------------------------------------------------------------
  /**
   * Take the job's lease for `ttlMs`: returns it when no other holder has an unexpired lease (this
   * holder re-acquiring extends its own), else undefined. At most one holder at a time, across
   * processes and instances; an expired lease can be taken over.
   */
  acquireLease(jobId: string, ttlMs: number): Promise<Lease | undefined>;
  /** Extend a lease this holder still has; undefined when it was lost (expired and taken over). */
  renewLease(lease: Lease, ttlMs: number): Promise<Lease | undefined>;
  /** Give a lease back (no-op when it is no longer ours). */
  releaseLease(lease: Lease): Promise<void>;
  /** The current unexpired lease on a job, if any. */
  getLease(jobId: string): Promise<Lease | undefined>;

  // ---- spend ---------------------------------------------------------------------------------------
  /**
   * Book an estimated spend, checking the caps atomically with every other reservation in every
   * process: under any concurrency, the booked total for a day never exceeds a cap. A key books at
   * most once while its reservation stands (a replay gets `booked: false` and is not counted twice).
   */
  reserveSpend(r: SpendReservation, caps: SpendCaps): Promise<ReserveResult>;
  /** Give a reservation back (the submit proved no job was created). No-op when the key holds none. */
  releaseSpend(key: string, principal?: string): Promise<void>;
  /** The reservation became a job: it stays booked; the store may forget the per-key bookkeeping. */
  commitSpend(key: string, principal?: string): Promise<void>;
  /**
   * Release reservations older than `olderThanMs` whose key has neither a job record nor a pending
   * submit (a process died between reserving and sending). Returns how many were released.
   */
  settleSpend(olderThanMs: number): Promise<number>;
  /**
   * Estimated and billed spend, for the store or one principal. Today's figures are exact; another
   * instance's change to a past day's figures may show a few seconds late.
   */
  spendTotals(opts?: { principal?: string | undefined }): Promise<SpendTotals>;

  // ---- upkeep --------------------------------------------------------------------------------------
  /**
   * Drop terminal records created more than `maxAgeDays` ago and the oldest beyond `maxRecords` (never an
   * unfinished one), removing at most `batch` per call. Cost is bounded by what it removes, not by
   * the history. Returns how many records were removed.
   */
  prune(opts?: { now?: number; maxRecords?: number; maxAgeDays?: number; batch?: number }): Promise<number>;
  /** Release resources (pools, timers). */
  close(): Promise<void>;
}

/** Pruning bounds: the ledger keeps at most this many records … */
export const MAX_RECORDS = 5_000;
/** … and drops terminal records older than this. */
export const MAX_AGE_DAYS = 30;

/** YYYY-MM-DD of a time in the server's local time zone (budgets are per local calendar day). */
export function localDay(t: number = Date.now()): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The merge rule every store applies in `put` (shared so the stores cannot drift): first terminal
 * status wins; facts another writer learned are kept.
 */
export function mergeRecord(existing: JobRecord | undefined, record: JobRecord): JobRecord {
  if (!existing) return record;
  if (TERMINAL.has(existing.status) && record.status !== existing.status) {
    return { ...existing, ...(record.polled_at !== undefined ? { polled_at: record.polled_at } : {}) };
  }
  return {
    ...record,
    ...(record.local_path === undefined && existing.local_path !== undefined
      ? { local_path: existing.local_path, ...(existing.local_bytes !== undefined ? { local_bytes: existing.local_bytes } : {}) }
      : {}),
    ...(record.billed_cost_usd === undefined && existing.billed_cost_usd !== undefined ? { billed_cost_usd: existing.billed_cost_usd } : {}),
    ...(record.principal === undefined && existing.principal !== undefined ? { principal: existing.principal } : {}),
  };
}
