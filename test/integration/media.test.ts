/**
 * Issue 5 end to end: local media inputs (relative paths, confinement) reaching each provider in the
 * form it takes, and finished videos saved (or not) in the output directory.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeApiframe, FAKE_APIFRAME_KEY } from '../fakes/apiframe.js';
import { startFakeAtlas, FAKE_ATLAS_KEY, type FakeAtlas } from '../fakes/atlascloud.js';
import type { FakeServer } from '../fakes/base.js';
import { startFakeMinimax, FAKE_MINIMAX_KEY, type FakeMinimax } from '../fakes/minimax.js';
import { startFakeRunapi, FAKE_RUNAPI_KEY } from '../fakes/runapi.js';
import { startFakeRunway, FAKE_RUNWAY_KEY, type FakeRunway } from '../fakes/runway.js';
import { startHarness, structured, tempDir, text, type Harness } from '../helpers.js';
import { check, errorText, expectSaved, generate, links, trace, type JobOut } from './support.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/media/', import.meta.url));
const PNG = readFileSync(path.join(FIXTURES, 'red-400x320.png'));

let h: Harness | undefined;
const fakes: FakeServer[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});
function keep<T extends FakeServer>(f: T): T {
  fakes.push(f);
  return f;
}

/** A valid RGB PNG of noise, stored uncompressed so its size is about w × h × 3 bytes. */
function noisyPng(w: number, hgt: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(hgt, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = w * 3 + 1;
  const raw = Buffer.alloc(row * hgt);
  for (let i = 0; i < raw.length; i++) raw[i] = i % row === 0 ? 0 : (Math.imul(i, 2654435761) >>> 24) & 255;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 0 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A work dir holding frames/red.png (400×320, above Hailuo's 300 px short side). */
function workDirWithFrame(): string {
  const dir = tempDir('videogen-work-');
  mkdirSync(path.join(dir, 'frames'));
  copyFileSync(path.join(FIXTURES, 'red-400x320.png'), path.join(dir, 'frames', 'red.png'));
  copyFileSync(path.join(FIXTURES, 'small-200x200.png'), path.join(dir, 'frames', 'small.png'));
  return dir;
}

describe('a PNG given as a relative path', () => {
  it('reaches Atlas Cloud as an uploadMedia upload whose stored bytes equal the file', async () => {
    const f = keep(await startFakeAtlas({ pollsToComplete: 1 }));
    h = await startHarness({ env: { ATLASCLOUD_API_KEY: FAKE_ATLAS_KEY, ATLASCLOUD_BASE_URL: f.url }, workDir: workDirWithFrame() });
    const job = await generate(h, { model: 'minimax/hailuo-02/fast', prompt: 'the red square spins', first_frame_image_url: 'frames/red.png' });
    expect(trace(f.requests)).toEqual(['POST /api/v1/model/uploadMedia', 'POST /api/v1/model/generateVideo']);
    expect(f.uploads.size).toBe(1);
    const up = [...f.uploads.values()][0]!;
    expect(up.bytes.equals(PNG)).toBe(true);
    expect(up.contentType).toBe('image/png');
    expect(up.filename).toBe('red.png');
    expect(f.requests[0]!.headers['authorization']).toBe(`Bearer ${FAKE_ATLAS_KEY}`);
    expect(f.requestsTo('POST', '/api/v1/model/generateVideo')[0]!.json).toEqual({
      model: 'minimax/hailuo-02/fast',
      prompt: 'the red square spins',
      image: up.url,
      duration: 6,
    });
    // the local path is not what the ledger shows the provider got, and the job finishes
    expect((await check(h, job.job_id)).job.status).toBe('succeeded');
  });

  it('reaches MiniMax inline as data:image/png;base64 of exactly the file', async () => {
    const f = keep<FakeMinimax>(await startFakeMinimax({ pollsToComplete: 0 }));
    h = await startHarness({ env: { MINIMAX_API_KEY: FAKE_MINIMAX_KEY, MINIMAX_BASE_URL: f.url }, workDir: workDirWithFrame() });
    await generate(h, { model: 'MiniMax-Hailuo-2.3-Fast', prompt: 'p', first_frame_image_url: './frames/red.png' });
    const post = f.requestsTo('POST', '/v1/video_generation');
    expect(trace(f.requests)).toEqual(['POST /v1/video_generation']);
    expect((post[0]!.json as Record<string, unknown>)['first_frame_image']).toBe(`data:image/png;base64,${PNG.toString('base64')}`);
    expect([...f.tasks.values()][0]!.model).toBe('MiniMax-Hailuo-2.3-Fast');
  });

  it('reaches Runway as a data URI in promptImage', async () => {
    const f = keep<FakeRunway>(await startFakeRunway({ pollsToComplete: 0 }));
    h = await startHarness({ env: { RUNWAYML_API_SECRET: FAKE_RUNWAY_KEY, RUNWAYML_BASE_URL: f.url }, workDir: workDirWithFrame() });
    const job = await generate(h, { model: 'gen4_turbo', prompt: 'p', first_frame_image_url: 'frames/red.png' });
    expect(trace(f.requests)).toEqual(['POST /v1/image_to_video']);
    expect((f.requests[0]!.json as Record<string, unknown>)['promptImage']).toEqual([
      { uri: `data:image/png;base64,${PNG.toString('base64')}`, position: 'first' },
    ]);
    expect((await check(h, job.job_id)).job.status).toBe('succeeded');
  });

  it('reaches RunAPI through /api/v1/files and Apiframe through /v2/uploads, bytes intact', async () => {
    const r = keep(await startFakeRunapi({ pollsToComplete: 1 }));
    const a = keep(await startFakeApiframe({ pollsToComplete: 1 }));
    const workDir = workDirWithFrame();
    h = await startHarness({
      env: { RUNAPI_API_KEY: FAKE_RUNAPI_KEY, RUNAPI_BASE_URL: r.url, APIFRAME_API_KEY: FAKE_APIFRAME_KEY, APIFRAME_BASE_URL: a.url },
      workDir,
    });
    await generate(h, { model: 'hailuo-02-image-to-video-standard', prompt: 'p', first_frame_image_url: 'frames/red.png' });
    expect(trace(r.requests)).toEqual(['POST /api/v1/files', 'POST /api/v1/hailuo/image_to_video']);
    const ru = [...r.uploads.values()][0]!;
    expect(ru.bytes.equals(PNG)).toBe(true);
    expect((r.requestsTo('POST', '/api/v1/hailuo/image_to_video')[0]!.json as Record<string, unknown>)['first_frame_image_url']).toBe(ru.url);
    await generate(h, { model: 'hailuo-02', prompt: 'p', first_frame_image_url: 'frames/red.png', provider: 'apiframe' });
    expect(trace(a.requests)).toEqual(['POST /v2/uploads', 'POST /v2/videos/generate']);
    const au = [...a.uploads.values()][0]!;
    expect(au.bytes.equals(PNG)).toBe(true);
    expect(au.contentType).toBe('image/png');
    expect((a.requestsTo('POST', '/v2/videos/generate')[0]!.json as { hailuoParams: { image: string } }).hailuoParams.image).toBe(au.url);
  });

  it("a PNG too large for Runway's 5 MB data URI goes through the uploads flow (no key sent to storage) as runway://", async () => {
    const f = keep<FakeRunway>(await startFakeRunway({ pollsToComplete: 0 }));
    const workDir = tempDir('videogen-work-');
    const big = noisyPng(1400, 1000); // ~4.2 MB: over 5 MB once base64-encoded
    writeFileSync(path.join(workDir, 'big.png'), big);
    h = await startHarness({ env: { RUNWAYML_API_SECRET: FAKE_RUNWAY_KEY, RUNWAYML_BASE_URL: f.url }, workDir });
    const job = await generate(h, { model: 'gen4_turbo', prompt: 'p', first_frame_image_url: 'big.png' });
    expect(trace(f.requests)).toEqual(['POST /v1/uploads', 'POST /upload-bucket', 'POST /v1/image_to_video']);
    expect(f.requests[0]!.json).toEqual({ filename: 'big.png', type: 'ephemeral' });
    expect(f.requests[1]!.headers['authorization']).toBeUndefined();
    expect(f.requests[1]!.headers['x-runway-version']).toBeUndefined();
    const up = [...f.uploads.values()][0]!;
    expect(up.bytes!.equals(big)).toBe(true);
    expect((f.requests[2]!.json as Record<string, unknown>)['promptImage']).toEqual([{ uri: up.runwayUri, position: 'first' }]);
    expect((await check(h, job.job_id)).job.status).toBe('succeeded');
  });

  it("an image under Hailuo's 300 px short side is refused before any upload", async () => {
    const f = keep<FakeAtlas>(await startFakeAtlas());
    h = await startHarness({ env: { ATLASCLOUD_API_KEY: FAKE_ATLAS_KEY, ATLASCLOUD_BASE_URL: f.url }, workDir: workDirWithFrame() });
    const msg = errorText(await h.call('generate_video', { model: 'minimax/hailuo-02/fast', prompt: 'p', first_frame_image_url: 'frames/small.png' }));
    expect(msg).toMatch(/^Error \(invalid_input\)/);
    expect(msg).toMatch(/200/);
    expect(msg).toMatch(/300/);
    expect(f.requests).toHaveLength(0);
  });
});

describe('paths outside the allowed roots', () => {
  async function setup(): Promise<{ atlas: FakeAtlas; mm: FakeMinimax; rw: FakeRunway; workDir: string }> {
    const [atlas, mm, rw] = await Promise.all([startFakeAtlas(), startFakeMinimax(), startFakeRunway()]);
    keep(atlas);
    keep(mm);
    keep(rw);
    const workDir = workDirWithFrame();
    symlinkSync('/etc/passwd', path.join(workDir, 'frames', 'innocent.png'));
    h = await startHarness({
      env: {
        ATLASCLOUD_API_KEY: FAKE_ATLAS_KEY,
        ATLASCLOUD_BASE_URL: atlas.url,
        MINIMAX_API_KEY: FAKE_MINIMAX_KEY,
        MINIMAX_BASE_URL: mm.url,
        RUNWAYML_API_SECRET: FAKE_RUNWAY_KEY,
        RUNWAYML_BASE_URL: rw.url,
      },
      workDir,
    });
    return { atlas, mm, rw, workDir };
  }

  for (const value of ['/etc/passwd', 'frames/innocent.png', '../../../../../../etc/passwd', 'file:///etc/passwd']) {
    it(`${value} is refused, with no request to any fake`, async () => {
      const { atlas, mm, rw, workDir } = await setup();
      for (const args of [
        { model: 'minimax/hailuo-02/fast', prompt: 'p', first_frame_image_url: value },
        { model: 'MiniMax-Hailuo-02', prompt: 'p', first_frame_image_url: value },
        { model: 'gen4_turbo', prompt: 'p', first_frame_image_url: value },
        { model: 'MiniMax-Hailuo-02', prompt: 'p', first_frame_image_url: 'frames/red.png', last_frame_image_url: value },
      ]) {
        const msg = errorText(await h!.call('generate_video', args));
        expect(msg).toMatch(/^Error \(invalid_input\)/);
        expect(msg).toMatch(/outside the folders this server may read/);
        expect(msg).toContain(workDir);
        expect(msg).not.toMatch(/root:/); // nothing of the file's contents
      }
      expect(atlas.requests).toHaveLength(0);
      expect(mm.requests).toHaveLength(0);
      expect(rw.requests).toHaveLength(0);
      expect(structured<{ jobs: unknown[] }>(await h!.call('list_jobs', {})).jobs).toHaveLength(0);
    });
  }
});

describe('saving finished videos', () => {
  it('saves under the output directory with local_path and a resource_link, named after the job', async () => {
    const f = keep(await startFakeRunapi({ pollsToComplete: 1 }));
    h = await startHarness({ env: { RUNAPI_API_KEY: FAKE_RUNAPI_KEY, RUNAPI_BASE_URL: f.url } });
    const job = await generate(h, { model: 'runway', prompt: 'Paper boat on a rainy street', aspect_ratio: '16:9' });
    const { result, job: done } = await check(h, job.job_id);
    expectSaved(h, result, done, f.videoBytes);
    expect(path.dirname(done.local_path!)).toBe(h.outputDir);
    expect(path.basename(done.local_path!)).toMatch(/paper-boat-on-a-rainy-street\.mp4$/);
    expect(readdirSync(h.outputDir)).toEqual([path.basename(done.local_path!)]);
    expect(done.next_action).toContain(done.local_path!);
    // a later check_job neither downloads again nor loses the link
    const again = await h.call('check_job', { job_id: job.job_id });
    expect(links(again)[0]!.uri).toBe(`file://${done.local_path}`);
    expect(f.requestsTo('GET', '/files/')).toHaveLength(1);
  });

  it('a failed save (an HTML page served as the video) is reported, backs off, and the next check_job after the backoff saves it cleanly', async () => {
    const f = keep(await startFakeRunapi({ pollsToComplete: 1 }));
    h = await startHarness({ env: { RUNAPI_API_KEY: FAKE_RUNAPI_KEY, RUNAPI_BASE_URL: f.url } });
    const job = await generate(h, { model: 'runway', prompt: 'p', aspect_ratio: '16:9' });
    f.addFault({
      method: 'GET',
      path: '/files/',
      action: 'respond',
      reply: { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>edge error</html>' },
    });
    const first = await check(h, job.job_id);
    expect(first.job.status).toBe('succeeded');
    expect(first.job.local_path).toBeUndefined();
    expect(first.job.detail).toMatch(/saving it failed/);
    expect(first.job.next_action).toMatch(/check_job again/);
    expect(links(first.result)).toHaveLength(0);
    expect(existsSync(h.outputDir) ? readdirSync(h.outputDir).filter((n) => !n.startsWith('.')) : []).toEqual([]);
    // Inside the backoff (2 s after a first failure) a check_job does not fetch again.
    const early = await check(h, job.job_id, 0);
    expect(early.job.detail).toMatch(/attempt 1 of \d+; next try in 2 s/);
    expect(f.requestsTo('GET', '/files/')).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 2_100));
    const { result, job: done } = await check(h, job.job_id);
    expectSaved(h, result, done, f.videoBytes);
    expect(done.detail).toBeUndefined();
    expect(f.requestsTo('GET', '/files/')).toHaveLength(2);
  });

  it('VIDEOGEN_DOWNLOAD=off saves nothing and offers the provider URL instead', async () => {
    const f = keep(await startFakeRunapi({ pollsToComplete: 1 }));
    h = await startHarness({ env: { RUNAPI_API_KEY: FAKE_RUNAPI_KEY, RUNAPI_BASE_URL: f.url, VIDEOGEN_DOWNLOAD: 'off' } });
    const job = await generate(h, { model: 'runway', prompt: 'p', aspect_ratio: '16:9' });
    const { result, job: done } = await check(h, job.job_id);
    expect(done.status).toBe('succeeded');
    expect(done.video_url).toBe(`${f.url}/files/${[...f.jobs.keys()][0]}.mp4`);
    expect(done.local_path).toBeUndefined();
    expect(links(result)).toHaveLength(0);
    expect(done.next_action).toMatch(/video_url/);
    expect(f.requestsTo('GET', '/files/')).toHaveLength(0);
    expect(existsSync(h.outputDir)).toBe(false);
    expect(text(result)).not.toMatch(/saved at/);
    const listed = structured<{ jobs: JobOut[] }>(await h.call('list_jobs', {}));
    expect(listed.jobs[0]!.local_path).toBeUndefined();
  });
});
