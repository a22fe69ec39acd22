/**
 * A finished provider job is downloaded and offered as a signed URL by the HTTP server, even after Node's
 * built-in fetch has run in the process (it did: the test client uses it), which used to leave Node's
 * older undici as the global dispatcher and every download failing ("invalid onError method").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_MINIMAX_KEY, startFakeMinimax, type FakeMinimax } from '../fakes/minimax.js';
import { structured } from '../helpers.js';
import { ALICE, connect, startTestServer, type TestServer } from './support.js';

describe('a provider video over the HTTP server', () => {
  let fake: FakeMinimax;
  let srv: TestServer;
  beforeAll(async () => {
    await fetch('data:,warm'); // Node's built-in fetch first, as any process that uses it
    fake = await startFakeMinimax({ pollsToComplete: 0 });
    srv = await startTestServer({ MINIMAX_API_KEY: FAKE_MINIMAX_KEY, MINIMAX_BASE_URL: fake.url });
  });
  afterAll(async () => {
    await srv.close();
    await fake.close();
  });

  it('is saved on the server and served to its owner', async () => {
    const alice = await connect(srv.url, ALICE);
    const job = structured<{ job_id: string }>(await alice.call('generate_video', { model: 'hailuo-02', provider: 'minimax', prompt: 'a kite' }));
    let seen: { status: string; download_url?: string; detail?: string } = { status: 'queued' };
    for (let i = 0; i < 20 && !seen.download_url; i++) {
      if (i) await new Promise((r) => setTimeout(r, 300));
      seen = structured(await alice.call('check_job', { job_id: job.job_id }));
    }
    expect(seen.detail ?? '').not.toMatch(/saving it failed/);
    expect(seen.download_url).toBeDefined();
    const res = await fetch(seen.download_url!, { headers: { authorization: `Bearer ${ALICE}` } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(fake.videoBytes)).toBe(true);
    await alice.close();
  });
});
