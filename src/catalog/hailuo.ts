/**
 * MiniMax Hailuo models, as data. Facts and sources: providers.md §1.3/§1.8 (RunAPI), §2.2 (Apiframe),
 * §3.5 (Atlas Cloud), §4.2/§4.6 (MiniMax), §6 (cross-provider table), and the seed pages.
 *
 * Where a seed page and the provider contract disagree, the model accepts what users send and each offer
 * describes what its provider accepts (e.g. RunAPI's pro tier is 1080p 6 s only, whatever the seed says).
 */
import { simulatorOffer } from './common.js';
import { ALWAYS, absent, isIn, present, promptLimitRule } from './rules.js';
import { SRC } from './sources.js';
import type { FieldPresence, JointRule, ModelSpec, Offer, ParamName } from './types.js';

const HAILUO_DURATIONS = [6, 10] as const;

/** Typical times: the seeds say 60–120 s on RunAPI (pro "within two minutes") and ~180 s on Apiframe. */
const RUNAPI_TYPICAL_S = 120;
const APIFRAME_TYPICAL_S = 180;
const TYPICAL_SOURCE = 'SEED-0/1 FAQ (RunAPI: typical generation 60–120 s; pro under two minutes), SEED-2 (Apiframe: ~180 s average)';

// ---- joint rules -------------------------------------------------------------------------------

const RULE_1080P_6S: JointRule = {
  id: 'hailuo-1080p-6s-only',
  when: isIn('output_resolution', ['1080p']),
  require: isIn('duration_seconds', [6]),
  message: 'duration_seconds 10 is not offered at output_resolution 1080p; allowed at 1080p: 6. Use 768p for a 10 s clip.',
  source: `${SRC.minimax} ("1080P (6 s only)"); ${SRC.apiframeOas} ("1080p does not support 10 s"); ${SRC.runapiPricing} (no 10 s/1080p price)`,
};

const RULE_LAST_NEEDS_FIRST: JointRule = {
  id: 'hailuo-last-frame-needs-first-frame',
  when: present('last_frame_image_url'),
  require: present('first_frame_image_url'),
  message:
    'last_frame_image_url needs first_frame_image_url: first+last frame mode takes both frames. Add first_frame_image_url, or drop last_frame_image_url.',
  source: `${SRC.minimax} (last_frame_image: MiniMax-Hailuo-02 only, needs first_frame_image); ${SRC.seedHailuo} (FAQ: pass both together)`,
};

const RULE_LAST_NOT_512P: JointRule = {
  id: 'hailuo-last-frame-not-512p',
  when: present('last_frame_image_url'),
  require: { not: isIn('output_resolution', ['512p']) },
  message: 'output_resolution 512p is not offered with last_frame_image_url; allowed with a last frame: 768p, 1080p.',
  source: `${SRC.minimax} (last_frame_image: "no 512P"); ${SRC.minimaxMatrix} (last frame at 768P/1080P)`,
};

const RULE_512P_NEEDS_FIRST: JointRule = {
  id: 'hailuo-512p-image-to-video-only',
  when: isIn('output_resolution', ['512p']),
  require: present('first_frame_image_url'),
  message: 'output_resolution 512p is image-to-video only: add first_frame_image_url, or use 768p or 1080p for text-to-video.',
  source: `${SRC.minimax} ("512P (02, I2V only)"); ${SRC.atlas} (minimax/hailuo-02/fast: I2V only, 512p); ${SRC.runapiContract} (512p only on image_to_video)`,
};

const RULE_23_NO_LAST_FRAME: JointRule = {
  id: 'hailuo-2.3-no-last-frame',
  when: ALWAYS,
  require: absent('last_frame_image_url'),
  message: 'last_frame_image_url is not taken by Hailuo 2.3: first+last frame control is Hailuo 02 only. Use model hailuo-02, or drop last_frame_image_url.',
  source: `${SRC.seedHailuo} (FAQ: 2.3 image-to-video accepts first_frame_image_url only); ${SRC.minimax} (last_frame_image: MiniMax-Hailuo-02 only)`,
};

const RULE_23_FAST_I2V_ONLY: JointRule = {
  id: 'hailuo-2.3-fast-image-to-video-only',
  when: ALWAYS,
  require: present('first_frame_image_url'),
  message: 'hailuo-2.3-fast is image-to-video only: first_frame_image_url is required. Use hailuo-2.3 for text-to-video.',
  source: `${SRC.minimax} ("MiniMax-Hailuo-2.3-Fast (I2V only)"); ${SRC.minimaxMatrix}`,
};

// ---- wire field maps ---------------------------------------------------------------------------

type Wire = Readonly<Partial<Record<ParamName, string>>>;

/** RunAPI image_to_video: the common vocabulary is RunAPI's own (2026-06 contract). */
const RUNAPI_I2V_WIRE: Wire = {
  prompt: 'prompt',
  first_frame_image_url: 'first_frame_image_url',
  last_frame_image_url: 'last_frame_image_url',
  duration_seconds: 'duration_seconds',
  output_resolution: 'output_resolution',
  prompt_optimizer: 'prompt_optimizer',
  callback_url: 'callback_url',
};
/** Hailuo 2.3 takes no last frame (the contract lists one, but the seeds and older SDKs say 02 only). */
const { last_frame_image_url: _noLast23, ...RUNAPI_I2V_23_WIRE } = RUNAPI_I2V_WIRE;
/** RunAPI text_to_video has no output_resolution: the slug fixes it. */
const RUNAPI_T2V_WIRE: Wire = {
  prompt: 'prompt',
  duration_seconds: 'duration_seconds',
  prompt_optimizer: 'prompt_optimizer',
  callback_url: 'callback_url',
};
const APIFRAME_HAILUO_WIRE: Wire = {
  prompt: 'prompt',
  first_frame_image_url: 'hailuoParams.image',
  duration_seconds: 'hailuoParams.duration',
  output_resolution: 'hailuoParams.resolution',
  prompt_optimizer: 'hailuoParams.prompt_optimizer',
  callback_url: 'webhookUrl',
};
const ATLAS_WIRE: Wire = {
  prompt: 'prompt',
  first_frame_image_url: 'image',
  duration_seconds: 'duration',
  prompt_optimizer: 'enable_prompt_expansion',
};
/** Atlas's *-pro variants take no duration field (6 s fixed). */
const ATLAS_PRO_WIRE: Wire = { prompt: 'prompt', first_frame_image_url: 'image', prompt_optimizer: 'enable_prompt_expansion' };
const MINIMAX_WIRE: Wire = {
  prompt: 'prompt',
  first_frame_image_url: 'first_frame_image',
  last_frame_image_url: 'last_frame_image',
  duration_seconds: 'duration',
  output_resolution: 'resolution',
  prompt_optimizer: 'prompt_optimizer',
  callback_url: 'callback_url',
  watermark: 'aigc_watermark',
};
/** Hailuo 2.3 and 2.3-Fast take no last frame on MiniMax. */
const { last_frame_image_url: _noLastFrame, ...MINIMAX_WIRE_23 } = MINIMAX_WIRE;
const MINIMAX_NOTES =
  'MiniMax writes resolutions with an uppercase P (768P). Answers HTTP 200 with base_resp.status_code != 0 on errors. Video models need the Max plan or above on Token Plan subscriptions.';

const HAILUO_PRESENCE_02: FieldPresence = {
  prompt: 'required',
  first_frame: 'optional',
  last_frame: 'optional',
  source_video: 'forbidden',
  aspect_ratio: 'forbidden',
};

// ---- prices ------------------------------------------------------------------------------------

const MINIMAX_PRICE_NOTE =
  'Unverified: MiniMax list prices recalled from public docs ([M] in providers.md §4.6), not read from a stored source; check before relying on them.';

/** An Atlas Cloud offer: one model id on the flat generateVideo endpoint, pinned by its own id. */
function atlasOffer(slug: string, wire: Wire, serves: Offer['serves'], price: Offer['price'], notes: string): Offer {
  return { provider: 'atlascloud', native_model: slug, endpoint: '/api/v1/model/generateVideo', wire_fields: wire, serves, price, aliases: [slug], notes };
}

function runapiFlat(usd: number): Offer['price'] {
  return { kind: 'table', rows: [{ usd }], source: SRC.runapiPricing, as_of: SRC.runapiPricingAsOf, note: 'Flat price per task.' };
}

// ---- Hailuo 02 ---------------------------------------------------------------------------------

const runapi02Limit = promptLimitRule('runapi-hailuo-02-prompt-1500', 1500, 'RunAPI Hailuo 02', SRC.runapiGoPromptLimit);

const hailuo02Offers: Offer[] = [
  {
    provider: 'runapi',
    native_model: 'hailuo-02-text-to-video-pro',
    endpoint: '/api/v1/hailuo/text_to_video',
    wire_fields: RUNAPI_T2V_WIRE,
    serves: { modes: ['text-to-video'], durations: [6], resolutions: ['1080p'], rules: [runapi02Limit] },
    price: runapiFlat(0.57),
    aliases: ['hailuo-02-text-to-video-pro'],
    typical_seconds: RUNAPI_TYPICAL_S,
    notes:
      'Pro tier: 1080p, duration fixed (6 s) and priced flat; text_to_video takes no output_resolution (1080p and 6 s are inferred from the tier and the flat price, providers.md §1.3/§6 [I]).',
  },
  {
    provider: 'runapi',
    native_model: 'hailuo-02-text-to-video-standard',
    endpoint: '/api/v1/hailuo/text_to_video',
    wire_fields: RUNAPI_T2V_WIRE,
    serves: { modes: ['text-to-video'], durations: [6, 10], resolutions: ['768p'], rules: [runapi02Limit] },
    price: {
      kind: 'table',
      rows: [
        { duration_seconds: 6, usd: 0.3 },
        { duration_seconds: 10, usd: 0.5 },
      ],
      source: SRC.runapiPricing,
      as_of: SRC.runapiPricingAsOf,
      note: 'Matches the SEED-0 FAQ (6 s 30¢, 10 s 50¢).',
    },
    aliases: ['hailuo-02-text-to-video-standard'],
    typical_seconds: RUNAPI_TYPICAL_S,
    notes:
      'text_to_video takes no output_resolution; standard output is 768p (providers.md §6 [I]). The seed says standard defaults to 10 s; this catalog defaults to 6 s and sends duration_seconds explicitly.',
  },
  {
    provider: 'runapi',
    native_model: 'hailuo-02-image-to-video-pro',
    endpoint: '/api/v1/hailuo/image_to_video',
    wire_fields: RUNAPI_I2V_WIRE,
    serves: { modes: ['image-to-video', 'first-last-frame'], durations: [6], resolutions: ['1080p'], rules: [runapi02Limit] },
    price: runapiFlat(0.57),
    aliases: ['hailuo-02-image-to-video-pro'],
    typical_seconds: RUNAPI_TYPICAL_S,
    notes: 'Pro tier: 1080p with the duration fixed (6 s), priced flat (providers.md §1.3/§6; 1080p upstream is [I]).',
  },
  {
    provider: 'runapi',
    native_model: 'hailuo-02-image-to-video-standard',
    endpoint: '/api/v1/hailuo/image_to_video',
    wire_fields: RUNAPI_I2V_WIRE,
    serves: { modes: ['image-to-video', 'first-last-frame'], durations: [6, 10], resolutions: ['512p', '768p'], rules: [runapi02Limit] },
    price: {
      kind: 'table',
      rows: [
        { duration_seconds: 6, output_resolution: '512p', usd: 0.12 },
        { duration_seconds: 6, output_resolution: '768p', usd: 0.3 },
        { duration_seconds: 10, output_resolution: '512p', usd: 0.2 },
        { duration_seconds: 10, output_resolution: '768p', usd: 0.5 },
      ],
      source: SRC.runapiPricing,
      as_of: SRC.runapiPricingAsOf,
      note: 'Matches the SEED-0 FAQ ("6 s 512p from 12¢").',
    },
    aliases: ['hailuo-02-image-to-video-standard'],
    typical_seconds: RUNAPI_TYPICAL_S,
  },
  {
    provider: 'apiframe',
    native_model: 'hailuo-02',
    endpoint: '/v2/videos/generate',
    wire_fields: { ...APIFRAME_HAILUO_WIRE, last_frame_image_url: 'hailuoParams.end_image' },
    serves: {
      durations: [6, 10],
      resolutions: ['768p', '1080p'],
      rules: [promptLimitRule('apiframe-hailuo-prompt-2000', 2000, 'Apiframe Hailuo', SRC.apiframeOas)],
    },
    price: {
      kind: 'credits',
      rows: [
        { duration_seconds: 6, output_resolution: '768p', credits: 5 },
        { duration_seconds: 10, output_resolution: '768p', credits: 8 },
        { duration_seconds: 6, output_resolution: '1080p', credits: 10 },
      ],
      source: SRC.apiframeOas,
      as_of: SRC.apiframeAsOf,
      note: 'Apiframe bills credits; USD only with APIFRAME_USD_PER_CREDIT set. Failed jobs are refunded.',
    },
    typical_seconds: APIFRAME_TYPICAL_S,
    notes:
      'Webhook field is webhookUrl (the seed says webhook_url, which the API rejects). The seed advertises reference images; Hailuo 02 on Apiframe only takes image and end_image.',
  },
  {
    provider: 'atlascloud',
    native_model: 'minimax/hailuo-02/fast',
    endpoint: '/api/v1/model/generateVideo',
    wire_fields: ATLAS_WIRE,
    serves: { modes: ['image-to-video'], durations: [6, 10], resolutions: ['512p'] },
    price: {
      kind: 'table',
      rows: [{ duration_seconds: 6, usd: 0.1 }],
      source: SRC.atlasPrice,
      as_of: SRC.atlasAsOf,
      note: 'Atlas shows one per-run price ($0.10) for the default configuration (6 s); the 10 s price is not published in the stored pages, so it is unknown.',
    },
    aliases: ['minimax/hailuo-02/fast'],
    notes:
      'Image-to-video only at 512p ("6s and 10s at 512p", SEED-4). The seed\'s width/height/fps/duration:3 snippet is a page template and is not valid for Hailuo.',
  },
  {
    provider: 'atlascloud',
    native_model: 'minimax/hailuo-02/standard',
    endpoint: '/api/v1/model/generateVideo',
    wire_fields: ATLAS_WIRE,
    serves: { modes: ['text-to-video', 'image-to-video'], durations: [6, 10], resolutions: ['768p'] },
    price: {
      kind: 'table',
      rows: [{ duration_seconds: 6, usd: 0.23 }],
      source: SRC.atlasPrice,
      as_of: SRC.atlasAsOf,
      note: 'Atlas shows $0.23 for the default configuration (6 s); the 10 s price is unknown.',
    },
    aliases: ['minimax/hailuo-02/standard'],
    notes: 'An end_image field is likely (WaveSpeed parity) but not seen in Atlas code, so first+last frame is not offered here.',
  },
  atlasOffer(
    'minimax/hailuo-02/pro',
    ATLAS_WIRE,
    { modes: ['text-to-video', 'image-to-video'], durations: [6], resolutions: ['1080p'] },
    { kind: 'unknown', note: 'Atlas Cloud publishes no price for minimax/hailuo-02/pro in the stored sources.' },
    '1080p, duration 6 only (providers.md §3.5).',
  ),
  atlasOffer(
    'minimax/hailuo-02/t2v-standard',
    ATLAS_WIRE,
    { modes: ['text-to-video'], durations: [6, 10], resolutions: ['768p'] },
    { kind: 'unknown', note: 'No published price in the stored sources.' },
    'Fields from the Atlas ComfyUI node; 768p is inferred from the standard tier (providers.md §3.5 [I]).',
  ),
  atlasOffer(
    'minimax/hailuo-02/t2v-pro',
    ATLAS_PRO_WIRE,
    { modes: ['text-to-video'], durations: [6], resolutions: ['1080p'] },
    { kind: 'unknown', note: 'No published price in the stored sources.' },
    'Takes no duration (6 s); 1080p is inferred from the pro tier (providers.md §3.5 [I]).',
  ),
  atlasOffer(
    'minimax/hailuo-02/i2v-standard',
    ATLAS_WIRE,
    { modes: ['image-to-video'], durations: [6, 10], resolutions: ['768p'] },
    { kind: 'unknown', note: 'No published price in the stored sources.' },
    'Fields from the Atlas ComfyUI node; 768p is inferred from the standard tier (providers.md §3.5 [I]).',
  ),
  atlasOffer(
    'minimax/hailuo-02/i2v-pro',
    ATLAS_PRO_WIRE,
    { modes: ['image-to-video'], durations: [6], resolutions: ['1080p'] },
    { kind: 'unknown', note: 'No published price in the stored sources.' },
    'Takes no duration (6 s); 1080p is inferred from the pro tier (providers.md §3.5 [I]).',
  ),
  {
    provider: 'minimax',
    native_model: 'MiniMax-Hailuo-02',
    endpoint: '/v1/video_generation',
    wire_fields: MINIMAX_WIRE,
    serves: {},
    price: {
      kind: 'table',
      rows: [
        { duration_seconds: 6, output_resolution: '512p', usd: 0.1 },
        { duration_seconds: 6, output_resolution: '768p', usd: 0.28 },
        { duration_seconds: 10, output_resolution: '768p', usd: 0.56 },
        { duration_seconds: 6, output_resolution: '1080p', usd: 0.49 },
      ],
      source: SRC.minimaxMatrix,
      as_of: SRC.minimaxAsOf,
      note: `${MINIMAX_PRICE_NOTE} 512P 10 s has no remembered price (unknown).`,
      unverified: true,
    },
    aliases: ['MiniMax-Hailuo-02'],
    notes: MINIMAX_NOTES,
  },
  simulatorOffer('hailuo-02'),
];

// ---- Hailuo 2.3 --------------------------------------------------------------------------------

const runapi23Limit = promptLimitRule('runapi-hailuo-2.3-prompt-5000', 5000, 'RunAPI Hailuo 2.3', SRC.runapiGoPromptLimit);
const apiframeHailuoLimit = promptLimitRule('apiframe-hailuo-prompt-2000', 2000, 'Apiframe Hailuo', SRC.apiframeOas);
const minimaxLimit = promptLimitRule('minimax-prompt-2000', 2000, 'MiniMax', SRC.minimax);

const hailuo23Offers: Offer[] = [
  {
    provider: 'runapi',
    native_model: 'hailuo-2.3-image-to-video-pro',
    endpoint: '/api/v1/hailuo/image_to_video',
    wire_fields: RUNAPI_I2V_23_WIRE,
    serves: { modes: ['image-to-video'], durations: [6, 10], resolutions: ['768p', '1080p'], rules: [runapi23Limit] },
    price: {
      kind: 'table',
      rows: [
        { duration_seconds: 6, output_resolution: '768p', usd: 0.45 },
        { duration_seconds: 6, output_resolution: '1080p', usd: 0.8 },
        { duration_seconds: 10, output_resolution: '768p', usd: 0.9 },
      ],
      source: SRC.runapiPricing,
      as_of: SRC.runapiPricingAsOf,
    },
    aliases: ['hailuo-2.3-image-to-video-pro', 'hailuo-2-3-image-to-video-pro'],
    typical_seconds: RUNAPI_TYPICAL_S,
    notes:
      'hailuo-2-3-image-to-video-pro is the pre-2026-06 slug; the new slug is sent. The contract lists last_frame_image_url here too, but the seeds and older SDKs say 02 only.',
  },
  {
    provider: 'runapi',
    native_model: 'hailuo-2.3-image-to-video-standard',
    endpoint: '/api/v1/hailuo/image_to_video',
    wire_fields: RUNAPI_I2V_23_WIRE,
    serves: { modes: ['image-to-video'], durations: [6, 10], resolutions: ['768p', '1080p'], rules: [runapi23Limit] },
    price: {
      kind: 'table',
      rows: [
        { duration_seconds: 6, output_resolution: '768p', usd: 0.3 },
        { duration_seconds: 6, output_resolution: '1080p', usd: 0.5 },
        { duration_seconds: 10, output_resolution: '768p', usd: 0.5 },
      ],
      source: SRC.runapiPricing,
      as_of: SRC.runapiPricingAsOf,
    },
    aliases: ['hailuo-2.3-image-to-video-standard', 'hailuo-2-3-image-to-video-standard'],
    typical_seconds: RUNAPI_TYPICAL_S,
    notes: 'hailuo-2-3-image-to-video-standard is the pre-2026-06 slug; the new slug is sent.',
  },
  {
    provider: 'apiframe',
    native_model: 'hailuo-2.3',
    endpoint: '/v2/videos/generate',
    wire_fields: APIFRAME_HAILUO_WIRE,
    serves: { durations: [6, 10], resolutions: ['768p', '1080p'], rules: [apiframeHailuoLimit] },
    price: {
      kind: 'credits',
      rows: [
        { duration_seconds: 6, output_resolution: '768p', credits: 5 },
        { duration_seconds: 10, output_resolution: '768p', credits: 10 },
        { duration_seconds: 6, output_resolution: '1080p', credits: 10 },
      ],
      source: `${SRC.apiframeOas} (docs-v2.apiframe.ai/docs/videos/hailuo/hailuo-2-3)`,
      as_of: SRC.apiframeAsOf,
      note: 'Apiframe bills credits; USD only with APIFRAME_USD_PER_CREDIT set.',
    },
    typical_seconds: APIFRAME_TYPICAL_S,
    notes: 'No end_image on 2.3. Webhook field is webhookUrl.',
  },
  {
    provider: 'atlascloud',
    native_model: 'minimax/hailuo-2.3/i2v-standard',
    endpoint: '/api/v1/model/generateVideo',
    wire_fields: ATLAS_WIRE,
    serves: { modes: ['image-to-video'], durations: [6, 10], resolutions: ['768p'] },
    price: {
      kind: 'table',
      rows: [{ duration_seconds: 6, usd: 0.28 }],
      source: SRC.atlasPrice,
      as_of: SRC.atlasAsOf,
      note: 'Atlas shows $0.28 per run for the default configuration (6 s); the 10 s price is unknown.',
    },
    aliases: ['minimax/hailuo-2.3/i2v-standard'],
  },
  atlasOffer(
    'minimax/hailuo-2.3/i2v-pro',
    ATLAS_PRO_WIRE,
    { modes: ['image-to-video'], durations: [6], resolutions: ['1080p'] },
    { kind: 'unknown', note: 'No published price in the stored sources.' },
    'Takes no duration (6 s); 1080p is inferred from the pro tier (providers.md §3.5 [I]).',
  ),
  atlasOffer(
    'minimax/hailuo-2.3/t2v-standard',
    ATLAS_WIRE,
    { modes: ['text-to-video'], durations: [6, 10], resolutions: ['768p'] },
    { kind: 'unknown', note: 'No published price in the stored sources.' },
    '768p is inferred from the standard tier (providers.md §3.5 [I]).',
  ),
  {
    provider: 'atlascloud',
    native_model: 'minimax/hailuo-2.3/t2v-pro',
    endpoint: '/api/v1/model/generateVideo',
    wire_fields: { prompt: 'prompt', prompt_optimizer: 'enable_prompt_expansion' },
    serves: { modes: ['text-to-video'], durations: [6], resolutions: ['1080p'] },
    price: { kind: 'unknown', note: 'No published price in the stored sources.' },
    aliases: ['minimax/hailuo-2.3/t2v-pro'],
    notes: 'Takes no duration (6 s); 1080p is inferred from the pro tier (providers.md §3.5 [I]).',
  },
  {
    provider: 'minimax',
    native_model: 'MiniMax-Hailuo-2.3',
    endpoint: '/v1/video_generation',
    wire_fields: MINIMAX_WIRE_23,
    serves: { rules: [minimaxLimit] },
    price: {
      kind: 'table',
      rows: [
        { duration_seconds: 6, output_resolution: '768p', usd: 0.28 },
        { duration_seconds: 10, output_resolution: '768p', usd: 0.56 },
        { duration_seconds: 6, output_resolution: '1080p', usd: 0.49 },
      ],
      source: SRC.minimaxMatrix,
      as_of: SRC.minimaxAsOf,
      note: MINIMAX_PRICE_NOTE,
      unverified: true,
    },
    aliases: ['MiniMax-Hailuo-2.3'],
    notes: MINIMAX_NOTES,
  },
  simulatorOffer('hailuo-2.3'),
];

// ---- Hailuo 2.3 Fast ---------------------------------------------------------------------------

const hailuo23FastOffers: Offer[] = [
  {
    provider: 'apiframe',
    native_model: 'hailuo-2.3-fast',
    endpoint: '/v2/videos/generate',
    wire_fields: APIFRAME_HAILUO_WIRE,
    serves: { durations: [6, 10], resolutions: ['768p', '1080p'], rules: [apiframeHailuoLimit] },
    price: { kind: 'unknown', note: "Apiframe's stored docs give no credit cost for hailuo-2.3-fast (only for hailuo-02 and hailuo-2.3)." },
    typical_seconds: APIFRAME_TYPICAL_S,
    notes: 'Same hailuoParams as hailuo-2.3 (providers.md §2.2).',
  },
  atlasOffer(
    'minimax/hailuo-2.3/fast',
    ATLAS_WIRE,
    { durations: [6, 10], resolutions: ['768p'] },
    { kind: 'unknown', note: 'No published price in the stored sources.' },
    'Takes no resolution field; 768p output is inferred (providers.md §3.5 [I]). enable_prompt_expansion defaults to true here.',
  ),
  {
    provider: 'minimax',
    native_model: 'MiniMax-Hailuo-2.3-Fast',
    endpoint: '/v1/video_generation',
    wire_fields: MINIMAX_WIRE_23,
    serves: {},
    price: {
      kind: 'table',
      rows: [
        { duration_seconds: 6, output_resolution: '768p', usd: 0.19 },
        { duration_seconds: 10, output_resolution: '768p', usd: 0.32 },
        { duration_seconds: 6, output_resolution: '1080p', usd: 0.33 },
      ],
      source: SRC.minimaxMatrix,
      as_of: SRC.minimaxAsOf,
      note: MINIMAX_PRICE_NOTE,
      unverified: true,
    },
    aliases: ['MiniMax-Hailuo-2.3-Fast'],
    notes: MINIMAX_NOTES,
  },
  simulatorOffer('hailuo-2.3-fast'),
];

// ---- the models --------------------------------------------------------------------------------

export const HAILUO_MODELS: readonly ModelSpec[] = [
  {
    id: 'hailuo-02',
    title: 'MiniMax Hailuo 02',
    family: 'hailuo',
    modes: ['text-to-video', 'image-to-video', 'first-last-frame'],
    aliases: ['hailuo02'],
    params: {
      durations: HAILUO_DURATIONS,
      resolutions: ['512p', '768p', '1080p'],
      aspect_ratios: [],
      default_duration: 6,
      default_resolution: '768p',
      prompt_max_chars: 2000,
      presence: HAILUO_PRESENCE_02,
      prompt_optimizer: true,
    },
    rules: [RULE_1080P_6S, RULE_LAST_NEEDS_FIRST, RULE_LAST_NOT_512P, RULE_512P_NEEDS_FIRST],
    offers: hailuo02Offers,
    notes:
      'Text-to-video, image-to-video and first+last frame. 512p is image-to-video only; 1080p is 6 s only. Prompt up to 2000 characters (1500 on RunAPI). Camera commands in [brackets] work, e.g. [Push in].',
    docs_url: 'https://docs-v2.apiframe.ai/docs/videos/hailuo/hailuo-02',
    typical_seconds: 150,
    typical_seconds_source: TYPICAL_SOURCE,
  },
  {
    id: 'hailuo-2.3',
    title: 'MiniMax Hailuo 2.3',
    family: 'hailuo',
    modes: ['text-to-video', 'image-to-video'],
    aliases: ['hailuo-2-3', 'hailuo23'],
    params: {
      durations: HAILUO_DURATIONS,
      resolutions: ['768p', '1080p'],
      aspect_ratios: [],
      default_duration: 6,
      default_resolution: '768p',
      prompt_max_chars: 5000,
      presence: { prompt: 'required', first_frame: 'optional', last_frame: 'forbidden', source_video: 'forbidden', aspect_ratio: 'forbidden' },
      prompt_optimizer: true,
    },
    rules: [RULE_1080P_6S, RULE_23_NO_LAST_FRAME],
    offers: hailuo23Offers,
    notes:
      'Text-to-video and image-to-video (RunAPI serves image-to-video only). No last frame. 1080p is 6 s only. Prompts over 2000 characters (up to 5000) go to RunAPI only.',
    docs_url: 'https://docs-v2.apiframe.ai/docs/videos/hailuo/hailuo-2-3',
    typical_seconds: 150,
    typical_seconds_source: TYPICAL_SOURCE,
  },
  {
    id: 'hailuo-2.3-fast',
    title: 'MiniMax Hailuo 2.3 Fast',
    family: 'hailuo',
    modes: ['image-to-video'],
    aliases: ['hailuo-2-3-fast', 'hailuo23-fast'],
    params: {
      durations: HAILUO_DURATIONS,
      resolutions: ['768p', '1080p'],
      aspect_ratios: [],
      default_duration: 6,
      default_resolution: '768p',
      prompt_max_chars: 2000,
      presence: { prompt: 'required', first_frame: 'required', last_frame: 'forbidden', source_video: 'forbidden', aspect_ratio: 'forbidden' },
      prompt_optimizer: true,
    },
    rules: [RULE_23_FAST_I2V_ONLY, RULE_1080P_6S, RULE_23_NO_LAST_FRAME],
    offers: hailuo23FastOffers,
    notes: 'Image-to-video only: first_frame_image_url is required. Cheaper and faster than 2.3. 1080p is 6 s only.',
    docs_url: 'https://docs-v2.apiframe.ai/docs/videos/hailuo/hailuo-2-3',
    typical_seconds: 120,
    typical_seconds_source: `${TYPICAL_SOURCE}; Fast is assumed no slower than 2.3 [I]`,
  },
];
