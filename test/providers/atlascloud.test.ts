import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caught } from './support.js';
import type { ModelSpec, Offer, VideoParams } from '../../src/catalog/types.js';
import { toAgentMessage } from '../../src/errors.js';
import { ATLAS_WARMUP_GRACE_MS, AtlasCloudAdapter, mapAtlasPrediction } from '../../src/providers/atlascloud.js';
import type { SubmitRequest } from '../../src/providers/types.js';
import { FAKE_ATLAS_KEY, startFakeAtlas, type FakeAtlas, type FakeAtlasOptions } from '../fakes/atlascloud.js';

const GENERATE = '/api/v1/model/generateVideo';
function offer(native_model: string): Offer {
  return { provider: 'atlascloud', native_model, endpoint: GENERATE, wire_fields: {}, serves: {}, price: { kind: 'unknown', note: 'test' } };
}
function model(o: Offer): ModelSpec {
  return {
    id: `test-${o.native_model}`,
    title: o.native_model,
    family: 'hailuo',
    modes: ['text-to-video', 'image-to-video'],
    aliases: [],
    params: {
      durations: [6, 10],
      resolutions: ['512p', '768p'],
      aspect_ratios: [],
      prompt_max_chars: 2000,
      presence: { prompt: 'optional', first_frame: 'optional', last_frame: 'optional', source_video: 'forbidden', aspect_ratio: 'forbidden' },
      prompt_optimizer: true,
    },
    rules: [],
    offers: [o],
    typical_seconds: 60,
  };
}
function request(native: string, params: VideoParams): SubmitRequest {
  const o = offer(native);
  return { model: model(o), offer: o, params, idempotencyKey: randomUUID() };
}

const IMG = 'https://cdn.example.com/a.jpg';
const IMG2 = 'https://cdn.example.com/b.jpg';

let fake: FakeAtlas;
let adapter: AtlasCloudAdapter;
async function setup(opts: FakeAtlasOptions = {}, key = FAKE_ATLAS_KEY): Promise<void> {
  await fake?.close();
  fake = await startFakeAtlas(opts);
  adapter = new AtlasCloudAdapter({ apiKey: key, baseUrl: fake.url, timeoutMs: 5_000 });
}
beforeEach(() => setup());
afterEach(() => fake.close());

describe('AtlasCloudAdapter wire bodies', () => {
  const cases: { name: string; native: string; params: VideoParams; wire: Record<string, unknown> }[] = [
    {
      name: 'minimax/hailuo-02/fast: flat body, prompt_optimizer → enable_prompt_expansion, no resolution',
      native: 'minimax/hailuo-02/fast',
      params: { prompt: 'A beautiful sunset', first_frame_image_url: IMG, duration_seconds: 6, output_resolution: '512p', prompt_optimizer: false },
      wire: { model: 'minimax/hailuo-02/fast', prompt: 'A beautiful sunset', image: IMG, duration: 6, enable_prompt_expansion: false },
    },
    {
      name: 'minimax/hailuo-02/standard with first and last frame',
      native: 'minimax/hailuo-02/standard',
      params: { prompt: 'p', first_frame_image_url: IMG, last_frame_image_url: IMG2, duration_seconds: 10, output_resolution: '768p', prompt_optimizer: true },
      wire: { model: 'minimax/hailuo-02/standard', prompt: 'p', image: IMG, end_image: IMG2, duration: 10, enable_prompt_expansion: true },
    },
    {
      name: 'minimax/hailuo-02/standard text-to-video',
      native: 'minimax/hailuo-02/standard',
      params: { prompt: 'p', duration_seconds: 6 },
      wire: { model: 'minimax/hailuo-02/standard', prompt: 'p', duration: 6 },
    },
    {
      name: 'minimax/hailuo-02/t2v-standard',
      native: 'minimax/hailuo-02/t2v-standard',
      params: { prompt: 'p', duration_seconds: 10, prompt_optimizer: true, callback_url: 'https://hooks.example.com/x' },
      wire: { model: 'minimax/hailuo-02/t2v-standard', prompt: 'p', duration: 10, enable_prompt_expansion: true },
    },
    {
      name: 'minimax/hailuo-02/i2v-standard',
      native: 'minimax/hailuo-02/i2v-standard',
      params: { prompt: 'p', first_frame_image_url: IMG, duration_seconds: 6 },
      wire: { model: 'minimax/hailuo-02/i2v-standard', prompt: 'p', image: IMG, duration: 6 },
    },
    {
      name: 'minimax/hailuo-02/t2v-pro sends no duration (fixed length)',
      native: 'minimax/hailuo-02/t2v-pro',
      params: { prompt: 'p', duration_seconds: 6, output_resolution: '1080p' },
      wire: { model: 'minimax/hailuo-02/t2v-pro', prompt: 'p' },
    },
    {
      name: 'minimax/hailuo-2.3/i2v-standard',
      native: 'minimax/hailuo-2.3/i2v-standard',
      params: { prompt: 'p', first_frame_image_url: IMG, duration_seconds: 10, output_resolution: '768p' },
      wire: { model: 'minimax/hailuo-2.3/i2v-standard', prompt: 'p', image: IMG, duration: 10 },
    },
    {
      name: 'minimax/hailuo-2.3/t2v-standard',
      native: 'minimax/hailuo-2.3/t2v-standard',
      params: { prompt: 'p', duration_seconds: 6 },
      wire: { model: 'minimax/hailuo-2.3/t2v-standard', prompt: 'p', duration: 6 },
    },
  ];

  it.each(cases)('$name', async ({ native, params, wire }) => {
    const before = Math.floor(Date.now() / 1000);
    const res = await adapter.submit(request(native, params), {});
    const sent = fake.requestsTo('POST', GENERATE);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.json).toEqual(wire);
    expect(sent[0]!.headers['authorization']).toBe(`Bearer ${FAKE_ATLAS_KEY}`);
    expect(sent[0]!.headers['idempotency-key']).toBeUndefined();
    const job = [...fake.jobs.values()][0]!;
    expect(res.handle.id).toBe(job.id);
    expect(Number(res.handle['t'])).toBeGreaterThanOrEqual(before);
    expect(Object.keys(res.handle).sort()).toEqual(['id', 't']);
    expect(res.status).toEqual({ state: 'queued' });
  });
});

describe('AtlasCloudAdapter status', () => {
  it('walks created → starting → processing → completed with the fake-served video', async () => {
    const { handle } = await adapter.submit(request('minimax/hailuo-02/fast', { prompt: 'p', first_frame_image_url: IMG, duration_seconds: 6 }), {});
    expect(await adapter.getJob(handle, {})).toEqual({ state: 'queued' }); // starting
    expect(await adapter.getJob(handle, {})).toEqual({ state: 'running' }); // processing
    const done = await adapter.getJob(handle, {});
    expect(done).toEqual({ state: 'succeeded', videos: [{ url: `${fake.url}/files/${handle.id}.mp4` }] });
    expect(fake.requestsTo('GET', `/api/v1/model/prediction/${handle.id}`)).toHaveLength(3);
    const video = await fetch(done.state === 'succeeded' ? done.videos[0]!.url : '');
    expect(video.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await video.arrayBuffer()).equals(fake.videoBytes)).toBe(true);
  });

  it.each([
    [{ outputField: 'outputs', completedStatus: 'completed' }],
    [{ outputField: 'output', completedStatus: 'succeeded' }],
    [{ outputField: 'output-string', completedStatus: 'succeeded' }],
  ] as const)('reads outputs from %o', async (o) => {
    await setup({ ...o, pollsToComplete: 1 });
    const { handle } = await adapter.submit(request('minimax/hailuo-2.3/t2v-standard', { prompt: 'p' }), {});
    expect(await adapter.getJob(handle, {})).toEqual({ state: 'succeeded', videos: [{ url: `${fake.url}/files/${handle.id}.mp4` }] });
  });

  it.each(['error', 'logs'] as const)('reads the failure text from %s', async (failureField) => {
    await setup({ failWith: 'content policy violation', failureField, pollsToComplete: 1 });
    const { handle } = await adapter.submit(request('minimax/hailuo-2.3/t2v-standard', { prompt: 'p' }), {});
    expect(await adapter.getJob(handle, {})).toEqual({
      state: 'failed',
      reason: expect.stringMatching(/refused the content/),
      provider_text: 'content policy violation',
      provider_code: 'failed',
      error_code: 'moderation',
    });
  });

  it('a non-moderation failure is job_failed', async () => {
    await setup({ failWith: 'GPU worker crashed', pollsToComplete: 1 });
    const { handle } = await adapter.submit(request('minimax/hailuo-2.3/t2v-standard', { prompt: 'p' }), {});
    expect(await adapter.getJob(handle, {})).toMatchObject({ state: 'failed', provider_text: 'GPU worker crashed', error_code: 'job_failed' });
  });

  it.each([404, 400] as const)(
    'reports the warm-up (HTTP %i on the first status calls) as not_found, saying it is normal; the job layer waits it out',
    async (warmupStatus) => {
      await setup({ warmupPolls: 2, warmupStatus, pollsToComplete: 1 });
      const { handle } = await adapter.submit(request('minimax/hailuo-02/t2v-standard', { prompt: 'p', duration_seconds: 6 }), {});
      const first = await caught(adapter.getJob(handle, {}));
      expect(first.code).toBe('not_found');
      expect(first.message).toMatch(/normal during its warm-up/);
      expect((await caught(adapter.getJob(handle, {}))).code).toBe('not_found');
      expect((await adapter.getJob(handle, {})).state).toBe('succeeded');
      expect(adapter.minNotFoundGraceMs).toBe(ATLAS_WARMUP_GRACE_MS);
      // Warm-up errors are answered, not retried: exactly one GET per call.
      expect(fake.requestsTo('GET', handle.id)).toHaveLength(3);
    },
  );

  it('survives a warm-up that arrives as HTTP 200 with code 404', async () => {
    await setup({ warmupPolls: 1, errorsAsHttp200: true, pollsToComplete: 1 });
    const { handle } = await adapter.submit(request('minimax/hailuo-02/t2v-standard', { prompt: 'p' }), {});
    expect((await caught(adapter.getJob(handle, {}))).code).toBe('not_found');
    expect((await adapter.getJob(handle, {})).state).toBe('succeeded');
  });

  it('after the warm-up window a 404 says the prediction may have expired (the submit time lives in the handle)', async () => {
    const old = String(Math.floor((Date.now() - ATLAS_WARMUP_GRACE_MS - 5_000) / 1000));
    const err = await caught(adapter.getJob({ id: 'a'.repeat(32), t: old }, {}));
    expect(err.code).toBe('not_found');
    expect(err.message).toMatch(/expired or been deleted/);
    expect(err.providerText).toBe('prediction not found');
    // Same id, fresh handle: inside the warm-up window.
    expect((await caught(adapter.getJob({ id: 'a'.repeat(32), t: String(Math.floor(Date.now() / 1000)) }, {}))).message).toMatch(/warm-up/);
    // A handle without a submit time gets no grace.
    expect((await caught(adapter.getJob({ id: 'a'.repeat(32) }, {}))).code).toBe('not_found');
  });

  it('maps the documented statuses', () => {
    expect(mapAtlasPrediction({ status: 'created' })).toEqual({ state: 'queued' });
    expect(mapAtlasPrediction({ status: 'starting' })).toEqual({ state: 'queued' });
    expect(mapAtlasPrediction({ status: 'processing' })).toEqual({ state: 'running' });
    expect(mapAtlasPrediction({ status: 'something-new' })).toEqual({ state: 'running' });
    expect(mapAtlasPrediction({ status: 'succeeded', outputs: ['https://x/1.mp4'], output: 'https://x/1.mp4' })).toEqual({
      state: 'succeeded',
      videos: [{ url: 'https://x/1.mp4' }],
    });
    expect(mapAtlasPrediction({ status: 'failed', logs: ['line 1', 'boom'] })).toMatchObject({ state: 'failed', provider_text: 'line 1\nboom' });
    expect(mapAtlasPrediction({ status: 'failed', has_nsfw_contents: [true] })).toMatchObject({ state: 'failed', error_code: 'moderation' });
  });
});

describe('AtlasCloudAdapter errors', () => {
  const req = () => request('minimax/hailuo-02/fast', { prompt: 'p', first_frame_image_url: IMG, duration_seconds: 6 });

  it.each([false, true])('401 → auth naming ATLASCLOUD_API_KEY and never the key (errors as HTTP 200: %s)', async (errorsAsHttp200) => {
    const badKey = 'atlas-WRONG-key-0123456789abcdef';
    await setup({ errorsAsHttp200 }, badKey);
    const err = await caught(adapter.submit(req(), {}));
    expect(err.code).toBe('auth');
    expect(err.envVar).toBe('ATLASCLOUD_API_KEY');
    expect(err.message).toContain('ATLASCLOUD_API_KEY');
    expect(err.noJobCreated).toBe(true);
    expect(JSON.stringify({ m: err.message, p: err.providerText, a: toAgentMessage(err) })).not.toContain(badKey);
    expect(fake.jobs.size).toBe(0);
  });

  it.each([false, true])('402 / balance text → insufficient_credits (errors as HTTP 200: %s)', async (errorsAsHttp200) => {
    await setup({ errorsAsHttp200, balanceUsd: 0.05 });
    const err = await caught(adapter.submit(req(), {}));
    expect(err.code).toBe('insufficient_credits');
    expect(err.providerText).toBe('Insufficient balance');
    expect(err.noJobCreated).toBe(true);
  });

  it('"balance" text under another code is still insufficient_credits', async () => {
    fake.addFault({ method: 'POST', path: GENERATE, action: 'respond', reply: { status: 200, json: { code: 4003, msg: 'account balance not enough' } } });
    expect((await caught(adapter.submit(req(), {}))).code).toBe('insufficient_credits');
  });

  it.each([false, true])('400 → validation with the provider text (errors as HTTP 200: %s)', async (errorsAsHttp200) => {
    await setup({ errorsAsHttp200 });
    const err = await caught(adapter.submit(request('minimax/hailuo-02/fast', { prompt: 'p', first_frame_image_url: IMG, duration_seconds: 8 }), {}));
    expect(err.code).toBe('validation');
    expect(err.providerText).toBe('duration must be one of [6, 10]');
    expect(err.message).toContain(errorsAsHttp200 ? 'code 400' : 'HTTP 400');
  });

  it('422 → validation', async () => {
    fake.addFault({ method: 'POST', path: GENERATE, action: 'respond', reply: { status: 422, json: { code: 422, msg: 'image: aspect ratio out of range' } } });
    const err = await caught(adapter.submit(req(), {}));
    expect(err.code).toBe('validation');
    expect(err.providerText).toBe('image: aspect ratio out of range');
  });

  it('HTTP 200 with code 429 → rate_limited', async () => {
    fake.addFault({ method: 'POST', path: GENERATE, action: 'respond', reply: { status: 200, json: { code: 429, msg: 'Rate limit exceeded' } } });
    const err = await caught(adapter.submit(req(), {}));
    expect(err.code).toBe('rate_limited');
    expect(err.noJobCreated).toBe(true);
  });

  it('429 on submit is not retried (no idempotency)', async () => {
    fake.addFault({
      method: 'POST',
      path: GENERATE,
      action: 'respond',
      reply: { status: 429, headers: { 'retry-after': '1' }, json: { code: 429, msg: 'Rate limit exceeded' } },
    });
    const err = await caught(adapter.submit(req(), {}));
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(1000);
    expect(fake.requestsTo('POST', GENERATE)).toHaveLength(1);
  });

  it('429 on a status call: waits out Retry-After, then succeeds', async () => {
    const { handle } = await adapter.submit(req(), {});
    fake.addFault({
      method: 'GET',
      path: handle.id,
      action: 'respond',
      reply: { status: 429, headers: { 'retry-after': '1' }, json: { code: 429, msg: 'Rate limit exceeded' } },
    });
    expect(await adapter.getJob(handle, {})).toEqual({ state: 'queued' });
    const gets = fake.requestsTo('GET', handle.id);
    expect(gets).toHaveLength(2);
    expect(gets[1]!.at - gets[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('503 on submit → unavailable, no job, sent once', async () => {
    fake.addFault({ method: 'POST', path: GENERATE, action: 'respond', reply: { status: 503, json: { code: 503, msg: 'Service Unavailable' } } });
    const err = await caught(adapter.submit(req(), {}));
    expect(err.code).toBe('unavailable');
    expect(err.noJobCreated).toBe(true);
    expect(fake.requestsTo('POST', GENERATE)).toHaveLength(1);
  });

  it('504 on submit → unknown_outcome (the job may exist), sent once', async () => {
    fake.addFault({ method: 'POST', path: GENERATE, action: 'respond', reply: { status: 504, body: 'Gateway Timeout' } });
    const err = await caught(adapter.submit(req(), {}));
    expect(err.code).toBe('unknown_outcome');
    expect(err.noJobCreated).toBe(false);
    expect(fake.requestsTo('POST', GENERATE)).toHaveLength(1);
  });

  it('HTTP 200 with an in-band code 500 or 503 and no prediction id on submit → a definite refusal, no job (HTTP 500 stays unknown_outcome)', async () => {
    fake.addFault({ method: 'POST', path: GENERATE, action: 'respond', reply: { status: 200, json: { code: 500, msg: 'internal error' } } });
    const first = await caught(adapter.submit(req(), {}));
    expect(first.code).toBe('rejected');
    expect(first.noJobCreated).toBe(true);
    fake.addFault({ method: 'POST', path: GENERATE, action: 'respond', reply: { status: 200, json: { code: 503, msg: 'busy' } } });
    const err = await caught(adapter.submit(req(), {}));
    expect(err.code).toBe('rejected');
    expect(err.noJobCreated).toBe(true);
    fake.addFault({ method: 'POST', path: GENERATE, action: 'respond', reply: { status: 500, json: { code: 500, msg: 'internal error' } } });
    expect((await caught(adapter.submit(req(), {}))).code).toBe('unknown_outcome');
    expect(fake.requestsTo('POST', GENERATE)).toHaveLength(3);
  });

  it('a dropped submit response → unknown_outcome, exactly one request, one job upstream', async () => {
    fake.addFault({ method: 'POST', path: GENERATE, action: 'drop-after' });
    const err = await caught(adapter.submit(req(), {}));
    expect(err.code).toBe('unknown_outcome');
    expect(err.noJobCreated).toBe(false);
    expect(err.message).toMatch(/may have created/);
    expect(err.message).toMatch(/Atlas Cloud console/);
    expect(err.message).toMatch(/prediction history/);
    expect(err.message).toMatch(/nothing was resubmitted/);
    expect(fake.requestsTo('POST', GENERATE)).toHaveLength(1);
    expect(fake.jobs.size).toBe(1);
  });

  it('a refused connection (ECONNREFUSED) is unavailable with no job: nothing was sent', async () => {
    await fake.close();
    const err = await caught(adapter.submit(req(), {}));
    expect(err.code).toBe('unavailable');
    expect(err.noJobCreated).toBe(true);
  });
});

describe('AtlasCloudAdapter uploads', () => {
  it('uploads multipart field "file" and returns data.download_url', async () => {
    const bytes = randomBytes(3000);
    const url = await adapter.prepareMedia({ bytes, mime: 'image/jpeg', filename: 'frame.jpg', kind: 'image' }, 'first_frame_image_url', {});
    const post = fake.requestsTo('POST', '/api/v1/model/uploadMedia')[0]!;
    expect(post.headers['authorization']).toBe(`Bearer ${FAKE_ATLAS_KEY}`);
    expect(String(post.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    const stored = [...fake.uploads.values()];
    expect(stored).toHaveLength(1);
    expect(stored[0]!.bytes.equals(bytes)).toBe(true);
    expect(stored[0]!.filename).toBe('frame.jpg');
    expect(stored[0]!.contentType).toBe('image/jpeg');
    expect(url).toBe(stored[0]!.url);
    expect(Buffer.from(await (await fetch(url)).arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('an upload error in an HTTP 200 envelope is mapped', async () => {
    await setup({ errorsAsHttp200: true }, 'wrong-key-123456');
    const err = await caught(
      adapter.prepareMedia({ bytes: Buffer.from('x'), mime: 'image/png', filename: 'a.png', kind: 'image' }, 'first_frame_image_url', {}),
    );
    expect(err.code).toBe('auth');
  });
});

describe('fake Atlas contract', () => {
  async function post(body: unknown): Promise<{ status: number; json: any }> {
    const res = await fetch(fake.url + GENERATE, {
      method: 'POST',
      headers: { authorization: `Bearer ${FAKE_ATLAS_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  }
  it.each([
    ['the seed template fields', { model: 'minimax/hailuo-02/fast', prompt: 'p', image: IMG, width: 512, height: 512, duration: 3, fps: 24 }],
    ['the seed nested input', { model: 'minimax/hailuo-02/fast', input: { prompt: 'p' } }],
    ['resolution on a Hailuo id', { model: 'minimax/hailuo-02/standard', prompt: 'p', resolution: '768p' }],
    ['fast without image', { model: 'minimax/hailuo-02/fast', prompt: 'p' }],
    ['duration on a pro id', { model: 'minimax/hailuo-2.3/t2v-pro', prompt: 'p', duration: 6 }],
    ['unknown model', { model: 'minimax/hailuo-99', prompt: 'p' }],
  ])('400 for %s', async (_n, body) => {
    const r = await post(body);
    expect(r.status).toBe(400);
    expect(r.json.code).toBe(400);
    expect(typeof r.json.msg).toBe('string');
    expect(fake.jobs.size).toBe(0);
  });

  it('answers data.id in the {code,message,data} envelope', async () => {
    const r = await post({ model: 'minimax/hailuo-02/t2v-standard', prompt: 'p', duration: 6 });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ code: 200, message: 'success', data: { status: 'created', outputs: [] } });
    expect(r.json.data.id).toMatch(/^[0-9a-f]{32}$/);
  });
});
