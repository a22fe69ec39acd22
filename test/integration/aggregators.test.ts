/**
 * Issue 3 end to end: RunAPI, Apiframe and Atlas Cloud through the MCP tools (generate_video,
 * check_job, cancel_job) against the local fakes. Every seed-page slug, validation before any request,
 * auth messages, exactly-once billing on lost answers, routing and failover, Retry-After on status calls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeApiframe, FAKE_APIFRAME_KEY, type FakeApiframe } from '../fakes/apiframe.js';
import { startFakeAtlas, FAKE_ATLAS_KEY, type FakeAtlas } from '../fakes/atlascloud.js';
import type { FakeServer } from '../fakes/base.js';
import { startFakeRunapi, FAKE_RUNAPI_KEY, type FakeRunapi } from '../fakes/runapi.js';
import { startHarness, structured, text, type Harness } from '../helpers.js';
import { check, errorText, expectSaved, generate, trace, type JobOut } from './support.js';

const IMG = 'https://cdn.example.com/first.png';
const IMG2 = 'https://cdn.example.com/last.png';
const SRC_VIDEO = 'https://cdn.example.com/source.mp4';

let h: Harness | undefined;
const fakes: FakeServer[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function runapi(opts: Parameters<typeof startFakeRunapi>[0] = {}): Promise<FakeRunapi> {
  const f = await startFakeRunapi({ pollsToComplete: 1, ...opts });
  fakes.push(f);
  return f;
}
async function apiframe(opts: Parameters<typeof startFakeApiframe>[0] = {}): Promise<FakeApiframe> {
  const f = await startFakeApiframe({ pollsToComplete: 1, ...opts });
  fakes.push(f);
  return f;
}
async function atlas(opts: Parameters<typeof startFakeAtlas>[0] = {}): Promise<FakeAtlas> {
  const f = await startFakeAtlas({ pollsToComplete: 1, ...opts });
  fakes.push(f);
  return f;
}
const runapiEnv = (f: FakeServer, key = FAKE_RUNAPI_KEY) => ({ RUNAPI_API_KEY: key, RUNAPI_BASE_URL: f.url });
const apiframeEnv = (f: FakeServer, key = FAKE_APIFRAME_KEY) => ({ APIFRAME_API_KEY: key, APIFRAME_BASE_URL: f.url });
const atlasEnv = (f: FakeServer, key = FAKE_ATLAS_KEY) => ({ ATLASCLOUD_API_KEY: key, ATLASCLOUD_BASE_URL: f.url });

// ---- every seed slug ---------------------------------------------------------------------------

interface RunapiCase {
  name: string;
  args: Record<string, unknown>;
  path: string;
  body: Record<string, unknown>;
  model: string;
}

const PROMPT = 'A glass marble rolls across a wooden desk';
const RUNAPI_CASES: RunapiCase[] = [
  {
    name: 'hailuo-02-text-to-video-pro (the seed example: model and prompt only)',
    args: { model: 'hailuo-02-text-to-video-pro', prompt: PROMPT },
    path: '/api/v1/hailuo/text_to_video',
    body: { model: 'hailuo-02-text-to-video-pro', prompt: PROMPT, duration_seconds: 6 },
    model: 'hailuo-02',
  },
  {
    name: 'hailuo-02-text-to-video-standard 10 s',
    args: { model: 'hailuo-02-text-to-video-standard', prompt: PROMPT, duration_seconds: 10, prompt_optimizer: false },
    path: '/api/v1/hailuo/text_to_video',
    body: { model: 'hailuo-02-text-to-video-standard', prompt: PROMPT, duration_seconds: 10, prompt_optimizer: false },
    model: 'hailuo-02',
  },
  {
    name: 'hailuo-02-image-to-video-pro with first and last frame',
    args: { model: 'hailuo-02-image-to-video-pro', prompt: PROMPT, first_frame_image_url: IMG, last_frame_image_url: IMG2 },
    path: '/api/v1/hailuo/image_to_video',
    body: {
      model: 'hailuo-02-image-to-video-pro',
      prompt: PROMPT,
      first_frame_image_url: IMG,
      last_frame_image_url: IMG2,
      duration_seconds: 6,
      output_resolution: '1080p',
    },
    model: 'hailuo-02',
  },
  {
    name: 'hailuo-02-image-to-video-standard 6 s 512p with a callback',
    args: {
      model: 'hailuo-02-image-to-video-standard',
      prompt: PROMPT,
      first_frame_image_url: IMG,
      duration_seconds: 6,
      output_resolution: '512p',
      callback_url: 'https://hooks.example.com/runapi',
    },
    path: '/api/v1/hailuo/image_to_video',
    body: {
      model: 'hailuo-02-image-to-video-standard',
      prompt: PROMPT,
      first_frame_image_url: IMG,
      duration_seconds: 6,
      output_resolution: '512p',
      callback_url: 'https://hooks.example.com/runapi',
    },
    model: 'hailuo-02',
  },
  {
    name: 'hailuo-2.3-image-to-video-pro 1080p',
    args: { model: 'hailuo-2.3-image-to-video-pro', prompt: PROMPT, first_frame_image_url: IMG, output_resolution: '1080p' },
    path: '/api/v1/hailuo/image_to_video',
    body: { model: 'hailuo-2.3-image-to-video-pro', prompt: PROMPT, first_frame_image_url: IMG, duration_seconds: 6, output_resolution: '1080p' },
    model: 'hailuo-2.3',
  },
  {
    name: 'hailuo-2.3-image-to-video-standard 10 s',
    args: { model: 'hailuo-2.3-image-to-video-standard', prompt: PROMPT, first_frame_image_url: IMG, duration_seconds: 10 },
    path: '/api/v1/hailuo/image_to_video',
    body: { model: 'hailuo-2.3-image-to-video-standard', prompt: PROMPT, first_frame_image_url: IMG, duration_seconds: 10, output_resolution: '768p' },
    model: 'hailuo-2.3',
  },
  {
    name: 'runway text-to-video (aspect_ratio required)',
    args: { model: 'runway', prompt: 'A drone shot over a misty lake', duration_seconds: 5, output_resolution: '1080p', aspect_ratio: '16:9' },
    path: '/api/v1/runway/text_to_video',
    body: { model: 'runway', prompt: 'A drone shot over a misty lake', duration_seconds: 5, output_resolution: '1080p', aspect_ratio: '16:9' },
    model: 'runway',
  },
  {
    name: 'runway image-to-video (first frame, no aspect_ratio on the wire)',
    args: { model: 'runway', prompt: 'The lake comes alive', first_frame_image_url: IMG, duration_seconds: 10 },
    path: '/api/v1/runway/text_to_video',
    body: { model: 'runway', prompt: 'The lake comes alive', first_frame_image_url: IMG, duration_seconds: 10, output_resolution: '720p' },
    model: 'runway',
  },
  {
    name: 'runway-aleph edit_video with source_video_url (no model on the wire)',
    args: { model: 'runway-aleph', prompt: 'Make it snow', source_video_url: SRC_VIDEO, aspect_ratio: '21:9' },
    path: '/api/v1/runway_aleph/edit_video',
    body: { prompt: 'Make it snow', source_video_url: SRC_VIDEO, aspect_ratio: '21:9' },
    model: 'runway-aleph',
  },
];

describe('RunAPI: every seed slug through generate_video → check_job', () => {
  for (const c of RUNAPI_CASES) {
    it(c.name, async () => {
      const f = await runapi();
      h = await startHarness({ env: runapiEnv(f) });
      const job = await generate(h, c.args);
      expect(job.provider).toBe('runapi');
      expect(job.model).toBe(c.model);
      expect(job.simulated).toBe(false);
      expect(job.status).toBe('queued');
      const posts = f.requestsTo('POST', '/api/v1/');
      expect(posts).toHaveLength(1);
      expect(posts[0]!.path).toBe(c.path);
      expect(posts[0]!.json).toEqual(c.body);
      expect(posts[0]!.headers['authorization']).toBe(`Bearer ${FAKE_RUNAPI_KEY}`);
      expect(typeof posts[0]!.headers['idempotency-key']).toBe('string');

      const { result, job: done } = await check(h, job.job_id);
      const task = [...f.jobs.values()][0]!;
      expect(f.jobs.size).toBe(1);
      expect(done.video_url).toBe(`${f.url}/files/${task.id}.mp4`);
      expectSaved(h, result, done, f.videoBytes);
      expect(trace(f.requests)).toEqual([`POST ${c.path}`, `GET ${c.path}/${task.id}`, `GET /files/${task.id}.mp4`]);
    });
  }

  it('walks pending → processing → completed with the poll schedule, reporting the billed cost', async () => {
    const f = await runapi({ pollsToComplete: 3 });
    h = await startHarness({ env: runapiEnv(f) });
    const job = await generate(h, { model: 'hailuo-02', prompt: PROMPT, first_frame_image_url: IMG, output_resolution: '512p' });
    expect(job.estimated_cost_usd).toBe(0.12);
    const first = structured<JobOut>(await h.call('check_job', { job_id: job.job_id }));
    expect(first.status).toBe('queued');
    expect(first.poll_after_seconds).toBeGreaterThanOrEqual(2);
    const { result, job: done } = await check(h, job.job_id, 20);
    expect(done.billed_cost_usd).toBe(0.12);
    expectSaved(h, result, done, f.videoBytes);
    const id = [...f.jobs.keys()][0]!;
    expect(f.requestsTo('GET', `/api/v1/hailuo/image_to_video/${id}`)).toHaveLength(3);
    // never faster than RunAPI's 2 s floor
    const gets = f.requestsTo('GET', `/api/v1/hailuo/image_to_video/${id}`);
    for (let i = 1; i < gets.length; i++) expect(gets[i]!.at - gets[i - 1]!.at).toBeGreaterThanOrEqual(1900);
  });
});

describe('Apiframe: the seed slug hailuo-02', () => {
  it('sends hailuoParams and webhookUrl (from callback_url), and check_job reaches succeeded with the saved file', async () => {
    const f = await apiframe();
    h = await startHarness({ env: apiframeEnv(f) });
    const job = await generate(h, {
      model: 'hailuo-02',
      prompt: 'a cinematic sunrise over a futuristic cityscape',
      first_frame_image_url: IMG,
      last_frame_image_url: IMG2,
      output_resolution: '768p',
      prompt_optimizer: true,
      callback_url: 'https://hooks.example.com/apiframe',
    });
    expect(job.provider).toBe('apiframe');
    const posts = f.requestsTo('POST', '/v2/videos/generate');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.json).toEqual({
      model: 'hailuo-02',
      prompt: 'a cinematic sunrise over a futuristic cityscape',
      webhookUrl: 'https://hooks.example.com/apiframe',
      hailuoParams: { image: IMG, end_image: IMG2, duration: 6, resolution: '768p', prompt_optimizer: true },
    });
    expect(posts[0]!.headers['x-api-key']).toBe(FAKE_APIFRAME_KEY);
    expect(posts[0]!.headers['authorization']).toBeUndefined();
    const { result, job: done } = await check(h, job.job_id);
    const id = [...f.jobs.keys()][0]!;
    expect(done.video_url).toBe(`${f.url}/files/${id}.mp4`);
    expectSaved(h, result, done, f.videoBytes);
    expect(trace(f.requests)).toEqual(['POST /v2/videos/generate', `GET /v2/jobs/${id}`, `GET /files/${id}.mp4`]);
  });

  it('text-to-video hailuo-02 sends no image fields', async () => {
    const f = await apiframe();
    h = await startHarness({ env: apiframeEnv(f) });
    await generate(h, { model: 'hailuo-02', prompt: 'waves', duration_seconds: 10 });
    expect(f.requestsTo('POST', '/v2/videos/generate')[0]!.json).toEqual({
      model: 'hailuo-02',
      prompt: 'waves',
      hailuoParams: { duration: 10, resolution: '768p' },
    });
  });
});

describe('Atlas Cloud: the seed slug minimax/hailuo-02/fast', () => {
  it('sends a flat body with image, reads data.id, and check_job reaches succeeded with the saved file', async () => {
    const f = await atlas();
    h = await startHarness({ env: atlasEnv(f) });
    const job = await generate(h, { model: 'minimax/hailuo-02/fast', prompt: 'A beautiful sunset over the ocean', first_frame_image_url: IMG });
    expect(job.provider).toBe('atlascloud');
    expect(job.estimated_cost_usd).toBe(0.1);
    const posts = f.requestsTo('POST', '/api/v1/model/generateVideo');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.json).toEqual({ model: 'minimax/hailuo-02/fast', prompt: 'A beautiful sunset over the ocean', image: IMG, duration: 6 });
    expect(posts[0]!.headers['authorization']).toBe(`Bearer ${FAKE_ATLAS_KEY}`);
    const id = [...f.jobs.keys()][0]!;
    // the job id carries Atlas's data.id
    expect(f.requestsTo('GET', '/api/v1/model/prediction/')).toHaveLength(0);
    const { result, job: done } = await check(h, job.job_id);
    expect(done.video_url).toBe(`${f.url}/files/${id}.mp4`);
    expectSaved(h, result, done, f.videoBytes);
    expect(trace(f.requests)).toEqual(['POST /api/v1/model/generateVideo', `GET /api/v1/model/prediction/${id}`, `GET /files/${id}.mp4`]);
  });
});

// ---- validation before any request ---------------------------------------------------------------

describe('validation: refused before anything is sent', () => {
  it('10 s at 1080p on hailuo-02 is refused with zero upstream requests of any kind', async () => {
    const [r, a, at] = await Promise.all([runapi(), apiframe(), atlas()]);
    h = await startHarness({ env: { ...runapiEnv(r), ...apiframeEnv(a), ...atlasEnv(at) } });
    const res = await h.call('generate_video', { model: 'hailuo-02', prompt: 'p', duration_seconds: 10, output_resolution: '1080p' });
    const msg = errorText(res);
    expect(msg).toMatch(/^Error \(invalid_input\)/);
    expect(msg).toMatch(/1080p/);
    expect(msg).toMatch(/768p/);
    // also through a pinned slug
    const res2 = await h.call('generate_video', {
      model: 'hailuo-2.3-image-to-video-standard',
      prompt: 'p',
      first_frame_image_url: IMG,
      duration_seconds: 10,
      output_resolution: '1080p',
    });
    expect(errorText(res2)).toMatch(/invalid_input/);
    expect(r.requests).toHaveLength(0);
    expect(a.requests).toHaveLength(0);
    expect(at.requests).toHaveLength(0);
    expect(structured<{ jobs: unknown[] }>(await h.call('list_jobs', {})).jobs).toHaveLength(0);
  });

  it('runway with both aspect_ratio and a first frame is refused with zero requests', async () => {
    const r = await runapi();
    h = await startHarness({ env: runapiEnv(r) });
    const res = await h.call('generate_video', { model: 'runway', prompt: 'p', first_frame_image_url: IMG, aspect_ratio: '16:9', duration_seconds: 5 });
    const msg = errorText(res);
    expect(msg).toMatch(/invalid_input/);
    expect(msg).toMatch(/aspect_ratio/);
    expect(msg).toMatch(/first_frame_image_url/);
    expect(r.requests).toHaveLength(0);
  });
});

// ---- auth ----------------------------------------------------------------------------------------

describe('auth: a bad key is an isError naming the variable, never the key', () => {
  const BAD = 'wrong-key-0123456789-abcdef';
  it('RunAPI', async () => {
    const f = await runapi();
    h = await startHarness({ env: runapiEnv(f, BAD) });
    const msg = errorText(await h.call('generate_video', { model: 'hailuo-02-text-to-video-standard', prompt: 'p' }));
    expect(msg).toMatch(/^Error \(auth\)/);
    expect(msg).toContain('RUNAPI_API_KEY');
    expect(msg).not.toContain(BAD);
    expect(f.requestsTo('POST', '/api/v1/hailuo/text_to_video')).toHaveLength(1);
    expect(f.jobs.size).toBe(0);
  });
  it('Apiframe', async () => {
    const f = await apiframe();
    h = await startHarness({ env: apiframeEnv(f, BAD) });
    const msg = errorText(await h.call('generate_video', { model: 'hailuo-02', prompt: 'p' }));
    expect(msg).toMatch(/^Error \(auth\)/);
    expect(msg).toContain('APIFRAME_API_KEY');
    expect(msg).not.toContain(BAD);
    expect(f.requestsTo('POST', '/v2/videos/generate')).toHaveLength(1);
  });
  it('Atlas Cloud', async () => {
    const f = await atlas();
    h = await startHarness({ env: atlasEnv(f, BAD) });
    const msg = errorText(await h.call('generate_video', { model: 'minimax/hailuo-02/fast', prompt: 'p', first_frame_image_url: IMG }));
    expect(msg).toMatch(/^Error \(auth\)/);
    expect(msg).toContain('ATLASCLOUD_API_KEY');
    expect(msg).not.toContain(BAD);
    expect(f.requestsTo('POST', '/api/v1/model/generateVideo')).toHaveLength(1);
  });
  it('Atlas Cloud answering the 401 inside an HTTP 200 envelope', async () => {
    const f = await atlas({ errorsAsHttp200: true });
    h = await startHarness({ env: atlasEnv(f, BAD) });
    const msg = errorText(await h.call('generate_video', { model: 'minimax/hailuo-02/fast', prompt: 'p', first_frame_image_url: IMG }));
    expect(msg).toMatch(/^Error \(auth\)/);
    expect(msg).toContain('ATLASCLOUD_API_KEY');
    expect(msg).not.toContain(BAD);
  });
});

describe('auth on the status call', () => {
  it('a key that stops working after submit makes check_job an isError naming the variable, not the key', async () => {
    const f = await runapi();
    h = await startHarness({ env: runapiEnv(f) });
    const job = await generate(h, { model: 'runway', prompt: 'p', aspect_ratio: '16:9' });
    const BAD = 'rotated-away-key-987654321';
    const other = await startHarness({ env: runapiEnv(f, BAD), stateDir: h.stateDir, workDir: h.workDir });
    try {
      const msg = errorText(await other.call('check_job', { job_id: job.job_id }));
      expect(msg).toMatch(/^Error \(auth\)/);
      expect(msg).toContain('RUNAPI_API_KEY');
      expect(msg).not.toContain(BAD);
    } finally {
      await other.close();
    }
    // the job is still there for a process with the right key
    expect((await check(h, job.job_id)).job.status).toBe('succeeded');
  });
});

// ---- exactly-once billing ----------------------------------------------------------------------

describe('exactly-once billing when the submit answer is lost', () => {
  it('RunAPI: a dropped answer is replayed with the same Idempotency-Key and makes exactly one task', async () => {
    const f = await runapi();
    f.addFault({ method: 'POST', path: '/api/v1/hailuo/image_to_video', action: 'drop-after' });
    h = await startHarness({ env: runapiEnv(f) });
    const job = await generate(h, { model: 'hailuo-02', prompt: 'p', first_frame_image_url: IMG, output_resolution: '512p' });
    const posts = f.requestsTo('POST', '/api/v1/hailuo/image_to_video');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.headers['idempotency-key']).toBe(posts[0]!.headers['idempotency-key']);
    expect(posts[1]!.raw.equals(posts[0]!.raw)).toBe(true);
    expect(f.jobs.size).toBe(1);
    const { job: done } = await check(h, job.job_id);
    expect(done.status).toBe('succeeded');
    expect(done.video_url).toBe(`${f.url}/files/${[...f.jobs.keys()][0]}.mp4`);
  });

  it('RunAPI: when every attempt is lost, the error gives the key, and a second generate_video with it replays (one task)', async () => {
    const f = await runapi();
    f.addFault({ method: 'POST', path: '/api/v1/hailuo/image_to_video', action: 'drop-after', times: 4 });
    h = await startHarness({ env: runapiEnv(f) });
    const args = { model: 'hailuo-02', prompt: 'p', first_frame_image_url: IMG, output_resolution: '512p', idempotency_key: 'order-42' };
    const msg = errorText(await h.call('generate_video', args));
    expect(msg).toContain('"order-42"');
    expect(msg).toMatch(/not charged twice|without a second charge|replay/);
    expect(f.requestsTo('POST', '/api/v1/hailuo/image_to_video')).toHaveLength(4);
    expect(f.jobs.size).toBe(1);
    const job = await generate(h, args);
    expect(f.jobs.size).toBe(1);
    const posts = f.requestsTo('POST', '/api/v1/hailuo/image_to_video');
    expect(posts).toHaveLength(5);
    expect(new Set(posts.map((p) => p.headers['idempotency-key'])).size).toBe(1);
    expect(job.job_id).toContain('runapi_');
    const { job: done } = await check(h, job.job_id);
    expect(done.status).toBe('succeeded');
    // a third call is answered from the ledger: nothing sent
    const again = await generate(h, args);
    expect(again.job_id).toBe(job.job_id);
    expect(again.reused).toBe(true);
    expect(f.requestsTo('POST', '/api/v1/hailuo/image_to_video')).toHaveLength(5);
  });

  it('Apiframe: a dropped answer is replayed with the same Idempotency-Key and makes exactly one job (credits charged once)', async () => {
    const f = await apiframe({ creditsAvailable: 100 });
    f.addFault({ method: 'POST', path: '/v2/videos/generate', action: 'drop-after' });
    h = await startHarness({ env: apiframeEnv(f) });
    const job = await generate(h, { model: 'hailuo-02', prompt: 'p' });
    const posts = f.requestsTo('POST', '/v2/videos/generate');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.headers['idempotency-key']).toBe(posts[0]!.headers['idempotency-key']);
    expect(f.jobs.size).toBe(1);
    expect(f.credits()).toBe(95);
    expect((await check(h, job.job_id)).job.status).toBe('succeeded');
  });

  it('Apiframe: all attempts lost, then a second generate_video with the same idempotency_key replays into the same job', async () => {
    const f = await apiframe({ creditsAvailable: 100 });
    f.addFault({ method: 'POST', path: '/v2/videos/generate', action: 'drop-after', times: 4 });
    h = await startHarness({ env: apiframeEnv(f) });
    const args = { model: 'hailuo-02', prompt: 'p', idempotency_key: 'af-1' };
    expect(errorText(await h.call('generate_video', args))).toContain('"af-1"');
    expect(f.jobs.size).toBe(1);
    const job = await generate(h, args);
    expect(f.jobs.size).toBe(1);
    expect(f.credits()).toBe(95);
    expect((await check(h, job.job_id)).job.video_url).toBe(`${f.url}/files/${[...f.jobs.keys()][0]}.mp4`);
  });

  it('Atlas Cloud: a dropped answer is unknown_outcome with exactly one submit, and the same key never submits again', async () => {
    const f = await atlas();
    f.addFault({ method: 'POST', path: '/api/v1/model/generateVideo', action: 'drop-after' });
    h = await startHarness({ env: atlasEnv(f) });
    const args = { model: 'minimax/hailuo-02/fast', prompt: 'p', first_frame_image_url: IMG, idempotency_key: 'atlas-1' };
    const msg = errorText(await h.call('generate_video', args));
    expect(msg).toMatch(/^Error \(unknown_outcome\)/);
    expect(msg).toMatch(/dashboard|console/);
    expect(f.requestsTo('POST', '/api/v1/model/generateVideo')).toHaveLength(1);
    expect(f.jobs.size).toBe(1);
    const second = await h.call('generate_video', args);
    expect(text(second)).toMatch(/unknown_outcome/);
    expect(f.requestsTo('POST', '/api/v1/model/generateVideo')).toHaveLength(1);
    expect(f.jobs.size).toBe(1);
  });
});

describe('exactly-once billing when a client retries while the first call is still in flight', () => {
  it('Atlas Cloud: two concurrent generate_video calls with one idempotency_key make one prediction', async () => {
    const f = await atlas();
    h = await startHarness({ env: atlasEnv(f) });
    const args = { model: 'minimax/hailuo-02/fast', prompt: 'p', first_frame_image_url: IMG, idempotency_key: 'retry-while-waiting' };
    const [a, b] = await Promise.all([h.call('generate_video', args), h.call('generate_video', args)]);
    expect(f.requestsTo('POST', '/api/v1/model/generateVideo')).toHaveLength(1);
    expect(f.jobs.size).toBe(1);
    const ja = structured<JobOut>(a);
    const jb = structured<JobOut>(b);
    expect(jb.job_id).toBe(ja.job_id);
    expect([ja.reused, jb.reused].filter(Boolean)).toHaveLength(1);
  });

  it('RunAPI: five concurrent calls with one key make one task and one job id', async () => {
    const f = await runapi();
    h = await startHarness({ env: runapiEnv(f) });
    const args = { ...{ model: 'runway', prompt: 'p', aspect_ratio: '16:9' }, idempotency_key: 'k-5' };
    const rs = await Promise.all([1, 2, 3, 4, 5].map(() => h!.call('generate_video', args)));
    expect(new Set(rs.map((r) => structured<JobOut>(r).job_id)).size).toBe(1);
    expect(f.jobs.size).toBe(1);
    expect(f.requestsTo('POST', '/api/v1/')).toHaveLength(1);
  });
});

// ---- routing -------------------------------------------------------------------------------------

/** A base URL on which nothing listens (connection refused). */
async function deadUrl(): Promise<string> {
  const f = await startFakeRunapi();
  const url = f.url;
  await f.close();
  return url;
}

const I2V_512 = { model: 'hailuo-02', prompt: 'p', first_frame_image_url: IMG, output_resolution: '512p' };

describe('routing between configured providers', () => {
  it('picks the cheapest offer (Atlas $0.10 over RunAPI $0.12 for 02 i2v 6 s 512p)', async () => {
    const [r, at] = await Promise.all([runapi(), atlas()]);
    h = await startHarness({ env: { ...runapiEnv(r), ...atlasEnv(at) } });
    const plan = structured<{ dry_run: { provider: string; native_model: string; alternatives: { provider: string; estimated_cost_usd?: number }[] } }>(
      await h.call('generate_video', { ...I2V_512, dry_run: true }),
    );
    expect(plan.dry_run.provider).toBe('atlascloud');
    expect(plan.dry_run.native_model).toBe('minimax/hailuo-02/fast');
    expect(plan.dry_run.alternatives).toEqual([{ provider: 'runapi', native_model: 'hailuo-02-image-to-video-standard', estimated_cost_usd: 0.12 }]);
    const job = await generate(h, I2V_512);
    expect(job.provider).toBe('atlascloud');
    expect(job.estimated_cost_usd).toBe(0.1);
    expect(at.requestsTo('POST', '/api/v1/model/generateVideo')).toHaveLength(1);
    expect(r.requests).toHaveLength(0);
  });

  it('follows VIDEOGEN_PROVIDER_ORDER over price', async () => {
    const [r, at] = await Promise.all([runapi(), atlas()]);
    h = await startHarness({ env: { ...runapiEnv(r), ...atlasEnv(at), VIDEOGEN_PROVIDER_ORDER: 'runapi,atlascloud' } });
    const job = await generate(h, I2V_512);
    expect(job.provider).toBe('runapi');
    expect(r.requestsTo('POST', '/api/v1/hailuo/image_to_video')).toHaveLength(1);
    expect(at.requests).toHaveLength(0);
  });

  it('sends a provider-native slug to its provider, whatever the price or order', async () => {
    const [r, at] = await Promise.all([runapi(), atlas()]);
    h = await startHarness({ env: { ...runapiEnv(r), ...atlasEnv(at), VIDEOGEN_PROVIDER_ORDER: 'atlascloud,runapi' } });
    // RunAPI's standard slug at 768p ($0.30) although Atlas standard is cheaper ($0.23) and first in order
    const a = await generate(h, { model: 'hailuo-02-image-to-video-standard', prompt: 'p', first_frame_image_url: IMG });
    expect(a.provider).toBe('runapi');
    expect(r.requestsTo('POST', '/api/v1/hailuo/image_to_video')[0]!.json).toMatchObject({
      model: 'hailuo-02-image-to-video-standard',
      output_resolution: '768p',
    });
    expect(at.requests).toHaveLength(0);
    const b = await generate(h, { model: 'minimax/hailuo-02/fast', prompt: 'p', first_frame_image_url: IMG });
    expect(b.provider).toBe('atlascloud');
    expect(at.requestsTo('POST', '/api/v1/model/generateVideo')[0]!.json).toMatchObject({ model: 'minimax/hailuo-02/fast' });
    expect(r.requestsTo('POST', '/api/v1/')).toHaveLength(1);
  });

  it('honours a provider pin', async () => {
    const [r, at] = await Promise.all([runapi(), atlas()]);
    h = await startHarness({ env: { ...runapiEnv(r), ...atlasEnv(at) } });
    const job = await generate(h, { ...I2V_512, provider: 'runapi' });
    expect(job.provider).toBe('runapi');
    expect(r.requestsTo('POST', '/api/v1/hailuo/image_to_video')).toHaveLength(1);
    expect(at.requests).toHaveLength(0);
    // a pin to a provider whose key is not set is refused naming the variable, nothing sent
    const msg = errorText(await h.call('generate_video', { ...I2V_512, provider: 'apiframe' }));
    expect(msg).toMatch(/apiframe/);
    expect(r.requests).toHaveLength(1);
    expect(at.requests).toHaveLength(0);
  });

  it('refuses a combination no configured provider serves, naming what would serve it, with zero requests', async () => {
    const r = await runapi();
    h = await startHarness({ env: runapiEnv(r) });
    // hailuo-2.3 text-to-video: RunAPI serves 2.3 image-to-video only
    const msg = errorText(await h.call('generate_video', { model: 'hailuo-2.3', prompt: 'p' }));
    expect(msg).toMatch(/^Error \(invalid_input\)/);
    expect(msg).toContain('APIFRAME_API_KEY');
    expect(msg).toContain('ATLASCLOUD_API_KEY');
    expect(msg).toContain('MINIMAX_API_KEY');
    expect(msg).toMatch(/image-to-video/);
    expect(r.requests).toHaveLength(0);
  });

  const ORDER = { VIDEOGEN_PROVIDER_ORDER: 'runapi,atlascloud' };
  async function expectFailover(setup: (r: FakeRunapi) => void | Record<string, string>, why: RegExp): Promise<void> {
    const [r, at] = await Promise.all([runapi(), atlas()]);
    const env = setup(r) ?? runapiEnv(r);
    h = await startHarness({ env: { ...env, ...atlasEnv(at), ...ORDER } });
    const job = await generate(h, I2V_512);
    expect(job.provider).toBe('atlascloud');
    expect(job.detail).toMatch(/^Routed to atlascloud after runapi failed/);
    expect(job.detail).toMatch(why);
    expect(at.requestsTo('POST', '/api/v1/model/generateVideo')).toHaveLength(1);
    expect(r.jobs.size).toBe(0);
    expect((await check(h, job.job_id)).job.status).toBe('succeeded');
  }

  it('fails over on a 401 from the first provider', async () => {
    await expectFailover((r) => runapiEnv(r, 'not-the-runapi-key-xyz'), /HTTP 401/);
  });
  it('fails over on a 402 from the first provider', async () => {
    const r = await runapi({ balanceCents: 5 });
    const at = await atlas();
    h = await startHarness({ env: { ...runapiEnv(r), ...atlasEnv(at), ...ORDER } });
    const job = await generate(h, I2V_512);
    expect(job.provider).toBe('atlascloud');
    expect(job.detail).toMatch(/runapi failed \(.*HTTP 402/);
    expect(r.requestsTo('POST', '/api/v1/')).toHaveLength(1);
    expect(r.jobs.size).toBe(0);
    expect(at.jobs.size).toBe(1);
  });
  it('fails over on a 503 from the first provider', async () => {
    await expectFailover((r) => {
      r.addFault({
        method: 'POST',
        path: '/api/v1/',
        action: 'respond',
        reply: { status: 503, headers: { 'retry-after': '0' }, json: { error: 'No active channel available' } },
        times: 10,
      });
    }, /HTTP 503/);
  });
  it('fails over when the first provider refuses the connection', async () => {
    const dead = await deadUrl();
    await expectFailover(() => ({ RUNAPI_API_KEY: FAKE_RUNAPI_KEY, RUNAPI_BASE_URL: dead }), /ECONNREFUSED/);
  });

  it('does NOT fail over on a 500 after the submit reached the first provider', async () => {
    const [r, at] = await Promise.all([runapi(), atlas()]);
    r.addFault({
      method: 'POST',
      path: '/api/v1/',
      action: 'respond',
      reply: { status: 500, headers: { 'retry-after': '0' }, json: { error: 'boom' } },
      times: 10,
    });
    h = await startHarness({ env: { ...runapiEnv(r), ...atlasEnv(at), ...ORDER } });
    const msg = errorText(await h.call('generate_video', I2V_512));
    expect(msg).toMatch(/^Error \(unavailable\)/);
    expect(msg).toMatch(/HTTP 500/);
    expect(r.requestsTo('POST', '/api/v1/').length).toBeGreaterThanOrEqual(1);
    expect(at.requests).toHaveLength(0);
  });

  it('after a 500 on submit, the error names the key to replay with, and replaying it makes exactly one task', async () => {
    const r = await runapi();
    r.addFault({
      method: 'POST',
      path: '/api/v1/',
      action: 'respond',
      reply: { status: 500, headers: { 'retry-after': '0' }, json: { error: 'boom' } },
      times: 4,
    });
    h = await startHarness({ env: runapiEnv(r) });
    const msg = errorText(await h.call('generate_video', I2V_512));
    const key = /idempotency_key "([^"]+)"/.exec(msg)?.[1];
    expect(key, msg).toBeDefined();
    expect(r.requestsTo('POST', '/api/v1/')).toHaveLength(4);
    const job = await generate(h, { ...I2V_512, idempotency_key: key });
    expect(job.provider).toBe('runapi');
    expect(r.jobs.size).toBe(1);
    expect(new Set(r.requestsTo('POST', '/api/v1/').map((p) => p.headers['idempotency-key']))).toEqual(new Set([key]));
  });

  it('does NOT fail over when the first provider (no idempotency) lost the answer', async () => {
    const [r, at] = await Promise.all([runapi(), atlas()]);
    at.addFault({ method: 'POST', path: '/api/v1/model/generateVideo', action: 'drop-after' });
    h = await startHarness({ env: { ...runapiEnv(r), ...atlasEnv(at), VIDEOGEN_PROVIDER_ORDER: 'atlascloud,runapi' } });
    const msg = errorText(await h.call('generate_video', I2V_512));
    expect(msg).toMatch(/^Error \(unknown_outcome\)/);
    expect(at.requestsTo('POST', '/api/v1/model/generateVideo')).toHaveLength(1);
    expect(r.requests).toHaveLength(0);
  });

  it('does NOT fail over when RunAPI lost every answer (it may hold the job)', async () => {
    const [r, at] = await Promise.all([runapi(), atlas()]);
    r.addFault({ method: 'POST', path: '/api/v1/', action: 'drop-after', times: 4 });
    h = await startHarness({ env: { ...runapiEnv(r), ...atlasEnv(at), ...ORDER } });
    const msg = errorText(await h.call('generate_video', I2V_512));
    expect(msg).toMatch(/idempotency_key/);
    expect(r.jobs.size).toBe(1);
    expect(at.requests).toHaveLength(0);
  });
});

// ---- rate limits on status calls ----------------------------------------------------------------

describe('rate limits on the status call', () => {
  it('a 429 with Retry-After on check_job is waited out and the check still succeeds', async () => {
    const f = await runapi();
    h = await startHarness({ env: runapiEnv(f) });
    const job = await generate(h, { model: 'runway', prompt: 'p', aspect_ratio: '16:9' });
    f.addFault({
      method: 'GET',
      path: '/api/v1/runway/text_to_video/',
      action: 'respond',
      reply: { status: 429, headers: { 'retry-after': '1' }, json: { error: { code: 'rate_limited', message: 'Too many requests' } } },
    });
    const { job: done } = await check(h, job.job_id);
    expect(done.status).toBe('succeeded');
    const gets = f.requestsTo('GET', '/api/v1/runway/text_to_video/');
    expect(gets).toHaveLength(2);
    expect(gets[1]!.at - gets[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('a long Retry-After is not waited out in the call, and no poll is sent before it is due', async () => {
    const f = await runapi();
    h = await startHarness({ env: runapiEnv(f) });
    const job = await generate(h, { model: 'runway', prompt: 'p', aspect_ratio: '16:9' });
    f.addFault({
      method: 'GET',
      path: '/api/v1/runway/text_to_video/',
      action: 'respond',
      reply: { status: 429, headers: { 'retry-after': '120' }, json: { error: { code: 'rate_limited', message: 'Too many requests' } } },
      times: 10,
    });
    const t0 = Date.now();
    const first = structured<JobOut>(await h.call('check_job', { job_id: job.job_id }));
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(first.status).toBe('queued');
    expect(first.detail).toMatch(/rate-limit/);
    expect(first.poll_after_seconds).toBeGreaterThanOrEqual(100);
    const second = structured<JobOut>(await h.call('check_job', { job_id: job.job_id }));
    expect(second.status).toBe('queued');
    expect(f.requestsTo('GET', '/api/v1/runway/text_to_video/')).toHaveLength(1);
  });
});

// ---- cancel ----------------------------------------------------------------------------------------

describe('cancel_job on an aggregator', () => {
  it('RunAPI: says plainly it cannot cancel and may be billed; the job stays tracked', async () => {
    const f = await runapi({ pollsToComplete: 5 });
    h = await startHarness({ env: runapiEnv(f) });
    const job = await generate(h, { model: 'runway', prompt: 'p', aspect_ratio: '16:9' });
    const r = await h.call('cancel_job', { job_id: job.job_id });
    const msg = errorText(r);
    expect(msg).toMatch(/^Error \(unsupported\)/);
    expect(msg).toMatch(/no cancel endpoint|cannot cancel/);
    expect(msg).toMatch(/billed/);
    expect(msg).toContain(job.job_id.slice(0, 20));
    expect(f.requests.filter((q) => q.method === 'DELETE')).toHaveLength(0);
    const listed = structured<{ jobs: JobOut[] }>(await h.call('list_jobs', {}));
    expect(listed.jobs.map((j) => j.job_id)).toEqual([job.job_id]);
    expect(['queued', 'running']).toContain(listed.jobs[0]!.status);
  });
});
