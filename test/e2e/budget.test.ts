/**
 * The daily budget holds across server processes sharing one ledger: two built servers submitting
 * $0.12 jobs in parallel stop at or below the $0.50 cap in total.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_RUNAPI_KEY, startFakeRunapi, type FakeRunapi } from '../fakes/runapi.js';
import { tempDir } from '../helpers.js';
import { startRaw, type RawServer } from './stdio-client.js';

let fake: FakeRunapi;
const servers: RawServer[] = [];
beforeAll(async () => {
  fake = await startFakeRunapi();
});
afterAll(async () => {
  for (const s of servers) s.proc.kill('SIGKILL');
  await fake.close();
});

describe('daily budget across processes', () => {
  it('two processes submitting $0.12 jobs in parallel stay at or below a $0.50 cap', async () => {
    const work = tempDir('videogen-budget-');
    const env = {
      RUNAPI_API_KEY: FAKE_RUNAPI_KEY,
      RUNAPI_BASE_URL: fake.url,
      VIDEOGEN_STATE_DIR: path.join(work, '.state'),
      VIDEOGEN_BUDGET_USD_DAILY: '0.50',
      VIDEOGEN_DOWNLOAD: 'off',
    };
    const a = startRaw(env, work);
    const b = startRaw(env, work);
    servers.push(a, b);
    await Promise.all([a.init(), b.init()]);
    const args = (i: number) => ({
      model: 'hailuo-02-image-to-video-standard',
      prompt: `budget test ${i}`,
      first_frame_image_url: 'https://cdn.example.com/frame.jpg',
      duration_seconds: 6,
      output_resolution: '512p',
    });
    // Confirm the price this test relies on.
    const plan = await a.call('generate_video', { ...args(0), dry_run: true });
    expect(plan.structuredContent.estimated_cost_usd).toBe(0.12);

    const calls = [];
    for (let i = 0; i < 5; i++) calls.push(a.call('generate_video', args(i)), b.call('generate_video', args(100 + i)));
    const results = await Promise.all(calls);
    const accepted = results.filter((r) => !r.isError);
    const refused = results.filter((r) => r.isError);
    const submits = fake.requestsTo('POST', '/api/v1/hailuo/image_to_video');
    expect(submits.length).toBe(accepted.length);
    expect(accepted.length * 0.12).toBeLessThanOrEqual(0.5 + 1e-9);
    expect(accepted.length).toBe(4); // the cap is used, not just respected
    for (const r of refused) {
      expect(r.content[0].text).toMatch(/Daily budget reached/);
      expect(r.content[0].text).toMatch(/VIDEOGEN_BUDGET_USD_DAILY/);
    }
    const listed = await b.call('list_jobs', {});
    expect(listed.structuredContent.spending.today.estimated_usd).toBeCloseTo(0.48, 5);
    expect(a.junk).toEqual([]);
    expect(b.junk).toEqual([]);
  });
});
