/**
 * One deadline per tool call (issue #10 §1): every request, retry, upload and download a call makes
 * runs inside it, and work that outlives it (polling, saving) continues in the background under its
 * own signal, never the call's.
 *
 * A `Deadline` is an absolute time (`at`, ms since the epoch) plus a signal that aborts at that time or
 * when the caller's own signal aborts (a client cancelling its tool call), whichever comes first.
 * Retries consult `remainingMs()` before they sleep, so a retry never starts that cannot finish.
 */

/** Budget of a tool call that does not wait (no `wait_seconds`): "answers within about 10 s". */
export const DEFAULT_CALL_BUDGET_MS = 10_000;

export interface Deadline {
  /** Absolute end of the call, ms since the epoch. */
  readonly at: number;
  /** Aborts at `at`, or earlier when the parent signal aborts. */
  readonly signal: AbortSignal;
}

/**
 * A deadline `budgetMs` from now, tied to the caller's signal when given.
 *
 * Built on a plain timer and AbortController rather than `AbortSignal.any([parent,
 * AbortSignal.timeout(ms)])`: on Node 20 a timeout signal reachable only through `any()` can be
 * garbage-collected before it fires, and the deadline then silently never comes (seen as a 30 s call
 * under a 10 s budget). The timer's closure holds the controller strongly until it fires; it is unref'd,
 * so it never keeps the process alive.
 */
export function createDeadline(budgetMs: number, parent?: AbortSignal, now: number = Date.now()): Deadline {
  const ms = Math.max(0, Math.floor(budgetMs));
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`The call's ${ms} ms budget is spent.`, 'TimeoutError')), ms);
  timer.unref();
  if (parent) {
    if (parent.aborted) controller.abort(parent.reason);
    else parent.addEventListener('abort', () => controller.abort(parent.reason), { once: true });
  }
  controller.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  return { at: now + ms, signal: controller.signal };
}

/** Milliseconds left before `deadline` (Infinity without one; never negative). */
export function remainingMs(deadline: Deadline | number | undefined, now: number = Date.now()): number {
  if (deadline === undefined) return Infinity;
  const at = typeof deadline === 'number' ? deadline : deadline.at;
  return Math.max(0, at - now);
}
