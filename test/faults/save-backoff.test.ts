/**
 * A save that keeps failing is retried with backoff and then given up (issue #10 §1: a redirect we
 * will not follow was fetched 800–1,100 times in 15 s). The saver runs on an injected clock, so the
 * whole backoff schedule (2 s doubling to 5 min) runs in a second, against each provider's fake.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { JobRecord, Ledger } from '../../src/jobs/ledger.js';
import { MAX_SAVE_ATTEMPTS, SAVE_RETRY_BASE_MS, VideoSaver } from '../../src/jobs/saver.js';
import { tempDir } from '../helpers.js';
import { PROFILES, type AnyFake } from './support.js';

let fake: AnyFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe.each(PROFILES)('$provider: a save that keeps failing', (p) => {
  it('is tried at most MAX_SAVE_ATTEMPTS times, never sooner than its backoff, then stops with a clear detail', async () => {
    fake = await p.start();
    fake.addFault({ method: 'GET', path: '/redir', action: 'respond', reply: { status: 302, headers: { location: 'file:///etc/passwd' } }, times: Infinity });
    const work = tempDir('videogen-save-');
    const config = loadConfig({ ...p.env(fake), VIDEOGEN_OUTPUT_DIR: `${work}/videos` }, work);
    let now = Date.now();
    const written: JobRecord[] = [];
    // A store that records writes (and grants the save lease, for stores that have one).
    const ledger = {
      put: async (r: JobRecord) => (written.push(r), r),
      get: async () => undefined,
      acquireLease: async (job_id: string, ttl: number) => ({ job_id, holder: 'test', until: now + ttl }),
      renewLease: async (l: { job_id: string }, ttl: number) => ({ ...l, holder: 'test', until: now + ttl }),
      releaseLease: async () => undefined,
    } as unknown as Ledger;
    const saver = new VideoSaver({ config, ledger, adapters: {}, roots: async () => [], now: () => now });
    const rec: JobRecord = {
      job_id: `${p.provider}_x`,
      provider: p.provider,
      model: 'm',
      params: {},
      status: 'succeeded',
      simulated: false,
      video_url: `${fake.url}/redir`,
      created_at: new Date(now).toISOString(),
      updated_at: new Date(now).toISOString(),
    };
    const fetches = () => fake!.requestsTo('GET', '/redir').length;
    let last = await saver.save(rec);
    expect(fetches()).toBe(1);
    expect(last.detail).toMatch(/attempt 1 of \d+; next try in 2 s/);
    // Asked again and again before the backoff passes: nothing is fetched.
    for (let i = 0; i < 50; i++) last = await saver.save(rec);
    now += SAVE_RETRY_BASE_MS - 1;
    last = await saver.save(rec);
    expect(fetches()).toBe(1);
    // Each backoff (doubling, at most 5 min) allows one more try, up to the cap; then none at all.
    for (let i = 0; i < MAX_SAVE_ATTEMPTS + 5; i++) {
      now += 5 * 60_000 + 1;
      last = await saver.save(rec);
    }
    expect(fetches()).toBe(MAX_SAVE_ATTEMPTS);
    // The last record written says it gave up, and where the video is instead.
    expect(written).toHaveLength(MAX_SAVE_ATTEMPTS);
    expect(written.at(-1)!.detail).toMatch(new RegExp(`failed ${MAX_SAVE_ATTEMPTS} times, so this server stopped trying .*Download it from video_url`));
    expect(last.local_path).toBeUndefined();
  });
});
