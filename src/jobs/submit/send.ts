/**
 * Step 8 — send the paid request.
 *
 * Guarantees:
 *  - a request the provider may bill is never abandoned: the submit is NOT tied to the tool call's
 *    signal or deadline (a client cancelling, or the call's time running out, must not cut a request
 *    that may already have created a job). It is bounded only by the request helper's per-attempt
 *    timeout, and its outcome — job, refusal or unknown — is recorded whenever it arrives (./record.ts);
 *  - the tool call still answers in time: the submit is raced against the call's deadline, and when
 *    the deadline wins the call returns `StillSubmitting` (the key finds the job later, and nothing is
 *    sent twice: the pending submit stays claimed until the outcome is recorded);
 *  - one process never runs two submits for one key: `INFLIGHT` holds each until it ends.
 */
import { log } from '../../log.js';
import type { ProviderAdapter, SubmitRequest } from '../../providers/types.js';
import type { Deadline } from '../deadline.js';
import type { PendingSubmit } from '../ledger.js';
import { recordFailure, recordJob } from './record.js';
import type { SendResult, StillSubmitting, SubmitEnv } from './types.js';

/**
 * This process's submits still waiting for their answer, by ledger directory and idempotency key.
 * Process-wide, not per service: a pending submit's `pid` names a process, and every job service in
 * it must see the same in-flight set (tests run two services sharing one ledger in one process).
 */
const INFLIGHT = new Map<string, Promise<SendResult>>();
const slot = (env: SubmitEnv, key: string) => `${env.ledger.id}\0${key}`;

export function inflight(env: SubmitEnv, key: string): Promise<SendResult> | undefined {
  return INFLIGHT.get(slot(env, key));
}

/** Start the submit in the background and record its outcome; the promise never rejects. */
export function startSubmit(env: SubmitEnv, adapter: ProviderAdapter, pending: PendingSubmit, request: SubmitRequest): Promise<SendResult> {
  const key = pending.idempotency_key;
  const run = (async (): Promise<SendResult> => {
    let result;
    try {
      result = await adapter.submit(request, {});
    } catch (err) {
      try {
        return { ok: false, error: await recordFailure(env, adapter, pending, err) };
      } catch (recordErr) {
        log.error('could not record a failed submit', { idempotency_key: key, error: String(recordErr) });
        return { ok: false, error: err };
      }
    }
    try {
      return { ok: true, record: await recordJob(env, pending, result) };
    } catch (err) {
      // The job exists upstream but the ledger write failed: the pending submit stays, and the
      // reconciler replays (keyed providers) or records it as unknown.
      log.error('could not record a submitted job', { idempotency_key: key, error: String(err) });
      return { ok: false, error: err };
    }
  })();
  const at = slot(env, key);
  INFLIGHT.set(at, run);
  void run.finally(() => {
    if (INFLIGHT.get(at) === run) INFLIGHT.delete(at);
  });
  return run;
}

/** Wait for a send to end, or for the deadline, whichever comes first. */
export async function awaitSend(run: Promise<SendResult>, pending: PendingSubmit, deadline: Deadline | undefined): Promise<SendResult | StillSubmitting> {
  if (!deadline) return run;
  if (deadline.signal.aborted) return stillSubmitting(pending);
  let onAbort: (() => void) | undefined;
  const timedOut = new Promise<'deadline'>((resolve) => {
    onAbort = () => resolve('deadline');
    deadline.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const r = await Promise.race([run, timedOut]);
    return r === 'deadline' ? stillSubmitting(pending) : r;
  } finally {
    if (onAbort) deadline.signal.removeEventListener('abort', onAbort);
  }
}

export function stillSubmitting(p: PendingSubmit): StillSubmitting {
  return {
    submitting: true,
    idempotency_key: p.idempotency_key,
    provider: p.provider,
    model: p.model,
    native_model: p.native_model,
    estimated_cost_usd: p.estimated_cost_usd,
    simulated: p.simulated ?? false,
    since: p.created_at,
  };
}
