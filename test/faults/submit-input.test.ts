/**
 * Hostile or odd input costs nothing (issue #10 §6): every refusal below happens before any upstream
 * request and any budget reservation, and names the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { loadConfig } from '../../src/config.js';
import { SpendGuard } from '../../src/jobs/budget.js';
import { Ledger } from '../../src/jobs/ledger.js';
import { JobService } from '../../src/jobs/service.js';
import { createAdapters } from '../../src/providers/index.js';
import { TOOLS } from '../../src/tools/index.js';
import { FAKE_RUNAPI_KEY, startFakeRunapi, type FakeRunapi } from '../fakes/runapi.js';
import { startHarness, structured, tempDir, text, type Harness } from '../helpers.js';

let fake: FakeRunapi;
let h: Harness;
beforeAll(async () => {
  fake = await startFakeRunapi();
  // A daily cap makes every priced call reserve budget: a reservation would show in spend.jsonl.
  h = await startHarness({ env: { RUNAPI_API_KEY: FAKE_RUNAPI_KEY, RUNAPI_BASE_URL: fake.url, VIDEOGEN_BUDGET_USD_DAILY: '50', VIDEOGEN_DOWNLOAD: 'off' } });
});
afterAll(async () => {
  await h.close();
  await fake.close();
});

const ARGS = { model: 'hailuo-02-text-to-video-pro', prompt: 'p' };
const spendFile = () => path.join(h.stateDir, 'spend.jsonl');
const spendBytes = () => (existsSync(spendFile()) ? readFileSync(spendFile(), 'utf8').length : 0);

describe('idempotency_key charset', () => {
  const BAD = ['clip-🎬-1', 'clip-“quoted”', 'line\r\nbreak', 'tab\there', 'has space', 'é-latin1', 'x'.repeat(201), '   '];
  it.each(BAD)('%j is refused as invalid_input before anything is reserved or sent, every time', async (key) => {
    const before = { requests: fake.requests.length, spend: spendBytes() };
    for (let i = 0; i < 2; i++) {
      const r = await h.call('generate_video', { ...ARGS, idempotency_key: key });
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/idempotency_key/);
      expect(text(r)).not.toMatch(/internal/);
    }
    expect(fake.requests.length).toBe(before.requests);
    expect(spendBytes()).toBe(before.spend);
  });

  it('a key in the charset still works, and submits once', async () => {
    const key = `ok-${'!#$%&()*+,-./:;<=>?@[]^_`{|}~'}`;
    const a = await h.call('generate_video', { ...ARGS, idempotency_key: key });
    expect(a.isError, text(a)).toBeFalsy();
    const b = await h.call('generate_video', { ...ARGS, idempotency_key: key });
    expect(structured<{ job_id: string }>(b).job_id).toBe(structured<{ job_id: string }>(a).job_id);
    expect(fake.requestsTo('POST', '/api/v1/hailuo/text_to_video')).toHaveLength(1);
  });
});

/** Minimal valid arguments per tool, so only the blank field is wrong. */
const BASE: Record<string, Record<string, unknown>> = {
  generate_video: ARGS,
  check_job: { job_id: 'simulator_x' },
  cancel_job: { job_id: 'simulator_x' },
  list_models: {},
  list_jobs: {},
};

const stringFields = TOOLS.flatMap((tool) =>
  Object.entries((tool.inputSchema as z.ZodObject).shape)
    .filter(([, schema]) => (schema as z.ZodType).safeParse('x').success || (schema as z.ZodType).safeParse('hailuo-02').success)
    .map(([field]) => ({ tool: tool.name, field })),
);

describe('blank values', () => {
  it('covers every string field of every tool', () => {
    expect(new Set(stringFields.map((f) => f.tool))).toEqual(new Set(Object.keys(BASE)));
    expect(stringFields.length).toBeGreaterThan(10);
  });

  it.each(stringFields)('$tool.$field: empty and whitespace-only values are refused naming the field', async ({ tool, field }) => {
    const before = { requests: fake.requests.length, spend: spendBytes() };
    for (const blank of ['', '   ', '\t\n']) {
      const r = await h.call(tool, { ...BASE[tool], [field]: blank });
      expect(r.isError, `${tool}.${field}=${JSON.stringify(blank)}: ${text(r)}`).toBe(true);
      expect(text(r)).toContain(field);
    }
    expect(fake.requests.length).toBe(before.requests);
    expect(spendBytes()).toBe(before.spend);
  });
});

describe('a request the HTTP client refuses to build', () => {
  it('is a definite failure: nothing recorded as unknown, the key stays free, nothing reserved', async () => {
    const stateDir = tempDir('videogen-refused-');
    const config = loadConfig(
      { VIDEOGEN_STATE_DIR: stateDir, RUNAPI_API_KEY: FAKE_RUNAPI_KEY, RUNAPI_BASE_URL: fake.url, VIDEOGEN_BUDGET_USD_DAILY: '50' },
      stateDir,
    );
    const adapters = createAdapters(config);
    const runapi = adapters.runapi!;
    let fail = true;
    const realSubmit = runapi.submit.bind(runapi);
    // undici refuses a header it cannot send: the error it throws before anything leaves.
    runapi.submit = async (req, opts) => {
      if (fail) throw Object.assign(new Error('invalid idempotency-key header'), { name: 'InvalidArgumentError', code: 'UND_ERR_INVALID_ARG' });
      return realSubmit(req, opts);
    };
    const ledger = new Ledger(stateDir);
    const guard = new SpendGuard(ledger, { dailyCapUsd: 50, confirmAboveUsd: undefined });
    const service = new JobService({ config, ledger, adapters, roots: async () => [], guard });
    const before = fake.requests.length;
    await expect(service.generate({ ...ARGS, idempotency_key: 'refused-1' })).rejects.toMatchObject({ noJobCreated: true });
    expect(fake.requests.length).toBe(before);
    expect(await ledger.list()).toEqual([]);
    expect(await ledger.getPendingSubmit('refused-1')).toBeUndefined();
    expect((await guard.totals()).today_estimated_usd).toBe(0);
    // Not poisoned: once the request can be built, the same key submits.
    fail = false;
    const ok = await service.generate({ ...ARGS, idempotency_key: 'refused-1' });
    expect('record' in ok && ok.record.status).toBe('queued');
  });
});
