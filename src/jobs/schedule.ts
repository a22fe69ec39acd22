/**
 * When to poll a job next. Every poll spends the user's rate limit, so the schedule uses the model's
 * typical duration: one early poll to catch fast failures, then sparse polls that close in on the
 * expected end geometrically, dense polls around it, and a slow backoff for jobs that overrun.
 *
 * The provider's own advice is a floor (Runway: "not more than once every 5 s"), and a Retry-After
 * from the provider always wins.
 */

/** First poll, to catch jobs rejected at once (moderation, bad assets). */
export const EARLY_POLL_MS = 5_000;
/** Polling interval around the expected end; bounds the lag between "done" and "known". */
export const NEAR_END_INTERVAL_MS = 2_500;
/** Slowest polling for jobs that run long past their typical time. */
export const MAX_INTERVAL_MS = 30_000;
/** Each step covers this share of the time left until the typical end. */
const APPROACH_SHARE = 1 / 3;

export interface ScheduleInput {
  /** ms since the job was submitted */
  elapsedMs: number;
  /** the model's typical generation time */
  typicalMs: number;
  /** the provider's minimum interval between polls */
  minIntervalMs: number;
  /** a server hint (Retry-After) for the next poll */
  retryAfterMs?: number | undefined;
  /** provider-reported progress 0–1, when known */
  progress?: number | undefined;
}

export function nextPollDelayMs({ elapsedMs, typicalMs, minIntervalMs, retryAfterMs, progress }: ScheduleInput): number {
  const floor = Math.max(minIntervalMs, 250);
  if (retryAfterMs !== undefined) return Math.max(floor, retryAfterMs);
  const nearEnd = Math.max(floor, NEAR_END_INTERVAL_MS);
  if (elapsedMs < EARLY_POLL_MS) return Math.max(floor, EARLY_POLL_MS - elapsedMs);
  let expectedEnd = typicalMs;
  // Progress reported by the provider refines the estimate: remaining ≈ elapsed × (1 − p) / p.
  if (progress !== undefined && progress > 0.05 && progress < 1) {
    expectedEnd = elapsedMs + (elapsedMs * (1 - progress)) / progress;
  }
  const remaining = expectedEnd - elapsedMs;
  if (remaining > 0) return Math.max(nearEnd, Math.round(remaining * APPROACH_SHARE));
  // Past the expected end: dense for a while, then back off slowly.
  const overrun = -remaining;
  return Math.min(MAX_INTERVAL_MS, Math.max(nearEnd, Math.round(overrun * 0.2)));
}

/** The hint given to agents: when to call check_job again. */
export function pollAfterSeconds(input: ScheduleInput): number {
  return Math.max(1, Math.ceil(nextPollDelayMs(input) / 1000));
}
