/**
 * Issue #10 §4: spend reservations are settled against the jobs that really exist. A process killed
 * after booking a reservation and before sending anything leaves a reservation with no job and no
 * pending submit; the next server to start releases it, and keeps every reservation that has a job.
 */
import { describe, expect, it, vi } from 'vitest';
import { FileStore } from '../../src/store/file-store.js';
import { startHarness, structured, tempDir } from '../helpers.js';

describe('spend settlement at start-up', () => {
  it('releases a dead process’s reservation that never became a job, keeps one that did', async () => {
    const stateDir = tempDir('videogen-settle-');
    const store = new FileStore(stateDir);
    const longAgo = Date.now() - 20 * 60_000;
    await store.reserveSpend({ key: 'never-sent', usd: 1.5, provider: 'runapi', model: 'hailuo-02', at: longAgo }, {});
    await store.reserveSpend({ key: 'became-a-job', usd: 0.25, provider: 'runapi', model: 'hailuo-02', at: longAgo }, {});
    const at = new Date(longAgo).toISOString();
    await store.put({
      job_id: 'runapi_x',
      provider: 'runapi',
      model: 'hailuo-02',
      params: {},
      status: 'unknown',
      simulated: false,
      idempotency_key: 'became-a-job',
      created_at: at,
      updated_at: at,
    });
    expect((await store.spendTotals()).all_time_estimated_usd).toBeCloseTo(1.75, 6); // all_time: 20 minutes ago may be yesterday
    const h = await startHarness({ stateDir });
    try {
      await vi.waitFor(
        async () => {
          const list = structured<{ spending: { all_time: { estimated_usd: number } } }>(await h.call('list_jobs', {}));
          expect(list.spending.all_time.estimated_usd).toBeCloseTo(0.25, 6);
        },
        { timeout: 5_000, interval: 100 },
      );
    } finally {
      await h.close();
    }
  });
});
