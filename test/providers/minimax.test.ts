import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { caught } from './support.js';
import type { ModelSpec, Offer, VideoParams } from '../../src/catalog/types.js';
import { toAgentMessage } from '../../src/errors.js';
import { MinimaxAdapter } from '../../src/providers/minimax.js';
import type { JobHandle, JobStatus, SubmitRequest } from '../../src/providers/types.js';
import { FAKE_MINIMAX_KEY, startFakeMinimax, type FakeMinimax, type FakeMinimaxOptions } from '../fakes/minimax.js';

// A tiny valid PNG header (signature + IHDR start) is enough: the adapter labels by the sniffed mime.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61', 'hex');

function offer(native_model: string): Offer {
  return {
    provider: 'minimax',
    native_model,
    endpoint: '/v1/video_generation',
    wire_fields: { first_frame_image_url: 'first_frame_image', last_frame_image_url: 'last_frame_image', output_resolution: 'resolution' },
    serves: {},
    price: { kind: 'unknown', note: 'test' },
  };
}

function model(native: string): ModelSpec {
  return {
    id: native.toLowerCase(),
    title: native,
    family: 'hailuo',
    modes: ['text-to-video', 'image-to-video', 'first-last-frame'],
    aliases: [],
    params: {
      durations: [6, 10],
      resolutions: ['512p', '768p', '1080p'],
      aspect_ratios: [],
      prompt_max_chars: 2000,
      presence: { prompt: 'optional', first_frame: 'optional', last_frame: 'optional', source_video: 'forbidden', aspect_ratio: 'forbidden' },
      prompt_optimizer: true,
    },
    rules: [],
    offers: [offer(native)],
    typical_seconds: 120,
  };
}

function submitReq(native: string, params: VideoParams): SubmitRequest {
  return { model: model(native), offer: offer(native), params, idempotencyKey: 'idem-not-used-by-minimax' };
}

let fake: FakeMinimax | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(opts: FakeMinimaxOptions = {}, apiKey = FAKE_MINIMAX_KEY) {
  fake = await startFakeMinimax(opts);
  const adapter = new MinimaxAdapter({ apiKey, baseUrl: fake.url, timeoutMs: 5_000 });
  return { fake, adapter };
}

async function pollToEnd(adapter: MinimaxAdapter, handle: JobHandle): Promise<JobStatus[]> {
  const seen: JobStatus[] = [];
  for (let i = 0; i < 20; i++) {
    const s = await adapter.getJob(handle, {});
    seen.push(s);
    if (s.state === 'succeeded' || s.state === 'failed' || s.state === 'canceled') return seen;
  }
  throw new Error('job never finished');
}

describe('MinimaxAdapter against the fake MiniMax API', () => {
  it('runs Hailuo-02 first+last frame to success with the URL from files/retrieve', async () => {
    const { fake, adapter } = await setup();
    const res = await adapter.submit(
      submitReq('MiniMax-Hailuo-02', {
        prompt: 'a fox runs [Push in]',
        first_frame_image_url: 'https://cdn.example.com/first.jpg',
        last_frame_image_url: 'https://cdn.example.com/last.jpg',
        duration_seconds: 6,
        output_resolution: '768p',
        prompt_optimizer: false,
        callback_url: 'https://hooks.example.com/mm',
      }),
      {},
    );
    expect(Object.keys(res.handle)).toEqual(['id']);
    expect(res.handle.id).toMatch(/^\d+$/);

    const [post] = fake.requestsTo('POST', '/v1/video_generation');
    expect(post?.headers['authorization']).toBe(`Bearer ${FAKE_MINIMAX_KEY}`);
    expect(post?.json).toEqual({
      model: 'MiniMax-Hailuo-02',
      prompt: 'a fox runs [Push in]',
      first_frame_image: 'https://cdn.example.com/first.jpg',
      last_frame_image: 'https://cdn.example.com/last.jpg',
      duration: 6,
      resolution: '768P',
      prompt_optimizer: false,
      callback_url: 'https://hooks.example.com/mm',
    });

    const seen = await pollToEnd(adapter, res.handle);
    expect(seen.map((s) => s.state)).toEqual(['queued', 'queued', 'running', 'succeeded']);
    const done = seen.at(-1);
    if (done?.state !== 'succeeded') throw new Error('not succeeded');

    // The query only gives a file_id; the URL comes from files/retrieve with that file_id.
    const task = fake.tasks.get(res.handle.id);
    const retrieves = fake.requestsTo('GET', '/v1/files/retrieve');
    expect(retrieves).toHaveLength(1);
    expect(retrieves[0]?.query.get('file_id')).toBe(task?.fileId);
    expect(retrieves[0]?.headers['authorization']).toBe(`Bearer ${FAKE_MINIMAX_KEY}`);
    expect(fake.requestsTo('GET', '/v1/query/video_generation').every((r) => r.query.get('task_id') === res.handle.id)).toBe(true);

    expect(done.videos).toHaveLength(1);
    const video = done.videos[0];
    expect(video?.url.startsWith(`${fake.url}/files/${task?.fileId}.mp4?`)).toBe(true);
    const ttl = Date.parse(video?.expires_at ?? '') - Date.now();
    expect(ttl).toBeGreaterThan(30 * 60_000);
    expect(ttl).toBeLessThan(60 * 60_000);

    const dl = await request(video?.url ?? '');
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('video/mp4');
    expect(Buffer.from(await dl.body.arrayBuffer()).equals(fake.videoBytes)).toBe(true);
  });

  it('upper-cases the resolution on the wire (1080p → 1080P)', async () => {
    const { fake, adapter } = await setup();
    await adapter.submit(submitReq('MiniMax-Hailuo-2.3', { prompt: 'city at night', duration_seconds: 6, output_resolution: '1080p' }), {});
    const body = fake.requestsTo('POST', '/v1/video_generation')[0]?.json as Record<string, unknown>;
    expect(body['resolution']).toBe('1080P');
    expect(body).not.toHaveProperty('last_frame_image');
  });

  it('the fake itself refuses a lower-case resolution with 2013 in an HTTP 200', async () => {
    const { fake } = await setup();
    const res = await request(`${fake.url}/v1/video_generation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FAKE_MINIMAX_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'MiniMax-Hailuo-02', prompt: 'x', resolution: '768p' }),
    });
    expect(res.statusCode).toBe(200);
    const json = (await res.body.json()) as { base_resp: { status_code: number } };
    expect(json.base_resp.status_code).toBe(2013);
    expect(fake.tasks.size).toBe(0);
  });

  it('sends a local PNG as a data URI labelled image/png', async () => {
    const { fake, adapter } = await setup();
    const uri = await adapter.prepareMedia({ bytes: PNG, mime: 'image/png', filename: 'frame.png', kind: 'image' }, 'first_frame_image_url');
    expect(uri.startsWith('data:image/png;base64,')).toBe(true);
    expect(Buffer.from(uri.slice('data:image/png;base64,'.length), 'base64').equals(PNG)).toBe(true);
    await adapter.submit(
      submitReq('MiniMax-Hailuo-2.3-Fast', { prompt: 'wave', first_frame_image_url: uri, duration_seconds: 6, output_resolution: '768p' }),
      {},
    );
    const body = fake.requestsTo('POST', '/v1/video_generation')[0]?.json as Record<string, unknown>;
    expect(body['first_frame_image']).toBe(uri);
    expect(fake.tasks.size).toBe(1);
  });

  it('refreshes an expired download URL by re-reading the task and files/retrieve', async () => {
    const { fake, adapter } = await setup({ pollsToComplete: 0 });
    const { handle } = await adapter.submit(submitReq('MiniMax-Hailuo-02', { prompt: 'rain', duration_seconds: 6, output_resolution: '768p' }), {});
    const first = await adapter.getJob(handle, {});
    if (first.state !== 'succeeded') throw new Error(`expected success, got ${first.state}`);
    const oldUrl = first.videos[0]?.url ?? '';
    expect((await request(oldUrl)).statusCode).toBe(200);

    fake.clock.advance(2 * 3600_000); // the URL lives an hour
    const expired = await request(oldUrl);
    expect(expired.statusCode).toBe(403);
    await expired.body.dump();

    const queriesBefore = fake.requestsTo('GET', '/v1/query/video_generation').length;
    const fresh = await adapter.refreshOutputs(handle, {});
    expect(fake.requestsTo('GET', '/v1/query/video_generation').length).toBe(queriesBefore + 1);
    expect(fake.requestsTo('GET', '/v1/files/retrieve')).toHaveLength(2);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]?.url).not.toBe(oldUrl);
    const dl = await request(fresh[0]?.url ?? '');
    expect(dl.statusCode).toBe(200);
    expect(Buffer.from(await dl.body.arrayBuffer()).equals(fake.videoBytes)).toBe(true);
  });

  it('reports a failed task (Fail and Failed) as failed/job_failed', async () => {
    for (const failStatus of ['Fail', 'Failed'] as const) {
      const { adapter } = await setup({ outcome: 'fail', failStatus, pollsToComplete: 1 });
      const { handle } = await adapter.submit(submitReq('MiniMax-Hailuo-02', { prompt: 'x' }), {});
      const seen = await pollToEnd(adapter, handle);
      expect(seen.map((s) => s.state)).toEqual(['running', 'failed']);
      expect(seen[1]).toMatchObject({ state: 'failed', error_code: 'job_failed', provider_code: failStatus });
      await fake?.close();
      fake = undefined;
    }
  });

  describe('base_resp errors inside HTTP 200', () => {
    it('1004 from a wrong key → auth naming MINIMAX_API_KEY and both region hosts, without the key', async () => {
      const wrongKey = 'sk-mainland-key-0123456789abcdef';
      const { fake, adapter } = await setup({}, wrongKey);
      const err = await caught(adapter.submit(submitReq('MiniMax-Hailuo-02', { prompt: 'x' }), {}));
      expect(fake.requests.at(-1)?.headers['authorization']).toBe(`Bearer ${wrongKey}`);
      expect(err.code).toBe('auth');
      expect(err.envVar).toBe('MINIMAX_API_KEY');
      expect(err.noJobCreated).toBe(true);
      expect(err.message).toContain('MINIMAX_API_KEY');
      expect(err.message).toContain('https://api.minimax.io');
      expect(err.message).toContain('https://api.minimaxi.com');
      expect(err.message).toContain('MINIMAX_BASE_URL');
      expect(err.providerText).toContain('1004');
      const agent = toAgentMessage(err).message;
      expect(agent).not.toContain(wrongKey);
      expect(err.message).not.toContain(wrongKey);
      expect(fake.tasks.size).toBe(0);
    });

    it.each([
      [1004, 'auth', /MINIMAX_API_KEY/],
      [2049, 'auth', /api\.minimaxi\.com/],
      [1008, 'insufficient_credits', /balance/],
      [1002, 'rate_limited', /rate-limiting/],
      [1039, 'rate_limited', /rate-limiting/],
      [1028, 'quota', /quota/],
      [2061, 'quota', /plan/],
      [1026, 'moderation', /content filter/],
      [2013, 'validation', /parameters/],
      [1024, 'rejected', /internal error.*No task was created/],
      [2056, 'rejected', /code 2056; no task was created/],
      [9999, 'rejected', /code 9999; no task was created/],
    ] as const)('code %i on submit → %s, definite: no task, nothing to replay', async (code, expected, text) => {
      const { fake, adapter } = await setup({ forceCode: code });
      const err = await caught(adapter.submit(submitReq('MiniMax-Hailuo-02', { prompt: 'x' }), {}));
      expect(err.code).toBe(expected);
      expect(err.message).toMatch(text);
      expect(err.providerText).toMatch(new RegExp(`^${code}: `));
      expect(err.provider).toBe('minimax');
      expect(err.noJobCreated).toBe(true);
      expect(fake.requestsTo('POST', '/v1/video_generation')).toHaveLength(1);
    });

    it('2013 for a real parameter problem quotes the provider text (10 s at 1080P)', async () => {
      const { fake, adapter } = await setup();
      const err = await caught(adapter.submit(submitReq('MiniMax-Hailuo-02', { prompt: 'x', duration_seconds: 10, output_resolution: '1080p' }), {}));
      expect(err.code).toBe('validation');
      expect(err.noJobCreated).toBe(true);
      expect(err.providerText).toContain('1080P');
      expect(toAgentMessage(err).message).toContain('minimax said (untrusted, truncated)');
      expect(fake.tasks.size).toBe(0);
    });

    it('checks base_resp on the status query and on files/retrieve too', async () => {
      const { fake, adapter } = await setup({ pollsToComplete: 0 });
      const { handle } = await adapter.submit(submitReq('MiniMax-Hailuo-02', { prompt: 'x' }), {});
      fake.addFault({
        method: 'GET',
        path: '/v1/files/retrieve',
        action: 'respond',
        reply: { status: 200, json: { base_resp: { status_code: 1004, status_msg: 'authorized failed' } } },
      });
      const err = await caught(adapter.getJob(handle, {}));
      expect(err.code).toBe('auth');
      fake.forceCode(1002);
      expect((await caught(adapter.getJob(handle, {}))).code).toBe('rate_limited');
      fake.forceCode(undefined);
      expect((await adapter.getJob(handle, {})).state).toBe('succeeded');
    });

    it('a content-filter code on the status query is a failed/moderation outcome', async () => {
      const { fake, adapter } = await setup();
      const { handle } = await adapter.submit(submitReq('MiniMax-Hailuo-02', { prompt: 'x' }), {});
      fake.forceCode(1027);
      expect(await adapter.getJob(handle, {})).toMatchObject({ state: 'failed', error_code: 'moderation', provider_code: '1027' });
    });
  });

  describe('HTTP-level errors', () => {
    it('HTTP 401 → auth with the region hint', async () => {
      const { fake, adapter } = await setup();
      fake.addFault({ method: 'POST', path: '/v1/video_generation', action: 'respond', reply: { status: 401, json: { error: 'unauthorized' } } });
      const err = await caught(adapter.submit(submitReq('MiniMax-Hailuo-02', { prompt: 'x' }), {}));
      expect(err.code).toBe('auth');
      expect(err.httpStatus).toBe(401);
      expect(err.message).toContain('https://api.minimaxi.com');
    });

    it('HTTP 429 on submit → rate_limited, sent once', async () => {
      const { fake, adapter } = await setup();
      fake.addFault({ method: 'POST', path: '/v1/video_generation', action: 'respond', reply: { status: 429, headers: { 'retry-after': '7' }, json: {} } });
      const err = await caught(adapter.submit(submitReq('MiniMax-Hailuo-02', { prompt: 'x' }), {}));
      expect(err.code).toBe('rate_limited');
      expect(err.retryAfterMs).toBe(7000);
      expect(fake.requestsTo('POST', '/v1/video_generation')).toHaveLength(1);
    });

    it('HTTP 503 on a status query is retried', async () => {
      const { fake, adapter } = await setup({ pollsToComplete: 0 });
      const { handle } = await adapter.submit(submitReq('MiniMax-Hailuo-02', { prompt: 'x' }), {});
      fake.addFault({
        method: 'GET',
        path: '/v1/query/video_generation',
        action: 'respond',
        reply: { status: 503, headers: { 'retry-after-ms': '10' }, json: {} },
      });
      expect((await adapter.getJob(handle, {})).state).toBe('succeeded');
      expect(fake.requestsTo('GET', '/v1/query/video_generation')).toHaveLength(2);
    });
  });

  it('a lost submit response → unknown_outcome, sent exactly once', async () => {
    const { fake, adapter } = await setup();
    fake.addFault({ method: 'POST', path: '/v1/video_generation', action: 'drop-after' });
    const err = await caught(adapter.submit(submitReq('MiniMax-Hailuo-02', { prompt: 'x' }), {}));
    expect(err.code).toBe('unknown_outcome');
    expect(err.noJobCreated).toBe(false);
    expect(err.message).toMatch(/Nothing was resubmitted/);
    expect(err.message).toMatch(/console/);
    expect(fake.requestsTo('POST', '/v1/video_generation')).toHaveLength(1);
    expect(fake.tasks.size).toBe(1); // the job does exist upstream
  });

  it('refuses a last frame on a model without one, sending nothing', async () => {
    const { fake, adapter } = await setup();
    const err = await caught(
      adapter.submit(
        submitReq('MiniMax-Hailuo-2.3', { prompt: 'x', first_frame_image_url: 'https://a.example/1.jpg', last_frame_image_url: 'https://a.example/2.jpg' }),
        {},
      ),
    );
    expect(err.code).toBe('invalid_input');
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a tampered handle before any request', async () => {
    const { fake, adapter } = await setup();
    const err = await caught(adapter.getJob({ id: '1&file_id=2' }, {}));
    expect(err.code).toBe('invalid_input');
    expect(fake.requests).toHaveLength(0);
  });

  it('declares its capabilities', () => {
    const a = new MinimaxAdapter({ apiKey: 'k', baseUrl: 'https://api.minimax.io' });
    expect(a).toMatchObject({ id: 'minimax', idempotentSubmit: false, canCancel: false, keyEnv: 'MINIMAX_API_KEY' });
    expect(a.minPollIntervalSeconds).toBeGreaterThanOrEqual(5);
    expect('cancel' in a).toBe(false);
  });
});

describe('MiniMax-H3 on Video Generation V2 (providers.md §9.3)', () => {
  const v2 = (params: VideoParams): SubmitRequest => {
    const o: Offer = { ...offer('MiniMax-H3'), endpoint: '/v2/video_generation' };
    return { model: { ...model('MiniMax-H3'), offers: [o] }, offer: o, params, idempotencyKey: 'k' };
  };
  const T2V: VideoParams = { prompt: 'a fox', duration_seconds: 6, output_resolution: '2k', aspect_ratio: '16:9' };

  it('reads the bare {task_id} create answer, polls /v2/query/video_generation/{id} and takes task.content.url', async () => {
    const { fake, adapter } = await setup({ pollsToComplete: 2 });
    const { handle } = await adapter.submit(v2(T2V), {});
    expect(handle).toMatchObject({ v: '2' });
    expect(fake.requests[0]!.json).toEqual({ model: 'MiniMax-H3', content: [{ type: 'text', text: 'a fox' }], duration: 6, resolution: '2K', ratio: '16:9' });
    const seen: JobStatus[] = [];
    for (let i = 0; i < 3; i++) seen.push(await adapter.getJob(handle, {}));
    expect(seen.map((s) => s.state)).toEqual(['queued', 'running', 'succeeded']);
    expect(fake.requests.slice(1).map((r) => `${r.method} ${r.path}`)).toEqual(Array(3).fill(`GET /v2/query/video_generation/${handle.id}`));
    const done = seen[2] as Extract<JobStatus, { state: 'succeeded' }>;
    expect(done.videos[0]!.url).toBe(`${fake.url}/v2files/${handle.id}.mp4`);
    expect((await request(done.videos[0]!.url)).statusCode).toBe(200);
  });

  it('a failed task with code 1026 is a moderation failure carrying the provider text', async () => {
    const { adapter } = await setup({ pollsToComplete: 0, outcome: 'fail' });
    const { handle } = await adapter.submit(v2(T2V), {});
    expect(await adapter.getJob(handle, {})).toMatchObject({
      state: 'failed',
      error_code: 'moderation',
      provider_code: '1026',
      provider_text: expect.stringContaining('sensitive'),
    });
  });

  it.each([false, true])('reads both error shapes (HTTP status + error.message "(code)", with base_resp too: %s)', async (withBaseResp) => {
    const { fake, adapter } = await setup({ v2BaseResp: withBaseResp });
    const bad = await caught(adapter.submit(v2({ ...T2V, aspect_ratio: 'adaptive' }), {}));
    expect(bad).toMatchObject({ code: 'validation', noJobCreated: true });
    expect(bad.providerText).toMatch(/concrete ratio/);
    fake.forceCode(1026);
    expect(await caught(adapter.submit(v2(T2V), {}))).toMatchObject({ code: 'moderation', noJobCreated: true });
    fake.forceCode(1008);
    expect(await caught(adapter.submit(v2(T2V), {}))).toMatchObject({ code: 'insufficient_credits' });
    fake.forceCode(undefined);
    const auth = await caught(new MinimaxAdapter({ apiKey: 'wrong', baseUrl: fake.url, timeoutMs: 5_000 }).submit(v2(T2V), {}));
    expect(auth).toMatchObject({ code: 'auth', envVar: 'MINIMAX_API_KEY' });
    expect(toAgentMessage(auth).message).not.toContain('wrong');
  });
});

describe('MiniMax inline media limits', () => {
  it('a reference video goes inline up to 45 MB (the V2 body is capped at 64 MB) and is refused above, before any request', async () => {
    const { fake, adapter } = await setup();
    const ok = await adapter.prepareMedia({ bytes: Buffer.alloc(1000, 1), mime: 'video/mp4', filename: 'a.mp4', kind: 'video' }, 'source_video_url');
    expect(ok.startsWith('data:video/mp4;base64,')).toBe(true);
    const big = await caught(
      adapter.prepareMedia({ bytes: Buffer.alloc(45_000_001), mime: 'video/mp4', filename: 'big.mp4', kind: 'video' }, 'source_video_url'),
    );
    expect(big).toMatchObject({ code: 'invalid_input', noJobCreated: true });
    expect(big.message).toMatch(/64 MB.*45 MB/);
    expect(fake.requests).toEqual([]);
  });
});
