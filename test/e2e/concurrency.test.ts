/**
 * Issue #10 §5: concurrency without internal errors. 200 concurrent priced generate_video calls
 * against the built server (one process, then two sharing one state directory) get only real
 * answers — a job or a budget refusal — and the daily budget is exact: the number accepted is the
 * cap divided by the price, no more, no less, and the provider saw exactly that many submits.
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

const args = (i: number) => ({
  model: 'hailuo-02-image-to-video-standard',
  prompt: `concurrency ${i}`,
  first_frame_image_url: 'https://cdn.example.com/frame.jpg',
  duration_seconds: 6,
  output_resolution: '512p',
});
const PRICE = 0.12;
const SUBMIT_PATH = '/api/v1/hailuo/image_to_video';

function env(work: string, capUsd: string) {
  return {
    RUNAPI_API_KEY: FAKE_RUNAPI_KEY,
    RUNAPI_BASE_URL: fake.url,
    VIDEOGEN_STATE_DIR: path.join(work, '.state'),
    VIDEOGEN_BUDGET_USD_DAILY: capUsd,
    VIDEOGEN_DOWNLOAD: 'off',
    VIDEOGEN_LOG_LEVEL: 'error',
  };
}

function tally(results: any[]) {
  const texts = results.filter((r) => r.isError).map((r) => String(r.content[0].text));
  return {
    accepted: results.filter((r) => !r.isError).length,
    budget: texts.filter((t) => t.startsWith('Error (budget)')).length,
    other: texts.filter((t) => !t.startsWith('Error (budget)')),
  };
}

describe('concurrent priced generate_video calls (#10 §5)', () => {
  it('200 at once in one process: 0 internal errors, exactly cap/price accepted', async () => {
    const work = tempDir('videogen-conc1-');
    const before = fake.requestsTo('POST', SUBMIT_PATH).length;
    const s = startRaw(env(work, '6.00'), work); // room for 50 jobs at $0.12
    servers.push(s);
    await s.init();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => s.call('generate_video', args(i))));
    const t = tally(results);
    expect(t.other).toEqual([]);
    expect(t.accepted).toBe(50);
    expect(t.budget).toBe(150);
    expect(fake.requestsTo('POST', SUBMIT_PATH).length - before).toBe(50);
    const listed = await s.call('list_jobs', { limit: 100 });
    expect(listed.structuredContent.jobs).toHaveLength(50);
    expect(listed.structuredContent.spending.today.estimated_usd).toBeCloseTo(50 * PRICE, 6);
    expect(s.junk).toEqual([]);
  });

  it('200 at once split over two processes sharing the ledger: 0 internal errors, the cap is exact', async () => {
    const work = tempDir('videogen-conc2-');
    const before = fake.requestsTo('POST', SUBMIT_PATH).length;
    const a = startRaw(env(work, '3.00'), work); // room for 25 jobs in total
    const b = startRaw(env(work, '3.00'), work);
    servers.push(a, b);
    await Promise.all([a.init(), b.init()]);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).call('generate_video', args(1000 + i))));
    const t = tally(results);
    expect(t.other).toEqual([]);
    expect(t.accepted).toBe(25);
    expect(t.budget).toBe(175);
    expect(fake.requestsTo('POST', SUBMIT_PATH).length - before).toBe(25);
    const listed = await a.call('list_jobs', { limit: 100 });
    expect(listed.structuredContent.jobs).toHaveLength(25);
    expect(listed.structuredContent.spending.today.estimated_usd).toBeCloseTo(25 * PRICE, 6);
  });
});
