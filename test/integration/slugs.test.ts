/**
 * Issue 12 §6: a provider's own slug names exactly one offer, whatever else the call says.
 *
 * Every provider-native slug in the catalog (offer aliases, retired slugs, and slugs told apart only by
 * case) is sent through generate_video with all five providers configured against their fakes:
 * alone, with `provider` set to its own provider, as a dry run, and with an idempotency_key. The model
 * that goes out on the wire (or, on RunAPI's fixed-model Aleph endpoint, the endpoint) must be that
 * slug's offer, and no other provider may see a request. With another provider asked for, or when
 * the provider marks the model unreleased, the call is refused with the reason and nothing is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allAliases, MODELS, offerCombinations, type Offer, type ProviderId, type VideoParams } from '../../src/catalog/index.js';
import { startFakeApiframe, FAKE_APIFRAME_KEY } from '../fakes/apiframe.js';
import { startFakeAtlas, FAKE_ATLAS_KEY } from '../fakes/atlascloud.js';
import type { FakeServer, RecordedRequest } from '../fakes/base.js';
import { startFakeMinimax, FAKE_MINIMAX_KEY } from '../fakes/minimax.js';
import { startFakeRunapi, FAKE_RUNAPI_KEY } from '../fakes/runapi.js';
import { startFakeRunway, FAKE_RUNWAY_KEY } from '../fakes/runway.js';
import { startHarness, structured, type Harness } from '../helpers.js';
import { errorText } from './support.js';

type Real = Exclude<ProviderId, 'simulator'>;
let h: Harness;
const fakes = {} as Record<Real, FakeServer>;

beforeAll(async () => {
  fakes.runapi = await startFakeRunapi({ pollsToComplete: 0 });
  fakes.apiframe = await startFakeApiframe({ pollsToComplete: 0 });
  fakes.atlascloud = await startFakeAtlas({ pollsToComplete: 0 });
  fakes.minimax = await startFakeMinimax({ pollsToComplete: 0 });
  fakes.runway = await startFakeRunway({ pollsToComplete: 0 });
  h = await startHarness({
    env: {
      RUNAPI_API_KEY: FAKE_RUNAPI_KEY,
      RUNAPI_BASE_URL: fakes.runapi.url,
      APIFRAME_API_KEY: FAKE_APIFRAME_KEY,
      APIFRAME_BASE_URL: fakes.apiframe.url,
      ATLASCLOUD_API_KEY: FAKE_ATLAS_KEY,
      ATLASCLOUD_BASE_URL: fakes.atlascloud.url,
      MINIMAX_API_KEY: FAKE_MINIMAX_KEY,
      MINIMAX_BASE_URL: fakes.minimax.url,
      RUNWAYML_API_SECRET: FAKE_RUNWAY_KEY,
      RUNWAYML_BASE_URL: fakes.runway.url,
      VIDEOGEN_DOWNLOAD: 'off',
    },
  });
});
afterAll(async () => {
  await h?.close();
  await Promise.all(Object.values(fakes).map((f) => f.close()));
});

/** The create requests (POSTs that are not uploads) each fake has seen so far. */
function creates(): Record<Real, RecordedRequest[]> {
  const out = {} as Record<Real, RecordedRequest[]>;
  for (const [p, f] of Object.entries(fakes) as [Real, FakeServer][])
    out[p] = f.requests.filter((r) => r.method === 'POST' && !/upload|\/files$|bucket/i.test(r.path));
  return out;
}

/** What the wire says the model is: the body's `model`, or the fixed-model endpoint's path. */
function wireModel(r: RecordedRequest): string {
  const m = (r.json as { model?: unknown } | undefined)?.model;
  return typeof m === 'string' ? m : `(endpoint ${r.path})`;
}

/** Real HTTPS media the fakes accept; the combination's own params otherwise (what the offer serves). */
function inputFor(params: VideoParams): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params, prompt: 'a paper boat drifts down a rainy street' };
  if (params.first_frame_image_url) out['first_frame_image_url'] = 'https://cdn.example.com/first.png';
  if (params.last_frame_image_url) out['last_frame_image_url'] = 'https://cdn.example.com/last.png';
  if (params.source_video_url) out['source_video_url'] = 'https://cdn.example.com/source.mp4';
  return out;
}

interface SlugCase {
  slug: string;
  modelId: string;
  offer: Offer;
  params: VideoParams;
}

/** Every provider slug × each offer it names × the first and last combination that offer serves. */
const CASES: SlugCase[] = [];
const UNRELEASED: { slug: string; offer: Offer }[] = [];
for (const entry of allAliases()) {
  for (const offer of entry.offers) {
    if (offer.unreleased) {
      UNRELEASED.push({ slug: entry.alias, offer });
      continue;
    }
    const combos = offerCombinations(entry.model, offer);
    for (const c of new Set([combos[0], combos[combos.length - 1]])) if (c) CASES.push({ slug: entry.alias, modelId: entry.model.id, offer, params: c.params });
  }
}
// Slugs that equal one of our model ids are that model (they route across providers); with their own
// provider pinned they still go out as themselves.
const MODEL_ID_SLUGS: SlugCase[] = MODELS.flatMap((m) =>
  m.offers
    // (extend_video needs a real finished job: test/integration/lineup.test.ts covers it)
    .filter((o) => o.provider !== 'simulator' && !o.unreleased && o.native_model.toLowerCase() === m.id.toLowerCase() && !o.serves.modes?.includes('extend'))
    .map((o) => ({ slug: o.native_model, modelId: m.id, offer: o, params: offerCombinations(m, o)[0]!.params })),
);

it('the catalog has the slugs this test is about', () => {
  const slugs = new Set(CASES.map((c) => c.slug));
  for (const s of [
    'hailuo-2.3-image-to-video-pro',
    'hailuo-2.3-image-to-video-standard',
    'MiniMax-H3',
    'minimax-h3',
    'gen4_aleph',
    'aleph2',
    'veo3.1',
    'hailuo3',
    'h3_max',
  ])
    expect(slugs, s).toContain(s);
  expect(UNRELEASED.map((u) => u.slug)).toEqual(['hailuo-03']);
});

/** One combination per slug and offer, for the variants (the first and last combinations run alone). */
const FIRST_CASES = CASES.filter((c, i) => CASES.findIndex((x) => x.slug === c.slug && x.offer === c.offer) === i);

describe.each(['alone', 'with its provider', 'with an idempotency_key'] as const)('every provider slug, %s, goes out as its own offer', (variant) => {
  it.each(
    (variant === 'alone' ? CASES : FIRST_CASES).map(
      (c) => [`${c.slug} → ${c.offer.provider} ${c.offer.endpoint} ${JSON.stringify(c.params).slice(0, 90)}`, c] as const,
    ),
  )('%s', async (_, c) => {
    const before = creates();
    const args: Record<string, unknown> = { model: c.slug, ...inputFor(c.params) };
    if (variant === 'with its provider') args['provider'] = c.offer.provider;
    if (variant === 'with an idempotency_key') args['idempotency_key'] = `slug-${c.offer.provider}-${c.slug}-${Math.random().toString(36).slice(2)}`;
    const r = await h.call('generate_video', args);
    expect(r.isError, JSON.stringify(r.content).slice(0, 400)).toBeFalsy();
    const after = creates();
    for (const p of Object.keys(fakes) as Real[]) {
      const sent = after[p].slice(before[p].length);
      if (p !== c.offer.provider) expect(sent, `${p} must see nothing`).toEqual([]);
      else {
        expect(sent).toHaveLength(1);
        expect(sent[0]!.path).toBe(c.offer.endpoint);
        expect(wireModel(sent[0]!)).toBe(
          c.offer.provider === 'runapi' && c.offer.endpoint.includes('runway_aleph') ? `(endpoint ${c.offer.endpoint})` : c.offer.native_model,
        );
      }
    }
    expect(structured<{ provider: string; model: string }>(r)).toMatchObject({ provider: c.offer.provider, model: c.modelId });
  });
});

describe('every provider slug as a dry run plans its own offer and sends nothing', () => {
  it.each(FIRST_CASES.map((c) => [`${c.slug} → ${c.offer.provider} ${c.offer.endpoint}`, c] as const))('%s', async (_, c) => {
    const before = Object.values(fakes).map((f) => f.requests.length);
    const r = await h.call('generate_video', { model: c.slug, ...inputFor(c.params), dry_run: true });
    expect(r.isError, JSON.stringify(r.content).slice(0, 400)).toBeFalsy();
    const plan = structured<{ dry_run: { provider: string; native_model: string; endpoint: string; alternatives: unknown[] } }>(r).dry_run;
    expect(plan).toMatchObject({ provider: c.offer.provider, native_model: c.offer.native_model, endpoint: c.offer.endpoint, alternatives: [] });
    expect(Object.values(fakes).map((f) => f.requests.length)).toEqual(before);
  });
});

describe('a slug with another provider asked for is refused with the reason, nothing sent', () => {
  const others = (p: ProviderId): Real[] => (['runapi', 'apiframe', 'atlascloud', 'minimax', 'runway'] as Real[]).filter((x) => x !== p);
  it.each(CASES.filter((_, i) => i % 2 === 0).map((c) => [`${c.slug} with provider ${others(c.offer.provider)[0]}`, c] as const))('%s', async (_, c) => {
    const before = Object.values(fakes).map((f) => f.requests.length);
    const other = others(c.offer.provider)[0]!;
    const msg = errorText(await h.call('generate_video', { model: c.slug, ...inputFor(c.params), provider: other }));
    expect(msg).toContain(`"${c.offer.native_model}" is ${c.offer.provider}'s own model slug`);
    expect(msg).toContain(`provider "${other}"`);
    expect(Object.values(fakes).map((f) => f.requests.length)).toEqual(before);
  });
});

describe('slugs that are also model ids go out as themselves on their own provider', () => {
  it.each(MODEL_ID_SLUGS.map((c) => [`${c.slug} with provider ${c.offer.provider}`, c] as const))('%s', async (_, c) => {
    const before = creates()[c.offer.provider as Real].length;
    const r = await h.call('generate_video', { model: c.slug, ...inputFor(c.params), provider: c.offer.provider });
    expect(r.isError, JSON.stringify(r.content).slice(0, 400)).toBeFalsy();
    const sent = creates()[c.offer.provider as Real].slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.path).toBe(c.offer.endpoint);
    if (!c.offer.endpoint.includes('runway_aleph')) expect(wireModel(sent[0]!)).toBe(c.offer.native_model);
  });
});

describe('the case from the issue', () => {
  const call = {
    model: 'hailuo-2.3-image-to-video-pro',
    first_frame_image_url: 'https://cdn.example.com/first.png',
    prompt: 'a paper boat',
    duration_seconds: 6,
    output_resolution: '1080p',
  };
  it('reaches RunAPI as the pro tier with provider set, as without it', async () => {
    for (const extra of [{ provider: 'runapi' }, {}]) {
      const before = creates().runapi.length;
      const r = await h.call('generate_video', { ...call, ...extra });
      expect(r.isError).toBeFalsy();
      const sent = creates().runapi.slice(before);
      expect(sent.map(wireModel)).toEqual(['hailuo-2.3-image-to-video-pro']);
    }
  });
  it('one idempotency_key for the pro slug and then the standard slug is a conflict, not the pro job handed back', async () => {
    const key = `tier-${Math.random().toString(36).slice(2)}`;
    const first = await h.call('generate_video', { ...call, idempotency_key: key });
    expect(first.isError).toBeFalsy();
    const before = creates().runapi.length;
    const msg = errorText(await h.call('generate_video', { ...call, model: 'hailuo-2.3-image-to-video-standard', idempotency_key: key }));
    expect(msg).toMatch(/already used for a different request/);
    expect(creates().runapi.length).toBe(before);
  });
});

describe('an unreleased slug is refused with the reason, nothing sent', () => {
  it.each(UNRELEASED.map((u) => [u.slug, u] as const))('%s', async (_, u) => {
    const before = Object.values(fakes).map((f) => f.requests.length);
    for (const extra of [{}, { provider: u.offer.provider }, { dry_run: true }]) {
      const msg = errorText(await h.call('generate_video', { model: u.slug, prompt: 'a paper boat', duration_seconds: 6, ...extra }));
      expect(msg).toMatch(/not released/);
    }
    expect(Object.values(fakes).map((f) => f.requests.length)).toEqual(before);
  });
  it('and the model it belongs to never routes to it', async () => {
    const r = await h.call('generate_video', { model: 'hailuo-3', prompt: 'a paper boat', provider: 'apiframe' });
    expect(errorText(r)).toMatch(/not released/);
  });
});
