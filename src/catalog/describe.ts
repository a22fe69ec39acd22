/**
 * Views of the catalog: the compact list, the full parameter table of one model, and the README table.
 * All derived from the model data, so they cannot drift from validation and routing.
 */
import { allAliases, MODELS } from './registry.js';
import { estimateUsd, offerCombinations, priceTable, type PriceOptions } from './pricing.js';
import type { JointRule, ModelDetail, ModelSpec, ModelSummary, Offer, OfferDetail, OfferSummary, PriceTable, ProviderId, RuleSummary } from './types.js';

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

// ---- agent views: one compact line per model, and one model's parameters first ----------------------

/** Short mode names for the compact listing (legend in its header). */
export const MODE_SHORT: Readonly<Record<ModelSpec['modes'][number], string>> = {
  'text-to-video': 't2v',
  'image-to-video': 'i2v',
  'first-last-frame': 'f+l',
  'video-to-video': 'v2v',
  extend: 'extend',
};

/** Aspect ratios an agent types (16:9), without Runway's pixel ratios (1280:720), which list_models {model} shows. */
function simpleRatios(model: ModelSpec): string[] {
  return model.params.aspect_ratios.filter((r) => !/^\d{3,}:\d{3,}$/.test(r));
}

/** USD range of a model over its real offers (unverified figures included, marked ≈), or 'price unknown'. */
export function modelUsdRange(model: ModelSpec, opts: PriceOptions = {}): string {
  const values: number[] = [];
  let approx = false;
  for (const o of model.offers) {
    if (o.provider === 'simulator') continue;
    const r = offerUsdRange(model, o, opts);
    if (r === 'unknown') continue;
    values.push(r.min, r.max);
    if (o.price.kind === 'table' && o.price.unverified) approx = true;
  }
  if (!values.length) return 'price unknown';
  const fmt = (x: number) => x.toFixed(2);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return `${approx ? '≈' : ''}$${lo === hi ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`}`;
}

/** Two-letter provider codes for the compact listing (legend in its header). */
export const PROVIDER_SHORT: Readonly<Record<Exclude<ProviderId, 'simulator'>, string>> = {
  runapi: 'ra',
  apiframe: 'af',
  atlascloud: 'ac',
  minimax: 'mm',
  runway: 'rw',
};

/** The providers that can run a model: not the simulator, not an offer the provider has not released yet. */
function realProviders(model: ModelSpec): Exclude<ProviderId, 'simulator'>[] {
  return [
    ...new Set(
      model.offers
        .filter((o) => !o.unreleased)
        .map((o) => o.provider)
        .filter((p): p is Exclude<ProviderId, 'simulator'> => p !== 'simulator'),
    ),
  ];
}

/** The real providers of a model by code, each marked `*` when usable now. */
function providerList(model: ModelSpec, usable: (p: ProviderId) => boolean): string {
  return realProviders(model)
    .map((p) => `${PROVIDER_SHORT[p]}${usable(p) ? '*' : ''}`)
    .join(',');
}

/** Where an aspect ratio sorts in the compact listing: `adaptive` first, then widest to tallest. */
function ratioOrder(r: string): number {
  const m = /^(\d+):(\d+)$/.exec(r);
  return m ? -Number(m[1]) / Number(m[2]) : -Infinity;
}

/** The ratios an agent types, in one canonical order (widest first), so equal sets print equally. */
function ratioSet(model: ModelSpec): string {
  return simpleRatios(model)
    .slice()
    .sort((a, b) => ratioOrder(a) - ratioOrder(b))
    .join(',');
}

/** The most characters the text of `list_models {}` may take before the last model line (Hermes reads 1,500). */
export const COMPACT_LISTING_MAX_CHARS = 1500;

/**
 * The text of `list_models {}`: a header with the legends (modes, named ratio sets, price and usable
 * marks), then one line per model: `id|modes|durations|resolutions|ratios|USD per video|providers`.
 * Everything an agent needs to pick a model; `list_models {model}` gives defaults, rules and per-provider
 * prices. A ratio list shared by two or more models is printed once in the header as R1, R2 …
 * test/catalog checks the whole catalog, with every provider usable, against COMPACT_LISTING_MAX_CHARS,
 * so a model that no longer fits fails the tests rather than the agent.
 */
export function compactListing(
  models: readonly ModelSpec[],
  usable: (p: ProviderId) => boolean,
  opts: PriceOptions = {},
): { header: string[]; lines: string[] } {
  // A ratio list gets a name when naming it saves characters: printed once, then 2 characters per use.
  const uses = new Map<string, number>();
  for (const m of models) uses.set(ratioSet(m), (uses.get(ratioSet(m)) ?? 0) + 1);
  const named = new Map<string, string>();
  for (const [r, n] of [...uses].sort((a, b) => b[1] - a[1])) if (r.includes(',') && n * (r.length - 2) > r.length + 5) named.set(r, `R${named.size + 1}`);
  const usedModes = new Set(models.flatMap((m) => m.modes));
  const modeLegend = Object.entries(MODE_SHORT)
    .filter(([k, v]) => usedModes.has(k as ModelSpec['modes'][number]) && k !== v)
    .map(([k, v]) => `${v}=${k}`)
    .join(', ');
  const usedProviders = new Set(models.flatMap(realProviders));
  const providerLegend = Object.entries(PROVIDER_SHORT)
    .filter(([k]) => usedProviders.has(k as Exclude<ProviderId, 'simulator'>))
    .map(([k, v]) => `${v}=${k}`)
    .join(', ');
  const header = [
    `${models.length} models, one per line: id|modes|durations|resolutions|ratios|USD per video|providers (—=not taken, $?=price unknown, *=usable now)`,
    [
      modeLegend && `Modes: ${modeLegend}.`,
      providerLegend && `Providers: ${providerLegend}.`,
      named.size ? `Ratios: ${[...named].map(([r, name]) => `${name}=${r}`).join('; ')}.` : '',
    ]
      .filter(Boolean)
      .join(' '),
  ].filter(Boolean);
  const lines = models.map((model) => {
    const p = model.params;
    const ratios = ratioSet(model);
    const price = modelUsdRange(model, opts);
    return [
      model.id,
      model.modes.map((m) => MODE_SHORT[m]).join(','),
      p.durations.length ? `${compactNumbers(p.durations).replace(/, /g, ',')}s` : 'as input',
      p.resolutions.length ? p.resolutions.join(',') : '—',
      named.get(ratios) ?? (ratios || '—'),
      price === 'price unknown' ? '$?' : price,
      providerList(model, usable),
    ].join('|');
  });
  return { header, lines };
}

/** Characters the `list_models {}` text takes up to the end of its last model line. */
export function compactListingChars(listing: { header: string[]; lines: string[] }): number {
  return [...listing.header, ...listing.lines].join('\n').length;
}

function presenceText(model: ModelSpec): string[] {
  const pr = model.params.presence;
  const p = model.params;
  const out: string[] = [];
  out.push(`prompt: ${pr.prompt}, up to ${p.prompt_max_chars} characters`);
  if (pr.first_frame !== 'forbidden') out.push(`first_frame_image_url: ${pr.first_frame}`);
  if (pr.last_frame !== 'forbidden') out.push('last_frame_image_url: optional, with a first frame');
  if (pr.source_video !== 'forbidden') out.push('source_video_url: required (the video to edit)');
  const dflt = (v: string | number | undefined) => (v === undefined ? '' : ` (default ${v})`);
  out.push(
    p.durations.length
      ? `duration_seconds: ${compactNumbers(p.durations)}${dflt(p.default_duration)}`
      : 'duration_seconds: not taken (the length follows the input)',
  );
  out.push(p.resolutions.length ? `output_resolution: ${p.resolutions.join(', ')}${dflt(p.default_resolution)}` : 'output_resolution: not taken');
  if (p.aspect_ratios.length === 0 || pr.aspect_ratio === 'forbidden') out.push('aspect_ratio: not taken');
  else
    out.push(
      `aspect_ratio: ${p.aspect_ratios.join(', ')}${dflt(p.default_aspect_ratio)}${pr.aspect_ratio === 'required' ? ', required' : pr.aspect_ratio === 'conditional' ? ', see rules' : ''}`,
    );
  if (p.prompt_optimizer) out.push('prompt_optimizer: true or false');
  return out;
}

/**
 * `list_models {model}` text: parameters and defaults, joint rules, then each provider with what it
 * serves and its price. Wire detail (endpoints, field names, price sources) only in the `wire_details` view.
 */
export function modelParamsText(model: ModelSpec, usable: (p: ProviderId) => boolean, opts: PriceOptions = {}): string {
  const lines = [`${model.id} (${model.title}): ${model.modes.join(', ')}.`, 'Parameters:', ...presenceText(model).map((l) => `- ${l}`)];
  const offerRules = model.offers.flatMap((o) => (o.serves.rules ?? []).map((r) => `${o.provider} ${o.native_model}: ${r.message}`));
  if (model.rules.length || offerRules.length)
    lines.push('Rules:', ...model.rules.map((r) => `- ${r.message}`), ...[...new Set(offerRules)].map((l) => `- ${l}`));
  lines.push('Providers (* = usable now; pin one with provider or a native slug as model):');
  for (const o of model.offers) {
    const r = offerUsdRange(model, o, opts);
    const price =
      o.provider === 'simulator'
        ? 'free, placeholder clip'
        : r === 'unknown'
          ? 'price unknown'
          : r.min === r.max
            ? `$${r.min.toFixed(2)}`
            : `$${r.min.toFixed(2)}–${r.max.toFixed(2)}`;
    const sv = o.serves;
    const limits = [
      sv.modes ? sv.modes.join(',') : '',
      sv.durations ? `${compactNumbers(sv.durations).replace(/, /g, ',')}s` : '',
      sv.resolutions ? sv.resolutions.join(',') : '',
      sv.aspect_ratios
        ? `ratios ${simpleRatios({ ...model, params: { ...model.params, aspect_ratios: sv.aspect_ratios } }).join(',') || (sv.aspect_ratios.length ? `${sv.aspect_ratios.length} pixel ratios` : 'none')}`
        : '',
    ].filter(Boolean);
    const status = [
      o.unreleased ? 'unreleased: never routed to' : '',
      o.retired_aliases?.length ? `replaces retired ${o.retired_aliases.map((r) => r.slug).join(', ')}` : '',
    ].filter(Boolean);
    lines.push(
      `- ${o.provider}${usable(o.provider) ? '*' : ''} ${o.native_model}: ${price}${limits.length ? ` (only ${limits.join('; ')})` : ''}${status.length ? ` [${status.join('; ')}]` : ''}`,
    );
  }
  if (model.notes) lines.push(`Notes: ${model.notes}`);
  return lines.join('\n');
}

/** Offer-specific rules, once per message (four RunAPI endpoints share one prompt limit), prefixed by provider. */
function offerRuleList(model: ModelSpec): { id: string; message: string }[] {
  const byMessage = new Map<string, { id: string; providers: Set<string> }>();
  for (const o of model.offers)
    for (const r of o.serves.rules ?? []) {
      const e = byMessage.get(r.message) ?? { id: r.id, providers: new Set<string>() };
      e.providers.add(o.provider);
      byMessage.set(r.message, e);
    }
  return [...byMessage].map(([message, e]) => ({ id: e.id, message: `${[...e.providers].join(', ')}: ${message}` }));
}

/** A model's view for `list_models {model}`: `describeModel` without wire detail (endpoints, wire field names, price sources). */
export type ModelView = Omit<ModelDetail, 'offers' | 'rules'> & {
  rules: { id: string; message: string }[];
  offers: (Pick<OfferDetail, 'provider' | 'native_model' | 'aliases' | 'serves' | 'notes' | 'unreleased' | 'retired_aliases'> & {
    price: Omit<PriceTable, 'source' | 'as_of'>;
  })[];
};

export function modelView(model: ModelSpec, opts: PriceOptions = {}): ModelView {
  const { offers, rules, ...rest } = describeModel(model, opts);
  return {
    ...rest,
    rules: [...rules.map((r) => ({ id: r.id, message: r.message })), ...offerRuleList(model)],
    offers: offers.map((o) => {
      const { source: _s, as_of: _a, ...price } = o.price;
      return {
        provider: o.provider,
        native_model: o.native_model,
        aliases: o.aliases,
        serves: o.serves,
        price,
        ...(o.notes !== undefined ? { notes: o.notes } : {}),
        ...(o.unreleased !== undefined ? { unreleased: o.unreleased } : {}),
        ...(o.retired_aliases ? { retired_aliases: o.retired_aliases } : {}),
      };
    }),
  };
}
