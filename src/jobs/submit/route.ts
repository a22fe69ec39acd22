/**
 * Step 2 — route: which configured offers may serve the request, in which order (jobs/routing.ts),
 * and the dry-run answer built from that plan.
 *
 * Guarantee: a combination no configured provider serves is refused before anything is reserved or
 * sent; a dry run never goes past this step.
 */
import type { Config } from '../../config.js';
import { sanitizeParams } from '../ledger.js';
import { planRoute, type RoutePlan } from '../routing.js';
import type { DryRunPlan, ResolvedRequest } from './types.js';

export function routeRequest(req: ResolvedRequest, config: Config): RoutePlan {
  return planRoute(req.routed, req.params, req.mode, config, req.provider);
}

export function dryRunPlan(req: ResolvedRequest, plan: RoutePlan): DryRunPlan {
  const first = plan.candidates[0]!;
  return {
    dry_run: true,
    model: req.resolved.model.id,
    mode: req.mode,
    provider: first.offer.provider,
    native_model: first.offer.native_model,
    endpoint: first.offer.endpoint,
    params: sanitizeParams(req.params),
    estimated_cost_usd: first.estimateUsd,
    simulated: plan.simulated,
    alternatives: plan.candidates.slice(1).map((c) => ({ provider: c.offer.provider, native_model: c.offer.native_model, estimated_cost_usd: c.estimateUsd })),
  };
}
