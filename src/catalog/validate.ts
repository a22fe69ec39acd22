/**
 * Per-request validation, derived from the model data: a strict zod shape (unknown keys and wrong types
 * refused), then the model's parameter space, presence rules and joint rules, then the pinned offer's.
 * Every failure is collected into one agent-facing message that names the field and lists what is allowed.
 */
import * as z from 'zod';
import { VideogenError } from '../errors.js';
import { MODELS } from './registry.js';
import { conditionFields, violatedRules } from './rules.js';
import type { JointRule, Mode, ModelSpec, Offer, ParamName, ResolvedModel, VideoParams } from './types.js';
import { OFFER_FIELDS, PARAM_NAMES } from './types.js';

/** Runway's seed range (providers.md §5.2: 0–4294967295), the widest any provider documents. */
export const SEED_MAX = 4_294_967_295;

/** The common request shape. Numbers may arrive as numeric strings from loose clients. */
export const VIDEO_PARAMS_SCHEMA = z.strictObject({
  prompt: z.string().optional(),
  first_frame_image_url: z.string().optional(),
  last_frame_image_url: z.string().optional(),
  source_video_url: z.string().optional(),
  duration_seconds: z.union([z.number(), z.string()]).optional(),
  output_resolution: z.union([z.string(), z.number()]).optional(),
  aspect_ratio: z.string().optional(),
  prompt_optimizer: z.boolean().optional(),
  callback_url: z.string().optional(),
  extend_job_id: z.string().optional(),
  seed: z.union([z.number(), z.string()]).optional(),
  negative_prompt: z.string().optional(),
  generate_audio: z.boolean().optional(),
  watermark: z.boolean().optional(),
});

/** Names agents borrow from provider docs, and the common field they mean. */
const FIELD_HINTS: Readonly<Record<string, ParamName>> = {
  duration: 'duration_seconds',
  resolution: 'output_resolution',
  image: 'first_frame_image_url',
  image_url: 'first_frame_image_url',
  first_frame_image: 'first_frame_image_url',
  prompt_image: 'first_frame_image_url',
  end_image: 'last_frame_image_url',
  end_image_url: 'last_frame_image_url',
  last_frame_image: 'last_frame_image_url',
  video_url: 'source_video_url',
  ratio: 'aspect_ratio',
  webhook_url: 'callback_url',
  negativeprompt: 'negative_prompt',
  audio: 'generate_audio',
  aigc_watermark: 'watermark',
};

const MODE_FIELDS = ['extend_job_id', 'first_frame_image_url', 'last_frame_image_url', 'source_video_url'] as const;

export function detectMode(params: VideoParams): Mode {
  const has = (f: (typeof MODE_FIELDS)[number]) => typeof params[f] === 'string' && params[f].trim() !== '';
  if (has('extend_job_id')) return 'extend';
  if (has('source_video_url')) return 'video-to-video';
  if (has('last_frame_image_url')) return 'first-last-frame';
  if (has('first_frame_image_url')) return 'image-to-video';
  return 'text-to-video';
}

function list(values: readonly (string | number)[]): string {
  return values.join(', ');
}

function durationText(values: readonly number[]): string {
  if (values.length > 3 && values.every((v, i) => i === 0 || v === values[i - 1]! + 1)) return `${values[0]}–${values[values.length - 1]} (whole seconds)`;
  return list(values);
}

function normalizeResolution(v: string | number): string {
  const s = String(v).trim().toLowerCase().replace(/\s+/g, '');
  return /^\d+$/.test(s) ? `${s}p` : s;
}

function normalizeRatio(v: string): string {
  return v.trim().replace(/\s+/g, '');
}

const RATIO_RE = /^\d+(\.\d+)?:\d+(\.\d+)?$/;

interface Normalized {
  params: VideoParams;
  errors: string[];
  notes: string[];
}

/** Type-check and normalize raw input: trim strings, drop empty values, lower-case resolutions. */
function normalize(model: ModelSpec, input: unknown): Normalized {
  const errors: string[] = [];
  const notes: string[] = [];
  const raw: Record<string, unknown> = {};
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { params: {}, errors: ['The parameters must be an object.'], notes };
  }
  // Keys whose value is undefined are absent (optional fields of a parsed tool input).
  for (const [k, v] of Object.entries(input)) if (v !== undefined && v !== null) raw[k] = v;

  const parsed = VIDEO_PARAMS_SCHEMA.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const k of issue.keys) {
          const hint = FIELD_HINTS[k.toLowerCase()];
          errors.push(hint ? `Unknown field "${k}": use ${hint}.` : `Unknown field "${k}"; fields taken: ${PARAM_NAMES.join(', ')}.`);
          delete raw[k];
        }
      } else {
        const field = String(issue.path[0] ?? '');
        const expected = ['prompt_optimizer', 'generate_audio', 'watermark'].includes(field)
          ? 'true or false'
          : field === 'duration_seconds'
            ? 'a whole number of seconds'
            : field === 'seed'
              ? `a whole number from 0 to ${SEED_MAX}`
              : 'a string';
        errors.push(`${field} must be ${expected}.`);
        delete raw[field];
      }
    }
  }

  const params: VideoParams = {};
  for (const f of [
    'prompt',
    'first_frame_image_url',
    'last_frame_image_url',
    'source_video_url',
    'callback_url',
    'negative_prompt',
    'extend_job_id',
  ] as const) {
    const v = raw[f];
    if (typeof v === 'string' && v.trim() !== '') params[f] = v.trim();
  }
  for (const f of ['prompt_optimizer', 'generate_audio', 'watermark'] as const) if (typeof raw[f] === 'boolean') params[f] = raw[f];
  const seed = raw.seed;
  if (typeof seed === 'number' || typeof seed === 'string') {
    const n = typeof seed === 'string' && seed.trim() === '' ? NaN : Number(seed);
    if (Number.isInteger(n) && n >= 0 && n <= SEED_MAX) params.seed = n;
    else errors.push(`seed must be a whole number from 0 to ${SEED_MAX} (got ${JSON.stringify(seed).slice(0, 40)}).`);
  }

  const d = raw.duration_seconds;
  if (typeof d === 'number' || typeof d === 'string') {
    const text = String(d)
      .trim()
      .toLowerCase()
      .replace(/\s*(s|sec|secs|seconds?)$/, '');
    const n = text === '' ? NaN : Number(text);
    if (Number.isInteger(n)) params.duration_seconds = n;
    else
      errors.push(
        `duration_seconds must be a whole number of seconds (got ${JSON.stringify(d)}); allowed for ${model.id}: ${model.params.durations.length ? durationText(model.params.durations) : 'none (not taken)'}.`,
      );
  }

  const r = raw.output_resolution;
  if (typeof r === 'string' || typeof r === 'number') {
    const res = normalizeResolution(r);
    // An older RunAPI Runway page calls output_resolution the aspect ratio ("16:9, 9:16, 1:1").
    if (RATIO_RE.test(res) && model.params.aspect_ratios.length > 0 && raw.aspect_ratio === undefined) {
      raw.aspect_ratio = res;
      notes.push(`output_resolution "${res}" was read as aspect_ratio.`);
    } else if (res !== '') params.output_resolution = res;
  }
  const a = raw.aspect_ratio;
  if (typeof a === 'string' && a.trim() !== '') params.aspect_ratio = normalizeRatio(a);
  return { params, errors, notes };
}

/** The offers a request may use: the pinned ones when the name pinned any, else all of the model's. */
function pinnedOffers(resolved: ResolvedModel): readonly Offer[] | undefined {
  if (resolved.pinned_offers && resolved.pinned_offers.length > 0) return resolved.pinned_offers;
  return resolved.pinned ? [resolved.pinned] : undefined;
}

function offerModes(model: ModelSpec, offer: Offer): readonly Mode[] {
  return offer.serves.modes ?? model.modes;
}

/**
 * The default for one field: the model's, unless every pinned offer serves only other values, in which
 * case the first value the (first) pinned offer serves — so `hailuo-02-text-to-video-pro` defaults to
 * its only resolution, 1080p, not to the model's 768p.
 */
function pickDefault<T extends string | number>(
  modelDefault: T | undefined,
  modelValues: readonly T[],
  pinned: readonly Offer[] | undefined,
  served: (o: Offer) => readonly T[] | undefined,
): T | undefined {
  if (modelDefault === undefined) return undefined;
  if (!pinned || pinned.length === 0) return modelDefault;
  const lists = pinned.map((o) => served(o) ?? modelValues);
  if (lists.some((l) => l.includes(modelDefault))) return modelDefault;
  return lists[0]?.[0] ?? modelDefault;
}

function presenceErrors(model: ModelSpec, p: VideoParams, covered: ReadonlySet<ParamName>): string[] {
  const out: string[] = [];
  const pr = model.params.presence;
  const id = model.id;
  const need = (field: ParamName, what: string) => {
    if (!covered.has(field) && p[field] === undefined) out.push(`${field} is required by ${id}${what}.`);
  };
  const refuse = (field: ParamName, what: string) => {
    if (!covered.has(field) && p[field] !== undefined) out.push(`${field} is not taken by ${id}${what}; remove it.`);
  };
  if (pr.prompt === 'required') need('prompt', ': describe the video');
  if (pr.first_frame === 'required') need('first_frame_image_url', ' (image-to-video only)');
  if (pr.first_frame === 'forbidden') refuse('first_frame_image_url', '');
  if (pr.last_frame === 'forbidden') refuse('last_frame_image_url', '');
  if (pr.source_video === 'required') need('source_video_url', ' (the video to edit)');
  if (pr.source_video === 'forbidden') refuse('source_video_url', ' (it does not edit videos)');
  if (pr.aspect_ratio === 'forbidden' || model.params.aspect_ratios.length === 0) refuse('aspect_ratio', '');
  if (pr.aspect_ratio === 'required') need('aspect_ratio', `; allowed: ${list(model.params.aspect_ratios)}`);
  return out;
}

/** Value checks against the model's parameter space. */
function valueErrors(model: ModelSpec, p: VideoParams): string[] {
  const out: string[] = [];
  const s = model.params;
  if (p.prompt !== undefined && p.prompt.length > s.prompt_max_chars)
    out.push(`prompt is ${p.prompt.length} characters; ${model.id} accepts at most ${s.prompt_max_chars}.`);
  if (p.duration_seconds !== undefined) {
    if (s.durations.length === 0) out.push(`duration_seconds is not taken by ${model.id} (the output length is fixed by the input); remove it.`);
    else if (!s.durations.includes(p.duration_seconds))
      out.push(`duration_seconds ${p.duration_seconds} is not offered by ${model.id}; allowed: ${durationText(s.durations)}.`);
  }
  if (p.output_resolution !== undefined) {
    if (s.resolutions.length === 0) out.push(`output_resolution is not taken by ${model.id}; remove it.`);
    else if (!s.resolutions.includes(p.output_resolution))
      out.push(`output_resolution ${p.output_resolution} is not offered by ${model.id}; allowed: ${list(s.resolutions)}.`);
  }
  if (p.aspect_ratio !== undefined && s.aspect_ratios.length > 0 && !s.aspect_ratios.includes(p.aspect_ratio))
    out.push(`aspect_ratio ${p.aspect_ratio} is not offered by ${model.id}; allowed: ${list(s.aspect_ratios)}.`);
  if (p.prompt_optimizer !== undefined && !s.prompt_optimizer) out.push(`prompt_optimizer is not taken by ${model.id}; remove it.`);
  for (const f of OFFER_FIELDS) {
    if (f === 'prompt_optimizer' || f === 'callback_url' || p[f] === undefined || modelTakes(model, f)) continue;
    const takers = MODELS.filter((m) => modelTakes(m, f)).map((m) => m.id);
    out.push(`${f} is not taken by ${model.id}; remove it${takers.length ? `, or use a model that takes it: ${takers.join(', ')}` : ''}.`);
  }
  return out;
}

/** Whether some released, real offer of the model sends `field` to its provider. */
export function modelTakes(model: ModelSpec, field: ParamName): boolean {
  return model.offers.some((o) => o.provider !== 'simulator' && !o.unreleased && o.wire_fields[field] !== undefined);
}

function ruleCoverage(rules: readonly JointRule[]): Set<ParamName> {
  return new Set(rules.flatMap((r) => conditionFields(r.require)));
}

/**
 * Validate against the model's parameter space + joint rules (and the pinned offer's, if any). Normalizes
 * (e.g. '768P'→'768p', trims), applies defaults (duration, resolution, aspect ratio), returns the params to
 * send. Throws VideogenError('invalid_input') with one message that names each bad field and lists the
 * allowed values. Unknown and forbidden fields are errors, not silently dropped.
 *
 * `pinned` is the offer the request must go to when the model name pinned one: `resolved.pinned`, or for
 * a slug naming several offers (Runway `gen4.5`) the one that serves this mode.
 */
export function validateParams(resolved: ResolvedModel, input: VideoParams): { params: VideoParams; mode: Mode; pinned?: Offer } {
  const model = resolved.model;
  const { params, errors, notes } = normalize(model, input);
  const mode = detectMode(params);
  const pinnedAll = pinnedOffers(resolved);

  // A pinned offer that cannot serve this mode at all gets one clear message, before anything else.
  let pinned = pinnedAll;
  if (pinnedAll) {
    const forMode = pinnedAll.filter((o) => offerModes(model, o).includes(mode));
    if (forMode.length === 0 && model.modes.includes(mode)) {
      const o = pinnedAll[0]!;
      const modes = [...new Set(pinnedAll.flatMap((x) => offerModes(model, x)))];
      errors.push(
        `${o.native_model} (${o.provider}) serves only ${modes.join(', ')}, not ${mode}${modes.includes('image-to-video') ? ': add first_frame_image_url' : ''}. Use model ${model.id} to let any provider serve ${mode}.`,
      );
      throw new VideogenError('invalid_input', [...errors, ...notes].join(' '));
    }
    pinned = forMode.length > 0 ? forMode : pinnedAll;
  }

  // Defaults.
  const s = model.params;
  const extending = mode === 'extend';
  if (params.duration_seconds === undefined && s.durations.length > 0 && !extending) {
    const d = pickDefault(s.default_duration, s.durations, pinned, (o) => o.serves.durations);
    if (d !== undefined) params.duration_seconds = d;
  }
  if (params.output_resolution === undefined && s.resolutions.length > 0) {
    const r = pickDefault(s.default_resolution, s.resolutions, pinned, (o) => o.serves.resolutions);
    if (r !== undefined) params.output_resolution = r;
  }
  if (params.aspect_ratio === undefined && s.presence.aspect_ratio === 'optional' && s.aspect_ratios.length > 0 && !extending) {
    const a = pickDefault(s.default_aspect_ratio_by_mode?.[mode] ?? s.default_aspect_ratio, s.aspect_ratios, pinned, (o) => o.serves.aspect_ratios);
    if (a !== undefined) params.aspect_ratio = a;
  }

  // A rule that explains a field replaces the generic presence message for it.
  const broken = violatedRules(model.rules, params);
  const ruleErrors = broken.map((r) => r.message);
  const fieldErrors = [...presenceErrors(model, params, ruleCoverage(broken)), ...valueErrors(model, params)];
  if (errors.length === 0 && ruleErrors.length === 0 && fieldErrors.length === 0 && !model.modes.includes(mode))
    fieldErrors.push(`${model.id} does not do ${mode}; it does ${model.modes.join(', ')}.`);

  // The pinned offer's own limits come first: they are why a value the model allows is refused here.
  let chosen: Offer | undefined;
  const pinnedErrors: string[] = [];
  if (errors.length === 0 && fieldErrors.length === 0 && pinned) {
    const reasons: string[] = [];
    for (const o of pinned) {
      const why = offerServes(model, o, params, mode);
      if (why === undefined) {
        chosen = o;
        break;
      }
      reasons.push(`${o.native_model} (${o.provider}) ${why}`);
    }
    if (!chosen) pinnedErrors.push(`${[...new Set(reasons)].join('; ')}. Use model ${model.id} to let any provider serve it.`);
  }
  errors.push(...pinnedErrors, ...ruleErrors, ...fieldErrors);

  if (errors.length > 0) throw new VideogenError('invalid_input', [...new Set([...errors, ...notes])].join(' '));
  return chosen ? { params, mode, pinned: chosen } : { params, mode };
}

/** undefined when the offer can serve these (validated) params, else a short reason ("serves only 768p, 1080p"). */
export function offerServes(model: ModelSpec, offer: Offer, params: VideoParams, mode: Mode): string | undefined {
  const reasons: string[] = [];
  const sv = offer.serves;
  if (offer.unreleased) return `is listed by ${offer.provider} but not released (${offer.unreleased}), so it is never routed to`;
  if (sv.modes && !sv.modes.includes(mode)) reasons.push(`serves only ${sv.modes.join(', ')}`);
  if (params.duration_seconds !== undefined && sv.durations && !sv.durations.includes(params.duration_seconds))
    reasons.push(sv.durations.length ? `serves only ${durationText(sv.durations)} s` : 'takes no duration_seconds');
  if (params.output_resolution !== undefined && sv.resolutions && !sv.resolutions.includes(params.output_resolution))
    reasons.push(sv.resolutions.length ? `serves only ${list(sv.resolutions)}` : 'takes no output_resolution');
  if (params.aspect_ratio !== undefined && sv.aspect_ratios && !sv.aspect_ratios.includes(params.aspect_ratio))
    reasons.push(sv.aspect_ratios.length ? `takes aspect_ratio ${list(sv.aspect_ratios)} only` : 'takes no aspect_ratio');
  for (const f of OFFER_FIELDS) if (params[f] !== undefined && offer.wire_fields[f] === undefined) reasons.push(`takes no ${f}`);
  for (const r of violatedRules(sv.rules ?? [], params)) reasons.push(r.message.replace(/\.$/, ''));
  // Offers without `modes` serve every mode of the model.
  if (!sv.modes && !model.modes.includes(mode)) reasons.push(`serves only ${model.modes.join(', ')}`);
  return reasons.length ? reasons.join('; ') : undefined;
}
