/**
 * Issue 6 end to end: prices in list_models, dry runs, max_cost_usd, the human confirmation and the
 * daily budget, through the MCP tools against the RunAPI fake.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeApiframe, FAKE_APIFRAME_KEY } from '../fakes/apiframe.js';
import { startFakeAtlas, FAKE_ATLAS_KEY } from '../fakes/atlascloud.js';
import { startFakeRunapi, FAKE_RUNAPI_KEY, type FakeRunapi } from '../fakes/runapi.js';
import { startHarness, structured, text, type Harness, type HarnessOptions } from '../helpers.js';
import { check, errorText, generate } from './support.js';

const IMG = 'https://cdn.example.com/first.png';
/** Hailuo 02 image-to-video standard, 6 s 512p: $0.12 on RunAPI. */
const CHEAP = { model: 'hailuo-02', prompt: 'p', first_frame_image_url: IMG, duration_seconds: 6, output_resolution: '512p' };

let h: Harness | undefined;
let f: FakeRunapi | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await f?.close();
  f = undefined;
});
async function start(env: Record<string, string> = {}, elicit?: HarnessOptions['elicit']): Promise<Harness> {
  f ??= await startFakeRunapi({ pollsToComplete: 1 });
  h = await startHarness({ env: { RUNAPI_API_KEY: FAKE_RUNAPI_KEY, RUNAPI_BASE_URL: f.url, ...env }, ...(elicit ? { elicit } : {}) });
  return h;
}

interface PriceRow {
  duration_seconds?: number;
  output_resolution?: string;
  usd: number | 'unknown';
}
interface OfferDetail {
  provider: string;
  native_model: string;
  available: boolean;
  price: { kind: string; rows: PriceRow[] };
}

describe('list_models prices', () => {
  it("hailuo-02 shows RunAPI's USD matrix (02 i2v standard 6 s 512p = 0.12), marked available", async () => {
    await start();
    const r = await h!.call('list_models', { model: 'hailuo-02' });
    const { models } = structured<{ models: { id: string; offers: OfferDetail[] }[] }>(r);
    expect(models.map((m) => m.id)).toEqual(['hailuo-02']);
    const runapi = Object.fromEntries(models[0]!.offers.filter((o) => o.provider === 'runapi').map((o) => [o.native_model, o]));
    const rows = (slug: string) => runapi[slug]!.price.rows.map((x) => `${x.duration_seconds} s ${x.output_resolution} ${x.usd}`).sort();
    expect(Object.keys(runapi).sort()).toEqual([
      'hailuo-02-image-to-video-pro',
      'hailuo-02-image-to-video-standard',
      'hailuo-02-text-to-video-pro',
      'hailuo-02-text-to-video-standard',
    ]);
    expect(rows('hailuo-02-image-to-video-standard')).toEqual(['10 s 512p 0.2', '10 s 768p 0.5', '6 s 512p 0.12', '6 s 768p 0.3']);
    expect(rows('hailuo-02-text-to-video-standard')).toEqual(['10 s 768p 0.5', '6 s 768p 0.3']);
    expect(rows('hailuo-02-text-to-video-pro')).toEqual(['6 s 1080p 0.57']);
    expect(rows('hailuo-02-image-to-video-pro')).toEqual(['6 s 1080p 0.57']);
    for (const o of Object.values(runapi)) expect(o.available).toBe(true);
    expect(models[0]!.offers.filter((o) => o.provider === 'atlascloud').every((o) => !o.available)).toBe(true);
    expect(f!.requests).toHaveLength(0);
  });
});

describe('dry_run', () => {
  it('returns the estimate and the plan and sends nothing upstream', async () => {
    await start();
    const r = await h!.call('generate_video', { ...CHEAP, dry_run: true });
    const out = structured<{
      estimated_cost_usd: number;
      provider: string;
      dry_run: { native_model: string; endpoint: string; params: Record<string, unknown> };
    }>(r);
    expect(out.estimated_cost_usd).toBe(0.12);
    expect(out.provider).toBe('runapi');
    expect(out.dry_run.native_model).toBe('hailuo-02-image-to-video-standard');
    expect(out.dry_run.endpoint).toBe('/api/v1/hailuo/image_to_video');
    expect(out.dry_run.params).toEqual({ prompt: 'p', first_frame_image_url: IMG, duration_seconds: 6, output_resolution: '512p' });
    expect(text(r)).toMatch(/nothing was submitted/);
    expect(f!.requests).toHaveLength(0);
    expect(structured<{ jobs: unknown[]; spending: { today: { estimated_usd: number } } }>(await h!.call('list_jobs', {}))).toMatchObject({
      jobs: [],
      spending: { today: { estimated_usd: 0 } },
    });
  });
});

describe('max_cost_usd', () => {
  it('0.05 on a $0.12 request is refused and nothing is sent; 0.12 is allowed', async () => {
    await start();
    const msg = errorText(await h!.call('generate_video', { ...CHEAP, max_cost_usd: 0.05 }));
    expect(msg).toMatch(/^Error \(budget\)/);
    expect(msg).toContain('$0.12');
    expect(msg).toContain('$0.05');
    expect(f!.requests).toHaveLength(0);
    const job = await generate(h!, { ...CHEAP, max_cost_usd: 0.12 });
    expect(job.estimated_cost_usd).toBe(0.12);
    expect(f!.requestsTo('POST', '/api/v1/hailuo/image_to_video')).toHaveLength(1);
  });
});

describe('money guards with two providers', () => {
  it('max_cost_usd skips a preferred provider above it for one within it', async () => {
    const atlas = await startFakeAtlas({ pollsToComplete: 1 });
    try {
      await start({ ATLASCLOUD_API_KEY: FAKE_ATLAS_KEY, ATLASCLOUD_BASE_URL: atlas.url, VIDEOGEN_PROVIDER_ORDER: 'runapi,atlascloud' });
      const job = await generate(h!, { ...CHEAP, max_cost_usd: 0.1 });
      expect(job.provider).toBe('atlascloud');
      expect(job.estimated_cost_usd).toBe(0.1);
      expect(job.detail).toMatch(/max_cost_usd/);
      expect(f!.requests).toHaveLength(0);
      expect(atlas.jobs.size).toBe(1);
      // below every offer: refused, nothing sent anywhere
      expect(errorText(await h!.call('generate_video', { ...CHEAP, max_cost_usd: 0.05 }))).toMatch(/^Error \(budget\)/);
      expect(f!.requests).toHaveLength(0);
      expect(atlas.jobs.size).toBe(1);
    } finally {
      await atlas.close();
    }
  });
});

describe('VIDEOGEN_CONFIRM_ABOVE_USD', () => {
  const env = { VIDEOGEN_CONFIRM_ABOVE_USD: '0.1' };

  it('a client that declines the elicitation gets nothing submitted', async () => {
    const asked: string[] = [];
    await start(env, (m) => {
      asked.push(m);
      return { action: 'decline' };
    });
    const msg = errorText(await h!.call('generate_video', CHEAP));
    expect(msg).toMatch(/^Error \(declined\)/);
    expect(msg).toContain('$0.12');
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain('$0.12');
    expect(asked[0]).toContain('runapi');
    expect(f!.requests).toHaveLength(0);
    expect(structured<{ jobs: unknown[]; spending: { today: { estimated_usd: number } } }>(await h!.call('list_jobs', {}))).toMatchObject({
      jobs: [],
      spending: { today: { estimated_usd: 0 } },
    });
  });

  it('accepting without ticking the box is not consent', async () => {
    await start(env, () => ({ action: 'accept', content: { confirm: false } }));
    expect(errorText(await h!.call('generate_video', CHEAP))).toMatch(/declined/);
    expect(f!.requests).toHaveLength(0);
  });

  it('a client that accepts gets the job', async () => {
    let n = 0;
    await start(env, () => {
      n++;
      return { action: 'accept', content: { confirm: true } };
    });
    const job = await generate(h!, CHEAP);
    expect(n).toBe(1);
    expect(job.provider).toBe('runapi');
    expect(f!.jobs.size).toBe(1);
    expect((await check(h!, job.job_id)).job.status).toBe('succeeded');
  });

  it('a client without elicitation gets a refusal naming the setting, nothing sent', async () => {
    await start(env);
    const msg = errorText(await h!.call('generate_video', CHEAP));
    expect(msg).toMatch(/^Error \(budget\)/);
    expect(msg).toContain('VIDEOGEN_CONFIRM_ABOVE_USD');
    expect(f!.requests).toHaveLength(0);
  });

  it('a request at or below the threshold is not asked about', async () => {
    let n = 0;
    await start({ VIDEOGEN_CONFIRM_ABOVE_USD: '0.12' }, () => {
      n++;
      return { action: 'decline' };
    });
    await generate(h!, CHEAP);
    expect(n).toBe(0);
    expect(f!.jobs.size).toBe(1);
  });

  it('dry_run does not ask', async () => {
    let n = 0;
    await start(env, () => {
      n++;
      return { action: 'decline' };
    });
    structured(await h!.call('generate_video', { ...CHEAP, dry_run: true }));
    expect(n).toBe(0);
  });
});

describe('VIDEOGEN_BUDGET_USD_DAILY', () => {
  it('0.5 in one process: sequential $0.12 jobs stop at 4, the 5th is refused with spent, cap and estimate; list_jobs reports spending', async () => {
    await start({ VIDEOGEN_BUDGET_USD_DAILY: '0.5' });
    const jobs = [];
    for (let i = 0; i < 4; i++) jobs.push(await generate(h!, { ...CHEAP, prompt: `clip ${i}` }));
    expect(f!.jobs.size).toBe(4);
    const msg = errorText(await h!.call('generate_video', { ...CHEAP, prompt: 'clip 4' }));
    expect(msg).toMatch(/^Error \(budget\)/);
    expect(msg).toContain('$0.48'); // spent
    expect(msg).toContain('$0.50'); // cap
    expect(msg).toContain('$0.12'); // this call
    expect(msg).toContain('VIDEOGEN_BUDGET_USD_DAILY');
    expect(f!.requestsTo('POST', '/api/v1/')).toHaveLength(4);
    expect(f!.jobs.size).toBe(4);

    let list = structured<{
      total: number;
      spending: { today: { estimated_usd: number; billed_usd: number }; all_time: { estimated_usd: number }; daily_budget_usd: number };
    }>(await h!.call('list_jobs', {}));
    expect(list.total).toBe(4);
    expect(list.spending).toEqual({ today: { estimated_usd: 0.48, billed_usd: 0 }, all_time: { estimated_usd: 0.48, billed_usd: 0 }, daily_budget_usd: 0.5 });
    // once finished, the provider's billed cost is reported too
    for (const j of jobs) expect((await check(h!, j.job_id)).job.billed_cost_usd).toBe(0.12);
    list = structured(await h!.call('list_jobs', {}));
    expect(list.spending.today).toEqual({ estimated_usd: 0.48, billed_usd: 0.48 });
  });

  it('is shared by a second server process on the same state directory', async () => {
    await start({ VIDEOGEN_BUDGET_USD_DAILY: '0.3' });
    await generate(h!, { ...CHEAP, prompt: 'a' });
    await generate(h!, { ...CHEAP, prompt: 'b' });
    const other = await startHarness({
      env: { RUNAPI_API_KEY: FAKE_RUNAPI_KEY, RUNAPI_BASE_URL: f!.url, VIDEOGEN_BUDGET_USD_DAILY: '0.3' },
      stateDir: h!.stateDir,
      workDir: h!.workDir,
    });
    try {
      const msg = errorText(await other.call('generate_video', { ...CHEAP, prompt: 'c' }));
      expect(msg).toContain('$0.24');
      expect(f!.jobs.size).toBe(2);
    } finally {
      await other.close();
    }
  });

  it('parallel calls cannot overshoot the cap together', async () => {
    await start({ VIDEOGEN_BUDGET_USD_DAILY: '0.5' });
    const rs = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => h!.call('generate_video', { ...CHEAP, prompt: `par ${i}` })));
    expect(rs.filter((r) => !r.isError)).toHaveLength(4);
    expect(rs.filter((r) => r.isError).every((r) => /Error \(budget\)/.test(text(r)))).toBe(true);
    expect(f!.jobs.size).toBe(4);
  });

  it('a submit whose outcome is unknown keeps its reservation (the provider may bill it)', async () => {
    const atlas = await startFakeAtlas({ pollsToComplete: 1 });
    try {
      atlas.addFault({ method: 'POST', path: '/api/v1/model/generateVideo', action: 'drop-after' });
      h = await startHarness({ env: { ATLASCLOUD_API_KEY: FAKE_ATLAS_KEY, ATLASCLOUD_BASE_URL: atlas.url, VIDEOGEN_BUDGET_USD_DAILY: '0.25' } });
      const fast = { model: 'minimax/hailuo-02/fast', prompt: 'p', first_frame_image_url: IMG };
      expect(errorText(await h.call('generate_video', { ...fast, prompt: 'lost' }))).toMatch(/unknown_outcome/);
      expect(atlas.jobs.size).toBe(1); // it was created upstream
      const list = structured<{ spending: { today: { estimated_usd: number } } }>(await h.call('list_jobs', {}));
      expect(list.spending.today.estimated_usd).toBe(0.1);
      await generate(h, { ...fast, prompt: 'second' });
      const msg = errorText(await h.call('generate_video', { ...fast, prompt: 'third' }));
      expect(msg).toMatch(/Daily budget reached: \$0\.20 of \$0\.25/);
      expect(atlas.jobs.size).toBe(2);
    } finally {
      await atlas.close();
    }
  });

  it('replaying a lost RunAPI submit with its key is not counted twice against the cap', async () => {
    await start({ VIDEOGEN_BUDGET_USD_DAILY: '0.12' });
    f!.addFault({ method: 'POST', path: '/api/v1/', action: 'drop-after', times: 4 });
    const args = { ...CHEAP, idempotency_key: 'lost-once' };
    expect(errorText(await h!.call('generate_video', args))).toContain('"lost-once"');
    let list = structured<{ spending: { today: { estimated_usd: number } } }>(await h!.call('list_jobs', {}));
    expect(list.spending.today.estimated_usd).toBe(0.12);
    const job = await generate(h!, args);
    expect(job.provider).toBe('runapi');
    expect(f!.jobs.size).toBe(1);
    list = structured(await h!.call('list_jobs', {}));
    expect(list.spending.today.estimated_usd).toBe(0.12);
  });

  it('a submit that provably made no job gives its reservation back', async () => {
    f = await startFakeRunapi({ pollsToComplete: 1, balanceCents: 5 }); // every task answers 402
    await start({ VIDEOGEN_BUDGET_USD_DAILY: '0.2' });
    for (let i = 0; i < 3; i++) expect(errorText(await h!.call('generate_video', { ...CHEAP, prompt: `x${i}` }))).toMatch(/insufficient_credits/);
    const list = structured<{ spending: { today: { estimated_usd: number } } }>(await h!.call('list_jobs', {}));
    expect(list.spending.today.estimated_usd).toBe(0);
    expect(f.requestsTo('POST', '/api/v1/')).toHaveLength(3);
  });
});

describe('Apiframe credits', () => {
  it('with APIFRAME_USD_PER_CREDIT, the estimate and the billed cost are in USD, and list_jobs counts them', async () => {
    const af = await startFakeApiframe({ pollsToComplete: 1, creditsAvailable: 100 });
    try {
      h = await startHarness({ env: { APIFRAME_API_KEY: FAKE_APIFRAME_KEY, APIFRAME_BASE_URL: af.url, APIFRAME_USD_PER_CREDIT: '0.02' } });
      const job = await generate(h, { model: 'hailuo-02', prompt: 'p', duration_seconds: 10 });
      expect(job.estimated_cost_usd).toBe(0.16); // 8 credits
      const { job: done } = await check(h, job.job_id);
      expect(done.billed_cost_usd).toBe(0.16);
      expect(af.credits()).toBe(92);
      const list = structured<{ spending: { today: { estimated_usd: number; billed_usd: number } } }>(await h.call('list_jobs', {}));
      expect(list.spending.today).toEqual({ estimated_usd: 0.16, billed_usd: 0.16 });
    } finally {
      await af.close();
    }
  });
});
