/**
 * The background watcher: while the server runs, it polls unfinished jobs on the schedule in
 * `schedule.ts`, records completion in the ledger and saves finished videos, so the result is there
 * even if the agent never asks. One timer for all jobs (armed for the earliest due job), so a thousand
 * jobs in flight cost one timer and a map.
 *
 * A job is polled by one process at a time: the watcher takes the job's lease in the store before each
 * poll (JobStore.acquireLease) and leaves the poll to the holder when another process has it, so two
 * editor windows do not double the polling, and only one of them downloads the video. The lease lasts
 * VIDEOGEN_LEASE_SECONDS (default 300 s); the holder re-takes it on every poll, so it lapses only when
 * the holder stops.
 */
import { log } from '../log.js';
import { TERMINAL, type JobRecord, type Lease } from './ledger.js';
import { nextPollDelayMs } from './schedule.js';
import { MAX_POLL_FAILURES, pollBackoffMs, type JobService } from './service.js';

/** Concurrent status calls, at most (the rest wait for the next tick). */
const MAX_CONCURRENT_POLLS = 8;
/** Time bound of one background status poll, retries included. */
const BACKGROUND_POLL_BUDGET_MS = 45_000;
/** Jobs older than this are not adopted from the ledger at startup. */
const ADOPT_MAX_AGE_MS = 48 * 3600_000;

interface Watched {
  jobId: string;
  dueAt: number;
  retryAfterMs?: number;
  /** The poll lease this watcher last took on the job. */
  lease?: Lease;
}

/**
 * Due times in a binary min-heap with lazy deletion: an entry whose job is gone or whose due time has
 * changed since it was pushed is dropped when it reaches the top. Arming and ticking cost O(log n), so
 * 5,000 jobs in flight cost what 5 do per event.
 */
class DueHeap {
  private readonly a: { at: number; w: Watched }[] = [];
  push(w: Watched): void {
    const a = this.a;
    a.push({ at: w.dueAt, w });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.at <= a[i]!.at) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  /** The earliest live entry (dropping stale ones), without removing it. */
  peek(live: (w: Watched, at: number) => boolean): Watched | undefined {
    while (this.a.length && !live(this.a[0]!.w, this.a[0]!.at)) this.pop();
    return this.a[0]?.w;
  }
  pop(): void {
    const a = this.a;
    const last = a.pop();
    if (!a.length || !last) return;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && a[l]!.at < a[m]!.at) m = l;
      if (r < a.length && a[r]!.at < a[m]!.at) m = r;
      if (m === i) break;
      [a[m], a[i]] = [a[i]!, a[m]!];
      i = m;
    }
  }
  clear(): void {
    this.a.length = 0;
  }
}

export class Watcher {
  private readonly jobs = new Map<string, Watched>();
  private readonly heap = new DueHeap();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private running = 0;
  private stopped = false;
  /** Listeners waiting for a job's next recorded state (bounded waits piggyback on the watcher). */
  private readonly listeners = new Map<string, Set<(rec: JobRecord) => void>>();

  constructor(private readonly service: JobService) {}

  get size(): number {
    return this.jobs.size;
  }

  /** Start (or keep) watching a job. */
  watch(rec: JobRecord): void {
    if (this.stopped || TERMINAL.has(rec.status)) return;
    if (!this.service.deps.adapters[rec.provider]) return;
    if (this.jobs.has(rec.job_id)) return;
    this.schedule({ jobId: rec.job_id, dueAt: Infinity }, this.service.now() + this.delayFor(rec));
  }

  /** Set a watched job's due time (and register it). */
  private schedule(w: Watched, dueAt: number): void {
    this.jobs.set(w.jobId, w);
    w.dueAt = dueAt;
    if (dueAt !== Infinity) this.heap.push(w);
    this.arm();
  }

  /**
   * Adopt unfinished jobs from the ledger (after a restart), and finish saving succeeded ones whose
   * video was not saved. Reads only those jobs (the store's unfinished and unsaved sets), never the
   * whole history. Jobs another live process is polling are watched too, but polled only by whoever
   * holds the job's lease (see pollOne), so two processes never double the polling.
   */
  async adopt(): Promise<number> {
    const since = this.service.now() - ADOPT_MAX_AGE_MS;
    const ledger = this.service.ledger;
    let n = 0;
    for (const rec of await ledger.listUnfinished({ sinceMs: since })) {
      if (!this.service.deps.adapters[rec.provider]) continue;
      this.watch(rec);
      n++;
    }
    if (this.service.config.download && ledger.listUnsaved) {
      for (const rec of await ledger.listUnsaved({ sinceMs: since })) {
        if (this.service.deps.adapters[rec.provider]) void this.service.save(rec).catch(() => {});
      }
    }
    return n;
  }

  /** Resolve on the job's next recorded state change (or a timeout), for bounded waits. */
  onUpdate(jobId: string, fn: (rec: JobRecord) => void): () => void {
    let set = this.listeners.get(jobId);
    if (!set) this.listeners.set(jobId, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.listeners.delete(jobId);
    };
  }

  /** Ask for a poll soon (a waiter wants fresh state). */
  nudge(jobId: string, inMs: number): void {
    const w = this.jobs.get(jobId);
    if (!w) return;
    const at = this.service.now() + inMs;
    // In flight (Infinity) stays in flight: pollOne reschedules it when done.
    if (w.dueAt !== Infinity && at < w.dueAt) this.schedule(w, at);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.jobs.clear();
    this.heap.clear();
  }

  private readonly live = (w: Watched, at: number) => this.jobs.get(w.jobId) === w && w.dueAt === at;

  private delayFor(rec: JobRecord, retryAfterMs?: number): number {
    const adapter = this.service.deps.adapters[rec.provider];
    return nextPollDelayMs({
      elapsedMs: this.service.now() - Date.parse(rec.created_at),
      typicalMs: this.service.typicalMs(rec),
      minIntervalMs: (adapter?.minPollIntervalSeconds ?? 2) * 1000,
      retryAfterMs,
      progress: rec.progress,
    });
  }

  private arm(): void {
    // With every poll slot busy, the next one to finish re-arms (no timer spinning at 0 ms meanwhile).
    if (this.stopped || this.running >= MAX_CONCURRENT_POLLS) return;
    const earliest = this.heap.peek(this.live)?.dueAt ?? Infinity;
    if (earliest === Infinity) return;
    if (this.timer && earliest >= this.armedFor) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = earliest;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.armedFor = Infinity;
        this.tick();
      },
      Math.max(0, earliest - this.service.now()),
    );
    // Never keep the process alive just to poll: the server exits when stdin closes.
    this.timer.unref();
  }

  private tick(): void {
    const now = this.service.now();
    while (this.running < MAX_CONCURRENT_POLLS) {
      const w = this.heap.peek(this.live);
      if (!w || w.dueAt > now) break;
      this.heap.pop();
      w.dueAt = Infinity; // in flight
      this.running++;
      void this.pollOne(w).finally(() => {
        this.running--;
        this.arm();
      });
    }
    this.arm();
  }

  private async pollOne(w: Watched): Promise<void> {
    let rec: JobRecord;
    try {
      rec = await this.service.load(w.jobId);
      if (!TERMINAL.has(rec.status)) {
        // One poller per job across processes: whoever holds the lease polls; the others keep
        // watching (the holder may die, and its lease then expires) and read what it records.
        const lease = await this.service.ledger.acquireLease(w.jobId, this.service.config.leaseMs);
        if (lease) {
          w.lease = lease;
          // Background polls get their own bound too, so a stalled provider cannot hold a poll slot
          // for minutes of per-attempt timeouts and retries.
          rec = await this.service.refresh(rec, { deadline: Date.now() + BACKGROUND_POLL_BUDGET_MS });
        }
      }
      if (rec.status === 'succeeded' && !rec.local_path && this.service.config.download) rec = await this.service.save(rec);
    } catch (err) {
      log.warn('watcher poll failed', { job_id: w.jobId, error: err instanceof Error ? err.message : String(err) });
      // A refused key or a missing provider does not fix itself: back off, and stop after
      // MAX_POLL_FAILURES (check_job still reports the error on request), leaving the job to others.
      const failures = this.service.pollFailures(w.jobId);
      if (failures >= MAX_POLL_FAILURES) {
        this.jobs.delete(w.jobId);
        if (w.lease) void this.service.ledger.releaseLease(w.lease).catch(() => undefined);
        return;
      }
      if (this.jobs.get(w.jobId) === w) this.schedule(w, this.service.now() + Math.max(30_000, pollBackoffMs(30_000, failures)));
      return;
    }
    for (const fn of this.listeners.get(w.jobId) ?? []) fn(rec);
    // A job whose status checks keep failing is left alone after MAX_POLL_FAILURES (its detail says
    // so); check_job still polls it on request.
    const givenUp = this.service.pollFailures(w.jobId) >= MAX_POLL_FAILURES;
    if (TERMINAL.has(rec.status) || this.stopped || givenUp) {
      this.jobs.delete(w.jobId);
      const done = TERMINAL.has(rec.status) && (rec.status !== 'succeeded' || rec.local_path || !this.service.config.download);
      if ((done || givenUp) && w.lease) void this.service.ledger.releaseLease(w.lease).catch(() => undefined);
      return;
    }
    if (this.jobs.get(w.jobId) === w) this.schedule(w, this.service.now() + this.delayFor(rec));
  }
}
