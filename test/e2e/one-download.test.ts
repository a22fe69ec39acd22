/**
 * Issue #13 §3: one download per job, whichever process finishes it. Two built servers share one
 * ledger and one output directory; one submits, then both check every job at once, repeatedly, while
 * both watchers run. Every job's video is fetched from the provider exactly once, every record points
 * at its file, and no file is left that no record points to.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_RUNAPI_KEY, startFakeRunapi, type FakeRunapi } from '../fakes/runapi.js';
import { tempDir } from '../helpers.js';
import { startRaw, type RawServer } from './stdio-client.js';

let fake: FakeRunapi;
const servers: RawServer[] = [];
beforeAll(async () => {
  fake = await startFakeRunapi({ pollsToComplete: 2 });
});
afterAll(async () => {
  for (const s of servers) s.proc.kill('SIGKILL');
  await fake.close();
});

const JOBS = 40;

describe('one download per job across processes', () => {
  it(`two processes checking ${JOBS} jobs at once download each video exactly once, with no orphaned file`, async () => {
    const work = tempDir('videogen-once-');
    const out = path.join(work, 'videos');
    const env = {
      RUNAPI_API_KEY: FAKE_RUNAPI_KEY,
      RUNAPI_BASE_URL: fake.url,
      VIDEOGEN_STATE_DIR: path.join(work, '.state'),
      VIDEOGEN_OUTPUT_DIR: out,
      VIDEOGEN_LOG_LEVEL: 'error',
    };
    const a = startRaw(env, work);
    const b = startRaw(env, work);
    servers.push(a, b);
    await Promise.all([a.init(), b.init()]);
    const submitted = await Promise.all(
      Array.from({ length: JOBS }, (_, i) =>
        a.call('generate_video', {
          model: 'hailuo-02-image-to-video-standard',
          prompt: `once ${i}`,
          first_frame_image_url: 'https://cdn.example.com/frame.jpg',
          duration_seconds: 6,
          output_resolution: '512p',
        }),
      ),
    );
    expect(submitted.filter((r) => r.isError)).toEqual([]);
    const ids: string[] = submitted.map((r) => r.structuredContent.job_id);
    const taskOf = new Map<string, string>();
    const saved = new Map<string, string>();
    for (let round = 0; round < 40 && saved.size < JOBS; round++) {
      const results = await Promise.all(ids.flatMap((id) => [a.call('check_job', { job_id: id }), b.call('check_job', { job_id: id })]));
      for (const r of results) {
        expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
        const s = r.structuredContent;
        if (s.local_path) saved.set(s.job_id, s.local_path);
        if (s.video_url) taskOf.set(s.job_id, /\/files\/([^/.]+)\.mp4/.exec(s.video_url)?.[1] ?? '');
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(saved.size).toBe(JOBS);
    // each task's video fetched exactly once, by whichever process
    const gets = fake.requestsTo('GET', '/files/');
    for (const id of ids) expect(gets.filter((g) => g.path.includes(`/files/${taskOf.get(id)}.mp4`)).length, id).toBe(1);
    // every file belongs to a record, every record's file exists, no partial downloads left
    const files = readdirSync(out).map((f) => path.join(out, f));
    expect(files.sort()).toEqual([...new Set(saved.values())].sort());
    expect(saved.size).toBe(new Set(saved.values()).size);
  });
});
