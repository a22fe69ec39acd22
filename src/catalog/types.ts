/**
 * The model catalog's vocabulary. Models are data: one entry per model, with its parameter space,
 * its joint rules and its offers on each provider. Validation, routing, pricing, `list_models` and the
 * README's model table are all derived from these types, so they cannot drift apart.
 */

export const PROVIDER_IDS = ['runapi', 'apiframe', 'atlascloud', 'minimax', 'runway', 'simulator'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];
/** The five real backends (everything but the simulator). */
export type RealProviderId = Exclude<ProviderId, 'simulator'>;

export const MODES = ['text-to-video', 'image-to-video', 'first-last-frame', 'video-to-video'] as const;
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
}
export type ParamName = keyof VideoParams;

/**
 * A condition over a request, as data. `present: true` means the field is set; `in` means its value
 * (after defaults are applied) is one of the listed values.
 */
export type Condition =
  | { field: ParamName; present: boolean }
  | { field: ParamName; in: readonly (string | number | boolean)[] }
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
  source_video: 'required' | 'forbidden';
  aspect_ratio: 'required' | 'optional' | 'forbidden' | 'conditional';
}

/** A model's parameter space in the common vocabulary. An empty list means the field is not taken. */
export interface ParamSpace {
  durations: readonly number[];
  resolutions: readonly string[];
  aspect_ratios: readonly string[];
  default_duration?: number;
  default_resolution?: string;
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
export type Price =
  | { kind: 'table'; rows: readonly PriceRow[]; source: string; as_of: string; note?: string }
  /** Per-second pricing (Runway credits, for example). */
  | { kind: 'per_second'; usd_per_second: number; source: string; as_of: string; note?: string }
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
}

/** The result of resolving a user's `model` value. */
export interface ResolvedModel {
  model: ModelSpec;
  /** Set when the value was a provider-native slug that names one offer. */
  pinned?: Offer;
}
