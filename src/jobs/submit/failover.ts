/**
 * Step 10 — failover, around steps 3–9 for each routed offer in turn.
 *
 * Guarantees:
 *  - only an attempt that proves no job exists moves on to the next offer (nothing sent, or a definite
 *    refusal); a lost or ambiguous answer stops here, since that job may be billed;
 *  - a reservation never outlives an attempt that sent nothing or was refused;
 *  - error precedence: a refused key, an empty balance or a missing key is about the provider's
 *    ACCOUNT, so its other offers (other model ids) are skipped; and the answer reports the first real
 *    cause (a 401 at Atlas is not reported as a budget refusal of a sibling offer), with what was
 *    tried after it;
 *  - no new attempt starts once the call's deadline has passed.
 */
import type { ProviderId } from '../../catalog/index.js';
import { VideogenError, toAgentMessage } from '../../errors.js';
import { log } from '../../log.js';
import type { MediaField } from '../../media/local-input.js';
import type { LocalMedia } from '../../providers/types.js';
import { createDeadline, remainingMs } from '../deadline.js';
import type { RoutePlan } from '../routing.js';
import { claimKey, pendingSubmitFor } from './claim.js';
import { guardMoney } from './guard.js';
import { checkMediaFor, prepareMedia } from './media.js';
import { awaitSend, startSubmit } from './send.js';
import type { GenerateContext, GenerateOutcome, ResolvedRequest, SubmitEnv } from './types.js';

/** Failures that concern the provider account as a whole: its other offers would fail the same way. */
const ACCOUNT_WIDE = new Set(['auth', 'not_configured', 'insufficient_credits']);
/** Failures that are the request's own fault: reported as they are, whatever came before. */
const REQUEST_FAULT = new Set(['invalid_input', 'validation', 'moderation', 'conflict', 'declined']);

export async function submitWithFailover(
  env: SubmitEnv,
  req: ResolvedRequest,
  plan: RoutePlan,
  key: string,
  media: Map<MediaField, LocalMedia>,
  ctx: GenerateContext,
): Promise<GenerateOutcome> {
  const failures: { provider: ProviderId; err: VideogenError }[] = [];
  const skip = new Set<ProviderId>();
  const candidates = plan.candidates;
  for (let i = 0; i < candidates.length; i++) {
    const cand = candidates[i]!;
    const provider = cand.offer.provider;
    if (skip.has(provider)) continue;
    let reserved = false;
    let sent = false;
    try {
      const adapter = env.adapter(provider);
      checkMediaFor(req.resolved.model, provider, req.params, media);
      reserved = true; // authorize may reserve before it throws (a cap re-check under the lock)
      const { asked } = await guardMoney(env, req, key, cand, ctx);
      // Time the human spent answering is not the call's: its clock restarts after a confirmation.
      if (asked && ctx.budgetMs !== undefined) ctx.deadline = createDeadline(ctx.budgetMs, ctx.signal);
      const wire = await prepareMedia(adapter, { ...req.params, ...req.wireOverrides }, media, callOptions(ctx));
      if (ctx.deadline?.signal.aborted) throw ctx.deadline.signal.reason;
      const pending = pendingSubmitFor(env, req, key, cand, plan.simulated, wire, adapter.idempotentSubmit);
      let claim;
      try {
        claim = await claimKey(env, req, pending);
      } catch (err) {
        // Another process holds the key: its reservation is this key's reservation (one per key), and
        // releasing by key would cancel it. Nothing of ours to give back.
        reserved = false;
        throw err;
      }
      if (claim !== 'claimed') return claim; // the key's job exists; its reservation stands
      sent = true;
      const run = startSubmit(env, adapter, pending, { model: req.resolved.model, offer: cand.offer, params: wire, idempotencyKey: key });
      const r = await awaitSend(run, pending, ctx.deadline);
      if ('submitting' in r) return r;
      if (!r.ok) throw r.error;
      let record = r.record;
      if (failures.length) {
        record = await env.ledger.put({
          ...record,
          failed_over_from: failures.map((f) => f.provider),
          detail: `Routed to ${provider} after ${failures.map((f) => `${f.provider} failed (${toAgentMessage(f.err).message.slice(0, 160)})`).join('; ')}.`,
        });
      }
      return { record, reused: false };
    } catch (raw) {
      if (!sent && ctx.signal?.aborted) {
        if (reserved) await env.guard.release(key);
        throw raw; // the client gave up on the call; nothing went out
      }
      const err = !sent && !(raw instanceof VideogenError) && ctx.deadline?.signal.aborted ? outOfTime(provider, ctx) : raw;
      const definite = !sent || (err instanceof VideogenError && err.noJobCreated);
      if (definite && reserved) await env.guard.release(key);
      if (!(err instanceof VideogenError) || !definite) throw err;
      failures.push({ provider, err });
      if (ACCOUNT_WIDE.has(err.code)) skip.add(provider);
      const hasNext = candidates.slice(i + 1).some((c) => !skip.has(c.offer.provider));
      if (!hasNext || !isFailoverable(err) || remainingMs(ctx.deadline) === 0) throw firstRealCause(failures);
      log.warn(`failing over from ${provider}`, { code: err.code });
    }
  }
  throw failures.length ? firstRealCause(failures) : new VideogenError('internal', 'No provider was tried.');
}

function callOptions(ctx: GenerateContext): { signal?: AbortSignal; deadline?: number } {
  const signal = ctx.deadline?.signal ?? ctx.signal;
  return { ...(signal ? { signal } : {}), ...(ctx.deadline ? { deadline: ctx.deadline.at } : {}) };
}

function outOfTime(provider: ProviderId, ctx: GenerateContext): VideogenError {
  const s = ctx.budgetMs !== undefined ? ` ${Math.round(ctx.budgetMs / 1000)} s` : '';
  return new VideogenError(
    'unavailable',
    `This call's${s} time budget ran out before the request to ${provider} could be sent (preparing it, e.g. uploading the media, took too long); nothing was submitted and nothing is reserved. Call generate_video again (an https URL or a smaller file is faster), pass wait_seconds for a longer budget, or raise VIDEOGEN_CALL_BUDGET_SECONDS.`,
    { provider, noJobCreated: true },
  );
}

function isFailoverable(err: VideogenError): boolean {
  // Proven-no-job failures that another provider may not share. Validation and conflicts are the
  // request's own fault and would fail everywhere. A money guard (max_cost_usd, the daily cap, the
  // confirmation threshold) refuses this offer's price, which a cheaper next offer may meet; a human's
  // "no" (declined) is final.
  return ['not_configured', 'auth', 'insufficient_credits', 'unavailable', 'quota', 'rate_limited', 'budget', 'rejected'].includes(err.code);
}

/**
 * The error to report after failed attempts: the request's own fault if the last attempt says so,
 * otherwise the FIRST failure, naming what was tried after it.
 */
function firstRealCause(failures: { provider: ProviderId; err: VideogenError }[]): VideogenError {
  const last = failures[failures.length - 1]!;
  if (failures.length === 1) return last.err;
  const primary = REQUEST_FAULT.has(last.err.code) ? last : failures[0]!;
  const others = failures.filter((f) => f !== primary).map((f) => `${f.provider}: ${f.err.code}${f.err.envVar ? ` (check ${f.err.envVar})` : ''}`);
  const e = primary.err;
  return new VideogenError(e.code, `${e.message} (Also tried: ${others.join('; ')}.)`, {
    ...(e.provider ? { provider: e.provider } : {}),
    ...(e.envVar ? { envVar: e.envVar } : {}),
    ...(e.providerText !== undefined ? { providerText: e.providerText } : {}),
    ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
    ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
    noJobCreated: true,
    cause: e,
  });
}
