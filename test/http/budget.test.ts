/**
 * Budgets on the team server: VIDEOGEN_BUDGET_USD_DAILY caps each principal, VIDEOGEN_TEAM_BUDGET_USD_DAILY
 * the team; a refusal names the cap that refused, and nothing reaches the provider.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_MINIMAX_KEY, startFakeMinimax, type FakeMinimax } from '../fakes/minimax.js';
import { structured, text } from '../helpers.js';
import { ALICE, BOB, connect, startTestServer, type TestServer } from './support.js';

const CAROL = 'carol-token-0123456789abcdef';
const job = (prompt: string) => ({ model: 'hailuo-02', provider: 'minimax', prompt, duration_seconds: 6, output_resolution: '768p' });

describe('per-principal and team budgets over HTTP', () => {
  let fake: FakeMinimax;
  let srv: TestServer;
  let price: number;
  beforeAll(async () => {
    fake = await startFakeMinimax();
    const probe = await startTestServer({ MINIMAX_API_KEY: FAKE_MINIMAX_KEY, MINIMAX_BASE_URL: fake.url });
    const c = await connect(probe.url, ALICE);
    price = structured<{ estimated_cost_usd: number }>(await c.call('generate_video', { ...job('probe'), dry_run: true })).estimated_cost_usd;
    await c.close();
    await probe.close();
    srv = await startTestServer({
      MINIMAX_API_KEY: FAKE_MINIMAX_KEY,
      MINIMAX_BASE_URL: fake.url,
      VIDEOGEN_AUTH_TOKENS: `alice:${ALICE},bob:${BOB},carol:${CAROL}`,
      VIDEOGEN_BUDGET_USD_DAILY: String(price * 1.5), // one job each
      VIDEOGEN_TEAM_BUDGET_USD_DAILY: String(price * 2.5), // two jobs for the team
      VIDEOGEN_DOWNLOAD: 'off',
    });
  });
  afterAll(async () => {
    await srv.close();
    await fake.close();
  });

  it('caps each principal, then the team, and says which cap refused', async () => {
    expect(price).toBeGreaterThan(0);
    const [alice, bob, carol] = await Promise.all([connect(srv.url, ALICE), connect(srv.url, BOB), connect(srv.url, CAROL)]);
    expect((await alice.call('generate_video', job('a1'))).isError).toBeFalsy();
    const again = await alice.call('generate_video', job('a2'));
    expect(again.isError).toBe(true);
    expect(text(again)).toMatch(/Your daily budget \(VIDEOGEN_BUDGET_USD_DAILY, per person\) is reached/);
    expect((await bob.call('generate_video', job('b1'))).isError).toBeFalsy();
    const team = await carol.call('generate_video', job('c1'));
    expect(team.isError).toBe(true);
    expect(text(team)).toMatch(/team's daily budget \(VIDEOGEN_TEAM_BUDGET_USD_DAILY\) is reached/);
    expect(fake.requestsTo('POST', '/v1/video_generation')).toHaveLength(2);
    // Each sees its own spending in list_jobs, against its own cap.
    const mine = structured<{ spending: { today: { estimated_usd: number }; daily_budget_usd?: number } }>(await alice.call('list_jobs', {}));
    expect(mine.spending.today.estimated_usd).toBeCloseTo(price, 6);
    expect(mine.spending.daily_budget_usd).toBeCloseTo(price * 1.5, 6);
    for (const c of [alice, bob, carol]) await c.close();
  });
});

describe('spend confirmation over HTTP', () => {
  it('never asks over the stateless transport: above VIDEOGEN_CONFIRM_ABOVE_USD the call is refused, naming the setting, and nothing is sent', async () => {
    const fake = await startFakeMinimax();
    const srv = await startTestServer({ MINIMAX_API_KEY: FAKE_MINIMAX_KEY, MINIMAX_BASE_URL: fake.url, VIDEOGEN_CONFIRM_ABOVE_USD: '0.01' });
    try {
      // The client could answer elicitation; the server still does not ask (the answer could reach another instance).
      const alice = await connect(srv.url, ALICE, { elicitation: {} });
      const r = await alice.call('generate_video', job('costly'));
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/VIDEOGEN_CONFIRM_ABOVE_USD/);
      expect(fake.requestsTo('POST', '/v1/video_generation')).toHaveLength(0);
      await alice.close();
    } finally {
      await srv.close();
      await fake.close();
    }
  });
});
