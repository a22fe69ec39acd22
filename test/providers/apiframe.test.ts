import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caught } from './support.js';
import type { ModelSpec, Offer, VideoParams } from '../../src/catalog/types.js';
import { toAgentMessage } from '../../src/errors.js';
import { ApiframeAdapter, mapApiframeJob } from '../../src/providers/apiframe.js';
import type { SubmitRequest } from '../../src/providers/types.js';
import { FAKE_APIFRAME_KEY, startFakeApiframe, type FakeApiframe, type FakeApiframeOptions } from '../fakes/apiframe.js';

const GENERATE = '/v2/videos/generate';
function offer(native_model: string): Offer {
  return { provider: 'apiframe', native_model, endpoint: GENERATE, wire_fields: {}, serves: {}, price: { kind: 'unknown', note: 'test' } };
}
function model(o: Offer): ModelSpec {
  return {
    id: `test-${o.native_model}`,
    title: o.native_model,
    family: o.native_model.startsWith('runway') ? 'runway' : 'hailuo',
    modes: ['text-to-video', 'image-to-video'],
    aliases: [],
    params: {
      durations: [6, 10],
      resolutions: ['768p', '1080p'],
      aspect_ratios: [],
      prompt_max_chars: 2000,
      presence: { prompt: 'required', first_frame: 'optional', last_frame: 'optional', source_video: 'forbidden', aspect_ratio: 'optional' },
      prompt_optimizer: true,
    },
    rules: [],
    offers: [o],
    typical_seconds: 180,
  };
}
function request(native: string, params: VideoParams, idempotencyKey: string = randomUUID()): SubmitRequest {
  const o = offer(native);
  return { model: model(o), offer: o, params, idempotencyKey };
}

const IMG = 'https://example.com/input.jpg';
const IMG2 = 'https://example.com/end.jpg';
const HOOK = 'https://hooks.example.com/apiframe';
/** A PNG signature followed by noise: the upload endpoint sniffs magic bytes. */
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(2048)]);

let fake: FakeApiframe;
let adapter: ApiframeAdapter;
async function setup(opts: FakeApiframeOptions = {}, key = FAKE_APIFRAME_KEY): Promise<void> {
  await fake?.close();
  fake = await startFakeApiframe(opts);
  adapter = new ApiframeAdapter({ apiKey: key, baseUrl: fake.url, timeoutMs: 5_000 });
}
beforeEach(() => setup());
afterEach(() => fake.close());

describe('ApiframeAdapter wire bodies', () => {
  const cases: { name: string; native: string; params: VideoParams; wire: Record<string, unknown> }[] = [
    {
      name: 'hailuo-02 (seed example) with end frame; callback_url → webhookUrl',
      native: 'hailuo-02',
      params: {
        prompt: 'a cinematic sunrise',
        first_frame_image_url: IMG,
        last_frame_image_url: IMG2,
        duration_seconds: 6,
        output_resolution: '768p',
        prompt_optimizer: true,
        callback_url: HOOK,
      },
      wire: {
        model: 'hailuo-02',
        prompt: 'a cinematic sunrise',
        webhookUrl: HOOK,
        hailuoParams: { image: IMG, end_image: IMG2, duration: 6, resolution: '768p', prompt_optimizer: true },
      },
    },
    {
      name: 'hailuo-2.3 text-to-video 1080p',
      native: 'hailuo-2.3',
      params: { prompt: 'p', duration_seconds: 6, output_resolution: '1080p', prompt_optimizer: false },
      wire: { model: 'hailuo-2.3', prompt: 'p', hailuoParams: { duration: 6, resolution: '1080p', prompt_optimizer: false } },
    },
    {
      name: 'hailuo-2.3-fast image-to-video 10 s',
      native: 'hailuo-2.3-fast',
      params: { prompt: 'p', first_frame_image_url: IMG, duration_seconds: 10, output_resolution: '768p' },
      wire: { model: 'hailuo-2.3-fast', prompt: 'p', hailuoParams: { image: IMG, duration: 10, resolution: '768p' } },
    },
    {
      name: 'runway-gen4-turbo nests runwayParams with aspect_ratio',
      native: 'runway-gen4-turbo',
      params: { prompt: 'p', first_frame_image_url: IMG, duration_seconds: 10, aspect_ratio: '21:9', callback_url: HOOK },
      wire: { model: 'runway-gen4-turbo', prompt: 'p', webhookUrl: HOOK, runwayParams: { image: IMG, duration: 10, aspect_ratio: '21:9' } },
    },
  ];

  it.each(cases)('$name', async ({ native, params, wire }) => {
    const req = request(native, params);
    const res = await adapter.submit(req, {});
    const sent = fake.requestsTo('POST', GENERATE);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.json).toEqual(wire);
    expect(sent[0]!.headers['x-api-key']).toBe(FAKE_APIFRAME_KEY);
    expect(sent[0]!.headers['authorization']).toBeUndefined();
    expect(sent[0]!.headers['idempotency-key']).toBe(req.idempotencyKey);
    const job = [...fake.jobs.values()][0]!;
    expect(res).toEqual({ handle: { id: job.id }, status: { state: 'queued' } });
  });

  it('refuses a model outside the Hailuo and Runway families without sending anything', async () => {
    const err = await caught(adapter.submit(request('kling-2.1', { prompt: 'p' }), {}));
    expect(err.code).toBe('unsupported');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('ApiframeAdapter status', () => {
  it('walks QUEUED → PROCESSING → COMPLETED, reporting progress, the video and the credit cost', async () => {
    const { handle } = await adapter.submit(request('hailuo-02', { prompt: 'p', duration_seconds: 10, output_resolution: '768p' }), {});
    expect(await adapter.getJob(handle, {})).toEqual({ state: 'queued' });
    expect(await adapter.getJob(handle, {})).toEqual({ state: 'running', progress: 0.5 });
    const done = await adapter.getJob(handle, {});
    expect(done).toMatchObject({ state: 'succeeded', videos: [{ url: `${fake.url}/files/${handle.id}.mp4` }], billed_credits: 8 });
    if (done.state !== 'succeeded') throw new Error('unreachable');
    // 24 h CDN retention from completedAt.
    expect(Date.parse(done.videos[0]!.expires_at!) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
    expect(fake.requestsTo('GET', `/v2/jobs/${handle.id}`)).toHaveLength(3);
    expect(fake.requestsTo('GET', `/v2/jobs/${handle.id}`)[0]!.headers['x-api-key']).toBe(FAKE_APIFRAME_KEY);
    const video = await fetch(done.videos[0]!.url);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await video.arrayBuffer()).equals(fake.videoBytes)).toBe(true);
  });

  it.each(['string', 'videoUrl', 'videos', 'url'] as const)('accepts result shape %s', async (resultShape) => {
    await setup({ resultShape, pollsToComplete: 1 });
    const { handle } = await adapter.submit(request('runway-gen4-turbo', { prompt: 'p', duration_seconds: 5, aspect_ratio: '16:9' }), {});
    const raw = fake.jobs.get(handle.id)!;
    const s = await adapter.getJob(handle, {});
    expect(s).toMatchObject({ state: 'succeeded', videos: [{ url: `${fake.url}/files/${raw.id}.mp4` }], billed_credits: 8 });
  });

  it('FAILED carries the provider text; content policy is classified as moderation', async () => {
    await setup({ failWith: 'Provider returned an error: content policy violation', pollsToComplete: 2 });
    const { handle } = await adapter.submit(request('hailuo-2.3', { prompt: 'p' }), {});
    await adapter.getJob(handle, {});
    expect(await adapter.getJob(handle, {})).toEqual({
      state: 'failed',
      reason: expect.stringMatching(/refused the content/),
      provider_text: 'Provider returned an error: content policy violation',
      provider_code: 'FAILED',
      error_code: 'moderation',
    });
    await setup({ failWith: 'Provider timed out', pollsToComplete: 1 });
    const r2 = await adapter.submit(request('hailuo-2.3', { prompt: 'p' }), {});
    expect(await adapter.getJob(r2.handle, {})).toMatchObject({ state: 'failed', provider_text: 'Provider timed out', error_code: 'job_failed' });
  });

  it('CANCELLED → canceled', async () => {
    await setup({ cancelJobs: true, pollsToComplete: 1 });
    const { handle } = await adapter.submit(request('hailuo-2.3', { prompt: 'p' }), {});
    expect(await adapter.getJob(handle, {})).toEqual({ state: 'canceled' });
  });

  it('maps documented job objects', () => {
    expect(mapApiframeJob({ status: 'PROCESSING', progress: 65 })).toEqual({ state: 'running', progress: 0.65 });
    expect(mapApiframeJob({ status: 'COMPLETED', result: { videos: [{ url: 'https://a/1.mp4' }, 'https://a/2.mp4'] } })).toEqual({
      state: 'succeeded',
      videos: [{ url: 'https://a/1.mp4' }, { url: 'https://a/2.mp4' }],
    });
    expect(mapApiframeJob({ status: 'COMPLETED', result: null, expired: true })).toMatchObject({ state: 'failed', error_code: 'job_failed' });
  });

  it('unknown job → not_found', async () => {
    const err = await caught(adapter.getJob({ id: randomUUID() }, {}));
    expect(err.code).toBe('not_found');
    expect(err.providerText).toBe('Job not found');
  });
});

describe('ApiframeAdapter errors', () => {
  const req = () => request('hailuo-02', { prompt: 'p', duration_seconds: 6, output_resolution: '1080p' });

  it('401 → auth naming APIFRAME_API_KEY and never the key', async () => {
    const badKey = 'afk_WRONGkey0123456789abcdef';
    await setup({}, badKey);
    const err = await caught(adapter.submit(req(), {}));
    expect(err.code).toBe('auth');
    expect(err.envVar).toBe('APIFRAME_API_KEY');
    expect(err.message).toContain('APIFRAME_API_KEY');
    expect(JSON.stringify({ m: err.message, p: err.providerText, a: toAgentMessage(err) })).not.toContain(badKey);
    expect(fake.jobs.size).toBe(0);
  });

  it('402 reports creditsRequired/creditsAvailable', async () => {
    await setup({ creditsAvailable: 3 });
    const err = await caught(adapter.submit(req(), {}));
    expect(err.code).toBe('insufficient_credits');
    expect(err.httpStatus).toBe(402);
    expect(err.noJobCreated).toBe(true);
    expect(err.message).toContain('needs 10 credits and 3 are available');
    expect(err.message).toContain('Top up');
  });

  it('400 → validation with the schema details (1080p at 10 s)', async () => {
    const err = await caught(adapter.submit(request('hailuo-02', { prompt: 'p', duration_seconds: 10, output_resolution: '1080p' }), {}));
    expect(err.code).toBe('validation');
    expect(err.httpStatus).toBe(400);
    expect(err.providerText).toContain('Invalid request body');
    expect(err.providerText).toContain('hailuoParams.duration');
  });

  it('400 → validation when an end frame is sent to a model without one', async () => {
    const err = await caught(adapter.submit(request('hailuo-2.3', { prompt: 'p', first_frame_image_url: IMG, last_frame_image_url: IMG2 }), {}));
    expect(err.code).toBe('validation');
    expect(err.providerText).toContain('end_image');
  });

  it('409 when the idempotency key is reused with a different body', async () => {
    const first = req();
    await adapter.submit(first, {});
    const err = await caught(adapter.submit(request('hailuo-02', { prompt: 'different' }, first.idempotencyKey), {}));
    expect(err.code).toBe('conflict');
    expect(fake.jobs.size).toBe(1);
  });

  it('429 on a status call: waits out Retry-After, then succeeds', async () => {
    const { handle } = await adapter.submit(req(), {});
    fake.addFault({
      method: 'GET',
      path: handle.id,
      action: 'respond',
      reply: { status: 429, headers: { 'retry-after': '1' }, json: { error: 'Rate limit exceeded' } },
    });
    expect(await adapter.getJob(handle, {})).toEqual({ state: 'queued' });
    const gets = fake.requestsTo('GET', handle.id);
    expect(gets).toHaveLength(2);
    expect(gets[1]!.at - gets[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('429 with a long Retry-After → rate_limited carrying retryAfterMs', async () => {
    const { handle } = await adapter.submit(req(), {});
    fake.addFault({
      method: 'GET',
      path: handle.id,
      action: 'respond',
      reply: { status: 429, headers: { 'retry-after': '90' }, json: { error: 'Rate limit exceeded' } },
    });
    const err = await caught(adapter.getJob(handle, {}));
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(90_000);
  });

  it('503 on submit → unavailable, no job created', async () => {
    fake.addFault({
      method: 'POST',
      path: GENERATE,
      action: 'respond',
      times: 10,
      reply: { status: 503, headers: { 'retry-after': '0' }, json: { error: 'Service temporarily unavailable' } },
    });
    const err = await caught(adapter.submit(req(), {}));
    expect(err.code).toBe('unavailable');
    expect(err.noJobCreated).toBe(true);
    expect(err.providerText).toBe('Service temporarily unavailable');
    expect(fake.jobs.size).toBe(0);
  });

  it('503 on a status call is retried away', async () => {
    const { handle } = await adapter.submit(req(), {});
    fake.addFault({
      method: 'GET',
      path: handle.id,
      action: 'respond',
      reply: { status: 503, headers: { 'retry-after': '0' }, json: { error: 'Service temporarily unavailable' } },
    });
    expect(await adapter.getJob(handle, {})).toEqual({ state: 'queued' });
  });
});

describe('ApiframeAdapter idempotency', () => {
  it('a dropped submit response is replayed under the same key: one job, one charge', async () => {
    fake.addFault({ method: 'POST', path: GENERATE, action: 'drop-after' });
    const r = request('hailuo-02', { prompt: 'p', duration_seconds: 6, output_resolution: '768p' });
    const { handle } = await adapter.submit(r, {});
    expect(fake.jobs.size).toBe(1);
    expect(handle).toEqual({ id: [...fake.jobs.keys()][0] });
    const posts = fake.requestsTo('POST', GENERATE);
    expect(posts.map((p) => p.headers['idempotency-key'])).toEqual([r.idempotencyKey, r.idempotencyKey]);
    expect(fake.credits()).toBe(1000 - 5);
  });
});

describe('ApiframeAdapter uploads', () => {
  it('uploads multipart field "file" to /v2/uploads and returns the hosted URL', async () => {
    const url = await adapter.prepareMedia({ bytes: PNG, mime: 'image/png', filename: 'frame.png', kind: 'image' }, 'first_frame_image_url', {});
    const post = fake.requestsTo('POST', '/v2/uploads')[0]!;
    expect(post.headers['x-api-key']).toBe(FAKE_APIFRAME_KEY);
    expect(String(post.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    const stored = [...fake.uploads.values()];
    expect(stored).toHaveLength(1);
    expect(stored[0]!.bytes.equals(PNG)).toBe(true);
    expect(stored[0]!.filename).toBe('frame.png');
    expect(stored[0]!.contentType).toBe('image/png');
    expect(url).toBe(stored[0]!.url);
    expect(Buffer.from(await (await fetch(url)).arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('an unrecognised file type is a validation error', async () => {
    const err = await caught(
      adapter.prepareMedia({ bytes: randomBytes(64), mime: 'image/png', filename: 'x.png', kind: 'image' }, 'first_frame_image_url', {}),
    );
    expect(err.code).toBe('validation');
    expect(err.providerText).toBe('Unsupported file type');
  });
});

describe('fake Apiframe contract', () => {
  async function post(body: unknown, key = FAKE_APIFRAME_KEY): Promise<{ status: number; json: any }> {
    const res = await fetch(fake.url + GENERATE, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  }

  it("rejects the seed's webhook_url (additionalProperties:false)", async () => {
    const r = await post({ model: 'hailuo-02', prompt: 'p', webhook_url: HOOK, hailuoParams: {} });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'Invalid request body', details: { webhook_url: ["Unrecognized key(s) in object: 'webhook_url'"] } });
  });

  it.each([
    ['wrong family params', { model: 'hailuo-02', prompt: 'p', runwayParams: { duration: 5 } }, 'runwayParams'],
    ['common field names inside params', { model: 'hailuo-02', prompt: 'p', hailuoParams: { duration_seconds: 6 } }, 'hailuoParams'],
    ['bad resolution', { model: 'hailuo-2.3', prompt: 'p', hailuoParams: { resolution: '512p' } }, 'hailuoParams.resolution'],
    ['runway 6 s', { model: 'runway-gen4-turbo', prompt: 'p', runwayParams: { duration: 6 } }, 'runwayParams.duration'],
    ['missing prompt', { model: 'hailuo-02' }, 'prompt'],
    ['unknown model', { model: 'hailuo-99', prompt: 'p' }, 'model'],
  ])('400 for %s', async (_n, body, path) => {
    const r = await post(body);
    expect(r.status).toBe(400);
    expect(r.json.details[path]).toBeDefined();
  });

  it('401 on a wrong key', async () => {
    expect(await post({ model: 'hailuo-02', prompt: 'p' }, 'nope')).toEqual({ status: 401, json: { error: 'Invalid API key' } });
  });
});
