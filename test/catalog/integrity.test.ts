/** Invariants over the whole catalog: what every entry must satisfy for validation and routing to hold. */
import { describe, expect, it } from 'vitest';
import { MODELS, MODES, PROVIDER_IDS, RUNWAY_PIXEL_RATIOS, offerCombinations, type Mode, type ModelSpec, type Offer } from '../../src/catalog/index.js';
import { model } from './helpers.js';

const subset = <T>(part: readonly T[] | undefined, whole: readonly T[]) => (part ?? []).filter((x) => !whole.includes(x));

const allOffers: [string, ModelSpec, Offer][] = MODELS.flatMap((m) =>
  m.offers.map((o) => [`${m.id} · ${o.provider} ${o.native_model} ${o.endpoint}`, m, o] as [string, ModelSpec, Offer]),
);

describe('models', () => {
  it('has at least the floor of model ids', () => {
    expect(MODELS.map((m) => m.id)).toEqual(
      expect.arrayContaining(['hailuo-02', 'hailuo-2.3', 'hailuo-2.3-fast', 'runway', 'runway-gen4-turbo', 'runway-gen4.5', 'runway-aleph']),
    );
    expect(new Set(MODELS.map((m) => m.id)).size).toBe(MODELS.length);
  });

  it.each(MODELS.map((m) => [m.id, m] as const))('%s: defaults are allowed values, modes are known', (_, m) => {
    const s = m.params;
    if (s.default_duration !== undefined) expect(s.durations).toContain(s.default_duration);
    if (s.default_resolution !== undefined) expect(s.resolutions).toContain(s.default_resolution);
    if (s.default_aspect_ratio !== undefined) expect(s.aspect_ratios).toContain(s.default_aspect_ratio);
    if (s.durations.length) expect(s.default_duration).toBeDefined();
    if (s.resolutions.length) expect(s.default_resolution).toBeDefined();
    for (const mode of m.modes) expect(MODES).toContain(mode);
    expect(s.prompt_max_chars).toBeGreaterThan(0);
    for (const r of s.resolutions) expect(r).toBe(r.toLowerCase());
  });

  it.each(MODELS.map((m) => [m.id, m] as const))('%s: presence agrees with modes', (_, m) => {
    const pr = m.params.presence;
    const has = (mode: Mode) => m.modes.includes(mode);
    // An optional source video is a reference (Hailuo 3): the model does both, with and without one.
    expect(has('text-to-video')).toBe(pr.first_frame === 'optional' && pr.source_video !== 'required');
    expect(has('image-to-video')).toBe(pr.first_frame !== 'forbidden' && pr.source_video !== 'required');
    expect(has('first-last-frame')).toBe(pr.last_frame === 'optional');
    expect(has('video-to-video')).toBe(pr.source_video !== 'forbidden');
    expect(pr.aspect_ratio === 'forbidden').toBe(m.params.aspect_ratios.length === 0);
  });

  it.each(MODELS.map((m) => [m.id, m] as const))('%s: every rule has an id, a message and a source', (_, m) => {
    const rules = [...m.rules, ...m.offers.flatMap((o) => o.serves.rules ?? [])];
    for (const r of rules) {
      expect(r.id).toMatch(/^[a-z0-9.-]+$/);
      expect(r.message.length).toBeGreaterThan(20);
      expect(r.source.length).toBeGreaterThan(10);
    }
    expect(new Set(m.rules.map((r) => r.id)).size).toBe(m.rules.length);
  });

  it.each(MODELS.map((m) => [m.id, m] as const))('%s: typical_seconds is set and sourced', (_, m) => {
    const [lo, hi] = m.family === 'hailuo' ? [120, 180] : [60, 90];
    expect(m.typical_seconds).toBeGreaterThanOrEqual(lo);
    expect(m.typical_seconds).toBeLessThanOrEqual(hi);
    expect(m.typical_seconds_source).toBeTruthy();
  });

  it.each(MODELS.map((m) => [m.id, m] as const))('%s: has a simulator offer that serves everything for free', (_, m) => {
    const sims = m.offers.filter((o) => o.provider === 'simulator');
    expect(sims).toHaveLength(1);
    const sim = sims[0]!;
    expect(sim.native_model).toBe(m.id);
    expect(sim.endpoint).toBe('simulator');
    expect(sim.serves).toEqual({});
    expect(sim.price.kind).toBe('free');
  });
});

describe('offers', () => {
  it.each(allOffers)('%s: serves a subset of the model', (_, m, o) => {
    expect(PROVIDER_IDS).toContain(o.provider);
    expect(subset(o.serves.modes, m.modes)).toEqual([]);
    expect(subset(o.serves.durations, m.params.durations)).toEqual([]);
    expect(subset(o.serves.resolutions, m.params.resolutions)).toEqual([]);
    expect(subset(o.serves.aspect_ratios, m.params.aspect_ratios)).toEqual([]);
    // An unreleased offer is listed but serves nothing.
    expect(offerCombinations(m, o).length > 0).toBe(!o.unreleased);
  });

  it.each(allOffers)('%s: has a wire field for every input it can receive', (_, m, o) => {
    const modes = o.serves.modes ?? m.modes;
    expect(o.wire_fields.prompt).toBeDefined();
    if (modes.includes('image-to-video') || modes.includes('first-last-frame')) expect(o.wire_fields.first_frame_image_url).toBeDefined();
    if (modes.includes('first-last-frame')) expect(o.wire_fields.last_frame_image_url).toBeDefined();
    else if (o.provider !== 'simulator') expect(o.wire_fields.last_frame_image_url).toBeUndefined();
    if (modes.includes('video-to-video')) expect(o.wire_fields.source_video_url).toBeDefined();
    const ratios = o.serves.aspect_ratios ?? m.params.aspect_ratios;
    if (ratios.length) expect(o.wire_fields.aspect_ratio).toBeDefined();
  });

  it.each(allOffers)('%s: the price is data with a source, or explicitly unknown/free', (_, _m, o) => {
    const price = o.price;
    switch (price.kind) {
      case 'table':
        expect(price.rows.length).toBeGreaterThan(0);
        for (const r of price.rows) expect(r.usd).toBeGreaterThan(0);
        expect(price.source).toBeTruthy();
        expect(price.as_of).toMatch(/^\d{4}-\d{2}/);
        break;
      case 'credits':
        expect(o.provider).toBe('apiframe');
        for (const r of price.rows) expect(r.credits).toBeGreaterThan(0);
        expect(price.source).toBeTruthy();
        expect(price.as_of).toMatch(/^\d{4}-\d{2}/);
        break;
      case 'per_second':
        expect(price.usd_per_second).toBeGreaterThan(0);
        expect(price.source).toBeTruthy();
        expect(price.as_of).toMatch(/^\d{4}-\d{2}/);
        break;
      case 'unknown':
        expect(price.note.length).toBeGreaterThan(10);
        break;
      case 'free':
        expect(o.provider).toBe('simulator');
        break;
    }
  });

  it('RunAPI offers: one per native slug and endpoint', () => {
    const runapi = MODELS.flatMap((m) => m.offers.filter((o) => o.provider === 'runapi').map((o) => `${o.native_model} ${o.endpoint}`));
    expect(new Set(runapi).size).toBe(runapi.length);
    expect(runapi.sort()).toEqual(
      [
        'hailuo-02-image-to-video-pro /api/v1/hailuo/image_to_video',
        'hailuo-02-image-to-video-standard /api/v1/hailuo/image_to_video',
        'hailuo-02-text-to-video-pro /api/v1/hailuo/text_to_video',
        'hailuo-02-text-to-video-standard /api/v1/hailuo/text_to_video',
        'hailuo-2.3-image-to-video-pro /api/v1/hailuo/image_to_video',
        'hailuo-2.3-image-to-video-standard /api/v1/hailuo/image_to_video',
        'runway /api/v1/runway/text_to_video',
        'runway /api/v1/runway/extend_video',
        'runway-aleph /api/v1/runway_aleph/edit_video',
        'minimax-h3 /api/v1/minimax_h3/text_to_video',
        'minimax-h3 /api/v1/minimax_h3/image_to_video',
      ].sort(),
    );
  });

  it('RunAPI Hailuo 02 tiers serve only their own slice', () => {
    const byslug = (s: string) => model('hailuo-02').offers.find((o) => o.native_model === s)!.serves;
    expect(byslug('hailuo-02-text-to-video-pro')).toMatchObject({ modes: ['text-to-video'], durations: [6], resolutions: ['1080p'] });
    expect(byslug('hailuo-02-text-to-video-standard')).toMatchObject({ modes: ['text-to-video'], durations: [6, 10], resolutions: ['768p'] });
    expect(byslug('hailuo-02-image-to-video-pro')).toMatchObject({ modes: ['image-to-video', 'first-last-frame'], durations: [6], resolutions: ['1080p'] });
    expect(byslug('hailuo-02-image-to-video-standard')).toMatchObject({
      modes: ['image-to-video', 'first-last-frame'],
      durations: [6, 10],
      resolutions: ['512p', '768p'],
    });
  });

  it('Atlas Cloud offers no Runway model', () => {
    for (const m of MODELS.filter((x) => x.family === 'runway')) expect(m.offers.some((o) => o.provider === 'atlascloud')).toBe(false);
  });
});

describe('Runway ratios', () => {
  it('maps the six friendly ratios to Runway pixel ratios', () => {
    expect(RUNWAY_PIXEL_RATIOS).toEqual({
      '16:9': '1280:720',
      '9:16': '720:1280',
      '4:3': '1104:832',
      '3:4': '832:1104',
      '1:1': '960:960',
      '21:9': '1584:672',
    });
  });

  it("Runway's own offers take both forms; Apiframe lists friendly ratios only", () => {
    for (const id of ['runway-gen4-turbo', 'runway-gen4.5']) {
      const m = model(id);
      for (const [friendly, pixel] of Object.entries(RUNWAY_PIXEL_RATIOS)) {
        expect(m.params.aspect_ratios).toContain(friendly);
        expect(m.params.aspect_ratios).toContain(pixel);
      }
      const apiframe = m.offers.find((o) => o.provider === 'apiframe')!;
      expect(apiframe.serves.aspect_ratios).toEqual(['16:9', '9:16', '1:1', '4:3', '3:4', '21:9']);
      expect(apiframe.serves.durations).toEqual([5, 10]);
      const own = m.offers.filter((o) => o.provider === 'runway');
      for (const o of own) {
        expect(o.serves.durations).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
        // Every pixel ratio an offer takes has its friendly twin, so the adapter can always map.
        for (const r of o.serves.aspect_ratios ?? []) {
          const friendly = Object.entries(RUNWAY_PIXEL_RATIOS).find(([, px]) => px === r)?.[0] ?? r;
          expect(o.serves.aspect_ratios).toContain(friendly);
        }
      }
    }
  });
});
