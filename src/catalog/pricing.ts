/**
 * Prices: USD estimates per offer and request, and the price tables `list_models` shows. A price that is
 * not known stays unknown (undefined / 'unknown'); nothing here invents one.
 */
import { offerServes, validateParams } from './validate.js';
import type { CreditRow, Mode, ModelSpec, Offer, PriceRow, PriceTable, PriceTableRow, VideoParams } from './types.js';

export interface PriceOptions {
  /** USD per Apiframe credit (APIFRAME_USD_PER_CREDIT); without it Apiframe prices are unknown. */
  apiframeUsdPerCredit?: number | undefined;
}

/** Cents-exact rounding, so 7 s × $0.05 is 0.35, not 0.35000000000000003. */
function roundUsd(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function rowMatches(row: PriceRow | CreditRow, params: VideoParams, mode: Mode): boolean {
  if (row.duration_seconds !== undefined && row.duration_seconds !== params.duration_seconds) return false;
  if (row.output_resolution !== undefined && row.output_resolution.toLowerCase() !== (params.output_resolution ?? '').toLowerCase()) return false;
  if (row.mode !== undefined && row.mode !== mode) return false;
  return true;
}

/** The provider's own credit price for these params, when it prices in credits. */
export function estimateCredits(offer: Offer, params: VideoParams, mode: Mode): number | undefined {
  const p = offer.price;
  if (p.kind === 'credits') return p.rows.find((r) => rowMatches(r, params, mode))?.credits;
  if (p.kind === 'per_second' && p.credits_per_second !== undefined && params.duration_seconds !== undefined)
    return p.credits_per_second * params.duration_seconds;
  return undefined;
}

/** USD estimate for this offer and params, or undefined when the price is unknown. Never throws. */
export function estimateUsd(offer: Offer, params: VideoParams, mode: Mode, opts: PriceOptions = {}): number | undefined {
  try {
    const p = offer.price;
    switch (p.kind) {
      case 'free':
        return 0;
      case 'unknown':
        return undefined;
      case 'table': {
        const row = p.rows.find((r) => rowMatches(r, params, mode));
        return row ? roundUsd(row.usd) : undefined;
      }
      case 'credits': {
        const rate = opts.apiframeUsdPerCredit;
        const row = p.rows.find((r) => rowMatches(r, params, mode));
        return row && rate !== undefined && Number.isFinite(rate) ? roundUsd(row.credits * rate) : undefined;
      }
      case 'per_second': {
        const d = params.duration_seconds;
        return typeof d === 'number' && Number.isFinite(d) ? roundUsd(p.usd_per_second * d) : undefined;
      }
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

const SAMPLE_INPUTS: Record<Mode, VideoParams> = {
  'text-to-video': { prompt: 'sample' },
  'image-to-video': { prompt: 'sample', first_frame_image_url: 'https://example.com/first.png' },
  'first-last-frame': { prompt: 'sample', first_frame_image_url: 'https://example.com/first.png', last_frame_image_url: 'https://example.com/last.png' },
  'video-to-video': { prompt: 'sample', source_video_url: 'https://example.com/source.mp4' },
  extend: { prompt: 'sample', extend_job_id: 'job_sample' },
};

export interface OfferCombination {
  mode: Mode;
  /** Validated params (defaults applied) that this offer serves. */
  params: VideoParams;
}

/**
 * Every mode × duration × resolution this offer serves, as validated params: the combinations its price
 * table has to cover.
 */
export function offerCombinations(model: ModelSpec, offer: Offer): OfferCombination[] {
  const out: OfferCombination[] = [];
  const durations: readonly (number | undefined)[] = offer.serves.durations ?? (model.params.durations.length ? model.params.durations : [undefined]);
  const resolutions: readonly (string | undefined)[] = offer.serves.resolutions ?? (model.params.resolutions.length ? model.params.resolutions : [undefined]);
  const ratios = offer.serves.aspect_ratios ?? model.params.aspect_ratios;
  for (const mode of offer.serves.modes ?? model.modes) {
    for (const d of durations.length ? durations : [undefined]) {
      for (const r of resolutions.length ? resolutions : [undefined]) {
        const input: VideoParams = { ...SAMPLE_INPUTS[mode] };
        if (d !== undefined) input.duration_seconds = d;
        if (r !== undefined) input.output_resolution = r;
        const ratio = ratios[0];
        if (model.params.presence.aspect_ratio === 'conditional' && mode === 'text-to-video' && ratio !== undefined) input.aspect_ratio = ratio;
        try {
          const v = validateParams({ model }, input);
          if (offerServes(model, offer, v.params, v.mode) === undefined) out.push({ mode: v.mode, params: v.params });
        } catch {
          // not a valid combination for this model
        }
      }
    }
  }
  return out;
}

/** The price table of one offer for `list_models`: one row per duration × resolution it serves. */
export function priceTable(model: ModelSpec, offer: Offer, opts: PriceOptions = {}): PriceTable {
  const p = offer.price;
  const rows: PriceTableRow[] = [];
  const seen = new Set<string>();
  for (const c of offerCombinations(model, offer)) {
    const k = `${c.params.duration_seconds ?? ''}|${c.params.output_resolution ?? ''}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const row: PriceTableRow = { usd: estimateUsd(offer, c.params, c.mode, opts) ?? 'unknown' };
    if (c.params.duration_seconds !== undefined) row.duration_seconds = c.params.duration_seconds;
    if (c.params.output_resolution !== undefined) row.output_resolution = c.params.output_resolution;
    const credits = p.kind === 'credits' ? estimateCredits(offer, c.params, c.mode) : undefined;
    if (credits !== undefined) row.credits = credits;
    rows.push(row);
  }
  // A price nobody publishes has no rows: one "unknown" per combination says nothing the kind does not
  // (and would fill list_models with dozens of lines for a 4–15 s model).
  const table: PriceTable = { kind: p.kind, rows: p.kind === 'unknown' ? [] : rows };
  if (p.kind === 'per_second') {
    table.usd_per_second = p.usd_per_second;
    if (p.credits_per_second !== undefined) table.credits_per_second = p.credits_per_second;
  }
  if ('source' in p) {
    table.source = p.source;
    table.as_of = p.as_of;
  }
  if (p.kind === 'table' && p.unverified) table.unverified = true;
  const note = p.kind === 'credits' && opts.apiframeUsdPerCredit === undefined ? [p.note, 'USD unknown: APIFRAME_USD_PER_CREDIT is not set.'] : [p.note];
  const text = note.filter((n): n is string => typeof n === 'string' && n !== '').join(' ');
  if (text) table.note = text;
  return table;
}
