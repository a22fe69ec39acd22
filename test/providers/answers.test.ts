/**
 * Every row of every provider's answer table (src/providers/answers.ts) sent by that provider's fake
 * to its adapter: the adapter must classify it as the table says (issue #10 §2).
 *  - rejected: a VideogenError with noJobCreated (never unknown_outcome), the provider's text kept;
 *  - indeterminate: an error that does not claim "no job";
 *  - job_failed: a `failed` status; not_found: a `not_found` error; transient: a retryable error;
 *    fatal: an `auth` error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireModel, validateParams, type VideoParams } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config.js';
import { VideogenError, toAgentMessage } from '../../src/errors.js';
import { planRoute } from '../../src/jobs/routing.js';
import { ANSWER_TABLES, type AnswerRule } from '../../src/providers/answers.js';
import { createAdapters } from '../../src/providers/index.js';
import type { JobHandle, ProviderAdapter, SubmitRequest } from '../../src/providers/types.js';
import type { FakeReply } from '../fakes/base.js';
import { PROFILES, type AnyFake, type FaultProfile } from '../faults/support.js';

const UNKNOWN_CODE = 7777;

function replyFor(p: FaultProfile, rule: AnswerRule): FakeReply | 'drop' {
  if (rule.answer === 'lost answer') return 'drop';
  const failed = /^HTTP (\d{3}) failed$/.exec(rule.answer);
  if (failed) return { ...p.failedInError!, status: Number(failed[1]) };
  const http = /^HTTP (\d)(\d\d|xx)$/.exec(rule.answer);
  if (http) {
    const status = http[2] === 'xx' ? Number(`${http[1]}18`) : Number(`${http[1]}${http[2]}`);
    return { status, json: p.provider === 'atlascloud' ? { code: status, msg: `wire says ${status}` } : { error: `wire says ${status}` } };
  }
  const code = /^code (\d+|other)$/.exec(rule.answer);
  if (code) {
    const n = code[1] === 'other' ? UNKNOWN_CODE : Number(code[1]);
    return p.provider === 'minimax'
      ? { status: 200, json: { task_id: '', base_resp: { status_code: n, status_msg: `wire says ${n}` } } }
      : { status: 200, json: { code: n, msg: `wire says ${n}` } };
  }
  throw new Error(`no wire form for ${rule.answer}`);
}

function submitRequest(p: FaultProfile, config: ReturnType<typeof loadConfig>): SubmitRequest {
  const { model, provider: _p, ...raw } = p.args as unknown as { model: string; provider?: string } & VideoParams;
  const resolved = requireModel(model);
  const { params, mode } = validateParams(resolved, raw);
  const offer = planRoute(resolved, params, mode, config, p.provider).candidates[0]!.offer;
  return { model: resolved.model, offer, params, idempotencyKey: 'answers-test-key' };
}

async function outcome(promise: Promise<unknown>): Promise<{ value?: unknown; error?: VideogenError }> {
  try {
    return { value: await promise };
  } catch (err) {
    expect(err).toBeInstanceOf(VideogenError);
    return { error: err as VideogenError };
  }
}

describe.each(PROFILES)('$provider answer table', (p) => {
  let fake: AnyFake;
  let adapter: ProviderAdapter;
  let req: SubmitRequest;
  let handle: JobHandle;
  beforeAll(async () => {
    fake = await p.start();
    const config = loadConfig(p.env(fake));
    adapter = createAdapters(config)[p.provider]!;
    req = submitRequest(p, config);
    handle = { ...(await adapter.submit(req, {})).handle };
    // Atlas keeps answering "queued" to a 404 in its ~30 s warm-up: this job is long past it.
    if (p.provider === 'atlascloud') handle = { ...handle, t: '1' };
  });
  afterAll(() => fake.close());

  const rules = ANSWER_TABLES[p.provider];
  it('covers both phases and the unknown-code case', () => {
    expect(rules.some((r) => r.phase === 'submit' && /other|4xx/.test(r.answer))).toBe(true);
    expect(rules.some((r) => r.phase === 'status' && r.kind === 'not_found')).toBe(true);
  });

  it.each(rules.map((r) => [`${r.phase} ${r.answer} → ${r.kind}`, r] as const))('%s', async (_name, rule) => {
    const reply = replyFor(p, rule);
    fake.clearFaults();
    const path = rule.phase === 'submit' ? p.submitPath : p.statusPath;
    const method = rule.phase === 'submit' ? 'POST' : 'GET';
    fake.addFault(reply === 'drop' ? { method, path, action: 'drop-after', times: 10 } : { method, path, action: 'respond', reply, times: 10 });
    const before = p.upstreamIds(fake).length;
    // A short deadline: retries of retryable answers stop inside it instead of backing off for seconds.
    const opts = { deadline: Date.now() + 1_200 };
    const r = await outcome(rule.phase === 'submit' ? adapter.submit(req, opts) : adapter.getJob(handle, opts));
    fake.clearFaults();
    switch (rule.kind) {
      case 'rejected':
        expect(r.error, 'an error').toBeDefined();
        expect(r.error!.code).not.toBe('unknown_outcome');
        expect(r.error!.noJobCreated, r.error!.message).toBe(true);
        // The provider's own words reach the agent, quoted and labelled.
        if (reply !== 'drop') expect(toAgentMessage(r.error!).message).toMatch(/said \(untrusted, truncated\): ".*wire says/);
        expect(p.upstreamIds(fake).length).toBe(before);
        break;
      case 'indeterminate':
        expect(r.error, 'an error').toBeDefined();
        expect(r.error!.noJobCreated, r.error!.message).toBe(false);
        break;
      case 'job_failed':
        expect(r.error?.message).toBeUndefined();
        expect((r.value as { state: string }).state).toBe('failed');
        // With the provider's reason, to be quoted.
        expect((r.value as { provider_text?: string }).provider_text).toBeTruthy();
        break;
      case 'not_found':
        expect(r.error?.code).toBe('not_found');
        break;
      case 'transient':
        expect(r.error, 'an error').toBeDefined();
        expect(['unavailable', 'rate_limited']).toContain(r.error!.code);
        break;
      case 'fatal':
        expect(r.error?.code).toBe('auth');
        break;
    }
  });
});
