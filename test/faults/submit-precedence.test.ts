/**
 * Error precedence on the failover path (issue #10 §2): the first real cause is reported, and a
 * provider that refused the key is not asked again under another model id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAtlas, type FakeAtlas } from '../fakes/atlascloud.js';
import { FAKE_RUNAPI_KEY, startFakeRunapi, type FakeRunapi } from '../fakes/runapi.js';
import { startHarness, structured, text, type Harness } from '../helpers.js';
import { IMG } from './submit-kit.js';

let atlas: FakeAtlas;
let runapi: FakeRunapi;
const open: Harness[] = [];
beforeAll(async () => {
  atlas = await startFakeAtlas();
  runapi = await startFakeRunapi();
});
afterAll(async () => {
  for (const h of open) await h.close();
  await atlas.close();
  await runapi.close();
});

const atlasPosts = () => atlas.requestsTo('POST', '/api/v1/model/generateVideo').length;
// Two Atlas offers serve this request (minimax/hailuo-02/standard at $0.23, then i2v-standard at an
// unknown price), so a refused key used to fail over to the sibling and come back as a budget refusal.
const ARGS = { model: 'hailuo-02', prompt: 'p', first_frame_image_url: IMG };

describe('error precedence', () => {
  it('an Atlas key refused (401) is reported as auth, and no sibling Atlas offer is tried', async () => {
    const before = atlasPosts();
    const h = await startHarness({
      env: { ATLASCLOUD_API_KEY: 'wrong-key', ATLASCLOUD_BASE_URL: atlas.url, VIDEOGEN_BUDGET_USD_DAILY: '5', VIDEOGEN_DOWNLOAD: 'off' },
    });
    open.push(h);
    const r = await h.call('generate_video', { ...ARGS, provider: 'atlascloud' });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^Error \(auth\)/);
    expect(text(r)).toContain('ATLASCLOUD_API_KEY');
    expect(text(r)).not.toMatch(/budget/i);
    expect(atlasPosts() - before).toBe(1);
    // Nothing is held against the daily budget.
    const spending = structured<{ spending: { today: { estimated_usd: number } } }>(await h.call('list_jobs', {})).spending;
    expect(spending.today.estimated_usd).toBe(0);
  });

  it('after a 401 the router moves to the next PROVIDER, skipping the refused one, and says why', async () => {
    const before = atlasPosts();
    const h = await startHarness({
      env: {
        ATLASCLOUD_API_KEY: 'wrong-key',
        ATLASCLOUD_BASE_URL: atlas.url,
        RUNAPI_API_KEY: FAKE_RUNAPI_KEY,
        RUNAPI_BASE_URL: runapi.url,
        VIDEOGEN_PROVIDER_ORDER: 'atlascloud,runapi',
        VIDEOGEN_DOWNLOAD: 'off',
      },
    });
    open.push(h);
    const r = await h.call('generate_video', ARGS);
    expect(r.isError, text(r)).toBeFalsy();
    const job = structured<{ provider: string; detail?: string }>(r);
    expect(job.provider).toBe('runapi');
    expect(job.detail).toMatch(/atlascloud failed/);
    expect(atlasPosts() - before).toBe(1);
  });

  it('when every provider refuses, the first real cause leads and the others are named', async () => {
    const h = await startHarness({
      env: {
        ATLASCLOUD_API_KEY: 'wrong-key',
        ATLASCLOUD_BASE_URL: atlas.url,
        RUNAPI_API_KEY: 'also-wrong',
        RUNAPI_BASE_URL: runapi.url,
        VIDEOGEN_PROVIDER_ORDER: 'atlascloud,runapi',
        VIDEOGEN_DOWNLOAD: 'off',
      },
    });
    open.push(h);
    const r = await h.call('generate_video', ARGS);
    expect(text(r)).toMatch(/^Error \(auth\): Atlas Cloud rejected the API key/);
    expect(text(r)).toMatch(/Also tried: runapi: auth \(check RUNAPI_API_KEY\)/);
  });
});
