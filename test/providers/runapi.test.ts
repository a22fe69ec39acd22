import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caught } from './support.js';
import type { ModelSpec, Offer, VideoParams } from '../../src/catalog/types.js';
import { toAgentMessage } from '../../src/errors.js';
import { RunapiAdapter, mapRunapiTask } from '../../src/providers/runapi.js';
import type { SubmitRequest } from '../../src/providers/types.js';
import { FAKE_RUNAPI_KEY, startFakeRunapi, type FakeRunapi, type FakeRunapiOptions } from '../fakes/runapi.js';

function offer(native_model: string, endpoint: string): Offer {
  return { provider: 'runapi', native_model, endpoint, wire_fields: {}, serves: {}, price: { kind: 'unknown', note: 'test' } };
}
function model(o: Offer, family: 'hailuo' | 'runway' = 'hailuo'): ModelSpec {
  return {
    id: `test-${o.native_model}`,
    title: o.native_model,
    family,
    modes: ['text-to-video'],
    aliases: [],
    params: {
      durations: [6, 10],
      resolutions: [],
      aspect_ratios: [],
      prompt_max_chars: 2000,
      presence: { prompt: 'optional', first_frame: 'optional', last_frame: 'optional', source_video: 'forbidden', aspect_ratio: 'optional' },
      prompt_optimizer: true,
    },
    rules: [],
    offers: [o],
    typical_seconds: 60,
  };
}
function request(native: string, endpoint: string, params: VideoParams, idempotencyKey: string = randomUUID()): SubmitRequest {
  const o = offer(native, endpoint);
  return { model: model(o, native.startsWith('runway') ? 'runway' : 'hailuo'), offer: o, params, idempotencyKey };
}

const T2V = '/api/v1/hailuo/text_to_video';
const I2V = '/api/v1/hailuo/image_to_video';
const RUNWAY = '/api/v1/runway/text_to_video';
const ALEPH = '/api/v1/runway_aleph/edit_video';
const IMG = 'https://cdn.example.com/a.jpg';
const IMG2 = 'https://cdn.example.com/b.jpg';
const HOOK = 'https://hooks.example.com/runapi';

let fake: FakeRunapi;
let adapter: RunapiAdapter;
async function setup(opts: FakeRunapiOptions = {}, key = FAKE_RUNAPI_KEY): Promise<void> {
  await fake?.close();
  fake = await startFakeRunapi(opts);
  adapter = new RunapiAdapter({ apiKey: key, baseUrl: fake.url, timeoutMs: 5_000 });
}
beforeEach(() => setup());
afterEach(() => fake.close());

describe('RunapiAdapter wire bodies', () => {
  const cases: { name: string; native: string; endpoint: string; params: VideoParams; wire: Record<string, unknown>; ep: [string, string] }[] = [
    {
      name: 'hailuo-02-text-to-video-pro (seed example)',
      native: 'hailuo-02-text-to-video-pro',
      endpoint: T2V,
      params: { prompt: 'A glass marble rolls across a wooden desk', prompt_optimizer: true, callback_url: HOOK },
      wire: { model: 'hailuo-02-text-to-video-pro', prompt: 'A glass marble rolls across a wooden desk', prompt_optimizer: true, callback_url: HOOK },
      ep: ['hailuo', 'text_to_video'],
    },
    {
      name: 'hailuo-02-text-to-video-standard drops output_resolution (not in the t2v contract)',
      native: 'hailuo-02-text-to-video-standard',
      endpoint: T2V,
      params: { prompt: 'p', duration_seconds: 10, output_resolution: '768p', prompt_optimizer: false },
      wire: { model: 'hailuo-02-text-to-video-standard', prompt: 'p', duration_seconds: 10, prompt_optimizer: false },
      ep: ['hailuo', 'text_to_video'],
    },
    {
      name: 'hailuo-02-image-to-video-pro with first and last frame',
      native: 'hailuo-02-image-to-video-pro',
      endpoint: I2V,
      params: { prompt: 'p', first_frame_image_url: IMG, last_frame_image_url: IMG2, duration_seconds: 6 },
      wire: { model: 'hailuo-02-image-to-video-pro', prompt: 'p', first_frame_image_url: IMG, last_frame_image_url: IMG2, duration_seconds: 6 },
      ep: ['hailuo', 'image_to_video'],
    },
    {
      name: 'hailuo-02-image-to-video-standard (providers.md §1.10 example)',
      native: 'hailuo-02-image-to-video-standard',
      endpoint: I2V,
      params: {
        prompt: 'A marble rolls off a desk',
        first_frame_image_url: IMG,
        last_frame_image_url: IMG2,
        duration_seconds: 6,
        output_resolution: '768p',
        prompt_optimizer: true,
        callback_url: HOOK,
      },
      wire: {
        model: 'hailuo-02-image-to-video-standard',
        prompt: 'A marble rolls off a desk',
        first_frame_image_url: IMG,
        last_frame_image_url: IMG2,
        duration_seconds: 6,
        output_resolution: '768p',
        prompt_optimizer: true,
        callback_url: HOOK,
      },
      ep: ['hailuo', 'image_to_video'],
    },
    {
      name: 'hailuo-2.3-image-to-video-pro 1080p',
      native: 'hailuo-2.3-image-to-video-pro',
      endpoint: I2V,
      params: { prompt: 'p', first_frame_image_url: IMG, duration_seconds: 6, output_resolution: '1080p' },
      wire: { model: 'hailuo-2.3-image-to-video-pro', prompt: 'p', first_frame_image_url: IMG, duration_seconds: 6, output_resolution: '1080p' },
      ep: ['hailuo', 'image_to_video'],
    },
    {
      name: 'hailuo-2.3-image-to-video-standard 10 s 768p',
      native: 'hailuo-2.3-image-to-video-standard',
      endpoint: I2V,
      params: { prompt: 'p', first_frame_image_url: IMG, duration_seconds: 10, output_resolution: '768p', prompt_optimizer: true },
      wire: {
        model: 'hailuo-2.3-image-to-video-standard',
        prompt: 'p',
        first_frame_image_url: IMG,
        duration_seconds: 10,
        output_resolution: '768p',
        prompt_optimizer: true,
      },
      ep: ['hailuo', 'image_to_video'],
    },
    {
      name: 'runway text-to-video carries aspect_ratio',
      native: 'runway',
      endpoint: RUNWAY,
      params: { prompt: 'A drone shot rising over a misty mountain lake', duration_seconds: 5, output_resolution: '1080p', aspect_ratio: '16:9' },
      wire: {
        model: 'runway',
        prompt: 'A drone shot rising over a misty mountain lake',
        duration_seconds: 5,
        output_resolution: '1080p',
        aspect_ratio: '16:9',
      },
      ep: ['runway', 'text_to_video'],
    },
    {
      name: 'runway with a first frame omits aspect_ratio (contract forbids it)',
      native: 'runway',
      endpoint: RUNWAY,
      params: { prompt: 'p', first_frame_image_url: IMG, duration_seconds: 10, output_resolution: '720p', aspect_ratio: '16:9', callback_url: HOOK },
      wire: { model: 'runway', prompt: 'p', first_frame_image_url: IMG, duration_seconds: 10, output_resolution: '720p', callback_url: HOOK },
      ep: ['runway', 'text_to_video'],
    },
    {
      name: 'runway-aleph edit_video sends no model and only its own fields',
      native: 'runway-aleph',
      endpoint: ALEPH,
      params: { prompt: 'make it snow', source_video_url: 'https://cdn.example.com/in.mp4', aspect_ratio: '21:9', duration_seconds: 5 },
      wire: { prompt: 'make it snow', source_video_url: 'https://cdn.example.com/in.mp4', aspect_ratio: '21:9' },
      ep: ['runway_aleph', 'edit_video'],
    },
  ];

  it.each(cases)('$name', async ({ native, endpoint, params, wire, ep }) => {
    const req = request(native, endpoint, params);
    const res = await adapter.submit(req, {});
    const sent = fake.requestsTo('POST', endpoint);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.json).toEqual(wire);
    expect(sent[0]!.headers['authorization']).toBe(`Bearer ${FAKE_RUNAPI_KEY}`);
    expect(sent[0]!.headers['idempotency-key']).toBe(req.idempotencyKey);
    const job = [...fake.jobs.values()][0]!;
    expect(res.handle).toEqual({ id: job.id, svc: ep[0], ep: ep[1] });
    expect(res.status).toEqual({ state: 'queued' });
  });
});

describe('RunapiAdapter status', () => {
  it('walks pending → processing → completed and returns the fake-served video with the billed cost', async () => {
    const { handle } = await adapter.submit(
      request('hailuo-02-image-to-video-standard', I2V, { prompt: 'p', first_frame_image_url: IMG, duration_seconds: 6, output_resolution: '512p' }),
      {},
    );
    expect(await adapter.getJob(handle, {})).toEqual({ state: 'queued' });
    expect(await adapter.getJob(handle, {})).toMatchObject({ state: 'running', progress: expect.closeTo(0.67, 2) });
    const done = await adapter.getJob(handle, {});
    expect(done).toEqual({ state: 'succeeded', videos: [{ url: `${fake.url}/files/${handle.id}.mp4` }], billed_usd: 0.12 });
    expect(fake.requestsTo('GET', `/api/v1/hailuo/image_to_video/${handle.id}`)).toHaveLength(3);
    const video = await fetch(done.state === 'succeeded' ? done.videos[0]!.url : '');
    expect(video.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await video.arrayBuffer()).equals(fake.videoBytes)).toBe(true);
  });

  it.each([
    ['cost_cents', 0.3],
    ['amount_cents', 0.3],
    ['none', undefined],
  ] as const)('reads billing from %s', async (billing, usd) => {
    await setup({ billing, pollsToComplete: 1 });
    const { handle } = await adapter.submit(request('hailuo-02-text-to-video-standard', T2V, { prompt: 'p', duration_seconds: 6 }), {});
    const s = await adapter.getJob(handle, {});
    expect(s.state).toBe('succeeded');
    expect(s.state === 'succeeded' ? s.billed_usd : 'x').toBe(usd);
  });

  it('accepts the seed create shape {task_id,status,model}', async () => {
    await setup({ createShape: 'seed', pollsToComplete: 1 });
    const { handle, status } = await adapter.submit(request('hailuo-02-text-to-video-pro', T2V, { prompt: 'p' }), {});
    const post = fake.requestsTo('POST', T2V)[0]!;
    expect(fake.requests.length).toBe(1);
    const job = [...fake.jobs.values()][0]!;
    expect(handle.id).toBe(job.id);
    expect(status).toEqual({ state: 'queued' });
    expect(post.json).toEqual({ model: 'hailuo-02-text-to-video-pro', prompt: 'p' });
    expect((await adapter.getJob(handle, {})).state).toBe('succeeded');
  });

  it('reports a failed task with the provider text; moderation text is classified', async () => {
    await setup({ failWith: 'Content moderation rejected the prompt', pollsToComplete: 2 });
    const { handle } = await adapter.submit(
      request('runway', RUNWAY, { prompt: 'p', duration_seconds: 5, output_resolution: '720p', aspect_ratio: '1:1' }),
      {},
    );
    await adapter.getJob(handle, {});
    expect(await adapter.getJob(handle, {})).toEqual({
      state: 'failed',
      reason: expect.stringMatching(/refused the content/),
      provider_text: 'Content moderation rejected the prompt',
      provider_code: 'failed',
      error_code: 'moderation',
    });

    await setup({ failWith: 'Upstream generation error', pollsToComplete: 1 });
    const r2 = await adapter.submit(request('runway', RUNWAY, { prompt: 'p', duration_seconds: 5, output_resolution: '720p', aspect_ratio: '1:1' }), {});
    expect(await adapter.getJob(r2.handle, {})).toMatchObject({ state: 'failed', provider_text: 'Upstream generation error', error_code: 'job_failed' });
  });

  it('treats unknown statuses as still running and maps lenient terminal ones', () => {
    expect(mapRunapiTask({ status: 'rendering' })).toEqual({ state: 'running' });
    expect(mapRunapiTask({ status: 'processing', progress: 40 })).toEqual({ state: 'running', progress: 0.4 });
    expect(mapRunapiTask({ status: 'cancelled' })).toEqual({ state: 'canceled' });
    expect(mapRunapiTask({ status: 'completed', videos: [] })).toMatchObject({ state: 'failed' });
  });

  it('answers not_found for an unknown task', async () => {
    const err = await caught(adapter.getJob({ id: randomUUID(), svc: 'hailuo', ep: 'text_to_video' }, {}));
    expect(err.code).toBe('not_found');
  });
});

describe('RunapiAdapter errors', () => {
  const runwayReq = () => request('runway', RUNWAY, { prompt: 'p', duration_seconds: 5, output_resolution: '720p', aspect_ratio: '16:9' });

  it('401 → auth naming the env var and never the key', async () => {
    const badKey = 'runapi_WRONGkey0123456789';
    await setup({}, badKey);
    const err = await caught(adapter.submit(runwayReq(), {}));
    expect(err.code).toBe('auth');
    expect(err.envVar).toBe('RUNAPI_API_KEY');
    expect(err.message).toContain('RUNAPI_API_KEY');
    expect(err.noJobCreated).toBe(true);
    const everything = JSON.stringify({ m: err.message, p: err.providerText, a: toAgentMessage(err) });
    expect(everything).not.toContain(badKey);
    expect(fake.jobs.size).toBe(0);
    const statusErr = await caught(adapter.getJob({ id: randomUUID(), svc: 'runway', ep: 'text_to_video' }, {}));
    expect(statusErr.code).toBe('auth');
    expect(statusErr.message).not.toContain(badKey);
  });

  it('402 → insufficient_credits', async () => {
    await setup({ balanceCents: 10 });
    const err = await caught(adapter.submit(runwayReq(), {}));
    expect(err.code).toBe('insufficient_credits');
    expect(err.httpStatus).toBe(402);
    expect(err.noJobCreated).toBe(true);
  });

  it('422 → validation carrying the field the provider names', async () => {
    // 10 s at 1080p is not in RunAPI's pricing matrix; the fake rejects it like the real contract.
    const err = await caught(
      adapter.submit(request('runway', RUNWAY, { prompt: 'p', duration_seconds: 10, output_resolution: '1080p', aspect_ratio: '16:9' }), {}),
    );
    expect(err.code).toBe('validation');
    expect(err.httpStatus).toBe(422);
    expect(err.providerText).toContain('output_resolution');
    expect(err.providerText).toContain('1080p is not available for 10 second videos');
  });

  it('400 naming the content filter → moderation', async () => {
    fake.addFault({ method: 'POST', path: RUNWAY, action: 'respond', reply: { status: 400, json: { error: 'Prompt rejected by content moderation' } } });
    const err = await caught(adapter.submit(runwayReq(), {}));
    expect(err.code).toBe('moderation');
    expect(err.providerText).toBe('Prompt rejected by content moderation');
  });

  it('409 when the idempotency key is reused with a different body', async () => {
    const first = runwayReq();
    await adapter.submit(first, {});
    const second = request('runway', RUNWAY, { prompt: 'other', duration_seconds: 5, output_resolution: '720p', aspect_ratio: '16:9' }, first.idempotencyKey);
    const err = await caught(adapter.submit(second, {}));
    expect(err.code).toBe('conflict');
    expect(fake.jobs.size).toBe(1);
  });

  it('429 on a status call: waits out Retry-After, then succeeds', async () => {
    const { handle } = await adapter.submit(runwayReq(), {});
    fake.addFault({
      method: 'GET',
      path: handle.id,
      action: 'respond',
      reply: { status: 429, headers: { 'retry-after': '1' }, json: { error: { code: 'rate_limited', message: 'Too many requests' } } },
    });
    const s = await adapter.getJob(handle, {});
    expect(s).toEqual({ state: 'queued' });
    const gets = fake.requestsTo('GET', handle.id);
    expect(gets).toHaveLength(2);
    expect(gets[1]!.at - gets[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('429 with a long Retry-After is reported as rate_limited with retryAfterMs', async () => {
    const { handle } = await adapter.submit(runwayReq(), {});
    fake.addFault({
      method: 'GET',
      path: handle.id,
      action: 'respond',
      reply: { status: 429, headers: { 'retry-after': '120' }, json: { error: { code: 'rate_limited', message: 'Too many requests' } } },
    });
    const err = await caught(adapter.getJob(handle, {}));
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(120_000);
    expect(err.message).toContain('120 s');
    expect(fake.requestsTo('GET', handle.id)).toHaveLength(1);
  });

  it('503 on submit: retried under the idempotency key, then reported as unavailable with no job', async () => {
    fake.addFault({
      method: 'POST',
      path: RUNWAY,
      action: 'respond',
      times: 10,
      reply: { status: 503, headers: { 'retry-after': '0' }, json: { error: 'No active channel available' } },
    });
    const req = runwayReq();
    const err = await caught(adapter.submit(req, {}));
    expect(err.code).toBe('unavailable');
    expect(err.noJobCreated).toBe(true);
    expect(err.providerText).toBe('No active channel available');
    const posts = fake.requestsTo('POST', RUNWAY);
    expect(posts).toHaveLength(4);
    expect(new Set(posts.map((p) => p.headers['idempotency-key']))).toEqual(new Set([req.idempotencyKey]));
  });
});

describe('RunapiAdapter idempotency', () => {
  it('a dropped submit response is replayed under the same key: one job upstream', async () => {
    fake.addFault({ method: 'POST', path: T2V, action: 'drop-after' });
    const req = request('hailuo-02-text-to-video-standard', T2V, { prompt: 'p', duration_seconds: 6 });
    const { handle } = await adapter.submit(req, {});
    expect(fake.jobs.size).toBe(1);
    const job = [...fake.jobs.values()][0]!;
    expect(handle).toEqual({ id: job.id, svc: 'hailuo', ep: 'text_to_video' });
    const posts = fake.requestsTo('POST', T2V);
    expect(posts).toHaveLength(2);
    expect(posts.map((p) => p.headers['idempotency-key'])).toEqual([req.idempotencyKey, req.idempotencyKey]);
  });
});

describe('RunapiAdapter uploads', () => {
  it('uploads local bytes as base64 to /api/v1/files and returns the hosted URL', async () => {
    const bytes = randomBytes(4096);
    const url = await adapter.prepareMedia({ bytes, mime: 'image/png', filename: 'frame.png', kind: 'image' }, 'first_frame_image_url', {});
    const post = fake.requestsTo('POST', '/api/v1/files')[0]!;
    expect(post.headers['authorization']).toBe(`Bearer ${FAKE_RUNAPI_KEY}`);
    expect(post.json).toEqual({ source: { type: 'base64', data: bytes.toString('base64') }, file_name: 'frame.png' });
    const stored = [...fake.uploads.values()];
    expect(stored).toHaveLength(1);
    expect(stored[0]!.bytes.equals(bytes)).toBe(true);
    expect(url).toBe(stored[0]!.url);
    const served = Buffer.from(await (await fetch(url)).arrayBuffer());
    expect(served.equals(bytes)).toBe(true);
  });

  it('an upload with a wrong key is an auth error', async () => {
    await setup({}, 'runapi_WRONGkey0123456789');
    const err = await caught(
      adapter.prepareMedia({ bytes: Buffer.from('x'), mime: 'image/png', filename: 'a.png', kind: 'image' }, 'first_frame_image_url', {}),
    );
    expect(err.code).toBe('auth');
  });
});

describe('fake RunAPI contract (so the wire assertions above mean something)', () => {
  async function post(path: string, body: unknown, key = FAKE_RUNAPI_KEY): Promise<{ status: number; json: any }> {
    const res = await fetch(fake.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  }

  it.each([
    ['runway without image needs aspect_ratio', RUNWAY, { model: 'runway', prompt: 'p', duration_seconds: 5, output_resolution: '720p' }, 'aspect_ratio'],
    [
      'runway with image forbids aspect_ratio',
      RUNWAY,
      { model: 'runway', prompt: 'p', duration_seconds: 5, output_resolution: '720p', first_frame_image_url: IMG, aspect_ratio: '16:9' },
      'aspect_ratio',
    ],
    [
      'runway 10 s + 1080p',
      RUNWAY,
      { model: 'runway', prompt: 'p', duration_seconds: 10, output_resolution: '1080p', aspect_ratio: '16:9' },
      'output_resolution',
    ],
    [
      'runway-aleph is not a text_to_video model',
      RUNWAY,
      { model: 'runway-aleph', prompt: 'p', duration_seconds: 5, output_resolution: '720p', aspect_ratio: '16:9' },
      'model',
    ],
    ['hailuo t2v takes no output_resolution', T2V, { model: 'hailuo-02-text-to-video-standard', prompt: 'p', output_resolution: '768p' }, 'output_resolution'],
    ['old SDK vocabulary is refused', I2V, { model: 'hailuo-02-image-to-video-standard', prompt: 'p', image_url: IMG }, 'image_url'],
    ['i2v requires first_frame_image_url', I2V, { model: 'hailuo-02-image-to-video-standard', prompt: 'p' }, 'first_frame_image_url'],
    [
      '2.3 has no last frame',
      I2V,
      { model: 'hailuo-2.3-image-to-video-standard', prompt: 'p', first_frame_image_url: IMG, last_frame_image_url: IMG2 },
      'last_frame_image_url',
    ],
    [
      '02 standard resolutions are 512p/768p',
      I2V,
      { model: 'hailuo-02-image-to-video-standard', prompt: 'p', first_frame_image_url: IMG, output_resolution: '1080p' },
      'output_resolution',
    ],
    ['aleph needs source_video_url', ALEPH, { prompt: 'p' }, 'source_video_url'],
  ])('422 for %s', async (_name, path, body, field) => {
    const r = await post(path, body);
    expect(r.status).toBe(422);
    expect(r.json.error).toBe('Validation failed');
    expect(r.json.errors[field]).toBeDefined();
    expect(fake.jobs.size).toBe(0);
  });

  it('401 on a wrong key, in the {error} shape', async () => {
    const r = await post(T2V, { model: 'hailuo-02-text-to-video-pro', prompt: 'p' }, 'nope');
    expect(r).toEqual({ status: 401, json: { error: 'Invalid API key' } });
  });
});
