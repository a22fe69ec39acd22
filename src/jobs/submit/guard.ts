/**
 * Step 3 — guard the money (jobs/budget.ts): max_cost_usd, the daily cap and the human's
 * confirmation, then a reservation under the request's key.
 *
 * Guarantee: a reservation is held only while a request may be billed. The failover step releases it
 * whenever the attempt ends without sending, or with an answer that proves no job (./failover.ts).
 */
import type { SpendRequest } from '../budget.js';
import type { RouteCandidate } from '../routing.js';
import type { GenerateContext, ResolvedRequest, SubmitEnv } from './types.js';

/** Authorize and reserve; resolves whether the human was asked (the caller's clock restarts then). */
export async function guardMoney(env: SubmitEnv, req: ResolvedRequest, key: string, cand: RouteCandidate, ctx: GenerateContext): Promise<{ asked: boolean }> {
  let asked = false;
  const confirm = ctx.confirm;
  await env.guard.authorize(spendRequest(key, req, cand), {
    confirm: confirm
      ? (q) => {
          asked = true;
          return confirm(q);
        }
      : undefined,
  });
  return { asked };
}

function spendRequest(key: string, req: ResolvedRequest, cand: RouteCandidate): SpendRequest {
  return {
    key,
    model: req.resolved.model.id,
    provider: cand.offer.provider,
    native_model: cand.offer.native_model,
    duration_seconds: req.params.duration_seconds,
    output_resolution: req.params.output_resolution,
    estimated_cost_usd: cand.estimateUsd,
    max_cost_usd: req.maxCostUsd,
  };
}
