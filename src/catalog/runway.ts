/**
 * Runway models, as data. Facts and sources: providers.md §1.3/§1.8 (RunAPI `runway`, `runway-aleph`),
 * §2.2 (Apiframe runwayParams), §5.2/§5.6 (Runway's own API), §7 (what the RunAPI Runway seed gets wrong),
 * §9.1 (the @runwayml/sdk 4.20.1 lineup: aleph2 replacing gen4_aleph, veo3.1, veo3.1_fast).
 */
import { secondsRange, simulatorOffer } from './common.js';
import { ALWAYS, absent, isIn, present, promptLimitRule } from './rules.js';
import { SRC } from './sources.js';
import type { JointRule, ModelSpec, Offer, ParamName } from './types.js';

/**
 * Users give `16:9`-style ratios; Runway's own API takes pixel ratios. The Runway adapter maps friendly
 * ratios through this table; pixel ratios users send are passed as-is (providers.md §5.2).
 */
export const RUNWAY_PIXEL_RATIOS: Readonly<Record<string, string>> = {
  '16:9': '1280:720',
  '9:16': '720:1280',
  '4:3': '1104:832',
  '3:4': '832:1104',
  '1:1': '960:960',
  '21:9': '1584:672',
};

const FRIENDLY_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9'] as const;
const PIXEL_RATIOS = ['1280:720', '720:1280', '1104:832', '832:1104', '960:960', '1584:672'] as const;
const ALL_RATIOS = [...FRIENDLY_RATIOS, ...PIXEL_RATIOS];
/** Runway gen4.5 text_to_video takes only landscape and portrait 720p. */
const GEN45_T2V_RATIOS = ['16:9', '9:16', '1280:720', '720:1280'];
/** RunAPI's `runway` text_to_video (no 21:9). */
const RUNAPI_RUNWAY_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4'];
/** RunAPI's runway_aleph/edit_video adds 21:9. */
const ALEPH_RATIOS = ['16:9', '9:16', '4:3', '3:4', '1:1', '21:9'];
/** Runway's own API: integer durations 2–10 (runwayml/skills); older docs said 5|10 [M]. */
const RUNWAY_DURATIONS = secondsRange(2, 10);

type Wire = Readonly<Partial<Record<ParamName, string>>>;

const RUNWAY_I2V_WIRE: Wire = { prompt: 'promptText', first_frame_image_url: 'promptImage', duration_seconds: 'duration', aspect_ratio: 'ratio', seed: 'seed' };
const RUNWAY_T2V_WIRE: Wire = { prompt: 'promptText', duration_seconds: 'duration', aspect_ratio: 'ratio', seed: 'seed' };
const APIFRAME_RUNWAY_WIRE: Wire = {
  prompt: 'prompt',
  first_frame_image_url: 'runwayParams.image',
  duration_seconds: 'runwayParams.duration',
  aspect_ratio: 'runwayParams.aspect_ratio',
  seed: 'runwayParams.seed',
  callback_url: 'webhookUrl',
};
/** Veo 3.1 on Runway: the ratio encodes the resolution (1280:720 is 720p, 1920:1080 is 1080p). */
const VEO_T2V_WIRE: Wire = {
  prompt: 'promptText',
  duration_seconds: 'duration',
  aspect_ratio: 'ratio',
  output_resolution: 'ratio',
  seed: 'seed',
  negative_prompt: 'negativePrompt',
  generate_audio: 'audio',
};
/** Apiframe's veoParams (providers.md §2.2, AF-OAS): the common names, nested. */
const APIFRAME_VEO_WIRE: Wire = {
  prompt: 'prompt',
  first_frame_image_url: 'veoParams.image',
  last_frame_image_url: 'veoParams.last_frame',
  duration_seconds: 'veoParams.duration',
  output_resolution: 'veoParams.resolution',
  aspect_ratio: 'veoParams.aspect_ratio',
  seed: 'veoParams.seed',
  negative_prompt: 'veoParams.negative_prompt',
  generate_audio: 'veoParams.generate_audio',
  callback_url: 'webhookUrl',
};
const VEO_I2V_WIRE: Wire = { ...VEO_T2V_WIRE, first_frame_image_url: 'promptImage[position=first]', last_frame_image_url: 'promptImage[position=last]' };
const RUNWAY_NOTES =
  'Runway takes pixel ratios (ratio); friendly ratios map through RUNWAY_PIXEL_RATIOS. Inputs must be HTTPS URLs (no redirects, real Content-Type), runway:// upload URIs or data: URIs. No webhooks: poll only.';

/** Runway's promptText limit (1000 UTF-16 code units, @runwayml/sdk). */
const runwayPromptLimit = promptLimitRule('runway-prompt-1000', 1000, "Runway's own API", SRC.runway);
const apiframeRunwayLimit = promptLimitRule('apiframe-runway-prompt-4000', 4000, 'Apiframe Runway', SRC.apiframeOas);
const APIFRAME_PROMPT_REQUIRED: JointRule = {
  id: 'apiframe-prompt-required',
  when: ALWAYS,
  require: present('prompt'),
  message: 'Apiframe requires a prompt: add prompt.',
  source: `${SRC.apiframeOas} (prompt is required on every generate request)`,
};

function runwayPerSecond(creditsPerSecond: number, note?: string): Offer['price'] {
  return {
    kind: 'per_second',
    usd_per_second: creditsPerSecond / 100,
    credits_per_second: creditsPerSecond,
    source: SRC.runwayPricing,
    as_of: SRC.runwayAsOf,
    note: `${creditsPerSecond} credits per second of output at $0.01 per credit.${note ? ` ${note}` : ''}`,
  };
}

const TYPICAL_SOURCE = "SEED-3 (RunAPI Runway: generation usually takes 30–90 s); Runway's own API publishes no figure [I]";

// ---- runway (RunAPI) ---------------------------------------------------------------------------

const runway: ModelSpec = {
  id: 'runway',
  title: 'Runway (RunAPI)',
  family: 'runway',
  modes: ['text-to-video', 'image-to-video', 'extend'],
  aliases: [],
  params: {
    durations: [5, 10],
    resolutions: ['720p', '1080p'],
    aspect_ratios: RUNAPI_RUNWAY_RATIOS,
    default_duration: 5,
    default_resolution: '720p',
    prompt_max_chars: 1000,
    presence: { prompt: 'required', first_frame: 'optional', last_frame: 'forbidden', source_video: 'forbidden', aspect_ratio: 'conditional' },
    prompt_optimizer: false,
  },
  rules: [
    {
      id: 'runway-aspect-ratio-required-without-image',
      when: { all: [absent('first_frame_image_url'), absent('extend_job_id')] },
      require: present('aspect_ratio'),
      message: `aspect_ratio is required for runway text-to-video (no first_frame_image_url); allowed: ${RUNAPI_RUNWAY_RATIOS.join(', ')}.`,
      source: `${SRC.runapiContract} (runway/text_to_video rules: aspect_ratio required when first_frame_image_url is absent)`,
    },
    {
      id: 'runway-aspect-ratio-forbidden-with-image',
      when: present('first_frame_image_url'),
      require: absent('aspect_ratio'),
      message: "aspect_ratio is not allowed with first_frame_image_url on runway (the video takes the image's shape): drop aspect_ratio.",
      source: `${SRC.runapiContract} (runway/text_to_video rules: aspect_ratio forbidden when first_frame_image_url is present)`,
    },
    {
      id: 'runway-extend-takes-no-frame-or-ratio',
      when: present('extend_job_id'),
      require: { all: [absent('first_frame_image_url'), absent('aspect_ratio'), absent('duration_seconds')] },
      message:
        'Extending a video (extend_job_id) continues its shot: it takes a prompt and output_resolution, not first_frame_image_url, aspect_ratio or duration_seconds. Drop them.',
      source: `${SRC.runapiContract} (runway/extend_video: model, source_task_id, prompt, output_resolution, watermark, callback_url)`,
    },
    {
      id: 'runway-10s-720p-only',
      when: isIn('duration_seconds', [10]),
      require: isIn('output_resolution', ['720p']),
      message: 'duration_seconds 10 is offered only at output_resolution 720p on runway; allowed at 10 s: 720p. Use 5 s for 1080p.',
      source: `${SRC.runapiPricing} (no 10 s/1080p price); ${SRC.runapiContract} ([I]: 10 s + 1080p unsupported)`,
    },
  ],
  offers: [
    {
      provider: 'runapi',
      native_model: 'runway',
      endpoint: '/api/v1/runway/text_to_video',
      wire_fields: {
        prompt: 'prompt',
        first_frame_image_url: 'first_frame_image_url',
        duration_seconds: 'duration_seconds',
        output_resolution: 'output_resolution',
        aspect_ratio: 'aspect_ratio',
        callback_url: 'callback_url',
      },
      serves: { modes: ['text-to-video', 'image-to-video'] },
      price: {
        kind: 'table',
        rows: [
          { duration_seconds: 5, output_resolution: '720p', usd: 0.12 },
          { duration_seconds: 5, output_resolution: '1080p', usd: 0.3 },
          { duration_seconds: 10, output_resolution: '720p', usd: 0.3 },
        ],
        source: SRC.runapiPricing,
        as_of: SRC.runapiPricingAsOf,
      },
      typical_seconds: 60,
      notes:
        'duration_seconds and output_resolution are required on the wire (the catalog always sends them). The seed calls output_resolution an aspect ratio; it is 720p|1080p.',
    },
    {
      provider: 'runapi',
      native_model: 'runway',
      endpoint: '/api/v1/runway/extend_video',
      wire_fields: { prompt: 'prompt', extend_job_id: 'source_task_id', output_resolution: 'output_resolution', callback_url: 'callback_url' },
      serves: { modes: ['extend'], durations: [], aspect_ratios: [] },
      price: {
        kind: 'table',
        rows: [
          { mode: 'extend', output_resolution: '720p', usd: 0.12 },
          { mode: 'extend', output_resolution: '1080p', usd: 0.3 },
        ],
        source: SRC.runapiPricing,
        as_of: SRC.runapiPricingAsOf,
        note: 'Per extension.',
      },
      typical_seconds: 60,
      notes: 'Continues a finished runway job: extend_job_id is the job_id generate_video returned (sent as its RunAPI task id, source_task_id).',
    },
    simulatorOffer('runway'),
  ],
  notes:
    "RunAPI's Runway model: extend_job_id continues a finished runway video (prompt and output_resolution only). Text-to-video needs aspect_ratio; image-to-video (first_frame_image_url) must not have one. 10 s only at 720p. An older seed page mislabels output_resolution as an aspect ratio: a ratio sent there is read as aspect_ratio. RunAPI publishes no prompt limit; 1000 characters is assumed from Runway's own promptText limit [I].",
  docs_url: 'https://runapi.ai/models/runway',
  typical_seconds: 60,
  typical_seconds_source: TYPICAL_SOURCE,
};

// ---- runway-gen4-turbo -------------------------------------------------------------------------

const gen4Turbo: ModelSpec = {
  id: 'runway-gen4-turbo',
  title: 'Runway Gen-4 Turbo',
  family: 'runway',
  modes: ['image-to-video'],
  aliases: ['gen4-turbo'],
  params: {
    durations: RUNWAY_DURATIONS,
    resolutions: ['720p'],
    aspect_ratios: ALL_RATIOS,
    default_duration: 5,
    default_resolution: '720p',
    default_aspect_ratio: '16:9',
    prompt_max_chars: 4000,
    presence: { prompt: 'optional', first_frame: 'required', last_frame: 'forbidden', source_video: 'forbidden', aspect_ratio: 'optional' },
    prompt_optimizer: false,
  },
  rules: [
    {
      id: 'gen4-turbo-image-to-video-only',
      when: ALWAYS,
      require: present('first_frame_image_url'),
      message: 'runway-gen4-turbo is image-to-video only: first_frame_image_url is required. For text-to-video use runway-gen4.5 or runway.',
      source: `${SRC.runway} (gen4_turbo: promptImage required; "gen4_turbo is not available for T2V")`,
    },
  ],
  offers: [
    {
      provider: 'runway',
      native_model: 'gen4_turbo',
      endpoint: '/v1/image_to_video',
      wire_fields: RUNWAY_I2V_WIRE,
      serves: { durations: RUNWAY_DURATIONS, aspect_ratios: ALL_RATIOS, rules: [runwayPromptLimit] },
      price: runwayPerSecond(5),
      aliases: ['gen4_turbo'],
      typical_seconds: 60,
      notes: `${RUNWAY_NOTES} Durations 2–10 per runwayml/skills (older API: 5|10 [M]).`,
    },
    {
      provider: 'apiframe',
      native_model: 'runway-gen4-turbo',
      endpoint: '/v2/videos/generate',
      wire_fields: APIFRAME_RUNWAY_WIRE,
      serves: { durations: [5, 10], aspect_ratios: FRIENDLY_RATIOS, rules: [APIFRAME_PROMPT_REQUIRED, apiframeRunwayLimit] },
      price: {
        kind: 'credits',
        rows: [
          { duration_seconds: 5, credits: 8 },
          { duration_seconds: 10, credits: 15 },
        ],
        source: `${SRC.apiframeOas} (docs-v2.apiframe.ai/docs/videos/runway/runway-gen4-turbo)`,
        as_of: SRC.apiframeAsOf,
        note: 'Apiframe bills credits; USD only with APIFRAME_USD_PER_CREDIT set.',
      },
      notes: '720p output. Takes friendly ratios only (16:9 …), not pixel ratios.',
    },
    simulatorOffer('runway-gen4-turbo'),
  ],
  notes:
    "Image-to-video only. Durations 2–10 s on Runway's own API, 5 or 10 s on Apiframe. aspect_ratio takes 16:9, 9:16, 1:1, 4:3, 3:4, 21:9 or Runway's pixel ratios (1280:720 …, Runway only); default 16:9. 720p output.",
  docs_url: 'https://docs-v2.apiframe.ai/docs/videos/runway/runway-gen4-turbo',
  typical_seconds: 60,
  typical_seconds_source: TYPICAL_SOURCE,
};

// ---- runway-gen4.5 -----------------------------------------------------------------------------

const gen45: ModelSpec = {
  id: 'runway-gen4.5',
  title: 'Runway Gen-4.5',
  family: 'runway',
  modes: ['text-to-video', 'image-to-video'],
  aliases: ['gen-4.5', 'runway-gen-4.5'],
  params: {
    durations: RUNWAY_DURATIONS,
    resolutions: ['720p'],
    aspect_ratios: ALL_RATIOS,
    default_duration: 5,
    default_resolution: '720p',
    default_aspect_ratio: '16:9',
    prompt_max_chars: 4000,
    presence: { prompt: 'required', first_frame: 'optional', last_frame: 'forbidden', source_video: 'forbidden', aspect_ratio: 'optional' },
    prompt_optimizer: false,
  },
  rules: [],
  offers: [
    {
      provider: 'runway',
      native_model: 'gen4.5',
      endpoint: '/v1/text_to_video',
      wire_fields: RUNWAY_T2V_WIRE,
      serves: { modes: ['text-to-video'], durations: RUNWAY_DURATIONS, aspect_ratios: GEN45_T2V_RATIOS, rules: [runwayPromptLimit] },
      price: runwayPerSecond(12),
      aliases: ['gen4.5'],
      typical_seconds: 90,
      notes: `${RUNWAY_NOTES} Text-to-video takes 16:9 or 9:16 only.`,
    },
    {
      provider: 'runway',
      native_model: 'gen4.5',
      endpoint: '/v1/image_to_video',
      wire_fields: RUNWAY_I2V_WIRE,
      serves: { modes: ['image-to-video'], durations: RUNWAY_DURATIONS, aspect_ratios: ALL_RATIOS, rules: [runwayPromptLimit] },
      price: runwayPerSecond(12),
      aliases: ['gen4.5'],
      typical_seconds: 90,
      notes: RUNWAY_NOTES,
    },
    {
      provider: 'apiframe',
      native_model: 'runway-gen4.5',
      endpoint: '/v2/videos/generate',
      wire_fields: APIFRAME_RUNWAY_WIRE,
      serves: { durations: [5, 10], aspect_ratios: FRIENDLY_RATIOS, rules: [apiframeRunwayLimit] },
      price: { kind: 'unknown', note: "Apiframe's stored docs give no credit cost for runway-gen4.5." },
      notes: 'Same runwayParams as runway-gen4-turbo; image optional. Friendly ratios only.',
    },
    simulatorOffer('runway-gen4.5'),
  ],
  notes:
    "Text-to-video and image-to-video. Durations 2–10 s on Runway's own API, 5 or 10 s on Apiframe. Runway's text-to-video takes 16:9 or 9:16 only. Default 16:9, 720p output. gen4.5 pins Runway's own API (either endpoint).",
  docs_url: 'https://docs.dev.runwayml.com/',
  typical_seconds: 90,
  typical_seconds_source: TYPICAL_SOURCE,
};

// ---- runway-aleph (Aleph 2 on Runway) -----------------------------------------------------------

/** aleph2's targetAspectRatio (outpaint): providers.md §9.1, RW4 video-to-video.ts. */
const ALEPH2_RATIOS = ['16:9', '4:3', '3:2', '1:1', '2:3', '3:4', '9:16', '21:9'];

const aleph: ModelSpec = {
  id: 'runway-aleph',
  title: 'Runway Aleph (video-to-video edit)',
  family: 'runway',
  modes: ['video-to-video'],
  aliases: ['aleph', 'runway-gen4-aleph', 'aleph-2', 'runway-aleph2'],
  params: {
    durations: [],
    resolutions: [],
    aspect_ratios: [...new Set([...ALEPH_RATIOS, ...ALEPH2_RATIOS])],
    prompt_max_chars: 1000,
    presence: { prompt: 'required', first_frame: 'forbidden', last_frame: 'forbidden', source_video: 'required', aspect_ratio: 'optional' },
    prompt_optimizer: false,
  },
  rules: [
    {
      id: 'aleph-video-to-video',
      when: ALWAYS,
      require: { all: [present('source_video_url'), absent('first_frame_image_url'), absent('last_frame_image_url')] },
      message:
        'runway-aleph edits an existing video: source_video_url (the video to edit) is required, with a prompt describing the edit; it takes no first_frame_image_url or last_frame_image_url. For image-to-video use runway or runway-gen4-turbo.',
      source: `${SRC.runapiContract} (Aleph is POST /api/v1/runway_aleph/edit_video, source_video_url required); ${SRC.seedInconsistencies} item 2 (SEED-3 wrongly shows runway-aleph on runway/text_to_video with first_frame_image_url); ${SRC.runway4} (aleph2: videoUri required)`,
    },
  ],
  offers: [
    {
      provider: 'runapi',
      native_model: 'runway-aleph',
      endpoint: '/api/v1/runway_aleph/edit_video',
      wire_fields: { prompt: 'prompt', source_video_url: 'source_video_url', aspect_ratio: 'aspect_ratio', seed: 'seed', callback_url: 'callback_url' },
      serves: { aspect_ratios: ALEPH_RATIOS },
      price: { kind: 'table', rows: [{ usd: 1.1 }], source: SRC.runapiPricing, as_of: SRC.runapiPricingAsOf, note: 'Flat price per edit.' },
      typical_seconds: 90,
      notes: "RunAPI's SDK does not send model on this fixed-model endpoint (the server accepts it).",
    },
    {
      provider: 'runway',
      native_model: 'aleph2',
      endpoint: '/v1/video_to_video',
      wire_fields: { prompt: 'promptText', source_video_url: 'videoUri', aspect_ratio: 'targetAspectRatio', seed: 'seed' },
      serves: { aspect_ratios: ALEPH2_RATIOS, rules: [runwayPromptLimit] },
      price: runwayPerSecond(
        15,
        "Billed on the output length, which follows the source video: no estimate without it. Aleph 2's rate is unpublished; gen4_aleph's 15 credits/s is assumed [I].",
      ),
      aliases: ['aleph2'],
      retired_aliases: [{ slug: 'gen4_aleph', source: SRC.runway4Retired }],
      typical_seconds: 90,
      notes: `${RUNWAY_NOTES} aspect_ratio is sent as targetAspectRatio (outpaint: the input is letterboxed to that ratio). gen4_aleph is retired (gone from @runwayml/sdk 4.x); the slug still works here and is sent as its successor aleph2.`,
    },
    simulatorOffer('runway-aleph'),
  ],
  notes:
    "Video-to-video edit: source_video_url and prompt are required; no duration or resolution (the output follows the source). aspect_ratio: 16:9, 9:16, 4:3, 3:4, 1:1, 21:9 on both; 3:2 and 2:3 on Runway (aleph2 outpaint). Runway's own API serves Aleph 2 (aleph2); the retired gen4_aleph slug maps to it. Local videos over 5 MB go to Runway through its uploads flow.",
  docs_url: 'https://docs.dev.runwayml.com/',
  typical_seconds: 90,
  typical_seconds_source: TYPICAL_SOURCE,
};

// ---- Veo 3.1 and Veo 3.1 Fast on Runway --------------------------------------------------------

const VEO_FRIENDLY = ['16:9', '9:16'];

const RULE_VEO_LAST_NEEDS_FIRST: JointRule = {
  id: 'veo-last-frame-needs-first-frame',
  when: present('last_frame_image_url'),
  require: present('first_frame_image_url'),
  message: 'last_frame_image_url needs first_frame_image_url: Veo 3.1 "does not support generating with only a last frame". Add first_frame_image_url.',
  source: `${SRC.runway4} (veo3.1 promptImage, image-to-video.ts:267-269)`,
};
const RULE_VEO_T2V_PROMPT: JointRule = {
  id: 'veo-text-to-video-needs-prompt',
  when: absent('first_frame_image_url'),
  require: present('prompt'),
  message: 'prompt is required for Veo 3.1 text-to-video (no first_frame_image_url): describe the video, or add a first frame.',
  source: `${SRC.runway4} (text_to_video veo3.1: promptText required; image_to_video: promptText optional)`,
};

function veo(id: string, slug: string, title: string, creditsPerSecond: number, creditNote: string): ModelSpec {
  const price = runwayPerSecond(creditsPerSecond, creditNote);
  return {
    id,
    title,
    family: 'runway',
    modes: ['text-to-video', 'image-to-video', 'first-last-frame'],
    aliases: [],
    params: {
      durations: [4, 6, 8],
      resolutions: ['720p', '1080p'],
      aspect_ratios: VEO_FRIENDLY,
      default_duration: 6,
      default_resolution: '720p',
      default_aspect_ratio: '16:9',
      prompt_max_chars: 1000,
      presence: { prompt: 'optional', first_frame: 'optional', last_frame: 'optional', source_video: 'forbidden', aspect_ratio: 'optional' },
      prompt_optimizer: false,
    },
    rules: [RULE_VEO_LAST_NEEDS_FIRST, RULE_VEO_T2V_PROMPT],
    offers: [
      {
        provider: 'runway',
        native_model: slug,
        endpoint: '/v1/text_to_video',
        wire_fields: VEO_T2V_WIRE,
        serves: { modes: ['text-to-video'] },
        price,
        aliases: [slug],
        typical_seconds: 90,
        notes: `${RUNWAY_NOTES} 16:9/9:16 at 720p go out as 1280:720/720:1280, at 1080p as 1920:1080/1080:1920.`,
      },
      {
        provider: 'runway',
        native_model: slug,
        endpoint: '/v1/image_to_video',
        wire_fields: VEO_I2V_WIRE,
        serves: { modes: ['image-to-video', 'first-last-frame'] },
        price,
        aliases: [slug],
        typical_seconds: 90,
        notes: RUNWAY_NOTES,
      },
      {
        provider: 'apiframe',
        native_model: id,
        endpoint: '/v2/videos/generate',
        wire_fields: APIFRAME_VEO_WIRE,
        serves: { rules: [APIFRAME_PROMPT_REQUIRED] },
        price: { kind: 'unknown', note: `Apiframe's stored docs give no credit cost for ${id}.` },
        notes:
          'veoParams: image, last_frame, aspect_ratio, duration 4|6|8, resolution 720p|1080p, generate_audio, negative_prompt (≤2000), seed (providers.md §2.2).',
      },
      simulatorOffer(id),
    ],
    notes: `Google Veo 3.1 served by Runway's API (${slug}) and Apiframe (${id}). Text-to-video, image-to-video, first+last frame. 4, 6 or 8 s; 16:9 or 9:16 at 720p or 1080p. Takes seed, negative_prompt and generate_audio (audio costs more). Default 6 s (Runway publishes no default).`,
    docs_url: 'https://docs.dev.runwayml.com/',
    typical_seconds: 90,
    typical_seconds_source: TYPICAL_SOURCE,
  };
}

const veo31 = veo(
  'veo-3.1',
  'veo3.1',
  'Google Veo 3.1 (Runway)',
  40,
  'Runway lists 20–40 credits/s for veo3.1, audio costing more; the upper bound is used so a budget is never exceeded by the estimate.',
);
const veo31Fast = veo(
  'veo-3.1-fast',
  'veo3.1_fast',
  'Google Veo 3.1 Fast (Runway)',
  15,
  'Runway lists 10–15 credits/s for veo3.1_fast, audio costing more; the upper bound is used so a budget is never exceeded by the estimate.',
);

// ---- Seedance 2.0 on Runway --------------------------------------------------------------------

/**
 * Seedance 2's Runway ratios encode the resolution: six shapes at 480p, 720p, 1080p and 4k
 * (@runwayml/sdk 4.20.1 image-to-video.ts `Seedance2.ratio`, in that order). Exported for the adapter.
 */
export const SEEDANCE2_PIXELS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '480p': { '21:9': '992:432', '16:9': '864:496', '4:3': '752:560', '1:1': '640:640', '3:4': '560:752', '9:16': '496:864' },
  '720p': { '21:9': '1470:630', '16:9': '1280:720', '4:3': '1112:834', '1:1': '960:960', '3:4': '834:1112', '9:16': '720:1280' },
  '1080p': { '21:9': '2206:946', '16:9': '1920:1080', '4:3': '1664:1248', '1:1': '1440:1440', '3:4': '1248:1664', '9:16': '1080:1920' },
  '4k': { '21:9': '3840:1646', '16:9': '3840:2160', '4:3': '3840:2880', '1:1': '3840:3840', '3:4': '2880:3840', '9:16': '2160:3840' },
};
/** seedance2_5's 18 ratios: its 480p row differs (854:480, 480:854); no 4k (RW4 image-to-video.ts `Seedance2_5.ratio`). */
export const SEEDANCE25_PIXELS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '480p': { '21:9': '992:432', '16:9': '854:480', '4:3': '752:560', '1:1': '640:640', '3:4': '560:752', '9:16': '480:854' },
  '720p': SEEDANCE2_PIXELS['720p']!,
  '1080p': SEEDANCE2_PIXELS['1080p']!,
};
const SEEDANCE_T2V_WIRE: Wire = {
  prompt: 'promptText',
  duration_seconds: 'duration',
  aspect_ratio: 'ratio',
  output_resolution: 'ratio',
  seed: 'seed',
  generate_audio: 'audio',
};
const SEEDANCE_I2V_WIRE: Wire = {
  ...SEEDANCE_T2V_WIRE,
  first_frame_image_url: 'promptImage[position=first]',
  last_frame_image_url: 'promptImage[position=last]',
};
const SEEDANCE_RULES: JointRule[] = [
  {
    id: 'seedance2-text-to-video-needs-prompt',
    when: absent('first_frame_image_url'),
    require: present('prompt'),
    message: 'prompt is required for Seedance 2 text-to-video (no first_frame_image_url): describe the video, or add a first frame.',
    source: `${SRC.runway4} (text_to_video seedance2*: promptText required; image_to_video: optional)`,
  },
  {
    id: 'seedance2-last-frame-needs-first-frame',
    when: present('last_frame_image_url'),
    require: present('first_frame_image_url'),
    message: 'last_frame_image_url needs first_frame_image_url on Seedance 2 (keyframe mode). Add first_frame_image_url.',
    source: `${SRC.runway4} (seedance2* promptImage positions first/last; a last frame alone is not documented [I])`,
  },
];

/**
 * One Seedance 2 variant on Runway. `resolutions` follow the SDK's ratio union: seedance2 has 24 pixel
 * ratios (480p–4k), seedance2_fast and seedance2_mini 12 (480p, 720p).
 */
function seedance(id: string, slug: string, title: string, resolutions: readonly string[], price: Offer['price'], blurb: string, promptMax = 3500): ModelSpec {
  return {
    id,
    title,
    family: 'runway',
    modes: ['text-to-video', 'image-to-video', 'first-last-frame'],
    aliases: [],
    params: {
      durations: secondsRange(4, 15),
      resolutions,
      aspect_ratios: ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16'],
      default_duration: 5,
      default_resolution: '720p',
      default_aspect_ratio: '16:9',
      prompt_max_chars: promptMax,
      presence: { prompt: 'optional', first_frame: 'optional', last_frame: 'optional', source_video: 'forbidden', aspect_ratio: 'optional' },
      prompt_optimizer: false,
    },
    rules: SEEDANCE_RULES,
    offers: [
      {
        provider: 'runway',
        native_model: slug,
        endpoint: '/v1/text_to_video',
        wire_fields: SEEDANCE_T2V_WIRE,
        serves: { modes: ['text-to-video'] },
        price,
        aliases: [slug],
        typical_seconds: 90,
        notes: `${RUNWAY_NOTES} aspect_ratio × output_resolution go out as one of Runway's Seedance pixel ratios. Durations 4–15 s are [I] (Apiframe's seedance-2 range); the SDK types only a number or auto.`,
      },
      {
        provider: 'runway',
        native_model: slug,
        endpoint: '/v1/image_to_video',
        wire_fields: SEEDANCE_I2V_WIRE,
        serves: { modes: ['image-to-video', 'first-last-frame'] },
        price,
        aliases: [slug],
        typical_seconds: 90,
        notes: RUNWAY_NOTES,
      },
      simulatorOffer(id),
    ],
    notes: `${blurb} Text-to-video, image-to-video, first+last frame; 4–15 s [I]; ${resolutions.join(', ')}; six aspect ratios; takes seed and generate_audio. Prompt up to ${promptMax} characters.`,
    docs_url: 'https://docs.dev.runwayml.com/',
    typical_seconds: 90,
    typical_seconds_source: TYPICAL_SOURCE,
  };
}

const seedance2 = seedance(
  'seedance-2',
  'seedance2',
  'ByteDance Seedance 2.0 (Runway)',
  ['480p', '720p', '1080p', '4k'],
  runwayPerSecond(36, 'runwayml/skills lists 36 credits/s for seedance2 without saying at which resolution; 4k may cost more [I].'),
  "ByteDance Seedance 2.0 served by Runway's API (seedance2).",
);
const seedance2Fast = seedance(
  'seedance-2-fast',
  'seedance2_fast',
  'ByteDance Seedance 2.0 Fast (Runway)',
  ['480p', '720p'],
  { kind: 'unknown', note: 'Runway publishes no credit rate for seedance2_fast in the stored sources.' },
  "ByteDance Seedance 2.0 Fast served by Runway's API (seedance2_fast).",
);
const seedance2Mini = seedance(
  'seedance-2-mini',
  'seedance2_mini',
  'ByteDance Seedance 2.0 Mini (Runway)',
  ['480p', '720p'],
  { kind: 'unknown', note: 'Runway publishes no credit rate for seedance2_mini in the stored sources.' },
  "ByteDance Seedance 2.0 Mini served by Runway's API (seedance2_mini).",
);
const seedance25 = seedance(
  'seedance-2.5',
  'seedance2_5',
  'ByteDance Seedance 2.5 (Runway)',
  ['480p', '720p', '1080p'],
  { kind: 'unknown', note: 'Runway publishes no credit rate for seedance2_5 in the stored sources.' },
  "ByteDance Seedance 2.5 served by Runway's API (seedance2_5). Runway types promptText as optional on text-to-video too; a prompt is required here for text-to-video [I].",
  15000,
);

export const RUNWAY_MODELS: readonly ModelSpec[] = [runway, gen4Turbo, gen45, aleph, veo31, veo31Fast, seedance2, seedance2Fast, seedance2Mini, seedance25];
