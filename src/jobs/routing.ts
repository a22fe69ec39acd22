/**
 * Routing: which configured provider serves a validated request, in which order.
 *
 * - `provider` pins one backend (the simulator is always allowed).
 * - A provider-native slug (an alias pinning one offer) goes to the provider it comes from when that
 *   provider is configured.
 * - Otherwise the order is VIDEOGEN_PROVIDER_ORDER when set, else the cheapest estimate first (unknown
 *   prices last).
 * - With no provider key at all, the simulator serves every model.
 * - A combination no configured provider serves is refused before any request, naming what would serve
 *   it: another value, another model, or the key to set.
 */
import {
  MODELS,
  estimateUsd,
  offerServes,
  type ModelSpec,
  type Mode,
  type Offer,
  type ProviderId,
  type ResolvedModel,
  type VideoParams,
} from '../catalog/index.js';
import { configuredProviders, PROVIDER_ENV, REAL_PROVIDERS, type Config } from '../config.js';
import { VideogenError } from '../errors.js';

export interface RouteCandidate {
  offer: Offer;
  estimateUsd: number | undefined;
}

export interface RoutePlan {
  candidates: RouteCandidate[];
  simulated: boolean;
}

const DEFAULT_ORDER: ProviderId[] = ['runapi', 'apiframe', 'atlascloud', 'minimax', 'runway'];

function orderIndex(config: Config, p: ProviderId): number {
  const order = config.providerOrder ?? DEFAULT_ORDER;
  const i = order.indexOf(p as never);
  return i < 0 ? order.length + DEFAULT_ORDER.indexOf(p) : i;
}

export function planRoute(resolved: ResolvedModel, params: VideoParams, mode: Mode, config: Config, requestedProvider: ProviderId | undefined): RoutePlan {
  const model = resolved.model;
  const configured = new Set<ProviderId>(configuredProviders(config));
  const estimate = (o: Offer) => estimateUsd(o, params, mode, { apiframeUsdPerCredit: config.apiframeUsdPerCredit });
  const simulatorOffer = model.offers.find((o) => o.provider === 'simulator');

  if (requestedProvider === 'simulator' || (configured.size === 0 && requestedProvider === undefined)) {
    if (!simulatorOffer) throw new VideogenError('invalid_input', `The simulator does not serve ${model.id}.`);
    return { candidates: [{ offer: simulatorOffer, estimateUsd: 0 }], simulated: true };
  }

  // A provider's own slug names exactly one offer, whatever else the call says: it goes to that offer
  // or is refused with the reason, never quietly to a sibling offer (another tier, another provider).
  const pinned = resolved.pinned;
  if (pinned)
    return {
      candidates: [{ offer: pinnedRoute(model, pinned, params, mode, configured, requestedProvider), estimateUsd: estimate(pinned) }],
      simulated: false,
    };

  if (requestedProvider !== undefined) {
    const env = PROVIDER_ENV[requestedProvider as keyof typeof PROVIDER_ENV];
    const offers = model.offers.filter((o) => o.provider === requestedProvider);
    if (offers.length === 0)
      throw new VideogenError(
        'invalid_input',
        `${requestedProvider} does not offer ${model.id}; it is offered by: ${providersOf(model).join(', ')}. Omit provider to route automatically.${servedByConfigured(new Set([requestedProvider]), model)}`,
      );
    if (!configured.has(requestedProvider))
      throw new VideogenError(
        'not_configured',
        `${requestedProvider} is not configured (no ${env.key}). Omit provider to route automatically${servedByConfigured(configured, model)}, or ask the user to set ${env.key}.`,
        {
          provider: requestedProvider,
          envVar: env.key,
          noJobCreated: true,
        },
      );
    const serving = offers.filter((o) => offerServes(model, o, params, mode) === undefined);
    if (serving.length === 0) throw notServed(model, offers, params, mode, `${requestedProvider} cannot serve this request`);
    return {
      candidates: sortCandidates(
        config,
        serving.map((offer) => ({ offer, estimateUsd: estimate(offer) })),
      ),
      simulated: false,
    };
  }

  const real = model.offers.filter((o) => o.provider !== 'simulator');
  const available = real.filter((o) => configured.has(o.provider));
  const serving = available.filter((o) => offerServes(model, o, params, mode) === undefined);
  if (serving.length === 0) {
    if (available.length === 0) {
      const keys = [...new Set(real.map((o) => PROVIDER_ENV[o.provider as keyof typeof PROVIDER_ENV]?.key).filter(Boolean))];
      throw new VideogenError(
        'not_configured',
        `No configured provider offers ${model.id}: it is served by ${providersOf(model)
          .filter((p) => p !== 'simulator')
          .join(
            ', ',
          )}, and none of their keys (${keys.join(', ')}) is set.${servedByConfigured(configured, model)} Ask the user to set a key, or pass provider: "simulator" to try it without one.`,
        { noJobCreated: true },
      );
    }
    throw notServed(model, real, params, mode, `No configured provider serves this combination of ${model.id}`, configured);
  }
  return {
    candidates: sortCandidates(
      config,
      serving.map((offer) => ({ offer, estimateUsd: estimate(offer) })),
    ),
    simulated: false,
  };
}

/** The pinned offer itself, or the reason it cannot be used (another provider asked for, key missing, not served). */
function pinnedRoute(model: ModelSpec, pinned: Offer, params: VideoParams, mode: Mode, configured: Set<ProviderId>, requested: ProviderId | undefined): Offer {
  const slug = pinned.native_model;
  if (requested !== undefined && requested !== pinned.provider) {
    const alt = model.offers.some((o) => o.provider === requested)
      ? `pass model "${model.id}" with provider "${requested}"`
      : `${requested} does not offer ${model.id}`;
    throw new VideogenError(
      'invalid_input',
      `"${slug}" is ${pinned.provider}'s own model slug, so it names ${pinned.provider}'s offer only, but provider "${requested}" was asked for. Drop provider to use ${pinned.provider}, or ${alt}.`,
      { noJobCreated: true },
    );
  }
  if (!configured.has(pinned.provider)) {
    const env = PROVIDER_ENV[pinned.provider as keyof typeof PROVIDER_ENV]?.key ?? pinned.provider;
    throw new VideogenError(
      'not_configured',
      `"${slug}" is ${pinned.provider}'s own model slug and ${pinned.provider} is not configured: set ${env}, or pass model "${model.id}" to let any configured provider serve it.`,
      { provider: pinned.provider, envVar: env, noJobCreated: true },
    );
  }
  const reason = offerServes(model, pinned, params, mode);
  if (reason !== undefined) throw notServed(model, [pinned], params, mode, `${slug} on ${pinned.provider} ${reason}`);
  return pinned;
}

function sortCandidates(config: Config, list: RouteCandidate[]): RouteCandidate[] {
  return [...list].sort((a, b) => {
    if (config.providerOrder) return orderIndex(config, a.offer.provider) - orderIndex(config, b.offer.provider);
    const ua = a.estimateUsd ?? Number.POSITIVE_INFINITY;
    const ub = b.estimateUsd ?? Number.POSITIVE_INFINITY;
    return ua !== ub ? ua - ub : orderIndex(config, a.offer.provider) - orderIndex(config, b.offer.provider);
  });
}

/**
 * " Models your configured providers serve: …" (same modes first), so a refusal for one model names the
 * ones that would work now instead of leaving the agent to try them one by one.
 */
function servedByConfigured(configured: ReadonlySet<ProviderId>, model: ModelSpec): string {
  const real = [...configured].filter((p) => p !== 'simulator');
  if (real.length === 0) return '';
  const served = MODELS.filter((m) => m.id !== model.id && m.offers.some((o) => configured.has(o.provider)));
  if (served.length === 0) return ` ${real.join(', ')} serve${real.length === 1 ? 's' : ''} no model here.`;
  const sameMode = served.filter((m) => m.modes.some((x) => model.modes.includes(x)));
  const list = [...sameMode, ...served.filter((m) => !sameMode.includes(m))].map((m) => `${m.id} (${m.modes.join(', ')})`);
  return ` Models that ${real.join(', ')} serve${real.length === 1 ? 's' : ''} now: ${list.join('; ')}.`;
}

function providersOf(model: ModelSpec): string[] {
  return [...new Set(model.offers.map((o) => o.provider))];
}

/** A "not served" error that names what would serve: another value, or the key to set. */
function notServed(model: ModelSpec, offers: readonly Offer[], params: VideoParams, mode: Mode, head: string, configured?: Set<ProviderId>): VideogenError {
  const hints: string[] = [];
  for (const o of offers) {
    const reason = offerServes(model, o, params, mode);
    if (reason === undefined && configured && !configured.has(o.provider)) {
      const key = PROVIDER_ENV[o.provider as keyof typeof PROVIDER_ENV]?.key;
      hints.push(`${o.provider} (${o.native_model}) would serve it if the user set ${key}`);
    } else if (reason !== undefined && (!configured || configured.has(o.provider))) {
      hints.push(`${o.provider} ${o.native_model} ${reason}`);
    }
  }
  const unique = [...new Set(hints)].slice(0, 6);
  return new VideogenError('invalid_input', `${head}. ${unique.join('; ')}.`.replace(/\.\./g, '.'), { noJobCreated: true });
}

export { REAL_PROVIDERS };
