import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { caught } from './support.js';
import type { ModelSpec, Offer, VideoParams } from '../../src/catalog/types.js';
import { toAgentMessage } from '../../src/errors.js';
import { RunwayAdapter } from '../../src/providers/runway.js';
import type { JobHandle, JobStatus, SubmitRequest } from '../../src/providers/types.js';
import { FAKE_RUNWAY_KEY, startFakeRunway, type FakeRunway, type FakeRunwayOptions } from '../fakes/runway.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61', 'hex');

function offer(native_model: string, endpoint: string): Offer {
  return {
    provider: 'runway',
    native_model,
    endpoint,
    wire_fields: {
      prompt: 'promptText',
      first_frame_image_url: 'promptImage',
      aspect_ratio: 'ratio',
      duration_seconds: 'duration',
      source_video_url: 'videoUri',
    },
    serves: {},
    price: { kind: 'per_second', usd_per_second: 0.05, source: 'test', as_of: '2026-11-01' },
  };
}

function model(native: string, endpoint: string): ModelSpec {
  return {
    id: native,
    title: native,
    family: 'runway',
    modes: endpoint === '/v1/video_to_video' ? ['video-to-video'] : endpoint === '/v1/text_to_video' ? ['text-to-video'] : ['image-to-video'],
    aliases: [],
    params: {
      durations: [5, 10],
      resolutions: [],
      aspect_ratios: ['16:9', '9:16', '4:3', '3:4', '1:1', '21:9'],
      prompt_max_chars: 1000,
      presence: { prompt: 'optional', first_frame: 'optional', last_frame: 'forbidden', source_video: 'forbidden', aspect_ratio: 'optional' },
      prompt_optimizer: false,
    },
    rules: [],
    offers: [offer(native, endpoint)],
    typical_seconds: 60,
  };
}

function submitReq(native: string, endpoint: string, params: VideoParams): SubmitRequest {
  return { model: model(native, endpoint), offer: offer(native, endpoint), params, idempotencyKey: 'idem-not-used-by-runway' };
}
const i2v = (params: VideoParams) => submitReq('gen4_turbo', '/v1/image_to_video', params);

let fake: FakeRunway | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(opts: FakeRunwayOptions = {}, apiKey = FAKE_RUNWAY_KEY) {
  fake = await startFakeRunway(opts);
  const adapter = new RunwayAdapter({ apiKey, baseUrl: fake.url, timeoutMs: 5_000 });
  return { fake, adapter };
}

async function pollToEnd(adapter: RunwayAdapter, handle: JobHandle): Promise<JobStatus[]> {
  const seen: JobStatus[] = [];
  for (let i = 0; i < 20; i++) {
    const s = await adapter.getJob(handle, {});
    seen.push(s);
    if (s.state === 'succeeded' || s.state === 'failed' || s.state === 'canceled') return seen;
  }
  throw new Error('job never finished');
}

describe('RunwayAdapter against the fake Runway API', () => {
  it('runs gen4_turbo image-to-video to success with version header, pixel ratio and promptImage', async () => {
    const { fake, adapter } = await setup();
    const res = await adapter.submit(
      i2v({ prompt: 'slow dolly in', first_frame_image_url: 'https://cdn.example.com/a.jpg', aspect_ratio: '16:9', duration_seconds: 5 }),
      {},
    );
    expect(Object.keys(res.handle)).toEqual(['id']);
    const [post] = fake.requestsTo('POST', '/v1/image_to_video');
    expect(post?.headers['x-runway-version']).toBe('2024-11-06');
    expect(post?.headers['authorization']).toBe(`Bearer ${FAKE_RUNWAY_KEY}`);
    expect(post?.json).toEqual({
      model: 'gen4_turbo',
      promptText: 'slow dolly in',
      promptImage: [{ uri: 'https://cdn.example.com/a.jpg', position: 'first' }],
      ratio: '1280:720',
      duration: 5,
    });

    const seen = await pollToEnd(adapter, res.handle);
    expect(seen.map((s) => s.state)).toEqual(['queued', 'running', 'running', 'succeeded']);
    expect(seen[1]).toMatchObject({ state: 'running', progress: expect.any(Number) });
    for (const r of fake.requestsTo('GET', '/v1/tasks/')) {
      expect(r.headers['x-runway-version']).toBe('2024-11-06');
      expect(r.path).toBe(`/v1/tasks/${res.handle.id}`);
    }
    const done = seen.at(-1);
    if (done?.state !== 'succeeded') throw new Error('not succeeded');
    expect(done.billed_usd).toBeCloseTo(0.25); // 5 credits/s × 5 s × $0.01
    const video = done.videos[0];
    expect(video?.url.startsWith(`${fake.url}/files/${res.handle.id}.mp4`)).toBe(true);
    const ttl = Date.parse(video?.expires_at ?? '') - Date.now();
    expect(ttl).toBeGreaterThan(23 * 3600_000);
    expect(ttl).toBeLessThanOrEqual(24 * 3600_000);
    const dl = await request(video?.url ?? '');
    expect(dl.headers['content-type']).toBe('video/mp4');
    expect(Buffer.from(await dl.body.arrayBuffer()).equals(fake.videoBytes)).toBe(true);
  });

  it.each([
    ['9:16', '720:1280'],
    ['4:3', '1104:832'],
    ['3:4', '832:1104'],
    ['1:1', '960:960'],
    ['21:9', '1584:672'],
    ['832:1104', '832:1104'],
    [undefined, '1280:720'],
  ])('maps aspect_ratio %s to ratio %s', async (aspect, ratio) => {
    const { fake, adapter } = await setup();
    await adapter.submit(i2v({ first_frame_image_url: 'https://cdn.example.com/a.jpg', ...(aspect ? { aspect_ratio: aspect } : {}) }), {});
    expect((fake.requestsTo('POST', '/v1/image_to_video')[0]?.json as Record<string, unknown>)['ratio']).toBe(ratio);
  });

  it('gen4.5 text-to-video sends promptText and only a landscape/portrait ratio', async () => {
    const { fake, adapter } = await setup();
    await adapter.submit(submitReq('gen4.5', '/v1/text_to_video', { prompt: 'a lighthouse', duration_seconds: 5, aspect_ratio: '9:16' }), {});
    expect(fake.requestsTo('POST', '/v1/text_to_video')[0]?.json).toEqual({ model: 'gen4.5', promptText: 'a lighthouse', ratio: '720:1280', duration: 5 });
    const err = await caught(
      adapter.submit(submitReq('gen4.5', '/v1/text_to_video', { prompt: 'a lighthouse', duration_seconds: 5, aspect_ratio: '1:1' }), {}),
    );
    expect(err.code).toBe('invalid_input');
    expect(fake.requestsTo('POST', '/v1/text_to_video')).toHaveLength(1);
  });

  it('the fake rejects gen4_turbo on text_to_video; the adapter reports validation', async () => {
    const { fake, adapter } = await setup();
    const err = await caught(adapter.submit(submitReq('gen4_turbo', '/v1/text_to_video', { prompt: 'x', duration_seconds: 5 }), {}));
    expect(err.code).toBe('validation');
    expect(err.httpStatus).toBe(400);
    expect(err.providerText).toContain('model');
    expect(fake.tasks.size).toBe(0);
  });

  it('aleph2 video-to-video sends videoUri, promptText, seed and the ratio as targetAspectRatio', async () => {
    const { fake, adapter } = await setup({ pollsToComplete: 0 });
    const { handle } = await adapter.submit(
      submitReq('aleph2', '/v1/video_to_video', { prompt: 'make it snow', source_video_url: 'https://cdn.example.com/in.mp4', aspect_ratio: '16:9', seed: 7 }),
      {},
    );
    expect(fake.requestsTo('POST', '/v1/video_to_video')[0]?.json).toEqual({
      model: 'aleph2',
      promptText: 'make it snow',
      videoUri: 'https://cdn.example.com/in.mp4',
      targetAspectRatio: '16:9',
      seed: 7,
    });
    expect((await adapter.getJob(handle, {})).state).toBe('succeeded');
  });

  it('reports THROTTLED as queued with the concurrency reason', async () => {
    const { adapter } = await setup({ throttled: true });
    const { handle } = await adapter.submit(i2v({ first_frame_image_url: 'https://cdn.example.com/a.jpg' }), {});
    const seen = await pollToEnd(adapter, handle);
    expect(seen.map((s) => s.state)).toEqual(['queued', 'queued', 'running', 'succeeded']);
    expect(seen[0]).toEqual({ state: 'queued' });
    expect(seen[1]).toMatchObject({ state: 'queued', detail: expect.stringMatching(/concurrency limit/) });
  });

  it('cancel sends DELETE (204) and the task then answers 404', async () => {
    const { fake, adapter } = await setup();
    const { handle } = await adapter.submit(i2v({ first_frame_image_url: 'https://cdn.example.com/a.jpg' }), {});
    expect((await adapter.getJob(handle, {})).state).toBe('queued');
    await adapter.cancel(handle, {});
    const del = fake.requestsTo('DELETE', `/v1/tasks/${handle.id}`);
    expect(del).toHaveLength(1);
    expect(del[0]?.headers['x-runway-version']).toBe('2024-11-06');
    expect(del[0]?.headers['authorization']).toBe(`Bearer ${FAKE_RUNWAY_KEY}`);
    const err = await caught(adapter.getJob(handle, {}));
    expect(err.code).toBe('not_found');
    expect(err.httpStatus).toBe(404);
    expect(fake.requestsTo('GET', `/v1/tasks/${handle.id}`).at(-1)?.method).toBe('GET');
    expect(adapter.canCancel).toBe(true);
  });

  it('maps CANCELLED, FAILED and SAFETY.* outcomes', async () => {
    const { fake, adapter } = await setup({ pollsToComplete: 0 });
    const a = await adapter.submit(i2v({ first_frame_image_url: 'https://cdn.example.com/a.jpg' }), {});
    fake.cancelTask(a.handle.id);
    expect(await adapter.getJob(a.handle, {})).toEqual({ state: 'canceled' });

    fake.setOutcome('safety');
    const b = await adapter.submit(i2v({ first_frame_image_url: 'https://cdn.example.com/a.jpg' }), {});
    const sb = await adapter.getJob(b.handle, {});
    expect(sb).toMatchObject({ state: 'failed', error_code: 'moderation', provider_code: 'SAFETY.INPUT.TEXT' });
    if (sb.state === 'failed') {
      expect(sb.reason).toMatch(/content moderation stopped the task/);
      expect(sb.provider_text).toBeTruthy(); // raw text kept apart: quoted and labelled only when shown
      expect(sb.reason).not.toContain(sb.provider_text!);
    }

    fake.setOutcome('fail');
    const c = await adapter.submit(i2v({ first_frame_image_url: 'https://cdn.example.com/a.jpg' }), {});
    expect(await adapter.getJob(c.handle, {})).toMatchObject({ state: 'failed', error_code: 'job_failed', provider_code: 'INTERNAL.BAD_OUTPUT.CODE01' });
  });

  it('an http:// image is refused by Runway; the adapter surfaces validation quoting its text', async () => {
    const { fake, adapter } = await setup();
    const err = await caught(adapter.submit(i2v({ first_frame_image_url: 'http://cdn.example.com/a.jpg' }), {}));
    expect(err.code).toBe('validation');
    expect(err.httpStatus).toBe(400);
    expect(err.noJobCreated).toBe(true);
    expect(err.providerText).toBe('promptImage: Only HTTPS URLs are allowed.');
    expect(toAgentMessage(err).message).toContain('"promptImage: Only HTTPS URLs are allowed."');
    expect(fake.requestsTo('POST', '/v1/image_to_video')).toHaveLength(1);
    expect(fake.tasks.size).toBe(0);
  });

  it('a small local image goes inline as a data URI, which Runway accepts', async () => {
    const { fake, adapter } = await setup();
    const uri = await adapter.prepareMedia({ bytes: PNG, mime: 'image/png', filename: 'f.png', kind: 'image' }, 'first_frame_image_url', {});
    expect(uri.startsWith('data:image/png;base64,')).toBe(true);
    expect(fake.requests).toHaveLength(0); // no upload for small files
    await adapter.submit(i2v({ first_frame_image_url: uri }), {});
    const body = fake.requestsTo('POST', '/v1/image_to_video')[0]?.json as { promptImage: { uri: string }[] };
    expect(body.promptImage[0]?.uri).toBe(uri);
    expect(fake.tasks.size).toBe(1);
  });

  it('an image over 5 MB encoded goes through the uploads flow and the runway:// URI is accepted', async () => {
    const { fake, adapter } = await setup({ pollsToComplete: 0 });
    const big = Buffer.concat([PNG, Buffer.alloc(4 * 1024 * 1024, 7)]); // ~5.6 MB once base64-encoded
    const uri = await adapter.prepareMedia({ bytes: big, mime: 'image/png', filename: 'big.png', kind: 'image' }, 'first_frame_image_url', {});
    expect(uri).toMatch(/^runway:\/\//);

    const [slot] = fake.requestsTo('POST', '/v1/uploads');
    expect(slot?.json).toEqual({ filename: 'big.png', type: 'ephemeral' });
    expect(slot?.headers['x-runway-version']).toBe('2024-11-06');
    const [put] = fake.requestsTo('POST', '/upload-bucket');
    expect(put?.headers['authorization']).toBeUndefined(); // storage never sees the API key
    expect(String(put?.headers['content-type'])).toMatch(/^multipart\/form-data/);
    const stored = [...fake.uploads.values()][0];
    expect(stored?.runwayUri).toBe(uri);
    expect(stored?.bytes?.equals(big)).toBe(true);
    expect(stored?.contentType).toBe('image/png');

    const { handle } = await adapter.submit(i2v({ first_frame_image_url: uri }), {});
    expect((fake.requestsTo('POST', '/v1/image_to_video')[0]?.json as { promptImage: { uri: string }[] }).promptImage[0]?.uri).toBe(uri);
    expect((await adapter.getJob(handle, {})).state).toBe('succeeded');
  });

  it('the fake refuses an oversized data URI (what the uploads flow avoids)', async () => {
    const { fake, adapter } = await setup();
    const big = `data:image/png;base64,${Buffer.alloc(4 * 1024 * 1024).toString('base64')}`;
    const err = await caught(adapter.submit(i2v({ first_frame_image_url: big }), {}));
    expect(err.code).toBe('validation');
    expect(err.providerText).toMatch(/^promptImage: /);
    expect(fake.tasks.size).toBe(0);
  });

  it('401 names RUNWAYML_API_SECRET without leaking the key', async () => {
    const wrongKey = `key_${'f'.repeat(128)}`;
    const { fake, adapter } = await setup({}, wrongKey);
    const err = await caught(adapter.submit(i2v({ first_frame_image_url: 'https://cdn.example.com/a.jpg' }), {}));
    expect(err.code).toBe('auth');
    expect(err.httpStatus).toBe(401);
    expect(err.envVar).toBe('RUNWAYML_API_SECRET');
    expect(err.message).toContain('RUNWAYML_API_SECRET');
    expect(err.message).not.toContain(wrongKey);
    expect(toAgentMessage(err).message).not.toContain(wrongKey);
    expect(fake.tasks.size).toBe(0);
  });

  it('the fake requires X-Runway-Version', async () => {
    const { fake } = await setup();
    const res = await request(`${fake.url}/v1/tasks/abc`, { headers: { authorization: `Bearer ${FAKE_RUNWAY_KEY}` } });
    expect(res.statusCode).toBe(400);
    expect(((await res.body.json()) as { error: string }).error).toMatch(/X-Runway-Version/);
  });

  it('429 on creation (daily generation limit) → quota, sent once, no job', async () => {
    const { fake, adapter } = await setup({ dailyLimit: 1 });
    await adapter.submit(i2v({ first_frame_image_url: 'https://cdn.example.com/a.jpg' }), {});
    const err = await caught(adapter.submit(i2v({ first_frame_image_url: 'https://cdn.example.com/a.jpg' }), {}));
    expect(err.code).toBe('quota');
    expect(err.httpStatus).toBe(429);
    expect(err.noJobCreated).toBe(true);
    expect(err.message).toMatch(/daily generation limit/);
    expect(fake.requestsTo('POST', '/v1/image_to_video')).toHaveLength(2);
    expect(fake.tasks.size).toBe(1);
  });

  it('a plain 429 without the daily-limit text → rate_limited with Retry-After', async () => {
    const { fake, adapter } = await setup();
    fake.addFault({
      method: 'POST',
      path: '/v1/image_to_video',
      action: 'respond',
      reply: { status: 429, headers: { 'retry-after': '30' }, json: { error: 'Too many requests' } },
    });
    const err = await caught(adapter.submit(i2v({ first_frame_image_url: 'https://cdn.example.com/a.jpg' }), {}));
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(30_000);
    expect(fake.requestsTo('POST', '/v1/image_to_video')).toHaveLength(1);
  });

  it('502/503/504 on status calls are retried', async () => {
    const { fake, adapter } = await setup({ pollsToComplete: 0 });
    const { handle } = await adapter.submit(i2v({ first_frame_image_url: 'https://cdn.example.com/a.jpg' }), {});
    fake.addFault({ method: 'GET', path: '/v1/tasks/', action: 'respond', reply: { status: 502, headers: { 'retry-after-ms': '5' }, json: {} } });
    fake.addFault({ method: 'GET', path: '/v1/tasks/', action: 'respond', reply: { status: 504, headers: { 'retry-after-ms': '5' }, json: {} } });
    expect((await adapter.getJob(handle, {})).state).toBe('succeeded');
    expect(fake.requestsTo('GET', '/v1/tasks/')).toHaveLength(3);
  });

  it('a lost submit response → unknown_outcome with exactly one submit sent', async () => {
    const { fake, adapter } = await setup();
    fake.addFault({ method: 'POST', path: '/v1/image_to_video', action: 'drop-after' });
    const err = await caught(adapter.submit(i2v({ first_frame_image_url: 'https://cdn.example.com/a.jpg' }), {}));
    expect(err.code).toBe('unknown_outcome');
    expect(err.noJobCreated).toBe(false);
    expect(err.message).toMatch(/Nothing was resubmitted/);
    expect(err.message).toMatch(/dev\.runwayml\.com/);
    expect(fake.requestsTo('POST', '/v1/image_to_video')).toHaveLength(1);
    expect(fake.tasks.size).toBe(1);
  });

  it('refreshOutputs re-reads the task for fresh URLs', async () => {
    const { fake, adapter } = await setup({ pollsToComplete: 0 });
    const { handle } = await adapter.submit(i2v({ first_frame_image_url: 'https://cdn.example.com/a.jpg' }), {});
    const first = await adapter.getJob(handle, {});
    const fresh = await adapter.refreshOutputs(handle, {});
    expect(fake.requestsTo('GET', `/v1/tasks/${handle.id}`)).toHaveLength(2);
    expect(first.state === 'succeeded' && fresh[0]?.url !== first.videos[0]?.url).toBe(true);
  });

  it('refuses a last frame on gen4_turbo and a tampered handle, sending nothing', async () => {
    const { fake, adapter } = await setup();
    const err = await caught(
      adapter.submit(i2v({ first_frame_image_url: 'https://cdn.example.com/a.jpg', last_frame_image_url: 'https://cdn.example.com/b.jpg' }), {}),
    );
    expect(err.code).toBe('invalid_input');
    expect((await caught(adapter.getJob({ id: '../organization' }, {}))).code).toBe('invalid_input');
    expect(fake.requests).toHaveLength(0);
  });

  it('declares its capabilities', () => {
    const a = new RunwayAdapter({ apiKey: 'k', baseUrl: 'https://api.dev.runwayml.com' });
    expect(a).toMatchObject({ id: 'runway', idempotentSubmit: false, canCancel: true, keyEnv: 'RUNWAYML_API_SECRET', minPollIntervalSeconds: 5 });
  });
});
