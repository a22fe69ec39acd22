/**
 * Views of the catalog: the compact list, the full parameter table of one model, and the README table.
 * All derived from the model data, so they cannot drift from validation and routing.
 */
import { allAliases, MODELS } from './registry.js';
import { estimateUsd, offerCombinations, priceTable, type PriceOptions } from './pricing.js';
import type { JointRule, ModelDetail, ModelSpec, ModelSummary, Offer, OfferDetail, OfferSummary, ProviderId, RuleSummary } from './types.js';

export const PROVIDER_LABELS: Readonly<Record<ProviderId, string>> = {
  runapi: 'RunAPI',
  apiframe: 'Apiframe',
  atlascloud: 'Atlas Cloud',
  minimax: 'MiniMax',
  runway: 'Runway',
  simulator: 'simulator',
};

function rule(r: JointRule): RuleSummary {
  return { id: r.id, message: r.message, source: r.source };
}

/** Every name that resolves to the model other than its id: model aliases, then pinning slugs. */
function namesOf(model: ModelSpec): string[] {
  return allAliases()
    .filter((e) => e.model === model && e.alias.toLowerCase() !== model.id.toLowerCase())
    .map((e) => e.alias);
}

/** USD range of one offer over every combination it serves; 'unknown' when no price is known. */
function offerUsdRange(model: ModelSpec, offer: Offer, opts: PriceOptions): OfferSummary['price_usd'] {
  const values = offerCombinations(model, offer)
    .map((c) => estimateUsd(offer, c.params, c.mode, opts))
    .filter((v): v is number => v !== undefined);
  return values.length ? { min: Math.min(...values), max: Math.max(...values) } : 'unknown';
}

/**
 * A compact JSON-able summary of a model for list_models. `opts` only affects the Apiframe credit
 * conversion in each offer's `price_usd`.
 */
export function summarizeModel(model: ModelSpec, opts: PriceOptions = {}): ModelSummary {
  return {
    id: model.id,
    title: model.title,
    family: model.family,
    modes: [...model.modes],
    aliases: namesOf(model),
    durations: [...model.params.durations],
    resolutions: [...model.params.resolutions],
    aspect_ratios: [...model.params.aspect_ratios],
    // Endpoints and wire details are in describeModel (list_models with a model filter): the plain
    // listing stays light on the agent's context.
    offers: model.offers.map((o) => ({
      provider: o.provider,
      native_model: o.native_model,
      price_usd: offerUsdRange(model, o, opts),
      ...(o.unreleased ? { unreleased: true as const } : {}),
    })),
  };
}

function offerDetail(model: ModelSpec, offer: Offer, opts: PriceOptions): OfferDetail {
  const d: OfferDetail = {
    provider: offer.provider,
    native_model: offer.native_model,
    endpoint: offer.endpoint,
    aliases: offer.aliases?.filter((a) => a.toLowerCase() !== model.id.toLowerCase()) ?? [],
    serves: {
      modes: [...(offer.serves.modes ?? model.modes)],
      durations: [...(offer.serves.durations ?? model.params.durations)],
      resolutions: [...(offer.serves.resolutions ?? model.params.resolutions)],
      aspect_ratios: [...(offer.serves.aspect_ratios ?? model.params.aspect_ratios)],
    },
    rules: (offer.serves.rules ?? []).map(rule),
    wire_fields: offer.wire_fields,
    price: priceTable(model, offer, opts),
    typical_seconds: offer.typical_seconds ?? model.typical_seconds,
  };
  if (offer.notes !== undefined) d.notes = offer.notes;
  if (offer.unreleased !== undefined) d.unreleased = offer.unreleased;
  if (offer.retired_aliases?.length) d.retired_aliases = offer.retired_aliases.map((r) => r.slug);
  return d;
}

/** The full parameter table for list_models with a model filter. */
export function describeModel(model: ModelSpec, opts: PriceOptions = {}): ModelDetail {
  const { offers: _summaryOffers, ...summary } = summarizeModel(model, opts);
  const defaults: ModelDetail['defaults'] = {};
  if (model.params.default_duration !== undefined) defaults.duration_seconds = model.params.default_duration;
  if (model.params.default_resolution !== undefined) defaults.output_resolution = model.params.default_resolution;
  if (model.params.default_aspect_ratio !== undefined) defaults.aspect_ratio = model.params.default_aspect_ratio;
  const detail: ModelDetail = {
    ...summary,
    defaults,
    prompt_max_chars: model.params.prompt_max_chars,
    prompt_optimizer: model.params.prompt_optimizer,
    presence: model.params.presence,
    rules: model.rules.map(rule),
    offers: model.offers.map((o) => offerDetail(model, o, opts)),
    typical_seconds: model.typical_seconds,
  };
  if (model.notes !== undefined) detail.notes = model.notes;
  if (model.docs_url !== undefined) detail.docs_url = model.docs_url;
  return detail;
}

function compactNumbers(values: readonly number[]): string {
  if (values.length === 0) return '—';
  if (values.length > 3 && values.every((v, i) => i === 0 || v === values[i - 1]! + 1)) return `${values[0]}–${values[values.length - 1]}`;
  return values.join(', ');
}

function money(x: number): string {
  return `$${x.toFixed(2)}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The price range of a model over every offer and combination: USD where known, credit prices aside. */
function range(values: readonly number[], fmt: (x: number) => string): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`;
}

function priceRange(model: ModelSpec): string {
  const usd: number[] = [];
  const unverified = new Map<ProviderId, number[]>();
  const credits: number[] = [];
  const perSecond: string[] = [];
  for (const o of model.offers) {
    if (o.provider === 'simulator') continue;
    const p = o.price;
    if (p.kind === 'credits') credits.push(...p.rows.map((r) => r.credits));
    const sink = p.kind === 'table' && p.unverified ? (unverified.get(o.provider) ?? []) : usd;
    if (sink !== usd) unverified.set(o.provider, sink);
    for (const c of offerCombinations(model, o)) {
      const v = estimateUsd(o, c.params, c.mode);
      if (v !== undefined) sink.push(v);
    }
    if (p.kind === 'per_second' && p.credits_per_second !== undefined && model.params.durations.length === 0)
      perSecond.push(`${PROVIDER_LABELS[o.provider]} ${p.credits_per_second} credits/s of output`);
  }
  const parts: string[] = [];
  if (usd.length) parts.push(range(usd, money));
  if (credits.length) parts.push(`Apiframe ${range(credits, String)} credits`);
  for (const [p, values] of unverified) if (values.length) parts.push(`${PROVIDER_LABELS[p]} ≈${range(values, money)} (unverified)`);
  parts.push(...perSecond);
  return parts.length ? parts.join('; ') : 'unknown';
}

/** A Markdown table of all models for the README. */
export function modelsMarkdownTable(): string {
  const head = ['Model', 'Modes', 'Durations (s)', 'Resolutions', 'Aspect ratios', 'Providers (native slug)', 'Price per video'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const m of MODELS) {
    const providers: string[] = [];
    const byProvider = new Map<ProviderId, string[]>();
    for (const o of m.offers) {
      if (o.provider === 'simulator') continue;
      const slugs = byProvider.get(o.provider) ?? [];
      const shown = `\`${o.native_model}\`${o.unreleased ? ' (unreleased)' : ''}${o.retired_aliases?.length ? ` (was ${o.retired_aliases.map((r) => `\`${r.slug}\``).join(', ')})` : ''}`;
      if (!slugs.includes(shown)) slugs.push(shown);
      byProvider.set(o.provider, slugs);
    }
    for (const [p, slugs] of byProvider) providers.push(`${PROVIDER_LABELS[p]}: ${slugs.join(', ')}`);
    if (m.offers.some((o) => o.provider === 'simulator')) providers.push('simulator');
    const ratios = m.params.aspect_ratios.filter((r) => !/^\d{3,}:\d{3,}$/.test(r));
    const row = [
      `\`${m.id}\``,
      m.modes.join(', '),
      compactNumbers(m.params.durations),
      m.params.resolutions.length ? m.params.resolutions.join(', ') : '—',
      ratios.length ? ratios.join(', ') + (ratios.length < m.params.aspect_ratios.length ? ' (+ Runway pixel ratios)' : '') : '—',
      providers.join('<br>'),
      priceRange(m),
    ];
    lines.push(`| ${row.map(cell).join(' | ')} |`);
  }
  return lines.join('\n');
}
