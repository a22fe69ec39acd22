/**
 * Every joint rule, both sides: a request it allows and a request it refuses. The last test fails when a
 * rule is added to the catalog without cases here.
 */
import { describe, expect, it } from 'vitest';
import { MODELS, offerServes, evaluateCondition, type Offer, type VideoParams } from '../../src/catalog/index.js';
import { accept, IMG, IMG2, model, offer, refusal, VID } from './helpers.js';

interface ModelRuleCase {
  rule: string;
  model: string;
  allowed: VideoParams[];
  refused: VideoParams[];
  /** A fragment the refusal message must contain. */
  says: string;
}

const p = 'a red fox runs through snow';

const MODEL_RULES: ModelRuleCase[] = [
  {
    rule: 'hailuo-1080p-6s-only',
    model: 'hailuo-02',
    allowed: [
      { prompt: p, output_resolution: '1080p', duration_seconds: 6 },
      { prompt: p, output_resolution: '768p', duration_seconds: 10 },
      { prompt: p, output_resolution: '1080p' },
    ],
    refused: [{ prompt: p, output_resolution: '1080p', duration_seconds: 10 }],
    says: 'duration_seconds 10 is not offered at output_resolution 1080p; allowed at 1080p: 6',
  },
  {
    rule: 'hailuo-1080p-6s-only',
    model: 'hailuo-2.3',
    allowed: [
      { prompt: p, output_resolution: '1080p', duration_seconds: 6 },
      { prompt: p, duration_seconds: 10 },
    ],
    refused: [{ prompt: p, output_resolution: '1080P', duration_seconds: 10 }],
    says: 'allowed at 1080p: 6',
  },
  {
    rule: 'hailuo-1080p-6s-only',
    model: 'hailuo-2.3-fast',
    allowed: [{ prompt: p, first_frame_image_url: IMG, output_resolution: '1080p' }],
    refused: [{ prompt: p, first_frame_image_url: IMG, output_resolution: '1080p', duration_seconds: 10 }],
    says: 'allowed at 1080p: 6',
  },
  {
    rule: 'hailuo-last-frame-needs-first-frame',
    model: 'hailuo-02',
    allowed: [{ prompt: p, first_frame_image_url: IMG, last_frame_image_url: IMG2 }],
    refused: [{ prompt: p, last_frame_image_url: IMG2 }],
    says: 'last_frame_image_url needs first_frame_image_url',
  },
  {
    rule: 'hailuo-last-frame-not-512p',
    model: 'hailuo-02',
    allowed: [
      { prompt: p, first_frame_image_url: IMG, last_frame_image_url: IMG2, output_resolution: '768p' },
      { prompt: p, first_frame_image_url: IMG, output_resolution: '512p' },
    ],
    refused: [{ prompt: p, first_frame_image_url: IMG, last_frame_image_url: IMG2, output_resolution: '512p' }],
    says: 'output_resolution 512p is not offered with last_frame_image_url; allowed with a last frame: 768p, 1080p',
  },
  {
    rule: 'hailuo-512p-image-to-video-only',
    model: 'hailuo-02',
    allowed: [{ prompt: p, first_frame_image_url: IMG, output_resolution: '512p', duration_seconds: 10 }],
    refused: [{ prompt: p, output_resolution: '512p' }],
    says: 'output_resolution 512p is image-to-video only',
  },
  {
    rule: 'hailuo-2.3-no-last-frame',
    model: 'hailuo-2.3',
    allowed: [{ prompt: p, first_frame_image_url: IMG }],
    refused: [{ prompt: p, first_frame_image_url: IMG, last_frame_image_url: IMG2 }],
    says: 'first+last frame control is Hailuo 02 only',
  },
  {
    rule: 'hailuo-2.3-no-last-frame',
    model: 'hailuo-2.3-fast',
    allowed: [{ prompt: p, first_frame_image_url: IMG }],
    refused: [{ prompt: p, first_frame_image_url: IMG, last_frame_image_url: IMG2 }],
    says: 'first+last frame control is Hailuo 02 only',
  },
  {
    rule: 'hailuo-2.3-fast-image-to-video-only',
    model: 'hailuo-2.3-fast',
    allowed: [{ prompt: p, first_frame_image_url: IMG }],
    refused: [{ prompt: p }],
    says: 'hailuo-2.3-fast is image-to-video only: first_frame_image_url is required',
  },
  {
    rule: 'runway-aspect-ratio-required-without-image',
    model: 'runway',
    allowed: [
      { prompt: p, aspect_ratio: '9:16' },
      { prompt: p, first_frame_image_url: IMG },
    ],
    refused: [{ prompt: p }],
    says: 'aspect_ratio is required for runway text-to-video (no first_frame_image_url); allowed: 16:9, 9:16, 1:1, 4:3, 3:4',
  },
  {
    rule: 'runway-aspect-ratio-forbidden-with-image',
    model: 'runway',
    allowed: [{ prompt: p, first_frame_image_url: IMG }],
    refused: [{ prompt: p, first_frame_image_url: IMG, aspect_ratio: '16:9' }],
    says: 'aspect_ratio is not allowed with first_frame_image_url',
  },
  {
    rule: 'runway-10s-720p-only',
    model: 'runway',
    allowed: [
      { prompt: p, aspect_ratio: '16:9', duration_seconds: 10, output_resolution: '720p' },
      { prompt: p, aspect_ratio: '16:9', duration_seconds: 5, output_resolution: '1080p' },
      { prompt: p, aspect_ratio: '16:9', duration_seconds: 10 },
    ],
    refused: [{ prompt: p, aspect_ratio: '16:9', duration_seconds: 10, output_resolution: '1080p' }],
    says: 'duration_seconds 10 is offered only at output_resolution 720p on runway; allowed at 10 s: 720p',
  },
  {
    rule: 'gen4-turbo-image-to-video-only',
    model: 'runway-gen4-turbo',
    allowed: [{ first_frame_image_url: IMG }, { prompt: p, first_frame_image_url: IMG, duration_seconds: 7 }],
    refused: [{ prompt: p }],
    says: 'runway-gen4-turbo is image-to-video only',
  },
  {
    rule: 'aleph-video-to-video',
    model: 'runway-aleph',
    allowed: [
      { prompt: p, source_video_url: VID },
      { prompt: p, source_video_url: VID, aspect_ratio: '21:9' },
    ],
    refused: [{ prompt: p }, { prompt: p, first_frame_image_url: IMG }, { prompt: p, source_video_url: VID, first_frame_image_url: IMG }],
    says: 'source_video_url (the video to edit) is required',
  },
  {
    rule: 'veo-last-frame-needs-first-frame',
    model: 'veo-3.1',
    allowed: [{ prompt: p, first_frame_image_url: IMG, last_frame_image_url: IMG2 }],
    refused: [{ prompt: p, last_frame_image_url: IMG2 }],
    says: 'does not support generating with only a last frame',
  },
  {
    rule: 'veo-text-to-video-needs-prompt',
    model: 'veo-3.1-fast',
    allowed: [{ prompt: p }, { first_frame_image_url: IMG }],
    refused: [{ aspect_ratio: '16:9' }],
    says: 'prompt is required for Veo 3.1 text-to-video',
  },
  {
    rule: 'veo-text-to-video-needs-prompt',
    model: 'veo-3.1',
    allowed: [{ prompt: p, generate_audio: true }],
    refused: [{ negative_prompt: 'blur' }],
    says: 'prompt is required for Veo 3.1 text-to-video',
  },
  {
    rule: 'veo-last-frame-needs-first-frame',
    model: 'veo-3.1-fast',
    allowed: [{ first_frame_image_url: IMG, last_frame_image_url: IMG2 }],
    refused: [{ prompt: p, last_frame_image_url: IMG2 }],
    says: 'does not support generating with only a last frame',
  },
  {
    rule: 'runway-extend-takes-no-frame-or-ratio',
    model: 'runway',
    allowed: [
      { prompt: p, extend_job_id: 'runapi_x' },
      { prompt: p, extend_job_id: 'runapi_x', output_resolution: '1080p' },
    ],
    refused: [
      { prompt: p, extend_job_id: 'runapi_x', aspect_ratio: '16:9' },
      { prompt: p, extend_job_id: 'runapi_x', duration_seconds: 10 },
      { prompt: p, extend_job_id: 'runapi_x', first_frame_image_url: IMG },
    ],
    says: 'Extending a video (extend_job_id) continues its shot',
  },
  {
    rule: 'seedance2-text-to-video-needs-prompt',
    model: 'seedance-2',
    allowed: [{ prompt: p }, { first_frame_image_url: IMG }],
    refused: [{ generate_audio: true }],
    says: 'prompt is required for Seedance 2 text-to-video',
  },
  {
    rule: 'seedance2-last-frame-needs-first-frame',
    model: 'seedance-2',
    allowed: [{ prompt: p, first_frame_image_url: IMG, last_frame_image_url: IMG2 }],
    refused: [{ prompt: p, last_frame_image_url: IMG2 }],
    says: 'last_frame_image_url needs first_frame_image_url on Seedance 2',
  },
  ...['seedance-2-fast', 'seedance-2-mini', 'seedance-2.5'].flatMap((m): ModelRuleCase[] => [
    {
      rule: 'seedance2-text-to-video-needs-prompt',
      model: m,
      allowed: [{ prompt: p }, { first_frame_image_url: IMG }],
      refused: [{ seed: 1 }],
      says: 'prompt is required for Seedance 2 text-to-video',
    },
    {
      rule: 'seedance2-last-frame-needs-first-frame',
      model: m,
      allowed: [{ prompt: p, first_frame_image_url: IMG, last_frame_image_url: IMG2 }],
      refused: [{ prompt: p, last_frame_image_url: IMG2 }],
      says: 'last_frame_image_url needs first_frame_image_url on Seedance 2',
    },
  ]),
  {
    rule: 'h3-max-turbo-last-frame-needs-first-frame',
    model: 'hailuo-3-max-turbo',
    allowed: [{ prompt: p, first_frame_image_url: IMG, last_frame_image_url: IMG2 }],
    refused: [{ prompt: p, last_frame_image_url: IMG2 }],
    says: 'needs first_frame_image_url on H3 Max Turbo',
  },
  {
    rule: 'h3-developer-last-frame-needs-first-frame',
    model: 'hailuo-3-developer',
    allowed: [{ prompt: p, first_frame_image_url: IMG, last_frame_image_url: IMG2 }],
    refused: [{ prompt: p, last_frame_image_url: IMG2 }],
    says: 'needs first_frame_image_url on H3 Developer',
  },
  {
    rule: 'h3-text-to-video-concrete-ratio',
    model: 'hailuo-3-developer',
    allowed: [{ prompt: p }, { prompt: p, source_video_url: VID, aspect_ratio: 'adaptive' }],
    refused: [{ prompt: p, aspect_ratio: 'adaptive' }],
    says: 'text-only requests need a concrete ratio',
  },
  {
    rule: 'h3-reference-video-excludes-frames',
    model: 'hailuo-3-developer',
    allowed: [{ prompt: p, source_video_url: VID }],
    refused: [{ prompt: p, source_video_url: VID, first_frame_image_url: IMG }],
    says: 'cannot be mixed',
  },
  {
    rule: 'h3-reference-video-excludes-frames',
    model: 'hailuo-3',
    allowed: [
      { prompt: p, source_video_url: VID },
      { prompt: p, source_video_url: VID, aspect_ratio: 'adaptive' },
    ],
    refused: [
      { prompt: p, source_video_url: VID, first_frame_image_url: IMG },
      { prompt: p, source_video_url: VID, last_frame_image_url: IMG2 },
    ],
    says: 'reference media cannot be mixed with first_frame_image_url or last_frame_image_url',
  },
  {
    rule: 'h3-text-to-video-concrete-ratio',
    model: 'hailuo-3',
    allowed: [{ prompt: p }, { prompt: p, aspect_ratio: '21:9' }, { prompt: p, first_frame_image_url: IMG, aspect_ratio: 'adaptive' }],
    refused: [{ prompt: p, aspect_ratio: 'adaptive' }],
    says: 'text-only requests need a concrete ratio',
  },
  {
    rule: 'h3-max-last-frame-needs-first-frame',
    model: 'hailuo-3-max',
    allowed: [{ prompt: p, first_frame_image_url: IMG, last_frame_image_url: IMG2 }],
    refused: [{ prompt: p, last_frame_image_url: IMG2 }],
    says: 'last_frame_image_url needs first_frame_image_url on H3 Max',
  },
];

interface OfferRuleCase {
  rule: string;
  offer: () => Offer;
  model: string;
  allowed: VideoParams;
  refused: VideoParams;
  says: string;
}

const long = (n: number) => 'x'.repeat(n);

const OFFER_RULES: OfferRuleCase[] = [
  {
    rule: 'runapi-hailuo-02-prompt-1500',
    model: 'hailuo-02',
    offer: () => offer('hailuo-02', 'runapi', 'hailuo-02-text-to-video-standard'),
    allowed: { prompt: long(1500) },
    refused: { prompt: long(1501) },
    says: 'at most 1500 characters',
  },
  {
    rule: 'runapi-hailuo-2.3-prompt-5000',
    model: 'hailuo-2.3',
    offer: () => offer('hailuo-2.3', 'runapi', 'hailuo-2.3-image-to-video-pro'),
    allowed: { prompt: long(5000), first_frame_image_url: IMG },
    refused: { prompt: long(5001), first_frame_image_url: IMG },
    says: 'at most 5000 characters',
  },
  {
    rule: 'apiframe-hailuo-prompt-2000',
    model: 'hailuo-2.3',
    offer: () => offer('hailuo-2.3', 'apiframe'),
    allowed: { prompt: long(2000) },
    refused: { prompt: long(2001) },
    says: 'at most 2000 characters',
  },
  {
    rule: 'minimax-prompt-2000',
    model: 'hailuo-2.3',
    offer: () => offer('hailuo-2.3', 'minimax'),
    allowed: { prompt: long(2000) },
    refused: { prompt: long(2001) },
    says: 'at most 2000 characters',
  },
  {
    rule: 'runway-prompt-1000',
    model: 'runway-gen4-turbo',
    offer: () => offer('runway-gen4-turbo', 'runway'),
    allowed: { prompt: long(1000), first_frame_image_url: IMG },
    refused: { prompt: long(1001), first_frame_image_url: IMG },
    says: 'at most 1000 characters',
  },
  {
    rule: 'apiframe-runway-prompt-4000',
    model: 'runway-gen4.5',
    offer: () => offer('runway-gen4.5', 'apiframe'),
    allowed: { prompt: long(4000) },
    refused: { prompt: long(4001) },
    says: 'at most 4000 characters',
  },
  {
    rule: 'apiframe-prompt-required',
    model: 'runway-gen4-turbo',
    offer: () => offer('runway-gen4-turbo', 'apiframe'),
    allowed: { prompt: p, first_frame_image_url: IMG },
    refused: { first_frame_image_url: IMG },
    says: 'Apiframe requires a prompt',
  },
  {
    rule: 'runapi-h3-prompt-7000',
    model: 'hailuo-3',
    offer: () => offer('hailuo-3', 'runapi', 'minimax-h3', '/api/v1/minimax_h3/text_to_video'),
    allowed: { prompt: long(7000) },
    refused: { prompt: long(7001) },
    says: 'at most 7000 characters',
  },
  {
    rule: 'atlas-cloud-last-frame-needs-first-frame',
    model: 'hailuo-3',
    offer: () => offer('hailuo-3', 'atlascloud', 'minimax/h3/image-to-video'),
    allowed: { prompt: p, first_frame_image_url: IMG, last_frame_image_url: IMG2, output_resolution: '2k', duration_seconds: 6 },
    refused: { prompt: p, last_frame_image_url: IMG2, output_resolution: '2k', duration_seconds: 6 },
    says: 'last_frame_image_url needs first_frame_image_url on Atlas Cloud',
  },
];

describe('model-level joint rules', () => {
  for (const c of MODEL_RULES) {
    describe(`${c.rule} on ${c.model}`, () => {
      it('is a rule of that model', () => {
        expect(model(c.model).rules.map((r) => r.id)).toContain(c.rule);
      });
      it.each(c.allowed.map((x) => [JSON.stringify(x).slice(0, 120), x] as const))('allows %s', (_, params) => {
        expect(refusal(c.model, params)).toBeUndefined();
      });
      it.each(c.refused.map((x) => [JSON.stringify(x).slice(0, 120), x] as const))('refuses %s', (_, params) => {
        expect(refusal(c.model, params)).toContain(c.says);
      });
    });
  }
});

describe('offer-level joint rules', () => {
  for (const c of OFFER_RULES) {
    it(`${c.rule}: allowed and refused`, () => {
      const o = c.offer();
      expect(o.serves.rules?.map((r) => r.id)).toContain(c.rule);
      const ok = accept(c.model, c.allowed);
      expect(offerServes(model(c.model), o, ok.params, ok.mode)).toBeUndefined();
      // Where the offer's limit is also the model's, validation refuses first; the offer must refuse too.
      let bad: { params: VideoParams; mode: typeof ok.mode };
      try {
        bad = accept(c.model, c.refused);
      } catch {
        const { duration_seconds, output_resolution, aspect_ratio } = ok.params;
        bad = { params: { ...c.refused, ...{ duration_seconds, output_resolution, aspect_ratio } } as VideoParams, mode: ok.mode };
      }
      expect(offerServes(model(c.model), o, bad.params, bad.mode)).toContain(c.says);
    });
  }
});

it('every rule in the catalog has cases here', () => {
  const modelRules = new Set(MODELS.flatMap((m) => m.rules.map((r) => `${m.id}:${r.id}`)));
  const tested = new Set(MODEL_RULES.map((c) => `${c.model}:${c.rule}`));
  expect([...modelRules].filter((r) => !tested.has(r))).toEqual([]);
  const offerRules = new Set(MODELS.flatMap((m) => m.offers.flatMap((o) => (o.serves.rules ?? []).map((r) => r.id))));
  const testedOffer = new Set(OFFER_RULES.map((c) => c.rule));
  expect([...offerRules].filter((r) => !testedOffer.has(r))).toEqual([]);
});

describe('conditions', () => {
  const params: VideoParams = { prompt: 'abc', duration_seconds: 6, output_resolution: '768p' };
  it.each([
    [{ field: 'prompt', present: true }, true],
    [{ field: 'first_frame_image_url', present: true }, false],
    [{ field: 'first_frame_image_url', present: false }, true],
    [{ field: 'duration_seconds', in: [6, 10] }, true],
    [{ field: 'duration_seconds', in: [10] }, false],
    [{ field: 'output_resolution', in: ['768P'] }, true],
    [{ field: 'aspect_ratio', in: ['16:9'] }, false],
    [{ field: 'prompt', max_length: 3 }, true],
    [{ field: 'prompt', max_length: 2 }, false],
    [{ field: 'first_frame_image_url', max_length: 1 }, true],
    [{ all: [] }, true],
    [{ any: [] }, false],
    [{ not: { field: 'prompt', present: true } }, false],
    [
      {
        any: [
          { field: 'duration_seconds', in: [10] },
          { field: 'prompt', present: true },
        ],
      },
      true,
    ],
    [
      {
        all: [
          { field: 'duration_seconds', in: [6] },
          { field: 'output_resolution', in: ['1080p'] },
        ],
      },
      false,
    ],
  ] as const)('%j → %s', (cond, expected) => {
    expect(evaluateCondition(cond, params)).toBe(expected);
  });
});
