/**
 * Step 9 — record the outcome of a sent submit.
 *
 * Guarantees ("never lost", "never hidden"):
 *  - a job the provider confirmed is written to the ledger BEFORE its pending submit is cleared, so a
 *    crash in between leaves a duplicate pending entry (harmless: the reconciler finds the job by key)
 *    and never a lost job;
 *  - an indeterminate outcome (lost answer, a 5xx after the request arrived) on a provider WITHOUT
 *    idempotency keys is recorded as an `unknown` job carrying its key, visible in list_jobs; where the
 *    provider deduplicates by key, the pending submit is kept for a safe replay instead;
 *  - a definite refusal leaves no record and no pending submit (and the reservation is released by
 *    the failover step).
 */
import type { ProviderId } from '../../catalog/index.js';
import { VideogenError, toAgentMessage } from '../../errors.js';
import { log } from '../../log.js';
import { NetworkError } from '../../providers/http.js';
import type { ProviderAdapter, SubmitResult } from '../../providers/types.js';
import { encodeJobId } from '../job-id.js';
import type { JobRecord, PendingSubmit } from '../ledger.js';
import { applyStatus } from '../service.js';
import type { SubmitEnv } from './types.js';

/** Write the confirmed job, then clear its pending submit, then settle the reservation. */
export async function recordJob(env: SubmitEnv, pending: PendingSubmit, result: SubmitResult): Promise<JobRecord> {
  const nowIso = new Date(env.now()).toISOString();
  const jobId = encodeJobId(pending.provider, pending.model, result.handle);
  const record: JobRecord = {
    job_id: jobId,
    provider: pending.provider,
    model: pending.model,
    native_model: pending.native_model,
    params: pending.params,
    status: 'queued',
    simulated: pending.simulated ?? pending.provider === 'simulator',
    idempotency_key: pending.idempotency_key,
    fingerprint: pending.fingerprint,
    ...(pending.mode ? { mode: pending.mode } : {}),
    created_at: nowIso,
    updated_at: nowIso,
    ...(pending.estimated_cost_usd !== undefined ? { estimated_cost_usd: pending.estimated_cost_usd } : {}),
    ...(result.billed_usd !== undefined ? { billed_cost_usd: result.billed_usd } : {}),
  };
  applyStatus(record, result.status ?? { state: 'queued' }, env.now());
  const saved = await env.ledger.put(record);
  await env.ledger.clearPendingSubmit(pending.idempotency_key);
  env.guard.commit(pending.idempotency_key, saved);
  log.info('job submitted', { job_id: jobId, provider: pending.provider, model: pending.model });
  env.onJobRecorded(saved);
  return saved;
}

/** An `unknown` job: the submit may or may not have created a job, and nothing will resubmit it. */
export async function recordUnknown(env: SubmitEnv, pending: PendingSubmit, err: VideogenError, detail?: string): Promise<JobRecord> {
  const nowIso = new Date(env.now()).toISOString();
  const saved = await env.ledger.put({
    job_id: `unknown_${pending.idempotency_key}`,
    provider: pending.provider,
    model: pending.model,
    native_model: pending.native_model,
    params: pending.params,
    status: 'unknown',
    simulated: false,
    idempotency_key: pending.idempotency_key,
    fingerprint: pending.fingerprint,
    error: { code: 'unknown_outcome', message: toAgentMessage(err).message },
    ...(detail ? { detail } : {}),
    created_at: pending.created_at,
    updated_at: nowIso,
    ...(pending.estimated_cost_usd !== undefined ? { estimated_cost_usd: pending.estimated_cost_usd } : {}),
  });
  await env.ledger.clearPendingSubmit(pending.idempotency_key);
  return saved;
}

export function unknownOutcome(provider: ProviderId, key: string, what: string): VideogenError {
  return new VideogenError(
    'unknown_outcome',
    `${what} to ${provider} may or may not have created a job: its response was lost, and ${provider} has no idempotency keys, so nothing was resubmitted (idempotency_key "${key}"). Check your ${provider} dashboard's task history before trying again, to avoid paying twice.`,
    { provider },
  );
}

/**
 * A submit that failed: record what it proves, and return the error for the agent.
 * Definite refusal → clear the pending submit. Indeterminate → keep it for a replay (idempotent
 * provider) or record `unknown` (anyone else).
 */
export async function recordFailure(env: SubmitEnv, adapter: ProviderAdapter, pending: PendingSubmit, err: unknown): Promise<unknown> {
  const key = pending.idempotency_key;
  const provider = pending.provider;
  if (err instanceof VideogenError && err.noJobCreated) {
    await env.ledger.clearPendingSubmit(key);
    return err;
  }
  const refused = refusedLocally(err);
  if (refused) {
    // The HTTP client refused to build the request (an invalid header value or URL): nothing left
    // this machine, so this is a definite failure, not an unknown outcome that would poison the key.
    await env.ledger.clearPendingSubmit(key);
    return new VideogenError('internal', `The request to ${provider} could not be built (${refused}); nothing was sent and nothing is reserved.`, {
      provider,
      noJobCreated: true,
      cause: err,
    });
  }
  if (adapter.idempotentSubmit) {
    // Released by this process: any process (or the reconciler) may replay it with the same key.
    const { pid: _pid, ...unowned } = pending;
    await env.ledger.putPendingSubmit(unowned);
    const how = `call generate_video again with idempotency_key "${key}" and the same parameters to replay it safely: ${provider} deduplicates by that key, so you are not charged twice (the server also replays it in the background).`;
    if (err instanceof NetworkError && err.maybeSent)
      return new VideogenError('unavailable', `${provider} did not confirm the submit (${err.networkCode}). It may have created the job; ${how}`, {
        provider,
        cause: err,
      });
    if (err instanceof VideogenError)
      return new VideogenError('unavailable', `${err.message} The job may or may not exist; ${how}`, {
        provider,
        cause: err,
        ...(err.providerText !== undefined ? { providerText: err.providerText } : {}),
        ...(err.httpStatus !== undefined ? { httpStatus: err.httpStatus } : {}),
      });
    return new VideogenError('unavailable', `The submit to ${provider} ended without an answer. ${how}`, { provider, cause: err });
  }
  const unk =
    err instanceof VideogenError && err.code === 'unknown_outcome'
      ? new VideogenError(
          'unknown_outcome',
          `${err.message} It is listed by list_jobs as job unknown_${key} (idempotency_key "${key}"); calling generate_video again with that key returns it and sends nothing.`,
          { provider, cause: err, ...(err.providerText !== undefined ? { providerText: err.providerText } : {}) },
        )
      : unknownOutcome(provider, key, 'This submit');
  await recordUnknown(env, pending, unk);
  return unk;
}

/** Error codes of a request the HTTP client refused before sending anything (undici and Node). */
const NOT_SENT_LOCALLY = new Set([
  'UND_ERR_INVALID_ARG',
  'ERR_INVALID_ARG_VALUE',
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_URL',
  'ERR_INVALID_CHAR',
  'ERR_HTTP_INVALID_HEADER_VALUE',
]);

/** The code of a locally refused request anywhere in the cause chain, if any. */
function refusedLocally(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_SENT_LOCALLY.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
