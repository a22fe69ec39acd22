/**
 * Two job services (as in two server processes) sharing a ledger, given the same idempotency_key at
 * the same moment: the key is claimed exclusively, so a provider without idempotency (Atlas) is
 * submitted to once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_ATLAS_KEY, startFakeAtlas, type FakeAtlas } from '../fakes/atlascloud.js';
import { startHarness, tempDir, type Harness } from '../helpers.js';

let fake: FakeAtlas;
const open: Harness[] = [];
beforeAll(async () => {
  fake = await startFakeAtlas();
});
afterAll(async () => {
  for (const h of open) await h.close();
  await fake.close();
});

describe('idempotency key claim across services', () => {
  it('submits once when two services race on one key', async () => {
    const stateDir = tempDir('videogen-claim-');
    const env = { ATLASCLOUD_API_KEY: FAKE_ATLAS_KEY, ATLASCLOUD_BASE_URL: fake.url, VIDEOGEN_DOWNLOAD: 'off', VIDEOGEN_BUDGET_USD_DAILY: '50' };
    const a = await startHarness({ env, stateDir });
    const b = await startHarness({ env, stateDir, workDir: a.workDir });
    open.push(a, b);
    const args = { model: 'minimax/hailuo-02/fast', prompt: 'race', first_frame_image_url: 'https://cdn.example.com/f.jpg', idempotency_key: 'race-1' };
    const [ra, rb] = await Promise.all([a.call('generate_video', args), b.call('generate_video', args)]);
    expect(fake.requestsTo('POST', '/api/v1/model/generateVideo')).toHaveLength(1);
    // The second call either joins the first's job (same job_id, reused) or is told, naming the key,
    // that the first is still being submitted: never a second job.
    const ok = [ra, rb].filter((r) => !r.isError);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ok.map((r) => (r.structuredContent as { job_id: string }).job_id)).size).toBe(1);
    for (const r of [ra, rb].filter((x) => x.isError)) expect(JSON.stringify(r.content)).toMatch(/race-1/);
    // One job, one reservation: the loser neither books a second one nor cancels the winner's.
    const job = ok[0]!.structuredContent as { estimated_cost_usd: number };
    expect(job.estimated_cost_usd).toBeGreaterThan(0);
    const spending = (b: typeof a) =>
      b.call('list_jobs', {}).then((r) => (r.structuredContent as { spending: { today: { estimated_usd: number } } }).spending.today.estimated_usd);
    expect(await spending(a)).toBeCloseTo(job.estimated_cost_usd, 6);
  });
});
