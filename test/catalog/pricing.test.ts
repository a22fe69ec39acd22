import { describe, expect, it } from 'vitest';
import { estimateUsd, MODELS, offerCombinations, offerServes, validateParams, type Mode, type Offer, type VideoParams } from '../../src/catalog/index.js';
import { accept, IMG, IMG2, model, offer, VID } from './helpers.js';

const p = 'a paper boat drifts down a rain gutter';
const t2v = (d: number, r: string): VideoParams => ({ prompt: p, duration_seconds: d, output_resolution: r });
const i2v = (d: number, r: string): VideoParams => ({ ...t2v(d, r), first_frame_image_url: IMG });

/** [label, model, offer, params, mode, expected USD or undefined (unknown)] */
const FIGURES: [string, string, () => Offer, VideoParams, Mode, number | undefined][] = [
  [
    'RunAPI 02 i2v standard 6 s 512p',
    'hailuo-02',
    () => offer('hailuo-02', 'runapi', 'hailuo-02-image-to-video-standard'),
    i2v(6, '512p'),
    'image-to-video',
    0.12,
  ],
  [
    'RunAPI 02 i2v standard 6 s 768p',
    'hailuo-02',
    () => offer('hailuo-02', 'runapi', 'hailuo-02-image-to-video-standard'),
    i2v(6, '768p'),
    'image-to-video',
    0.3,
  ],
  [
    'RunAPI 02 i2v standard 10 s 512p',
    'hailuo-02',
    () => offer('hailuo-02', 'runapi', 'hailuo-02-image-to-video-standard'),
    i2v(10, '512p'),
    'image-to-video',
    0.2,
  ],
  [
    'RunAPI 02 i2v standard 10 s 768p',
    'hailuo-02',
    () => offer('hailuo-02', 'runapi', 'hailuo-02-image-to-video-standard'),
    i2v(10, '768p'),
    'image-to-video',
    0.5,
  ],
  ['RunAPI 02 i2v pro', 'hailuo-02', () => offer('hailuo-02', 'runapi', 'hailuo-02-image-to-video-pro'), i2v(6, '1080p'), 'image-to-video', 0.57],
  ['RunAPI 02 t2v pro', 'hailuo-02', () => offer('hailuo-02', 'runapi', 'hailuo-02-text-to-video-pro'), t2v(6, '1080p'), 'text-to-video', 0.57],
  ['RunAPI 02 t2v standard 6 s', 'hailuo-02', () => offer('hailuo-02', 'runapi', 'hailuo-02-text-to-video-standard'), t2v(6, '768p'), 'text-to-video', 0.3],
  ['RunAPI 02 t2v standard 10 s', 'hailuo-02', () => offer('hailuo-02', 'runapi', 'hailuo-02-text-to-video-standard'), t2v(10, '768p'), 'text-to-video', 0.5],
  ['RunAPI 2.3 pro 6 s 768p', 'hailuo-2.3', () => offer('hailuo-2.3', 'runapi', 'hailuo-2.3-image-to-video-pro'), i2v(6, '768p'), 'image-to-video', 0.45],
  ['RunAPI 2.3 pro 6 s 1080p', 'hailuo-2.3', () => offer('hailuo-2.3', 'runapi', 'hailuo-2.3-image-to-video-pro'), i2v(6, '1080p'), 'image-to-video', 0.8],
  ['RunAPI 2.3 pro 10 s 768p', 'hailuo-2.3', () => offer('hailuo-2.3', 'runapi', 'hailuo-2.3-image-to-video-pro'), i2v(10, '768p'), 'image-to-video', 0.9],
  [
    'RunAPI 2.3 standard 6 s 768p',
    'hailuo-2.3',
    () => offer('hailuo-2.3', 'runapi', 'hailuo-2.3-image-to-video-standard'),
    i2v(6, '768p'),
    'image-to-video',
    0.3,
  ],
  [
    'RunAPI 2.3 standard 6 s 1080p',
    'hailuo-2.3',
    () => offer('hailuo-2.3', 'runapi', 'hailuo-2.3-image-to-video-standard'),
    i2v(6, '1080p'),
    'image-to-video',
    0.5,
  ],
  [
    'RunAPI 2.3 standard 10 s 768p',
    'hailuo-2.3',
    () => offer('hailuo-2.3', 'runapi', 'hailuo-2.3-image-to-video-standard'),
    i2v(10, '768p'),
    'image-to-video',
    0.5,
  ],
  ['RunAPI runway 5 s 720p', 'runway', () => offer('runway', 'runapi'), { ...t2v(5, '720p'), aspect_ratio: '16:9' }, 'text-to-video', 0.12],
  ['RunAPI runway 5 s 1080p', 'runway', () => offer('runway', 'runapi'), { ...t2v(5, '1080p'), aspect_ratio: '16:9' }, 'text-to-video', 0.3],
  ['RunAPI runway 10 s 720p', 'runway', () => offer('runway', 'runapi'), { ...t2v(10, '720p'), aspect_ratio: '16:9' }, 'text-to-video', 0.3],
  ['RunAPI runway-aleph', 'runway-aleph', () => offer('runway-aleph', 'runapi'), { prompt: p, source_video_url: VID }, 'video-to-video', 1.1],
  ['Atlas 02 fast 6 s', 'hailuo-02', () => offer('hailuo-02', 'atlascloud', 'minimax/hailuo-02/fast'), i2v(6, '512p'), 'image-to-video', 0.1],
  [
    'Atlas 02 fast 10 s (unpublished)',
    'hailuo-02',
    () => offer('hailuo-02', 'atlascloud', 'minimax/hailuo-02/fast'),
    i2v(10, '512p'),
    'image-to-video',
    undefined,
  ],
  ['Atlas 02 standard 6 s', 'hailuo-02', () => offer('hailuo-02', 'atlascloud', 'minimax/hailuo-02/standard'), t2v(6, '768p'), 'text-to-video', 0.23],
  ['Atlas 02 pro (unknown)', 'hailuo-02', () => offer('hailuo-02', 'atlascloud', 'minimax/hailuo-02/pro'), t2v(6, '1080p'), 'text-to-video', undefined],
  [
    'Atlas 2.3 i2v-standard 6 s',
    'hailuo-2.3',
    () => offer('hailuo-2.3', 'atlascloud', 'minimax/hailuo-2.3/i2v-standard'),
    i2v(6, '768p'),
    'image-to-video',
    0.28,
  ],
  [
    'Runway gen4_turbo 5 s (5 cr/s)',
    'runway-gen4-turbo',
    () => offer('runway-gen4-turbo', 'runway'),
    { ...i2v(5, '720p'), aspect_ratio: '16:9' },
    'image-to-video',
    0.25,
  ],
  [
    'Runway gen4_turbo 7 s',
    'runway-gen4-turbo',
    () => offer('runway-gen4-turbo', 'runway'),
    { ...i2v(7, '720p'), aspect_ratio: '16:9' },
    'image-to-video',
    0.35,
  ],
  [
    'Runway gen4.5 10 s (12 cr/s)',
    'runway-gen4.5',
    () => offer('runway-gen4.5', 'runway', 'gen4.5', '/v1/text_to_video'),
    { ...t2v(10, '720p'), aspect_ratio: '16:9' },
    'text-to-video',
    1.2,
  ],
  [
    'Runway gen4_aleph (no duration → unknown)',
    'runway-aleph',
    () => offer('runway-aleph', 'runway'),
    { prompt: p, source_video_url: VID },
    'video-to-video',
    undefined,
  ],
  ['MiniMax 02 768p 6 s (unverified)', 'hailuo-02', () => offer('hailuo-02', 'minimax'), t2v(6, '768p'), 'text-to-video', 0.28],
  ['MiniMax 02 512p 10 s (unknown)', 'hailuo-02', () => offer('hailuo-02', 'minimax'), i2v(10, '512p'), 'image-to-video', undefined],
  ['MiniMax 2.3-Fast 1080p', 'hailuo-2.3-fast', () => offer('hailuo-2.3-fast', 'minimax'), i2v(6, '1080p'), 'image-to-video', 0.33],
  ['Apiframe 02 without a credit rate', 'hailuo-02', () => offer('hailuo-02', 'apiframe'), t2v(6, '768p'), 'text-to-video', undefined],
  ['Apiframe 2.3-fast (unknown)', 'hailuo-2.3-fast', () => offer('hailuo-2.3-fast', 'apiframe'), i2v(6, '768p'), 'image-to-video', undefined],
  [
    'Apiframe gen4.5 (unknown)',
    'runway-gen4.5',
    () => offer('runway-gen4.5', 'apiframe'),
    { ...t2v(5, '720p'), aspect_ratio: '16:9' },
    'text-to-video',
    undefined,
  ],
  ['simulator', 'hailuo-02', () => offer('hailuo-02', 'simulator'), t2v(10, '768p'), 'text-to-video', 0],
];

describe('price figures', () => {
  it.each(FIGURES)('%s', (_label, modelId, getOffer, params, mode, expected) => {
    const o = getOffer();
    // Each figure is for a combination the offer really serves.
    const v = accept(modelId, params);
    expect(v.mode).toBe(mode);
    expect(offerServes(model(modelId), o, v.params, v.mode)).toBeUndefined();
    expect(estimateUsd(o, v.params, v.mode)).toBe(expected);
  });

  it('the RunAPI figure: hailuo-02-image-to-video-standard, 6 s, 512p = $0.12', () => {
    const r = accept('hailuo-02-image-to-video-standard', { prompt: p, first_frame_image_url: IMG, output_resolution: '512p' });
    expect(r.params.duration_seconds).toBe(6);
    expect(estimateUsd(r.pinned!, r.params, r.mode)).toBe(0.12);
  });

  it('Apiframe credits convert only with a configured rate', () => {
    const o = offer('hailuo-02', 'apiframe');
    expect(estimateUsd(o, t2v(6, '768p'), 'text-to-video', { apiframeUsdPerCredit: 0.02 })).toBe(0.1);
    expect(estimateUsd(o, t2v(10, '768p'), 'text-to-video', { apiframeUsdPerCredit: 0.02 })).toBe(0.16);
    expect(estimateUsd(o, t2v(6, '1080p'), 'text-to-video', { apiframeUsdPerCredit: 0.02 })).toBe(0.2);
    expect(estimateUsd(o, t2v(6, '768p'), 'text-to-video', { apiframeUsdPerCredit: undefined })).toBeUndefined();
    const turbo = offer('runway-gen4-turbo', 'apiframe');
    expect(estimateUsd(turbo, { ...i2v(10, '720p'), aspect_ratio: '16:9' }, 'image-to-video', { apiframeUsdPerCredit: 0.01 })).toBe(0.15);
  });

  it('MiniMax prices are marked unverified', () => {
    for (const id of ['hailuo-02', 'hailuo-2.3', 'hailuo-2.3-fast']) {
      const price = offer(id, 'minimax').price;
      expect(price.kind).toBe('table');
      if (price.kind === 'table') {
        expect(price.unverified).toBe(true);
        expect(price.note).toMatch(/unverified/i);
      }
    }
  });
});

const SAMPLE: Record<Mode, VideoParams> = {
  extend: { prompt: 'continue the shot', extend_job_id: 'job_sample' },
  'text-to-video': { prompt: p },
  'image-to-video': { prompt: p, first_frame_image_url: IMG },
  'first-last-frame': { prompt: p, first_frame_image_url: IMG, last_frame_image_url: IMG2 },
  'video-to-video': { prompt: p, source_video_url: VID },
};

describe('a price lookup for every offer × every combination it serves', () => {
  for (const m of MODELS) {
    for (const o of m.offers) {
      it(`${m.id} · ${o.provider} ${o.native_model} ${o.endpoint}`, () => {
        // Brute force over the model's whole space (independent of offerCombinations).
        // undefined too: a mode that takes no duration (extend) is served only without one.
        const durations = m.params.durations.length ? [undefined, ...m.params.durations] : [undefined];
        const resolutions = m.params.resolutions.length ? m.params.resolutions : [undefined];
        const ratios = m.params.aspect_ratios.length ? [undefined, ...m.params.aspect_ratios] : [undefined];
        let served = 0;
        let known = 0;
        for (const mode of m.modes)
          for (const d of durations)
            for (const r of resolutions)
              for (const a of ratios) {
                const input: VideoParams = { ...SAMPLE[mode] };
                if (d !== undefined) input.duration_seconds = d;
                if (r !== undefined) input.output_resolution = r;
                if (a !== undefined) input.aspect_ratio = a;
                let v;
                try {
                  v = validateParams({ model: m }, input);
                } catch {
                  continue;
                }
                if (offerServes(m, o, v.params, v.mode) !== undefined) continue;
                served++;
                for (const rate of [undefined, 0.02]) {
                  const usd = estimateUsd(o, v.params, v.mode, { apiframeUsdPerCredit: rate });
                  if (usd !== undefined) {
                    expect(typeof usd).toBe('number');
                    expect(Number.isFinite(usd) && usd >= 0).toBe(true);
                    if (rate === undefined) known++;
                  }
                }
              }
        if (o.unreleased) {
          // Listed, never routed: serves nothing.
          expect(served).toBe(0);
          return;
        }
        expect(served, 'the offer serves at least one combination').toBeGreaterThan(0);
        expect(offerCombinations(m, o).length).toBeGreaterThan(0);
        // Priced in full where a price is published: RunAPI (matrix), the simulator (free), Runway per-second where a duration exists.
        const published = o.price.kind !== 'unknown';
        if (published && (o.provider === 'runapi' || o.provider === 'simulator' || (o.provider === 'runway' && m.params.durations.length > 0)))
          expect(known).toBe(served);
        if (o.price.kind === 'unknown' || o.price.kind === 'credits') expect(known).toBe(0);
      });
    }
  }
});

it('estimateUsd never throws on odd input', () => {
  for (const m of MODELS)
    for (const o of m.offers) {
      expect(() => estimateUsd(o, {}, 'text-to-video')).not.toThrow();
      expect(() =>
        estimateUsd(o, { duration_seconds: Number.NaN, output_resolution: 'weird' }, 'video-to-video', { apiframeUsdPerCredit: Number.NaN }),
      ).not.toThrow();
    }
});
