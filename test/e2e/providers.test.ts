/**
 * The built binary over real stdio against local fakes of all five providers (each speaking its
 * documented wire format): one slug per provider from generate_video to a saved file, an auth failure,
 * and a real Runway cancel.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_APIFRAME_KEY, startFakeApiframe, type FakeApiframe } from '../fakes/apiframe.js';
import { FAKE_ATLAS_KEY, startFakeAtlas, type FakeAtlas } from '../fakes/atlascloud.js';
import { FAKE_MINIMAX_KEY, startFakeMinimax, type FakeMinimax } from '../fakes/minimax.js';
import { FAKE_RUNAPI_KEY, startFakeRunapi, type FakeRunapi } from '../fakes/runapi.js';
import { FAKE_RUNWAY_KEY, startFakeRunway, type FakeRunway } from '../fakes/runway.js';
import { tempDir } from '../helpers.js';
import { startRaw, untilDone, type RawServer } from './stdio-client.js';

let runapi: FakeRunapi, apiframe: FakeApiframe, atlas: FakeAtlas, minimax: FakeMinimax, runway: FakeRunway;
let server: RawServer;
let work: string;
const FRAME = 'https://cdn.example.com/frame.jpg';

beforeAll(async () => {
  [runapi, apiframe, atlas, minimax, runway] = await Promise.all([
    startFakeRunapi({ pollsToComplete: 2 }),
    startFakeApiframe({ pollsToComplete: 2 }),
    startFakeAtlas({ pollsToComplete: 2, warmupPolls: 1 }),
    startFakeMinimax({ pollsToComplete: 2 }),
    startFakeRunway({ pollsToComplete: 2 }),
  ]);
  work = tempDir('videogen-e2e-providers-');
  server = startRaw(
    {
      RUNAPI_API_KEY: FAKE_RUNAPI_KEY,
      RUNAPI_BASE_URL: runapi.url,
      APIFRAME_API_KEY: FAKE_APIFRAME_KEY,
      APIFRAME_BASE_URL: apiframe.url,
      ATLASCLOUD_API_KEY: FAKE_ATLAS_KEY,
      ATLASCLOUD_BASE_URL: atlas.url,
      MINIMAX_API_KEY: FAKE_MINIMAX_KEY,
      MINIMAX_BASE_URL: minimax.url,
      RUNWAYML_API_SECRET: FAKE_RUNWAY_KEY,
      RUNWAYML_BASE_URL: runway.url,
      VIDEOGEN_STATE_DIR: path.join(work, '.state'),
    },
    work,
  );
  await server.init();
});
afterAll(async () => {
  server?.proc.kill('SIGKILL');
  await Promise.all([runapi, apiframe, atlas, minimax, runway].map((f) => f?.close()));
});

const cases: [string, () => { url: string }, Record<string, unknown>, (body: any) => void][] = [
  [
    'RunAPI hailuo-02-image-to-video-standard',
    () => runapi,
    { model: 'hailuo-02-image-to-video-standard', prompt: 'a', first_frame_image_url: FRAME, duration_seconds: 6, output_resolution: '512p' },
    (b) =>
      expect(b).toMatchObject({ model: 'hailuo-02-image-to-video-standard', first_frame_image_url: FRAME, duration_seconds: 6, output_resolution: '512p' }),
  ],
  [
    'Apiframe hailuo-02',
    () => apiframe,
    { model: 'hailuo-02', provider: 'apiframe', prompt: 'b', first_frame_image_url: FRAME, callback_url: 'https://hooks.example.com/x' },
    (b) => expect(b).toMatchObject({ model: 'hailuo-02', webhookUrl: 'https://hooks.example.com/x', hailuoParams: { image: FRAME } }),
  ],
  [
    'Atlas minimax/hailuo-02/fast',
    () => atlas,
    { model: 'minimax/hailuo-02/fast', prompt: 'c', first_frame_image_url: FRAME },
    (b) => expect(b).toMatchObject({ model: 'minimax/hailuo-02/fast', image: FRAME }),
  ],
  [
    'MiniMax MiniMax-Hailuo-02',
    () => minimax,
    { model: 'MiniMax-Hailuo-02', prompt: 'd', first_frame_image_url: FRAME, last_frame_image_url: 'https://cdn.example.com/last.jpg' },
    (b) =>
      expect(b).toMatchObject({
        model: 'MiniMax-Hailuo-02',
        first_frame_image: FRAME,
        last_frame_image: 'https://cdn.example.com/last.jpg',
        resolution: '768P',
      }),
  ],
  [
    'Runway gen4_turbo',
    () => runway,
    { model: 'gen4_turbo', prompt: 'e', first_frame_image_url: FRAME, aspect_ratio: '16:9', duration_seconds: 5 },
    (b) => expect(b).toMatchObject({ model: 'gen4_turbo', ratio: '1280:720', promptImage: [{ uri: FRAME, position: 'first' }] }),
  ],
];

describe('stdio end to end against the provider fakes', () => {
  it.concurrent.each(cases)('%s: generate_video → check_job → saved file, provider field names on the wire', async (_name, fake, args, checkBody) => {
    const f = fake() as unknown as { url: string; requests: { method: string; json: unknown }[] };
    const before = f.requests.filter((r) => r.method === 'POST').length;
    const gen = await server.call('generate_video', args);
    expect(gen.isError, JSON.stringify(gen.content)).toBeFalsy();
    const posts = f.requests.filter((r) => r.method === 'POST');
    expect(posts.length - before).toBe(1);
    checkBody(posts[posts.length - 1]!.json);
    const done = await untilDone(server, gen.structuredContent.job_id);
    expect(done.status).toBe('succeeded');
    expect(done.video_url.startsWith(f.url)).toBe(true);
    expect(readFileSync(done.local_path).subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(done.simulated).toBe(false);
  });

  it('cancel_job on a running Runway job sends DELETE and reports canceled', async () => {
    const gen = await server.call('generate_video', { model: 'gen4_turbo', prompt: 'to cancel', first_frame_image_url: FRAME });
    const jobId = gen.structuredContent.job_id;
    const res = await server.call('cancel_job', { job_id: jobId });
    expect(res.structuredContent.status).toBe('canceled');
    expect(runway.requestsTo('DELETE', '/v1/tasks/').length).toBe(1);
    expect((await server.call('check_job', { job_id: jobId })).structuredContent.status).toBe('canceled');
  });

  it('nothing but JSON-RPC reached stdout', () => {
    expect(server.junk).toEqual([]);
  });
});

describe('stdio auth failure', () => {
  it('a bad key is an isError naming the variable, without the key', async () => {
    const fake = await startFakeRunapi();
    const dir = tempDir('videogen-e2e-auth-');
    const s = startRaw({ RUNAPI_API_KEY: 'runapi_wrongwrongwrong', RUNAPI_BASE_URL: fake.url, VIDEOGEN_STATE_DIR: path.join(dir, '.state') }, dir);
    try {
      await s.init();
      const r = await s.call('generate_video', { model: 'hailuo-02-text-to-video-standard', prompt: 'x' });
      expect(r.isError).toBe(true);
      expect(r.content[0].text).toMatch(/RUNAPI_API_KEY/);
      expect(r.content[0].text).not.toContain('wrongwrongwrong');
      expect(s.stderr()).not.toContain('wrongwrongwrong');
    } finally {
      s.proc.kill('SIGKILL');
      await fake.close();
    }
  });
});
