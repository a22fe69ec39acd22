/**
 * MiniMax H3 (Hailuo 3) and H3 Max, as data. Facts and sources: providers.md §9.1 (Runway `hailuo3`,
 * `h3_max`), §9.3 (MiniMax Video Generation V2), §9.4 (RunAPI `minimax-h3`), §9.5 (Atlas `minimax/h3/*`,
 * Apiframe `hailuo-03`), §9.6 (cross-provider table).
 *
 * Field names marked [I] in §9 were checked against the provider's own published client where one
 * exists: Runway's against the pinned `@runwayml/sdk` 4.20.1 `resources/*.d.ts` (hailuo3: promptText
 * required, ratio friendly incl. `adaptive`, resolution `768p`|`2k`; h3_max: resolution `480p`|`768p`,
 * `promptExpansionMode`, seed). Atlas's H3 field names come from its ComfyUI nodes and stay [I].
 */
import { secondsRange, simulatorOffer } from './common.js';
import { absent, isIn, present, promptLimitRule } from './rules.js';
import { SRC } from './sources.js';
import type { JointRule, Mode, ModelSpec, Offer, ParamName } from './types.js';

type Wire = Readonly<Partial<Record<ParamName, string>>>;

const H3_RATIOS = ['adaptive', '21:9', '16:9', '4:3', '1:1', '3:4', '9:16'];
const H3_CONCRETE = H3_RATIOS.filter((r) => r !== 'adaptive');
const H3_DURATIONS = secondsRange(4, 15);
const ATLAS_DURATIONS = secondsRange(5, 15);
const UNPUBLISHED = (who: string): Offer['price'] => ({ kind: 'unknown', note: `${who} publishes no price for this model in the stored sources.` });

const RULE_H3_T2V_CONCRETE_RATIO: JointRule = {
  id: 'h3-text-to-video-concrete-ratio',
  when: { all: [absent('first_frame_image_url'), absent('last_frame_image_url'), absent('source_video_url')] },
  require: { not: isIn('aspect_ratio', ['adaptive']) },
  message: `aspect_ratio adaptive needs an image (it follows the frame); text-only requests need a concrete ratio: ${H3_CONCRETE.join(', ')}.`,
  source: `${SRC.minimaxV2} (mmx sdk.mjs:2039-2041 "text-only needs a concrete ratio"); ${SRC.runway4} (hailuo3 ratio, text-to-video.ts:259-261)`,
};
const RULE_H3_REFERENCE_OR_FRAMES: JointRule = {
  id: 'h3-reference-video-excludes-frames',
  when: present('source_video_url'),
  require: { all: [absent('first_frame_image_url'), absent('last_frame_image_url')] },
  message:
    'source_video_url is a reference video for Hailuo 3, and reference media cannot be mixed with first_frame_image_url or last_frame_image_url. Use either the frames or the reference video.',
  source: `${SRC.minimaxV2} (mmx sdk.mjs:2021-2037: "frames and references are exclusive"); ${SRC.runway4} (hailuo3 promptImage: "The two modes cannot be mixed")`,
};
const RULE_LAST_NEEDS_FIRST = (who: string, source: string): JointRule => ({
  id: `${who.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-last-frame-needs-first-frame`,
  when: present('last_frame_image_url'),
  require: present('first_frame_image_url'),
  message: `last_frame_image_url needs first_frame_image_url on ${who}. Add first_frame_image_url, or use another provider.`,
  source,
});

// ---- Hailuo 3 (MiniMax H3) ---------------------------------------------------------------------

const MINIMAX_V2_WIRE: Wire = {
  prompt: 'content[{type:text}]',
  source_video_url: 'content[{role:reference_video}]',
  first_frame_image_url: 'content[{role:first_frame}]',
  last_frame_image_url: 'content[{role:last_frame}]',
  duration_seconds: 'duration',
  output_resolution: 'resolution',
  aspect_ratio: 'ratio',
  watermark: 'aigc_watermark',
  callback_url: 'callback_url',
};
const RUNAPI_H3_T2V_WIRE: Wire = {
  prompt: 'prompt',
  source_video_url: 'reference_video_urls[0]',
  duration_seconds: 'duration_seconds',
  output_resolution: 'output_resolution',
  aspect_ratio: 'aspect_ratio',
  callback_url: 'callback_url',
};
const RUNAPI_H3_I2V_WIRE: Wire = {
  prompt: 'prompt',
  first_frame_image_url: 'first_frame_image_url',
  last_frame_image_url: 'last_frame_image_url',
  duration_seconds: 'duration_seconds',
  output_resolution: 'output_resolution',
  callback_url: 'callback_url',
};
const RUNWAY_H3_T2V_WIRE: Wire = { prompt: 'promptText', duration_seconds: 'duration', output_resolution: 'resolution', aspect_ratio: 'ratio' };
const RUNWAY_H3_I2V_WIRE: Wire = {
  ...RUNWAY_H3_T2V_WIRE,
  first_frame_image_url: 'promptImage[position=first]',
  last_frame_image_url: 'promptImage[position=last]',
};
const ATLAS_H3_T2V_WIRE: Wire = { prompt: 'prompt', duration_seconds: 'duration', output_resolution: 'resolution', aspect_ratio: 'aspect_ratio' };
const ATLAS_H3_I2V_WIRE: Wire = { ...ATLAS_H3_T2V_WIRE, first_frame_image_url: 'image', last_frame_image_url: 'end_image' };

const runapiH3Rules: JointRule[] = [promptLimitRule('runapi-h3-prompt-7000', 7000, 'RunAPI minimax-h3', SRC.runapiH3)];

const hailuo3Offers: Offer[] = [
  {
    provider: 'minimax',
    native_model: 'MiniMax-H3',
    endpoint: '/v2/video_generation',
    wire_fields: MINIMAX_V2_WIRE,
    serves: {},
    price: {
      kind: 'unknown',
      note: 'No USD price is published. A third party (ArcReel#1759) quotes the China platform at ¥0.50/s for 768P and ¥0.80/s for 2K; not converted, so the price stays unknown.',
    },
    aliases: ['MiniMax-H3'],
    typical_seconds: 180,
    notes:
      'Video Generation V2: content[] with roles (first_frame, last_frame), resolution 768P|2K, ratio; always generates audio (no switch). Status at GET /v2/query/video_generation/{id}; the video URL is task.content.url.',
  },
  {
    provider: 'runapi',
    native_model: 'minimax-h3',
    endpoint: '/api/v1/minimax_h3/text_to_video',
    wire_fields: RUNAPI_H3_T2V_WIRE,
    serves: { modes: ['text-to-video', 'video-to-video'], rules: runapiH3Rules },
    price: UNPUBLISHED('RunAPI'),
    aliases: ['minimax-h3'],
    typical_seconds: 180,
    notes:
      'model is required on this endpoint (unlike the fixed-model Hailuo endpoints). aspect_ratio is required and concrete without reference media; source_video_url goes out as reference_video_urls.',
  },
  {
    provider: 'runapi',
    native_model: 'minimax-h3',
    endpoint: '/api/v1/minimax_h3/image_to_video',
    wire_fields: RUNAPI_H3_I2V_WIRE,
    serves: {
      modes: ['image-to-video', 'first-last-frame'],
      aspect_ratios: [],
      rules: runapiH3Rules,
    },
    price: UNPUBLISHED('RunAPI'),
    aliases: ['minimax-h3'],
    typical_seconds: 180,
    notes: 'First frame, last frame, or both (at least one); takes no aspect_ratio (the frame sets it).',
  },
  {
    provider: 'runway',
    native_model: 'hailuo3',
    endpoint: '/v1/text_to_video',
    wire_fields: RUNWAY_H3_T2V_WIRE,
    serves: { modes: ['text-to-video'] },
    price: UNPUBLISHED('Runway'),
    aliases: ['hailuo3'],
    typical_seconds: 180,
    notes: 'Runway takes friendly ratios for hailuo3 (16:9, adaptive …), not pixel ratios. Durations 4–15 s are inferred from MiniMax H3 [I].',
  },
  {
    provider: 'runway',
    native_model: 'hailuo3',
    endpoint: '/v1/image_to_video',
    wire_fields: RUNWAY_H3_I2V_WIRE,
    serves: { modes: ['image-to-video', 'first-last-frame'] },
    price: UNPUBLISHED('Runway'),
    aliases: ['hailuo3'],
    typical_seconds: 180,
    notes: 'promptImage entries carry position first/last (keyframe mode). Local images over 5 MB go through Runway uploads.',
  },
  {
    provider: 'runway',
    native_model: 'hailuo3',
    endpoint: '/v1/video_to_video',
    wire_fields: {
      prompt: 'promptText',
      source_video_url: 'promptVideo',
      duration_seconds: 'duration',
      output_resolution: 'resolution',
      aspect_ratio: 'ratio',
    },
    serves: { modes: ['video-to-video'] },
    price: UNPUBLISHED('Runway'),
    aliases: ['hailuo3'],
    typical_seconds: 180,
    notes: 'promptVideo (with promptText) on video_to_video; local videos over 5 MB go through Runway uploads.',
  },
  {
    provider: 'atlascloud',
    native_model: 'minimax/h3/text-to-video',
    endpoint: '/api/v1/model/generateVideo',
    wire_fields: ATLAS_H3_T2V_WIRE,
    serves: { modes: ['text-to-video'], durations: ATLAS_DURATIONS, resolutions: ['2k'] },
    price: UNPUBLISHED('Atlas Cloud'),
    aliases: ['minimax/h3/text-to-video'],
    notes: 'PR #95 says "2K only"; 5–15 s. Field names follow the Atlas ComfyUI nodes [I].',
  },
  {
    provider: 'atlascloud',
    native_model: 'minimax/h3/image-to-video',
    endpoint: '/api/v1/model/generateVideo',
    wire_fields: ATLAS_H3_I2V_WIRE,
    serves: {
      modes: ['image-to-video', 'first-last-frame'],
      durations: ATLAS_DURATIONS,
      resolutions: ['2k'],
      rules: [RULE_LAST_NEEDS_FIRST('Atlas Cloud', `${SRC.atlasH3} (image required; end_image optional [I])`)],
    },
    price: UNPUBLISHED('Atlas Cloud'),
    aliases: ['minimax/h3/image-to-video'],
    notes: 'image is required; end_image is [I]. Field names follow the Atlas ComfyUI nodes [I].',
  },
  {
    provider: 'atlascloud',
    native_model: 'minimax/h3/reference-to-video',
    endpoint: '/api/v1/model/generateVideo',
    wire_fields: { ...ATLAS_H3_T2V_WIRE, source_video_url: 'refers[{type:video}]' },
    serves: { modes: ['video-to-video'], durations: ATLAS_DURATIONS, resolutions: ['2k'] },
    price: UNPUBLISHED('Atlas Cloud'),
    aliases: ['minimax/h3/reference-to-video'],
    notes: 'refers: [{url, type}] (at least one; audio never alone). Field names follow the Atlas ComfyUI nodes [I].',
  },
  {
    provider: 'apiframe',
    native_model: 'hailuo-03',
    endpoint: '/v2/videos/generate',
    wire_fields: { prompt: 'prompt', first_frame_image_url: 'hailuoParams.image', duration_seconds: 'hailuoParams.duration' },
    serves: { modes: ['text-to-video', 'image-to-video'], durations: [6, 10], resolutions: ['768p'], aspect_ratios: [] },
    price: { kind: 'unknown', note: 'Unreleased: no price.' },
    aliases: ['hailuo-03'],
    unreleased: `Apiframe's OpenAPI lists it, and the commit adding it calls it "unreleased" (${SRC.apiframeH3})`,
    notes: 'Listed in the OpenAPI with the Hailuo 2.3 parameters (6|10 s, 768p|1080p) and marked unreleased; never routed to until Apiframe releases it.',
  },
  simulatorOffer('hailuo-3'),
];

// ---- Hailuo 3 Max (MiniMax H3 Max) -------------------------------------------------------------

const RUNWAY_H3MAX_T2V_WIRE: Wire = {
  prompt: 'promptText',
  duration_seconds: 'duration',
  output_resolution: 'resolution',
  prompt_optimizer: 'promptExpansionMode',
  seed: 'seed',
};
const RUNWAY_H3MAX_I2V_WIRE: Wire = {
  ...RUNWAY_H3MAX_T2V_WIRE,
  first_frame_image_url: 'promptImage[position=first]',
  last_frame_image_url: 'promptImage[position=last]',
};
const ATLAS_H3MAX_T2V_WIRE: Wire = { prompt: 'prompt', duration_seconds: 'duration', output_resolution: 'resolution', prompt_optimizer: 'prompt_expansion' };
const ATLAS_H3MAX_I2V_WIRE: Wire = { ...ATLAS_H3MAX_T2V_WIRE, first_frame_image_url: 'image', last_frame_image_url: 'end_image' };

const hailuo3MaxOffers: Offer[] = [
  {
    provider: 'runway',
    native_model: 'h3_max',
    endpoint: '/v1/text_to_video',
    wire_fields: RUNWAY_H3MAX_T2V_WIRE,
    serves: { modes: ['text-to-video'] },
    price: UNPUBLISHED('Runway'),
    aliases: ['h3_max'],
    typical_seconds: 180,
    notes: 'prompt_optimizer true/false goes out as promptExpansionMode balanced/disabled. Durations 5–15 s are [I].',
  },
  {
    provider: 'runway',
    native_model: 'h3_max',
    endpoint: '/v1/image_to_video',
    wire_fields: RUNWAY_H3MAX_I2V_WIRE,
    serves: { modes: ['image-to-video', 'first-last-frame'] },
    price: UNPUBLISHED('Runway'),
    aliases: ['h3_max'],
    typical_seconds: 180,
    notes: 'A last frame needs a first frame; each image at least 256 px on both sides.',
  },
  {
    provider: 'atlascloud',
    native_model: 'minimax/h3-max/text-to-video',
    endpoint: '/api/v1/model/generateVideo',
    wire_fields: ATLAS_H3MAX_T2V_WIRE,
    serves: { modes: ['text-to-video'] },
    price: UNPUBLISHED('Atlas Cloud'),
    aliases: ['minimax/h3-max/text-to-video'],
    notes: 'Field names follow the Atlas ComfyUI nodes [I].',
  },
  {
    provider: 'atlascloud',
    native_model: 'minimax/h3-max/image-to-video',
    endpoint: '/api/v1/model/generateVideo',
    wire_fields: ATLAS_H3MAX_I2V_WIRE,
    serves: { modes: ['image-to-video', 'first-last-frame'] },
    price: UNPUBLISHED('Atlas Cloud'),
    aliases: ['minimax/h3-max/image-to-video'],
    notes: 'image required, end_image optional. Field names follow the Atlas ComfyUI nodes [I].',
  },
  simulatorOffer('hailuo-3-max'),
];

// ---- Atlas-only H3 variants: H3 Max Turbo, H3 Developer ----------------------------------------

const ATLAS_TURBO_T2V_WIRE: Wire = { prompt: 'prompt', duration_seconds: 'duration', output_resolution: 'resolution' };
const ATLAS_TURBO_I2V_WIRE: Wire = { ...ATLAS_TURBO_T2V_WIRE, first_frame_image_url: 'image', last_frame_image_url: 'end_image' };
const ATLAS_DEV_T2V_WIRE: Wire = { ...ATLAS_H3MAX_T2V_WIRE, aspect_ratio: 'aspect_ratio' };
const ATLAS_DEV_I2V_WIRE: Wire = { ...ATLAS_H3MAX_I2V_WIRE };
const ATLAS_DEV_R2V_WIRE: Wire = { ...ATLAS_DEV_T2V_WIRE, source_video_url: 'refers[{type:video}]' };
const atlasOnly = (slug: string, wire: Wire, modes: readonly Mode[], extra: Partial<Offer['serves']> = {}): Offer => ({
  provider: 'atlascloud',
  native_model: slug,
  endpoint: '/api/v1/model/generateVideo',
  wire_fields: wire,
  serves: { modes, ...extra },
  price: UNPUBLISHED('Atlas Cloud'),
  aliases: [slug],
  notes: 'Field names follow the Atlas ComfyUI nodes [I].',
});

export const HAILUO3_MODELS: readonly ModelSpec[] = [
  {
    id: 'hailuo-3',
    title: 'MiniMax Hailuo 3 (MiniMax-H3)',
    family: 'hailuo',
    modes: ['text-to-video', 'image-to-video', 'first-last-frame', 'video-to-video'],
    aliases: ['h3', 'hailuo-h3', 'minimax h3'],
    params: {
      durations: H3_DURATIONS,
      resolutions: ['768p', '2k'],
      aspect_ratios: H3_RATIOS,
      default_duration: 6,
      default_resolution: '768p',
      default_aspect_ratio_by_mode: { 'text-to-video': '16:9' },
      prompt_max_chars: 7000,
      presence: { prompt: 'required', first_frame: 'optional', last_frame: 'optional', source_video: 'optional', aspect_ratio: 'optional' },
      prompt_optimizer: false,
    },
    rules: [RULE_H3_T2V_CONCRETE_RATIO, RULE_H3_REFERENCE_OR_FRAMES],
    offers: hailuo3Offers,
    notes:
      'Text-to-video, image-to-video, first+last frame, a last frame alone (MiniMax, RunAPI), or a reference video (source_video_url; MiniMax, RunAPI, Runway), not mixed with frames. 4–15 s (5–15 on Atlas); 768p or 2k (Atlas: 2k only). Text-only requests need a concrete aspect_ratio (default 16:9); with a frame the ratio follows the image (adaptive). Always generates audio. Prompt up to 7000 characters.',
    docs_url: 'https://github.com/MiniMax-AI/MiniMax-H3',
    typical_seconds: 180,
    typical_seconds_source: 'No provider publishes a figure for H3; Hailuo 02 on Apiframe averages ~180 s (SEED-2) [I]',
  },
  {
    id: 'hailuo-3-max',
    title: 'MiniMax Hailuo 3 Max (H3 Max)',
    family: 'hailuo',
    modes: ['text-to-video', 'image-to-video', 'first-last-frame'],
    aliases: ['h3-max', 'hailuo-h3-max'],
    params: {
      durations: secondsRange(5, 15),
      resolutions: ['480p', '768p'],
      aspect_ratios: [],
      default_duration: 6,
      default_resolution: '768p',
      prompt_max_chars: 7000,
      presence: { prompt: 'required', first_frame: 'optional', last_frame: 'optional', source_video: 'forbidden', aspect_ratio: 'forbidden' },
      prompt_optimizer: true,
    },
    rules: [RULE_LAST_NEEDS_FIRST('H3 Max', `${SRC.runway4} (h3_max promptImage: "A last frame requires a first frame", image-to-video.ts:1204-1206)`)],
    offers: hailuo3MaxOffers,
    notes:
      'Text-to-video, image-to-video and first+last frame (a last frame needs a first). 5–15 s [I], 480p or 768p. prompt_optimizer maps to prompt expansion; seed on Runway only.',
    docs_url: 'https://docs.dev.runwayml.com/',
    typical_seconds: 180,
    typical_seconds_source: 'No provider publishes a figure for H3 Max [I]',
  },
  {
    id: 'hailuo-3-max-turbo',
    title: 'MiniMax Hailuo 3 Max Turbo (Atlas Cloud)',
    family: 'hailuo',
    modes: ['text-to-video', 'image-to-video', 'first-last-frame'],
    aliases: ['h3-max-turbo'],
    params: {
      durations: secondsRange(5, 15),
      resolutions: ['480p', '768p'],
      aspect_ratios: [],
      default_duration: 6,
      default_resolution: '768p',
      prompt_max_chars: 7000,
      presence: { prompt: 'required', first_frame: 'optional', last_frame: 'optional', source_video: 'forbidden', aspect_ratio: 'forbidden' },
      prompt_optimizer: false,
    },
    rules: [RULE_LAST_NEEDS_FIRST('H3 Max Turbo', `${SRC.atlasH3} (image required on image-to-video; end_image optional [I])`)],
    offers: [
      atlasOnly('minimax/h3-max-turbo/text-to-video', ATLAS_TURBO_T2V_WIRE, ['text-to-video']),
      atlasOnly('minimax/h3-max-turbo/image-to-video', ATLAS_TURBO_I2V_WIRE, ['image-to-video', 'first-last-frame']),
      simulatorOffer('hailuo-3-max-turbo'),
    ],
    notes: 'The faster H3 Max, on Atlas Cloud only: 5–15 s, 480p or 768p, no prompt expansion; the image-to-video ratio follows the image.',
    docs_url: 'https://www.atlascloud.ai/',
    typical_seconds: 120,
    typical_seconds_source: 'No provider publishes a figure for H3 Max Turbo [I]',
  },
  {
    id: 'hailuo-3-developer',
    title: 'MiniMax Hailuo 3 Developer (Atlas Cloud)',
    family: 'hailuo',
    modes: ['text-to-video', 'image-to-video', 'first-last-frame', 'video-to-video'],
    aliases: ['h3-developer'],
    params: {
      durations: H3_DURATIONS,
      resolutions: ['480p', '768p'],
      aspect_ratios: H3_RATIOS,
      default_duration: 8,
      default_resolution: '768p',
      default_aspect_ratio_by_mode: { 'text-to-video': '16:9' },
      prompt_max_chars: 7000,
      presence: { prompt: 'required', first_frame: 'optional', last_frame: 'optional', source_video: 'optional', aspect_ratio: 'optional' },
      prompt_optimizer: true,
    },
    rules: [
      RULE_H3_T2V_CONCRETE_RATIO,
      RULE_H3_REFERENCE_OR_FRAMES,
      RULE_LAST_NEEDS_FIRST('H3 Developer', `${SRC.atlasH3} (image required on image-to-video; end_image optional [I])`),
    ],
    offers: [
      atlasOnly('minimax/h3-developer/text-to-video', ATLAS_DEV_T2V_WIRE, ['text-to-video']),
      atlasOnly('minimax/h3-developer/image-to-video', ATLAS_DEV_I2V_WIRE, ['image-to-video', 'first-last-frame'], { aspect_ratios: [] }),
      atlasOnly('minimax/h3-developer/reference-to-video', ATLAS_DEV_R2V_WIRE, ['video-to-video']),
      simulatorOffer('hailuo-3-developer'),
    ],
    notes:
      'H3 Developer on Atlas Cloud only: 4–15 s (default 8), 480p or 768p; text-to-video takes the full ratio set (concrete without references), image-to-video follows the image, a reference video (source_video_url) goes out as refers; prompt expansion via prompt_optimizer.',
    docs_url: 'https://www.atlascloud.ai/',
    typical_seconds: 150,
    typical_seconds_source: 'No provider publishes a figure for H3 Developer [I]',
  },
];
