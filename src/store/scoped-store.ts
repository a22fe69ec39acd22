/**
 * One principal's view of a shared store (the team server's tenancy). Every call is the base store's,
 * with the principal filled in:
 *  - records it writes carry `principal`; it reads, lists and finds by idempotency key only that
 *    principal's records, so another principal's job id is indistinguishable from one that does not exist;
 *  - idempotency claims, pending submits and spend reservations are keyed by (principal, key);
 *  - leases are per job, shared (one poller per job whoever asks).
 * The job machinery needs no notion of principals: the team server hands each principal's calls a
 * JobService over its ScopedStore.
 *
 * Same key, two instances, same moment: the later call must get the earlier one's job, not a conflict.
 * So while another call's submit with this (principal, key) is in flight (its pending submit is younger
 * than IN_FLIGHT_MS), `getPendingSubmit` and `claimPendingSubmit` wait for it to settle, up to
 * `claimWaitMs` (inside the tool call's budget): then the key is free again and the job it made is in the
 * store, which the submit path returns. An older pending submit is an orphan: answered at once, for the
 * reconciler.
 */
import { VideogenError } from '../errors.js';
import type { JobPage, JobRecord, JobStore, Lease, ListJobsOptions, PendingSubmit, ReserveResult, SpendCaps, SpendReservation, SpendTotals } from './types.js';

/** A write to a job that another principal owns: "not found", exactly as for a job that does not exist. */
export class ForeignJobError extends VideogenError {
  constructor(readonly jobId: string) {
    super('not_found', `No job ${jobId.length > 40 ? `${jobId.slice(0, 40)}…` : jobId} exists for you on this server. Call list_jobs to see your jobs.`);
  }
}

/** A pending submit younger than this is a send in flight (sends are bounded well below it). */
const IN_FLIGHT_MS = 60_000;
/** How often a waiting call looks again. */
const CLAIM_POLL_MS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ScopedStore implements JobStore {
  readonly id: string;

  constructor(
    readonly base: JobStore,
    readonly principal: string,
    private readonly opts: { claimWaitMs?: number; now?: () => number } = {},
  ) {
    this.id = (base as { id?: string }).id ?? 'store';
  }

  private inFlight(p: PendingSubmit | undefined): boolean {
    return p !== undefined && (this.opts.now ?? Date.now)() - Date.parse(p.created_at) < IN_FLIGHT_MS;
  }

  /** Wait while a young pending submit for the key stands; resolves to what stands at the end. */
  private async settle(key: string, first: PendingSubmit | undefined, until: number): Promise<PendingSubmit | undefined> {
    let p = first;
    while (this.inFlight(p) && Date.now() < until) {
      await sleep(CLAIM_POLL_MS);
      p = await this.base.getPendingSubmit(key, this.principal);
    }
    return p;
  }

  private owns(r: JobRecord | undefined): r is JobRecord {
    return r !== undefined && r.principal === this.principal;
  }

  init(): Promise<void> {
    return this.base.init();
  }
  close(): Promise<void> {
    return Promise.resolve(); // the base store belongs to the server
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const r = await this.base.get(jobId);
    return this.owns(r) ? r : undefined;
  }
  async put(record: JobRecord): Promise<JobRecord> {
    // Job ids name provider tasks, so a foreign id can only come from a caller who saw it elsewhere.
    const existing = await this.base.get(record.job_id);
    if (existing && !this.owns(existing)) throw new ForeignJobError(record.job_id);
    return this.base.put({ ...record, principal: this.principal });
  }
  async update(jobId: string, patch: Partial<JobRecord>): Promise<JobRecord | undefined> {
    const existing = await this.get(jobId);
    if (!existing) return undefined;
    return this.put({ ...existing, ...patch, principal: this.principal, updated_at: new Date().toISOString() });
  }
  listJobs(opts: ListJobsOptions): Promise<JobPage> {
    return this.base.listJobs({ ...opts, principal: this.principal });
  }
  listUnfinished(opts: { principal?: string | undefined; sinceMs?: number | undefined } = {}): Promise<JobRecord[]> {
    return this.base.listUnfinished({ ...opts, principal: this.principal });
  }
  async listUnsaved(opts: { sinceMs?: number | undefined } = {}): Promise<JobRecord[]> {
    return ((await this.base.listUnsaved?.(opts)) ?? []).filter((r) => this.owns(r));
  }
  findByIdempotencyKey(key: string): Promise<JobRecord | undefined> {
    return this.base.findByIdempotencyKey(key, this.principal);
  }

  async claimPendingSubmit(p: PendingSubmit): Promise<boolean> {
    const mine = { ...p, principal: this.principal };
    const until = Date.now() + (this.opts.claimWaitMs ?? 0);
    for (;;) {
      if (await this.base.claimPendingSubmit(mine)) return true;
      const held = await this.base.getPendingSubmit(p.idempotency_key, this.principal);
      if (held && (!this.inFlight(held) || Date.now() >= until)) return false;
      await this.settle(p.idempotency_key, held, until);
    }
  }
  putPendingSubmit(p: PendingSubmit): Promise<void> {
    return this.base.putPendingSubmit({ ...p, principal: this.principal });
  }
  async getPendingSubmit(key: string): Promise<PendingSubmit | undefined> {
    const p = await this.base.getPendingSubmit(key, this.principal);
    if (!this.opts.claimWaitMs) return p;
    return this.settle(key, p, Date.now() + this.opts.claimWaitMs);
  }
  clearPendingSubmit(key: string): Promise<void> {
    return this.base.clearPendingSubmit(key, this.principal);
  }
  async listPendingSubmits(): Promise<PendingSubmit[]> {
    return (await this.base.listPendingSubmits()).filter((p) => p.principal === this.principal);
  }

  acquireLease(jobId: string, ttlMs: number): Promise<Lease | undefined> {
    return this.base.acquireLease(jobId, ttlMs);
  }
  renewLease(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    return this.base.renewLease(lease, ttlMs);
  }
  releaseLease(lease: Lease): Promise<void> {
    return this.base.releaseLease(lease);
  }
  getLease(jobId: string): Promise<Lease | undefined> {
    return this.base.getLease(jobId);
  }

  reserveSpend(r: SpendReservation, caps: SpendCaps): Promise<ReserveResult> {
    return this.base.reserveSpend({ ...r, principal: this.principal }, caps);
  }
  releaseSpend(key: string): Promise<void> {
    return this.base.releaseSpend(key, this.principal);
  }
  commitSpend(key: string): Promise<void> {
    return this.base.commitSpend(key, this.principal);
  }
  settleSpend(olderThanMs: number): Promise<number> {
    return this.base.settleSpend(olderThanMs);
  }
  /** The principal's own spend; `{ principal: undefined }` is not a way out of the scope. */
  spendTotals(): Promise<SpendTotals> {
    return this.base.spendTotals({ principal: this.principal });
  }
  /** The whole team's spend (for the team cap's message and list_jobs' team line). */
  teamSpendTotals(): Promise<SpendTotals> {
    return this.base.spendTotals();
  }

  prune(opts?: { now?: number; maxRecords?: number; maxAgeDays?: number; batch?: number }): Promise<number> {
    return this.base.prune(opts);
  }
}
