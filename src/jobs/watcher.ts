/**
 * The background watcher: while the server runs, it polls unfinished jobs on the schedule in
 * `schedule.ts`, records completion in the ledger and saves finished videos, so the result is there
 * even if the agent never asks. One timer for all jobs (armed for the earliest due job), so a thousand
 * jobs in flight cost one timer and a map.
 *
 * A job is watched by one process at a time: the watcher takes a lease in the job's record and skips
 * jobs another live process holds, so two editor windows do not double the polling.
 */
import { log } from '../log.js';
import { TERMINAL, type JobRecord } from './ledger.js';
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
}

export class Watcher {
  private readonly jobs = new Map<string, Watched>();
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
    const existing = this.jobs.get(rec.job_id);
    const dueAt = existing?.dueAt ?? this.service.now() + this.delayFor(rec);
    this.jobs.set(rec.job_id, { jobId: rec.job_id, dueAt });
    this.arm();
  }

  /** Adopt unfinished jobs from the ledger (after a restart), unless another live process watches them. */
  async adopt(): Promise<number> {
    const now = this.service.now();
    let n = 0;
    for (const rec of await this.service.ledger.list()) {
      if (TERMINAL.has(rec.status) || now - Date.parse(rec.created_at) > ADOPT_MAX_AGE_MS) {
        if (rec.status === 'succeeded' && !rec.local_path && now - Date.parse(rec.updated_at) < ADOPT_MAX_AGE_MS && this.service.deps.adapters[rec.provider])
          void this.service.save(rec).catch(() => {});
        continue;
      }
      if (rec.lease && rec.lease.pid !== process.pid && rec.lease.until > now && isAlive(rec.lease.pid)) continue;
      this.watch(rec);
      n++;
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
    w.dueAt = Math.min(w.dueAt, this.service.now() + inMs);
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.jobs.clear();
  }

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
    if (this.stopped) return;
    let earliest = Infinity;
    for (const w of this.jobs.values()) if (w.dueAt < earliest) earliest = w.dueAt;
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
    const due = [...this.jobs.values()].filter((w) => w.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
    for (const w of due) {
      if (this.running >= MAX_CONCURRENT_POLLS) break;
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
        const lease = { pid: process.pid, until: this.service.now() + 5 * 60_000 };
        // Background polls get their own bound too, so a stalled provider cannot hold a poll slot for
        // minutes of per-attempt timeouts and retries.
        rec = await this.service.refresh({ ...rec, lease }, { deadline: Date.now() + BACKGROUND_POLL_BUDGET_MS });
      }
      if (rec.status === 'succeeded' && !rec.local_path && this.service.config.download) rec = await this.service.save(rec);
    } catch (err) {
      log.warn('watcher poll failed', { job_id: w.jobId, error: err instanceof Error ? err.message : String(err) });
      // A refused key or a missing provider does not fix itself: back off, and stop after
      // MAX_POLL_FAILURES (check_job still reports the error on request).
      const failures = this.service.pollFailures(w.jobId);
      if (failures >= MAX_POLL_FAILURES) {
        this.jobs.delete(w.jobId);
        return;
      }
      const cur = this.jobs.get(w.jobId);
      if (cur) cur.dueAt = this.service.now() + Math.max(30_000, pollBackoffMs(30_000, failures));
      return;
    }
    for (const fn of this.listeners.get(w.jobId) ?? []) fn(rec);
    // A job whose status checks keep failing is left alone after MAX_POLL_FAILURES (its detail says
    // so); check_job still polls it on request.
    if (TERMINAL.has(rec.status) || this.stopped || this.service.pollFailures(w.jobId) >= MAX_POLL_FAILURES) {
      this.jobs.delete(w.jobId);
      return;
    }
    const cur = this.jobs.get(w.jobId);
    if (cur) cur.dueAt = this.service.now() + this.delayFor(rec);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
