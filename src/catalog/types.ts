/**
 * The model catalog's vocabulary. Models are data: one entry per model, with its parameter space,
 * its joint rules and its offers on each provider. Validation, routing, pricing, `list_models` and the
 * README's model table are all derived from these types, so they cannot drift apart.
 */

export const PROVIDER_IDS = ['runapi', 'apiframe', 'atlascloud', 'minimax', 'runway', 'simulator'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];
/** The five real backends (everything but the simulator). */
export type RealProviderId = Exclude<ProviderId, 'simulator'>;

/** `extend`: continue a finished video from its job (RunAPI runway/extend_video). */
export const MODES = ['text-to-video', 'image-to-video', 'first-last-frame', 'video-to-video', 'extend'] as const;
export type Mode = (typeof MODES)[number];

/** The common request vocabulary: field names mirror the seed parameter tables. */
export interface VideoParams {
  prompt?: string;
  first_frame_image_url?: string;
  last_frame_image_url?: string;
  source_video_url?: string;
  duration_seconds?: number;
  output_resolution?: string;
  aspect_ratio?: string;
  prompt_optimizer?: boolean;
  callback_url?: string;
  /** Integer 0–4294967295: the same seed and request give similar results (Runway `seed`). */
  seed?: number;
  /** What should not appear (Runway Veo `negativePrompt`). */
  negative_prompt?: string;
  /** Audio track on or off (Runway Veo `audio`). */
  generate_audio?: boolean;
  /** Visible AI-generated watermark on or off (MiniMax `aigc_watermark`). */
  watermark?: boolean;
  /** The job_id of a finished video to continue (RunAPI `runway/extend_video` `source_task_id`). */
  extend_job_id?: string;
}
export type ParamName = keyof VideoParams;
/** Every field of the common vocabulary, in the order messages list them. */
export const PARAM_NAMES = [
  'prompt',
  'first_frame_image_url',
  'last_frame_image_url',
  'source_video_url',
  'duration_seconds',
  'output_resolution',
  'aspect_ratio',
  'prompt_optimizer',
  'callback_url',
  'seed',
  'negative_prompt',
  'generate_audio',
  'watermark',
  'extend_job_id',
] as const satisfies readonly ParamName[];

/**
 * Optional fields only some offers take. A model takes one when at least one of its (released, real)
 * offers maps it in `wire_fields`; a request that sets it is routed only to offers that take it.
 */
export const OFFER_FIELDS = [
  'callback_url',
  'prompt_optimizer',
  'seed',
  'negative_prompt',
  'generate_audio',
  'watermark',
  'extend_job_id',
] as const satisfies readonly ParamName[];

/**
 * A condition over a request, as data. `present: true` means the field is set; `in` means its value
 * (after defaults are applied) is one of the listed values.
 */
export type Condition =
  | { field: ParamName; present: boolean }
  | { field: ParamName; in: readonly (string | number | boolean)[] }
  /** The field is absent, or a string of at most this many UTF-16 code units (prompt limits). */
  | { field: ParamName; max_length: number }
  | { all: readonly Condition[] }
  | { any: readonly Condition[] }
  | { not: Condition };

/** "If `when` holds then `require` must hold", e.g. when 1080p then duration in [6]. */
export interface JointRule {
  id: string;
  when: Condition;
  require: Condition;
  /** One sentence for the agent: what is not allowed and what to do instead. */
  message: string;
  /** Where the rule is stated (a contract file, a docs page). */
  source: string;
}

export interface FieldPresence {
  /** `required`: must be given; `optional`: may be given; `forbidden`: must not be given. */
  prompt: 'required' | 'optional';
  first_frame: 'required' | 'optional' | 'forbidden';
  last_frame: 'optional' | 'forbidden';
  /** `optional`: a reference video (MiniMax H3), not a video to edit. */
  source_video: 'required' | 'optional' | 'forbidden';
  aspect_ratio: 'required' | 'optional' | 'forbidden' | 'conditional';
}

/** A model's parameter space in the common vocabulary. An empty list means the field is not taken. */
export interface ParamSpace {
  durations: readonly number[];
  resolutions: readonly string[];
  aspect_ratios: readonly string[];
  default_duration?: number;
  default_resolution?: string;
  /** Applied when the model takes an aspect ratio (presence `optional`) and none is given. */
  default_aspect_ratio?: string;
  /**
   * Per-mode default aspect ratio, for models whose ratio is needed in one mode only (MiniMax H3:
   * text-only requests need a concrete ratio; with frames the ratio follows the image).
   */
  default_aspect_ratio_by_mode?: Readonly<Partial<Record<Mode, string>>>;
  /** The longest prompt any offer of this model accepts; offers with a lower limit carry a rule. */
  prompt_max_chars: number;
  presence: FieldPresence;
  /** Whether `prompt_optimizer` is meaningful for this model. */
  prompt_optimizer: boolean;
}

/** A price row: applies when every given key matches the (defaulted) request. */
export interface PriceRow {
  duration_seconds?: number;
  output_resolution?: string;
  mode?: Mode;
  usd: number;
}
/** A row priced in provider credits (Apiframe): USD only through a configured rate. */
export interface CreditRow {
  duration_seconds?: number;
  output_resolution?: string;
  mode?: Mode;
  credits: number;
}
export type Price =
  /** `unverified`: the figures are recalled, not read from a stored source (providers.md [M]); shown as such. */
  | { kind: 'table'; rows: readonly PriceRow[]; source: string; as_of: string; note?: string; unverified?: boolean }
  /** Per-second pricing (Runway credits, for example). `credits_per_second` records the provider's own unit. */
  | { kind: 'per_second'; usd_per_second: number; credits_per_second?: number; source: string; as_of: string; note?: string }
  /** Credits per task; converted to USD only with a configured USD-per-credit rate, otherwise unknown. */
  | { kind: 'credits'; rows: readonly CreditRow[]; source: string; as_of: string; note?: string }
  | { kind: 'unknown'; note: string }
  | { kind: 'free'; note: string };

export interface Offer {
  provider: ProviderId;
  /** The provider's own model slug, exactly as sent on the wire. */
  native_model: string;
  /** The provider's endpoint path (for RunAPI, one offer per endpoint). */
  endpoint: string;
  /** Human description of how common fields are renamed on this provider's wire. */
  wire_fields: Readonly<Partial<Record<ParamName, string>>>;
  /** Which part of the model's parameter space this offer serves. Missing keys mean "all of it". */
  serves: {
    modes?: readonly Mode[];
    durations?: readonly number[];
    resolutions?: readonly string[];
    aspect_ratios?: readonly string[];
    /** Extra rules that hold only on this offer. */
    rules?: readonly JointRule[];
  };
  price: Price;
  /** Aliases that pin this exact offer (provider-native slugs users read in the seed pages). */
  aliases?: readonly string[];
  /** Typical generation time in seconds, used to schedule polling. */
  typical_seconds?: number;
  notes?: string;
  /**
   * Set when the provider lists the model but marks it unreleased (with the source). Such an offer is
   * shown by list_models but never routed to, and its slug is refused with this reason.
   */
  unreleased?: string;
  /**
   * A retired provider slug this offer answers for (e.g. Runway's `gen4_aleph` → `aleph2`): the slug
   * still resolves here, and the successor is what goes on the wire.
   */
  retired_aliases?: readonly { slug: string; source: string }[];
}

export interface ModelSpec {
  /** Public, stable id (what `model` takes). */
  id: string;
  title: string;
  family: 'hailuo' | 'runway';
  modes: readonly Mode[];
  /** Extra names that resolve to this model without pinning a provider. */
  aliases: readonly string[];
  params: ParamSpace;
  rules: readonly JointRule[];
  offers: readonly Offer[];
  notes?: string;
  docs_url?: string;
  /** Typical generation time in seconds (polling schedule; the simulator's default pace). */
  typical_seconds: number;
  /** Where `typical_seconds` comes from. */
  typical_seconds_source?: string;
}

/** The result of resolving a user's `model` value. */
export interface ResolvedModel {
  model: ModelSpec;
  /** Set when the value was a provider-native slug that names one offer. */
  pinned?: Offer;
  /**
   * Every offer the slug names, when it was a provider-native slug. Usually the one `pinned` offer; a slug
   * served on two endpoints of one provider (Runway's `gen4.5`: text_to_video and image_to_video) names
   * both, leaves `pinned` unset, and `validateParams` returns the one that fits the request's mode.
   */
  pinned_offers?: readonly Offer[];
}

/** The compact, JSON-able view of a model for `list_models`. */
export interface ModelSummary {
  id: string;
  title: string;
  family: ModelSpec['family'];
  modes: Mode[];
  /** Every name that resolves to this model: model aliases and provider-native slugs (which pin an offer). */
  aliases: string[];
  durations: number[];
  resolutions: string[];
  aspect_ratios: string[];
  offers: OfferSummary[];
}
export interface OfferSummary {
  provider: ProviderId;
  native_model: string;
  /** USD range over every combination the offer serves, where known; 'unknown' when no price is known. */
  price_usd: { min: number; max: number } | 'unknown';
  /** Present when the provider lists the offer as unreleased: never routed to. */
  unreleased?: true;
}

/** One price line for `list_models`: USD, or 'unknown' when the price is not known (never invented). */
export interface PriceTableRow {
  duration_seconds?: number;
  output_resolution?: string;
  usd: number | 'unknown';
  /** The provider's own price in credits, when it prices in credits. */
  credits?: number;
}
export interface PriceTable {
  kind: Price['kind'];
  rows: PriceTableRow[];
  usd_per_second?: number;
  credits_per_second?: number;
  source?: string;
  as_of?: string;
  note?: string;
  /** True when the figures are not from a stored source (MiniMax list prices). */
  unverified?: boolean;
}
export interface RuleSummary {
  id: string;
  message: string;
  source: string;
}
export interface OfferDetail {
  provider: ProviderId;
  native_model: string;
  endpoint: string;
  /** Names that pin this offer. */
  aliases: string[];
  serves: { modes: Mode[]; durations: number[]; resolutions: string[]; aspect_ratios: string[] };
  rules: RuleSummary[];
  wire_fields: Readonly<Partial<Record<ParamName, string>>>;
  price: PriceTable;
  typical_seconds: number;
  notes?: string;
  /** Why the offer is listed but never routed to (the provider marks it unreleased). */
  unreleased?: string;
  /** Retired provider slugs that now name this offer. */
  retired_aliases?: string[];
}
/** The full parameter table of one model for `list_models` with a model filter. */
export interface ModelDetail extends Omit<ModelSummary, 'offers'> {
  defaults: { duration_seconds?: number; output_resolution?: string; aspect_ratio?: string };
  prompt_max_chars: number;
  prompt_optimizer: boolean;
  presence: FieldPresence;
  rules: RuleSummary[];
  offers: OfferDetail[];
  typical_seconds: number;
  notes?: string;
  docs_url?: string;
}
