/**
 * Steps 6–7 — claim the key and record the pending submit, in ONE atomic write, immediately before
 * the request is sent (nothing awaited in between but that write).
 *
 * Guarantees:
 *  - "never twice" across processes: the pending-submit file is created with an exclusive hard link
 *    (Ledger.claimPendingSubmit); a second process given the same key finds it taken, and sends nothing;
 *  - "never lost": a paid request never leaves without its pending submit on disk, so a crash or a lost
 *    answer is found by the reconciler (./reconcile.ts) and replayed or recorded as `unknown`;
 *  - a key is never claimed for a call that sends nothing: validation, routing, money guards and
 *    uploads all happen before, so a refusal or a crash before this point leaves the key free (no false
 *    "unknown outcome" later).
 * Doing both in one write means there is no moment where a key is claimed but not recorded, or the
 * other way round.
 */
import { hostname } from 'node:os';
import { VideogenError } from '../../errors.js';
import { sanitizeParams, type PendingSubmit } from '../ledger.js';
import type { RouteCandidate } from '../routing.js';
import type { JobOutcome, ResolvedRequest, SubmitEnv } from './types.js';
import type { VideoParams } from '../../catalog/index.js';

export function pendingSubmitFor(
  env: SubmitEnv,
  req: ResolvedRequest,
  key: string,
  cand: RouteCandidate,
  simulated: boolean,
  wire: VideoParams,
  idempotent: boolean,
): PendingSubmit {
  const inline = Object.values(wire).some((v) => typeof v === 'string' && v.startsWith('data:'));
  return {
    idempotency_key: key,
    provider: cand.offer.provider,
    model: req.resolved.model.id,
    native_model: cand.offer.native_model,
    params: sanitizeParams(req.params),
    fingerprint: req.fingerprint,
    created_at: new Date(env.now()).toISOString(),
    pid: process.pid,
    host: hostname(),
    mode: req.mode,
    simulated,
    ...(cand.estimateUsd !== undefined ? { estimated_cost_usd: cand.estimateUsd } : {}),
    ...(idempotent && !inline ? { wire } : {}),
  };
}

/**
 * Claim `pending.idempotency_key` and record the pending submit. Returns the job another process made
 * with this key in the meantime (nothing to send), or 'claimed' (send now).
 */
export async function claimKey(env: SubmitEnv, req: ResolvedRequest, pending: PendingSubmit): Promise<'claimed' | JobOutcome> {
  const key = pending.idempotency_key;
  if (req.callerKey === undefined) {
    // A generated key is unique: no contention, a plain atomic write.
    await env.ledger.putPendingSubmit(pending);
    return 'claimed';
  }
  if (!(await env.ledger.claimPendingSubmit(pending)))
    throw new VideogenError(
      'conflict',
      `Another call with idempotency_key "${key}" is being submitted right now (by another server process); nothing was submitted by this one. Call generate_video again with the same key in a few seconds to get its job.`,
      { noJobCreated: true },
    );
  // The other process may have finished between our first look and the claim.
  const existing = await env.ledger.findByIdempotencyKey(key);
  if (existing) {
    await env.ledger.clearPendingSubmit(key);
    if (existing.fingerprint !== undefined && existing.fingerprint !== req.fingerprint) throw keyReused(key, existing.job_id);
    return { record: existing, reused: true };
  }
  return 'claimed';
}

export function keyReused(key: string, jobId: string): VideogenError {
  return new VideogenError('conflict', `idempotency_key "${key}" was already used for a different request (job ${jobId}). Use a new key for a new video.`, {
    noJobCreated: true,
  });
}
