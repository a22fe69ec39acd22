/**
 * Issue 4 end to end: MiniMax's and Runway's own APIs through the MCP tools against the local fakes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/base.js';
import { startFakeMinimax, FAKE_MINIMAX_KEY, type FakeMinimax } from '../fakes/minimax.js';
import { startFakeRunapi, FAKE_RUNAPI_KEY } from '../fakes/runapi.js';
import { startFakeRunway, FAKE_RUNWAY_KEY, RUNWAY_VERSION, type FakeRunway } from '../fakes/runway.js';
import { startHarness, structured, tempDir, type Harness } from '../helpers.js';
import { check, errorText, expectSaved, generate, trace, type JobOut } from './support.js';

const IMG = 'https://cdn.example.com/first.png';
const IMG2 = 'https://cdn.example.com/last.png';

let h: Harness | undefined;
const fakes: FakeServer[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function minimax(opts: Parameters<typeof startFakeMinimax>[0] = {}): Promise<FakeMinimax> {
  const f = await startFakeMinimax({ pollsToComplete: 0, ...opts });
  fakes.push(f);
  return f;
}
async function runway(opts: Parameters<typeof startFakeRunway>[0] = {}): Promise<FakeRunway> {
  const f = await startFakeRunway({ pollsToComplete: 0, ...opts });
  fakes.push(f);
  return f;
}
const minimaxEnv = (f: FakeServer, key = FAKE_MINIMAX_KEY) => ({ MINIMAX_API_KEY: key, MINIMAX_BASE_URL: f.url });
const runwayEnv = (f: FakeServer, key = FAKE_RUNWAY_KEY) => ({ RUNWAYML_API_SECRET: key, RUNWAYML_BASE_URL: f.url });

// ---- MiniMax -------------------------------------------------------------------------------------

describe('MiniMax official API', () => {
  it('MiniMax-Hailuo-02 with first and last frame reaches succeeded with the URL from files/retrieve, saved locally', async () => {
    const f = await minimax({ pollsToComplete: 1 });
    h = await startHarness({ env: minimaxEnv(f) });
    const job = await generate(h, { model: 'MiniMax-Hailuo-02', prompt: 'A cat turns its head', first_frame_image_url: IMG, last_frame_image_url: IMG2 });
    expect(job.provider).toBe('minimax');
    expect(job.model).toBe('hailuo-02');
    const post = f.requestsTo('POST', '/v1/video_generation');
    expect(post).toHaveLength(1);
    expect(post[0]!.json).toEqual({
      model: 'MiniMax-Hailuo-02',
      prompt: 'A cat turns its head',
      first_frame_image: IMG,
      last_frame_image: IMG2,
      duration: 6,
      resolution: '768P',
    });
    expect(post[0]!.headers['authorization']).toBe(`Bearer ${FAKE_MINIMAX_KEY}`);

    const first = structured<JobOut>(await h.call('check_job', { job_id: job.job_id }));
    expect(first.status).toBe('running');
    const { result, job: done } = await check(h, job.job_id, 20);
    const task = [...f.tasks.values()][0]!;
    const retrieve = f.requestsTo('GET', '/v1/files/retrieve');
    expect(retrieve).toHaveLength(1);
    expect(retrieve[0]!.query.get('file_id')).toBe(task.fileId);
    expect(done.video_url).toMatch(new RegExp(`^${f.url}/files/${task.fileId}\\.mp4\\?expires_at_ms=\\d+&signature=fake$`));
    expect(done.video_expires_at).toBeDefined();
    expectSaved(h, result, done, f.videoBytes);
    expect(trace(f.requests)).toEqual([
      'POST /v1/video_generation',
      'GET /v1/query/video_generation',
      'GET /v1/query/video_generation',
      'GET /v1/files/retrieve',
      `GET /files/${task.fileId}.mp4`,
    ]);
    expect(f.requestsTo('GET', '/v1/query/video_generation').every((r) => r.query.get('task_id') === task.id)).toBe(true);
  });

  it('MiniMax-Hailuo-2.3-Fast without an image is refused before any request', async () => {
    const f = await minimax();
    h = await startHarness({ env: minimaxEnv(f) });
    const msg = errorText(await h.call('generate_video', { model: 'MiniMax-Hailuo-2.3-Fast', prompt: 'p' }));
    expect(msg).toMatch(/^Error \(invalid_input\)/);
    expect(msg).toMatch(/first_frame_image_url/);
    expect(f.requests).toHaveLength(0);
  });

  it('base_resp 1004 inside an HTTP 200 is an auth error naming MINIMAX_API_KEY and the region hosts', async () => {
    const f = await minimax();
    const BAD = 'eyJhbGciOiJSUzI1NiJ9.minimax-wrong-region-key';
    h = await startHarness({ env: minimaxEnv(f, BAD) });
    const msg = errorText(await h.call('generate_video', { model: 'MiniMax-Hailuo-02', prompt: 'p' }));
    expect(msg).toMatch(/^Error \(auth\)/);
    expect(msg).toContain('MINIMAX_API_KEY');
    expect(msg).toContain('api.minimax.io');
    expect(msg).toContain('api.minimaxi.com');
    expect(msg).toContain('MINIMAX_BASE_URL');
    expect(msg).not.toContain(BAD);
    expect(f.requests).toHaveLength(1);
    expect(f.tasks.size).toBe(0);
  });

  it('an expired download URL is refreshed through files/retrieve before the video is saved', async () => {
    const f = await minimax();
    const stateDir = tempDir('videogen-state-');
    const workDir = tempDir('videogen-work-');
    // First process: downloads off, so the job finishes with a signed URL and nothing saved.
    const a = await startHarness({ env: { ...minimaxEnv(f), VIDEOGEN_DOWNLOAD: 'off' }, stateDir, workDir });
    let jobId: string;
    let firstUrl: string;
    try {
      jobId = (await generate(a, { model: 'MiniMax-Hailuo-02', prompt: 'expiring', first_frame_image_url: IMG })).job_id;
      const { job } = await check(a, jobId);
      expect(job.status).toBe('succeeded');
      expect(job.local_path).toBeUndefined();
      firstUrl = job.video_url!;
    } finally {
      await a.close();
    }
    // Two hours later the signed URL has expired.
    f.clock.advance(2 * 3600_000);
    const before = f.requests.length;
    h = await startHarness({ env: minimaxEnv(f), stateDir, workDir });
    const { result, job } = await check(h, jobId);
    expectSaved(h, result, job, f.videoBytes);
    expect(job.video_url).not.toBe(firstUrl);
    const after = f.requests.slice(before);
    const fileId = [...f.tasks.values()][0]!.fileId;
    expect(trace(after)).toEqual([
      `GET /files/${fileId}.mp4`, // the expired URL: 403
      'GET /v1/query/video_generation',
      'GET /v1/files/retrieve',
      `GET /files/${fileId}.mp4`, // the fresh one
    ]);
    expect(Number(new URL(job.video_url!).searchParams.get('expires_at_ms'))).toBeGreaterThan(f.clock.now());
  });

  it('with downloads off, check_job renews an expired result URL instead of handing out a dead link', async () => {
    const f = await minimax();
    h = await startHarness({ env: { ...minimaxEnv(f), VIDEOGEN_DOWNLOAD: 'off' } });
    const jobId = (await generate(h, { model: 'MiniMax-Hailuo-02', prompt: 'renew', first_frame_image_url: IMG })).job_id;
    const { job: first } = await check(h, jobId);
    expect(first.status).toBe('succeeded');
    // Time passes: the fake's signed URL expires, and so does the ledger's record of it.
    f.clock.advance(2 * 3600_000);
    const { Ledger } = await import('../../src/jobs/ledger.js');
    const ledger = new Ledger(h.stateDir);
    await ledger.update(jobId, { video_expires_at: new Date(Date.now() - 1000).toISOString() });
    const before = f.requests.length;
    const renewed = structured<JobOut>(await h.call('check_job', { job_id: jobId }));
    expect(renewed.video_url).not.toBe(first.video_url);
    expect(Date.parse(renewed.video_expires_at!)).toBeGreaterThan(Date.now());
    expect(trace(f.requests.slice(before))).toEqual(['GET /v1/query/video_generation', 'GET /v1/files/retrieve']);
    expect(Number(new URL(renewed.video_url!).searchParams.get('expires_at_ms'))).toBeGreaterThan(f.clock.now());
    // A URL that has not expired is not renewed.
    const again = f.requests.length;
    await h.call('check_job', { job_id: jobId });
    expect(f.requests.length).toBe(again);
  });
});

// ---- Runway --------------------------------------------------------------------------------------

describe('Runway official API', () => {
  it('gen4_turbo image-to-video sends X-Runway-Version, a pixel ratio and promptImage, and reaches succeeded', async () => {
    const f = await runway();
    h = await startHarness({ env: runwayEnv(f) });
    const job = await generate(h, {
      model: 'gen4_turbo',
      prompt: 'The camera pushes in',
      first_frame_image_url: IMG,
      aspect_ratio: '9:16',
      duration_seconds: 5,
    });
    expect(job.provider).toBe('runway');
    expect(job.model).toBe('runway-gen4-turbo');
    expect(job.estimated_cost_usd).toBe(0.25);
    const post = f.requestsTo('POST', '/v1/image_to_video');
    expect(post).toHaveLength(1);
    expect(post[0]!.headers['x-runway-version']).toBe(RUNWAY_VERSION);
    expect(post[0]!.headers['authorization']).toBe(`Bearer ${FAKE_RUNWAY_KEY}`);
    expect(post[0]!.json).toEqual({
      model: 'gen4_turbo',
      promptText: 'The camera pushes in',
      promptImage: [{ uri: IMG, position: 'first' }],
      ratio: '720:1280',
      duration: 5,
    });
    const { result, job: done } = await check(h, job.job_id);
    const id = [...f.tasks.keys()][0]!;
    expect(done.video_url).toMatch(new RegExp(`^${f.url}/files/${id}\\.mp4\\?_jwt=`));
    expect(done.billed_cost_usd).toBe(0.25);
    expectSaved(h, result, done, f.videoBytes);
    for (const r of f.requests.filter((q) => q.path.startsWith('/v1/'))) expect(r.headers['x-runway-version']).toBe(RUNWAY_VERSION);
    expect(trace(f.requests)).toEqual(['POST /v1/image_to_video', `GET /v1/tasks/${id}`, `GET /files/${id}.mp4`]);
  });

  it('the default ratio is a pixel ratio (16:9 → 1280:720)', async () => {
    const f = await runway();
    h = await startHarness({ env: runwayEnv(f) });
    await generate(h, { model: 'runway-gen4-turbo', first_frame_image_url: IMG, provider: 'runway' });
    expect(f.requestsTo('POST', '/v1/image_to_video')[0]!.json).toMatchObject({ ratio: '1280:720', duration: 5 });
  });

  it('cancel_job on a running job sends DELETE and reports canceled; check_job afterwards still says canceled', async () => {
    const f = await runway({ pollsToComplete: 3 });
    h = await startHarness({ env: runwayEnv(f) });
    const job = await generate(h, { model: 'gen4_turbo', prompt: 'p', first_frame_image_url: IMG });
    const id = [...f.tasks.keys()][0]!;
    const c = await h.call('cancel_job', { job_id: job.job_id });
    const canceled = structured<JobOut>(c);
    expect(canceled.status).toBe('canceled');
    expect(canceled.job_id).toBe(job.job_id);
    const del = f.requestsTo('DELETE', `/v1/tasks/${id}`);
    expect(del).toHaveLength(1);
    expect(del[0]!.headers['x-runway-version']).toBe(RUNWAY_VERSION);
    expect(f.tasks.get(id)!.deleted).toBe(true);
    const again = structured<JobOut>(await h.call('check_job', { job_id: job.job_id }));
    expect(again.status).toBe('canceled');
    expect(again.local_path).toBeUndefined();
    // the task was live when canceled (one status read), and nothing polls it afterwards
    expect(trace(f.requests)).toEqual(['POST /v1/image_to_video', `GET /v1/tasks/${id}`, `DELETE /v1/tasks/${id}`]);
    const listed = structured<{ jobs: JobOut[] }>(await h.call('list_jobs', { status: 'canceled' }));
    expect(listed.jobs.map((j) => j.job_id)).toEqual([job.job_id]);
  });

  it('cancel_job on a finished job returns it unchanged and sends no DELETE', async () => {
    const f = await runway();
    h = await startHarness({ env: runwayEnv(f) });
    const job = await generate(h, { model: 'gen4_turbo', prompt: 'p', first_frame_image_url: IMG });
    expect((await check(h, job.job_id)).job.status).toBe('succeeded');
    const c = structured<JobOut>(await h.call('cancel_job', { job_id: job.job_id }));
    expect(c.status).toBe('succeeded');
    expect(f.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
  });

  it('an http:// image URL is refused locally, with no request', async () => {
    const f = await runway();
    h = await startHarness({ env: runwayEnv(f) });
    const msg = errorText(await h.call('generate_video', { model: 'gen4_turbo', prompt: 'p', first_frame_image_url: 'http://cdn.example.com/a.png' }));
    expect(msg).toMatch(/^Error \(invalid_input\)/);
    expect(msg).toMatch(/https/);
    expect(f.requests).toHaveLength(0);
  });

  it('a wrong key is an auth error naming RUNWAYML_API_SECRET, never the key', async () => {
    const f = await runway();
    const BAD = `key_${'f'.repeat(128)}`;
    h = await startHarness({ env: runwayEnv(f, BAD) });
    const msg = errorText(await h.call('generate_video', { model: 'gen4_turbo', prompt: 'p', first_frame_image_url: IMG }));
    expect(msg).toMatch(/^Error \(auth\)/);
    expect(msg).toContain('RUNWAYML_API_SECRET');
    expect(msg).not.toContain(BAD);
    expect(f.tasks.size).toBe(0);
  });
});

describe('cancel_job where the provider has no cancel', () => {
  it('RunAPI says plainly it cannot cancel and the job may be billed', async () => {
    const f = await startFakeRunapi({ pollsToComplete: 5 });
    fakes.push(f);
    h = await startHarness({ env: { RUNAPI_API_KEY: FAKE_RUNAPI_KEY, RUNAPI_BASE_URL: f.url } });
    const job = await generate(h, { model: 'hailuo-02-text-to-video-standard', prompt: 'p' });
    const msg = errorText(await h.call('cancel_job', { job_id: job.job_id }));
    expect(msg).toMatch(/^Error \(unsupported\): runapi has no cancel endpoint/);
    expect(msg).toMatch(/may still be billed/);
    expect(f.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
    expect(f.jobs.size).toBe(1);
  });
});
