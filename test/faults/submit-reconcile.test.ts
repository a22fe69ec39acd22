/**
 * Start-up reconciliation of pending submits (issue #10 §4), one case per branch: an orphan on a keyed
 * provider is replayed with its key and recorded; elsewhere it becomes an `unknown` job carrying its
 * key; one whose sender is alive, or whose provider this server has no key for, is left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger, type PendingSubmit } from '../../src/jobs/ledger.js';
import { FAKE_ATLAS_KEY, startFakeAtlas, type FakeAtlas } from '../fakes/atlascloud.js';
import { FAKE_RUNAPI_KEY, startFakeRunapi, type FakeRunapi } from '../fakes/runapi.js';
import { startHarness, structured, tempDir } from '../helpers.js';
import { IMG } from './submit-kit.js';

let runapi: FakeRunapi;
let atlas: FakeAtlas;
beforeAll(async () => {
  runapi = await startFakeRunapi();
  atlas = await startFakeAtlas();
});
afterAll(async () => {
  await runapi.close();
  await atlas.close();
});

/** A pid that belongs to no process. */
const DEAD_PID = 2 ** 22 + 12345;

function pending(over: Partial<PendingSubmit>): PendingSubmit {
  return {
    idempotency_key: 'k',
    provider: 'runapi',
    model: 'hailuo-02',
    native_model: 'hailuo-02-text-to-video-pro',
    params: { prompt: 'orphan', duration_seconds: 6 },
    fingerprint: 'f',
    created_at: new Date().toISOString(),
    pid: DEAD_PID,
    simulated: false,
    ...over,
  };
}

describe('reconciling pending submits at start-up', () => {
  it('replays keyed orphans, records the others as unknown with their key, leaves live and unconfigured ones', async () => {
    const stateDir = tempDir('videogen-reconcile-');
    const ledger = new Ledger(stateDir);
    await ledger.putPendingSubmit(pending({ idempotency_key: 'orphan-runapi', wire: { prompt: 'orphan', duration_seconds: 6 }, estimated_cost_usd: 0.57 }));
    await ledger.putPendingSubmit(
      pending({
        idempotency_key: 'orphan-atlas',
        provider: 'atlascloud',
        native_model: 'minimax/hailuo-02/fast',
        params: { prompt: 'orphan', first_frame_image_url: IMG },
      }),
    );
    await ledger.putPendingSubmit(
      pending({ idempotency_key: 'live-atlas', provider: 'atlascloud', native_model: 'minimax/hailuo-02/fast', pid: process.ppid }),
    );
    await ledger.putPendingSubmit(pending({ idempotency_key: 'orphan-minimax', provider: 'minimax', native_model: 'MiniMax-Hailuo-02' }));

    const h = await startHarness({
      stateDir,
      env: {
        RUNAPI_API_KEY: FAKE_RUNAPI_KEY,
        RUNAPI_BASE_URL: runapi.url,
        ATLASCLOUD_API_KEY: FAKE_ATLAS_KEY,
        ATLASCLOUD_BASE_URL: atlas.url,
        VIDEOGEN_DOWNLOAD: 'off',
      },
    });
    try {
      await h.call('list_jobs', {}); // loads the runtime: start-up reconciliation runs
      const deadline = Date.now() + 10_000;
      while ((await ledger.getPendingSubmit('orphan-runapi')) || (await ledger.getPendingSubmit('orphan-atlas'))) {
        if (Date.now() > deadline) throw new Error('not reconciled');
        await new Promise((r) => setTimeout(r, 100));
      }
      // Keyed: replayed once with its key, and recorded as that job.
      const replays = runapi.requestsTo('POST', '/api/v1/hailuo/text_to_video');
      expect(replays).toHaveLength(1);
      expect(replays[0]!.headers['idempotency-key']).toBe('orphan-runapi');
      const job = await ledger.findByIdempotencyKey('orphan-runapi');
      expect(job?.status).toBe('queued');
      expect(job?.estimated_cost_usd).toBe(0.57);
      // Not keyed: an unknown job carrying its key, nothing sent.
      expect(atlas.requestsTo('POST', '/api/v1/model/generateVideo')).toHaveLength(0);
      const unknown = await ledger.findByIdempotencyKey('orphan-atlas');
      expect(unknown?.job_id).toBe('unknown_orphan-atlas');
      expect(unknown?.status).toBe('unknown');
      const listed = structured<{ jobs: { job_id: string; error?: { code: string } }[] }>(await h.call('list_jobs', {}));
      expect(listed.jobs.find((j) => j.job_id === 'unknown_orphan-atlas')?.error?.code).toBe('unknown_outcome');
      // A live sender's submit, and one for a provider without a key here, are left alone.
      expect(await ledger.getPendingSubmit('live-atlas')).toBeDefined();
      expect(await ledger.getPendingSubmit('orphan-minimax')).toBeDefined();
    } finally {
      await h.close();
    }
  });
});
