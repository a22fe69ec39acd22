/**
 * Bounded waits for `wait_seconds`: poll with backoff (never faster than the provider allows), report
 * progress through a callback, stop at the deadline, and end at once when the client cancels the call
 * (the job itself keeps running: cancel_job is the explicit way to stop it).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobRecord } from './ledger.js';
import { TERMINAL } from './status.js';
import type { JobService } from './service.js';

/** First re-check after this, growing by BACKOFF_FACTOR up to MAX_STEP_MS. */
const FIRST_STEP_MS = 1_000;
const BACKOFF_FACTOR = 1.5;
const MAX_STEP_MS = 5_000;

export interface WaitOptions {
  signal?: AbortSignal | undefined;
  /** The tool call's deadline (absolute ms); each check inside the wait runs within it. */
  deadline?: number | undefined;
  onProgress?: ((rec: JobRecord) => void | Promise<void>) | undefined;
}

export async function waitForJob(service: JobService, jobId: string, seconds: number, opts: WaitOptions = {}): Promise<JobRecord> {
  const deadline = Date.now() + seconds * 1000;
  const call = { signal: opts.signal, deadline: opts.deadline ?? deadline };
  let rec = await service.check(jobId, call);
  let step = FIRST_STEP_MS;
  const minStep = (service.deps.adapters[rec.provider]?.minPollIntervalSeconds ?? 1) * 1000;
  let lastSignature = '';
  // check() saves a finished video before it returns, so a terminal record here is final.
  while (!TERMINAL.has(rec.status)) {
    const signature = `${rec.status}:${rec.progress ?? ''}`;
    if (signature !== lastSignature) {
      lastSignature = signature;
      await opts.onProgress?.(rec);
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    await sleep(Math.min(left, Math.max(step, minStep)), undefined, opts.signal ? { signal: opts.signal } : undefined);
    step = Math.min(MAX_STEP_MS, step * BACKOFF_FACTOR);
    rec = await service.check(jobId, call);
  }
  return rec;
}
