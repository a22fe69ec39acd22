/**
 * One principal's view of a shared store (the team server's tenancy). Every call is the base store's,
 * with the principal filled in:
 *  - records it writes carry `principal`; it reads, lists and finds by idempotency key only that
 *    principal's records, so another principal's job id is indistinguishable from one that does not exist;
 *  - idempotency claims, pending submits and spend reservations are keyed by (principal, key);
 *  - leases are per job, shared (one poller per job whoever asks).
 * The job machinery needs no notion of principals: the team server hands each principal's calls a
 * JobService over its ScopedStore.
 */
import type { JobPage, JobRecord, JobStore, Lease, ListJobsOptions, PendingSubmit, ReserveResult, SpendCaps, SpendReservation, SpendTotals } from './types.js';

/** A write to a job that another principal owns: answered as "not found" at the tool boundary. */
export class ForeignJobError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} belongs to another principal`);
  }
}

export class ScopedStore implements JobStore {
  readonly id: string;

  constructor(
    readonly base: JobStore,
    readonly principal: string,
  ) {
    this.id = (base as { id?: string }).id ?? 'store';
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

  claimPendingSubmit(p: PendingSubmit): Promise<boolean> {
    return this.base.claimPendingSubmit({ ...p, principal: this.principal });
  }
  putPendingSubmit(p: PendingSubmit): Promise<void> {
    return this.base.putPendingSubmit({ ...p, principal: this.principal });
  }
  getPendingSubmit(key: string): Promise<PendingSubmit | undefined> {
    return this.base.getPendingSubmit(key, this.principal);
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
