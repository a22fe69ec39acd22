/**
 * Two server processes given the same idempotency_key at the same moment submit once, even to a
 * provider without idempotency keys (Atlas Cloud): the key is claimed exclusively in the shared ledger.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_ATLAS_KEY, startFakeAtlas, type FakeAtlas } from '../fakes/atlascloud.js';
import { tempDir } from '../helpers.js';
import { startRaw, type RawServer } from './stdio-client.js';

let fake: FakeAtlas;
const servers: RawServer[] = [];
beforeAll(async () => {
  fake = await startFakeAtlas();
});
afterAll(async () => {
  for (const s of servers) s.proc.kill('SIGKILL');
  await fake.close();
});

describe('one idempotency_key, two processes', () => {
  it('submits exactly once to a provider without idempotency', async () => {
    const work = tempDir('videogen-idem-');
    const env = { ATLASCLOUD_API_KEY: FAKE_ATLAS_KEY, ATLASCLOUD_BASE_URL: fake.url, VIDEOGEN_STATE_DIR: path.join(work, '.state'), VIDEOGEN_DOWNLOAD: 'off' };
    const a = startRaw(env, work);
    const b = startRaw(env, work);
    servers.push(a, b);
    await Promise.all([a.init(), b.init()]);
    const args = { model: 'minimax/hailuo-02/fast', prompt: 'once only', first_frame_image_url: 'https://cdn.example.com/f.jpg', idempotency_key: 'order-42' };
    const results = await Promise.all([
      a.call('generate_video', args),
      b.call('generate_video', args),
      a.call('generate_video', args),
      b.call('generate_video', args),
    ]);
    expect(fake.requestsTo('POST', '/api/v1/model/generateVideo')).toHaveLength(1);
    const ok = results.filter((r) => !r.isError && r.structuredContent.job_id);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    const ids = new Set(ok.map((r) => r.structuredContent.job_id));
    expect(ids.size).toBe(1);
    // A call that found the other process's submit still in flight says so, with the key to call again.
    for (const r of results.filter((x) => !x.isError && !x.structuredContent.job_id)) expect(r.structuredContent.idempotency_key).toBe('order-42');
    for (const r of results.filter((x) => x.isError)) expect(r.content[0].text).toMatch(/order-42/);
    // Afterwards the key returns the one job from either process.
    const again = await b.call('generate_video', args);
    expect(again.structuredContent.job_id).toBe([...ids][0]);
    expect(fake.requestsTo('POST', '/api/v1/model/generateVideo')).toHaveLength(1);
    // One job, one reservation: a process that lost the claim neither books a second nor cancels the first.
    const est = ok[0].structuredContent.estimated_cost_usd;
    expect(est).toBeGreaterThan(0);
    for (const s of [a, b]) expect((await s.call('list_jobs', {})).structuredContent.spending.today.estimated_usd).toBeCloseTo(est, 6);
  });
});
