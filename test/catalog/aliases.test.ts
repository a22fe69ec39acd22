import { describe, expect, it } from 'vitest';
import { VideogenError } from '../../src/errors.js';
import { allAliases, getModel, MODELS, requireModel, resolveModel } from '../../src/catalog/index.js';

/** Provider-native slugs that pin exactly one offer: slug → [model, provider, native_model, endpoint]. */
const PINNING: [string, string, string, string, string][] = [
  ['hailuo-02-text-to-video-pro', 'hailuo-02', 'runapi', 'hailuo-02-text-to-video-pro', '/api/v1/hailuo/text_to_video'],
  ['hailuo-02-text-to-video-standard', 'hailuo-02', 'runapi', 'hailuo-02-text-to-video-standard', '/api/v1/hailuo/text_to_video'],
  ['hailuo-02-image-to-video-pro', 'hailuo-02', 'runapi', 'hailuo-02-image-to-video-pro', '/api/v1/hailuo/image_to_video'],
  ['hailuo-02-image-to-video-standard', 'hailuo-02', 'runapi', 'hailuo-02-image-to-video-standard', '/api/v1/hailuo/image_to_video'],
  ['hailuo-2.3-image-to-video-pro', 'hailuo-2.3', 'runapi', 'hailuo-2.3-image-to-video-pro', '/api/v1/hailuo/image_to_video'],
  ['hailuo-2.3-image-to-video-standard', 'hailuo-2.3', 'runapi', 'hailuo-2.3-image-to-video-standard', '/api/v1/hailuo/image_to_video'],
  // RunAPI's pre-2026-06 slugs pin the same offers; the new slug is what goes on the wire.
  ['hailuo-2-3-image-to-video-pro', 'hailuo-2.3', 'runapi', 'hailuo-2.3-image-to-video-pro', '/api/v1/hailuo/image_to_video'],
  ['hailuo-2-3-image-to-video-standard', 'hailuo-2.3', 'runapi', 'hailuo-2.3-image-to-video-standard', '/api/v1/hailuo/image_to_video'],
  ['minimax/hailuo-02/fast', 'hailuo-02', 'atlascloud', 'minimax/hailuo-02/fast', '/api/v1/model/generateVideo'],
  ['minimax/hailuo-02/standard', 'hailuo-02', 'atlascloud', 'minimax/hailuo-02/standard', '/api/v1/model/generateVideo'],
  ['minimax/hailuo-02/pro', 'hailuo-02', 'atlascloud', 'minimax/hailuo-02/pro', '/api/v1/model/generateVideo'],
  ['minimax/hailuo-02/t2v-standard', 'hailuo-02', 'atlascloud', 'minimax/hailuo-02/t2v-standard', '/api/v1/model/generateVideo'],
  ['minimax/hailuo-02/t2v-pro', 'hailuo-02', 'atlascloud', 'minimax/hailuo-02/t2v-pro', '/api/v1/model/generateVideo'],
  ['minimax/hailuo-02/i2v-standard', 'hailuo-02', 'atlascloud', 'minimax/hailuo-02/i2v-standard', '/api/v1/model/generateVideo'],
  ['minimax/hailuo-02/i2v-pro', 'hailuo-02', 'atlascloud', 'minimax/hailuo-02/i2v-pro', '/api/v1/model/generateVideo'],
  ['minimax/hailuo-2.3/i2v-standard', 'hailuo-2.3', 'atlascloud', 'minimax/hailuo-2.3/i2v-standard', '/api/v1/model/generateVideo'],
  ['minimax/hailuo-2.3/i2v-pro', 'hailuo-2.3', 'atlascloud', 'minimax/hailuo-2.3/i2v-pro', '/api/v1/model/generateVideo'],
  ['minimax/hailuo-2.3/t2v-standard', 'hailuo-2.3', 'atlascloud', 'minimax/hailuo-2.3/t2v-standard', '/api/v1/model/generateVideo'],
  ['minimax/hailuo-2.3/t2v-pro', 'hailuo-2.3', 'atlascloud', 'minimax/hailuo-2.3/t2v-pro', '/api/v1/model/generateVideo'],
  ['minimax/hailuo-2.3/fast', 'hailuo-2.3-fast', 'atlascloud', 'minimax/hailuo-2.3/fast', '/api/v1/model/generateVideo'],
  ['MiniMax-Hailuo-02', 'hailuo-02', 'minimax', 'MiniMax-Hailuo-02', '/v1/video_generation'],
  ['MiniMax-Hailuo-2.3', 'hailuo-2.3', 'minimax', 'MiniMax-Hailuo-2.3', '/v1/video_generation'],
  ['MiniMax-Hailuo-2.3-Fast', 'hailuo-2.3-fast', 'minimax', 'MiniMax-Hailuo-2.3-Fast', '/v1/video_generation'],
  ['gen4_turbo', 'runway-gen4-turbo', 'runway', 'gen4_turbo', '/v1/image_to_video'],
  ['gen4_aleph', 'runway-aleph', 'runway', 'aleph2', '/v1/video_to_video'], // retired slug → its successor
  ['aleph2', 'runway-aleph', 'runway', 'aleph2', '/v1/video_to_video'],
  ['MiniMax-H3', 'hailuo-3', 'minimax', 'MiniMax-H3', '/v2/video_generation'],
  ['minimax/h3/text-to-video', 'hailuo-3', 'atlascloud', 'minimax/h3/text-to-video', '/api/v1/model/generateVideo'],
  ['minimax/h3-max/image-to-video', 'hailuo-3-max', 'atlascloud', 'minimax/h3-max/image-to-video', '/api/v1/model/generateVideo'],
  ['hailuo-03', 'hailuo-3', 'apiframe', 'hailuo-03', '/v2/videos/generate'],
];

/** Names that resolve to a model without pinning a provider. */
const UNPINNED: [string, string][] = [
  ['hailuo-02', 'hailuo-02'], // also Apiframe's slug: it is our id, so it must not pin Apiframe
  ['hailuo-2.3', 'hailuo-2.3'],
  ['hailuo-2.3-fast', 'hailuo-2.3-fast'],
  ['runway', 'runway'], // RunAPI's slug and our id
  ['runway-aleph', 'runway-aleph'], // RunAPI's slug and our id
  ['runway-gen4-turbo', 'runway-gen4-turbo'], // Apiframe's slug
  ['runway-gen4.5', 'runway-gen4.5'], // Apiframe's slug
  ['hailuo02', 'hailuo-02'],
  ['hailuo-2-3', 'hailuo-2.3'],
  ['hailuo23', 'hailuo-2.3'],
  ['hailuo-2-3-fast', 'hailuo-2.3-fast'],
  ['hailuo23-fast', 'hailuo-2.3-fast'],
  ['gen4-turbo', 'runway-gen4-turbo'],
  ['gen-4.5', 'runway-gen4.5'],
  ['runway-gen-4.5', 'runway-gen4.5'],
  ['aleph', 'runway-aleph'],
  ['runway-gen4-aleph', 'runway-aleph'],
];

describe('model names', () => {
  it.each(PINNING)('%s resolves to %s and pins %s %s', (slug, modelId, provider, native, endpoint) => {
    const r = resolveModel(slug);
    expect(r?.model.id).toBe(modelId);
    expect(r?.pinned?.provider).toBe(provider);
    expect(r?.pinned?.native_model).toBe(native);
    expect(r?.pinned?.endpoint).toBe(endpoint);
    expect(r?.pinned_offers).toHaveLength(1);
    // The pinned offer is one of the model's own offers, not a copy.
    expect(r?.model.offers).toContain(r?.pinned);
  });

  it.each(UNPINNED)('%s resolves to %s without pinning', (name, modelId) => {
    const r = resolveModel(name);
    expect(r?.model.id).toBe(modelId);
    expect(r?.pinned).toBeUndefined();
    expect(r?.pinned_offers).toBeUndefined();
  });

  it("gen4.5 pins both of Runway's own gen4.5 offers (text_to_video and image_to_video), not Apiframe", () => {
    const r = resolveModel('gen4.5');
    expect(r?.model.id).toBe('runway-gen4.5');
    expect(r?.pinned).toBeUndefined();
    expect(r?.pinned_offers?.map((o) => `${o.provider} ${o.native_model} ${o.endpoint}`)).toEqual([
      'runway gen4.5 /v1/text_to_video',
      'runway gen4.5 /v1/image_to_video',
    ]);
  });

  it('is case-insensitive and trims', () => {
    expect(resolveModel('HAILUO-02')?.model.id).toBe('hailuo-02');
    expect(resolveModel('  minimax-hailuo-02 ')?.pinned?.native_model).toBe('MiniMax-Hailuo-02');
    expect(resolveModel('Gen4_Turbo')?.pinned?.provider).toBe('runway');
    expect(resolveModel('MINIMAX/HAILUO-02/FAST')?.pinned?.provider).toBe('atlascloud');
  });

  it("the seed pages' model values all work as-is", () => {
    const seedValues = [
      'hailuo-02-text-to-video-pro',
      'hailuo-02-text-to-video-standard',
      'hailuo-02-image-to-video-pro',
      'hailuo-02-image-to-video-standard',
      'hailuo-2.3-image-to-video-pro',
      'hailuo-2.3-image-to-video-standard',
      'runway',
      'runway-aleph',
      'hailuo-02',
      'minimax/hailuo-02/fast',
    ];
    for (const v of seedValues) expect(resolveModel(v), v).toBeDefined();
  });

  it("every offer's native slug resolves to its own model", () => {
    for (const m of MODELS)
      for (const o of m.offers) {
        const r = resolveModel(o.native_model);
        expect(r?.model.id, `${o.provider} ${o.native_model}`).toBe(m.id);
        if (r?.pinned_offers) expect(r.pinned_offers).toContain(o);
      }
  });

  it('every listed alias resolves to the entry it is listed under', () => {
    const names = allAliases();
    expect(names.length).toBeGreaterThan(40);
    for (const e of names) {
      const r = resolveModel(e.alias);
      expect(r?.model).toBe(e.model);
      expect(r?.pinned_offers ?? []).toEqual(e.offers);
    }
  });

  it('no name maps to two different things', () => {
    const seen = new Map<string, string>();
    const claim = (name: string, target: string) => {
      const k = name.toLowerCase();
      const prev = seen.get(k);
      if (prev !== undefined) expect(prev, `"${name}" is claimed by ${prev} and ${target}`).toBe(target);
      seen.set(k, target);
    };
    for (const m of MODELS) {
      claim(m.id, m.id);
      for (const a of m.aliases) claim(a, m.id);
    }
    for (const m of MODELS)
      for (const o of m.offers)
        for (const a of o.aliases ?? []) {
          // A slug equal to a model id is that model (unpinned); otherwise it pins one provider.
          if (MODELS.some((x) => x.id.toLowerCase() === a.toLowerCase())) continue;
          // Two providers' slugs differing only in case (MiniMax-H3, minimax-h3) are told apart by case.
          if (a === 'MiniMax-H3') continue;
          claim(a, `${m.id}@${o.provider}`);
        }
  });

  it('getModel finds by exact id', () => {
    expect(getModel('runway-gen4.5')?.title).toBe('Runway Gen-4.5');
    expect(getModel('nope')).toBeUndefined();
  });

  it('requireModel names the unknown value and lists valid model ids', () => {
    let err: unknown;
    try {
      requireModel('haiuo-02');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VideogenError);
    const e = err as VideogenError;
    expect(e.code).toBe('invalid_input');
    expect(e.message).toContain('"haiuo-02"');
    expect(e.message).toContain('Did you mean hailuo-02');
    for (const m of MODELS) expect(e.message).toContain(m.id);
  });

  it('requireModel returns the pinned offer for a provider slug', () => {
    expect(requireModel('hailuo-02-image-to-video-standard').pinned?.native_model).toBe('hailuo-02-image-to-video-standard');
  });
});

describe('slugs two providers spell alike except for case', () => {
  it('each exact spelling pins its own provider; any other casing is refused naming both', () => {
    expect(resolveModel('MiniMax-H3')?.pinned?.provider).toBe('minimax');
    expect(resolveModel('minimax-h3')?.pinned_offers?.map((o) => o.provider)).toEqual(['runapi', 'runapi']);
    expect(resolveModel('Minimax-H3')).toBeUndefined();
    let message = '';
    try {
      requireModel('Minimax-H3');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('"MiniMax-H3" (minimax)');
    expect(message).toContain('"minimax-h3" (runapi)');
    expect(message).toContain('use model hailuo-3');
  });
});
