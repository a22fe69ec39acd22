/**
 * The built-in simulator: a keyless provider that behaves like a real asynchronous backend. A job goes
 * queued → running (with progress) → succeeded over `durationMs`, and its video is a real, playable MP4
 * shipped in `assets/`. State is derived from the handle (start time and duration), so a job started in
 * one process is seen identically from another, or after a restart.
 *
 * A prompt containing `[simulate:fail]` fails (as moderation would), for trying out error handling.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { assetPath } from '../assets.js';
import type { JobHandle, JobStatus, ProviderAdapter, SubmitRequest, SubmitResult } from './types.js';

/** Share of the job spent "queued" before it starts running. */
const QUEUED_SHARE = 0.15;
export const SIMULATOR_VIDEO = 'simulator.mp4';
export const FAIL_MARKER = '[simulate:fail]';

export class SimulatorAdapter implements ProviderAdapter {
  readonly id = 'simulator' as const;
  readonly idempotentSubmit = true;
  readonly canCancel = true;
  readonly keyEnv = '(none)';
  readonly minPollIntervalSeconds = 0.25;

  constructor(
    private readonly durationMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async submit(req: SubmitRequest): Promise<SubmitResult> {
    const handle: JobHandle = {
      id: randomBytes(6).toString('hex'),
      t: String(this.now()),
      d: String(this.durationMs),
      ...(req.params.prompt?.includes(FAIL_MARKER) ? { f: '1' } : {}),
    };
    return { handle, status: { state: 'queued', detail: 'simulated job accepted' } };
  }

  async getJob(handle: JobHandle): Promise<JobStatus> {
    if (handle['c']) return { state: 'canceled' };
    const start = Number(handle['t']);
    const duration = Number(handle['d']);
    if (!Number.isFinite(start) || !Number.isFinite(duration)) return { state: 'failed', reason: 'malformed simulator job id' };
    const share = duration <= 0 ? 1 : (this.now() - start) / duration;
    if (share < QUEUED_SHARE) return { state: 'queued', detail: 'simulated queue' };
    if (share < 1) return { state: 'running', progress: Math.min(0.99, (share - QUEUED_SHARE) / (1 - QUEUED_SHARE)) };
    if (handle['f']) return { state: 'failed', reason: 'Simulated failure: the prompt asked for one with [simulate:fail].', error_code: 'moderation' };
    return { state: 'succeeded', videos: [{ url: pathToFileURL(assetPath(SIMULATOR_VIDEO)).href }] };
  }

  async cancel(): Promise<void> {
    // Nothing upstream; the job service records the cancellation in the ledger.
  }
}
