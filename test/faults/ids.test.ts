/**
 * Job ids and definite answers (issue #10 §2, §3) for every provider, through the MCP tools:
 *  - a well-formed job id neither the ledger nor the provider knows is an error, and nothing is recorded;
 *  - a crafted job id (path traversal, query, encoded slash) is refused before any request;
 *  - a submit answered with an error code and no job id (a code our table may not know) is a
 *    definite refusal: no unknown_outcome, no job record, nothing counted as spent.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encodeJobId } from '../../src/jobs/job-id.js';
import { structured, text } from '../helpers.js';
import { PROFILES, SLACK_MS, CALL_BUDGET_SECONDS, printRows, scenario } from './support.js';

// Every scenario mostly waits on its own fake and budget: run them side by side.
vi.setConfig({ maxConcurrency: 40 });
afterAll(printRows);

const NO_WAIT_MS = CALL_BUDGET_SECONDS * 1000 + SLACK_MS;

interface Listed {
  jobs: { job_id: string; status: string }[];
  spending: { today: { estimated_usd: number } };
}

/** A handle shaped like this provider's, for a job its fake never created. */
function strangerHandle(p: (typeof PROFILES)[number]): Record<string, string> {
  switch (p.provider) {
    case 'runapi':
      return { id: '00000000-0000-4000-8000-000000000000', svc: 'hailuo', ep: 'text_to_video' };
    case 'atlascloud':
      return { id: 'f'.repeat(32), t: '1' };
    case 'minimax':
      return { id: '106916112212032' };
    default:
      return { id: '00000000-0000-4000-8000-000000000000' };
  }
}

describe.concurrent.each(PROFILES)('$provider job ids and definite answers', (p) => {
  it.concurrent('a job id neither the ledger nor the provider knows is an error, and nothing is recorded', async () => {
    const row = await scenario('unknown job id', p, async (s) => {
      const id = encodeJobId(p.provider, 'hailuo-02', strangerHandle(p) as { id: string });
      for (const args of [{ job_id: id }, { job_id: id, wait_seconds: 3 }]) {
        const r = await s.call('check_job', args);
        expect(r.isError, text(r)).toBe(true);
        expect(text(r)).toMatch(/unknown: this server has no record of it and .* says it does not exist/);
      }
      expect(structured<Listed>(await s.call('list_jobs', {})).jobs).toEqual([]);
      expect(s.longestMs).toBeLessThan(NO_WAIT_MS);
    });
    expect(row).toMatchObject({ duplicates: 0, jobsLost: 0 });
  });

  it.concurrent('a job id the ledger does not hold, while the provider stalls: an error within budget, nothing recorded', async () => {
    await scenario('unknown job id, provider stalls', p, async (s) => {
      s.fake.addFault({ method: 'GET', path: p.statusPath, action: 'stall', times: Infinity });
      const id = encodeJobId(p.provider, 'hailuo-02', strangerHandle(p) as { id: string });
      const r = await s.call('check_job', { job_id: id });
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/not in this server's records.*could not confirm it just now.*Nothing was recorded/);
      expect(s.longestMs).toBeLessThan(NO_WAIT_MS);
      expect(structured<Listed>(await s.call('list_jobs', {})).jobs).toEqual([]);
    });
  });

  it.concurrent('crafted job ids are refused before any request reaches the provider', async () => {
    await scenario('crafted job id', p, async (s) => {
      const base = strangerHandle(p);
      const crafted = [
        { ...base, id: '../../v1/organization' },
        { ...base, id: '..' },
        { ...base, id: 'abc?x=1' },
        { ...base, id: 'abc%2F..%2Fadmin' },
        { ...base, id: 'abc#frag' },
        { ...base, id: 'a b' },
        ...(p.provider === 'runapi'
          ? [
              { ...base, svc: '..' },
              { ...base, ep: 'x/../../me' },
            ]
          : []),
      ];
      const before = s.fake.requests.length;
      for (const h of crafted) {
        const r = await s.call('check_job', { job_id: encodeJobId(p.provider, 'hailuo-02', h as { id: string }) });
        expect(r.isError).toBe(true);
        expect(text(r)).toMatch(/is not a videogen job id/);
        const c = await s.call('cancel_job', { job_id: encodeJobId(p.provider, 'hailuo-02', h as { id: string }) });
        expect(c.isError).toBe(true);
      }
      expect(s.fake.requests.length).toBe(before);
      expect(structured<Listed>(await s.call('list_jobs', {})).jobs).toEqual([]);
    });
  });

  it.concurrent('a submit answered with an error code and no job id is a definite refusal: no unknown outcome, no record, nothing spent', async () => {
    const row = await scenario('error code, no job id, on submit', p, async (s) => {
      s.fake.addFault({ method: 'POST', path: p.submitPath, action: 'respond', reply: p.unknownRejection, times: Infinity });
      const r = await s.call('generate_video', p.args);
      expect(r.isError).toBe(true);
      const msg = text(r);
      expect(msg).not.toMatch(/unknown_outcome|may or may not|response was lost/);
      expect(msg).toMatch(/said \(untrusted, truncated\)/);
      const listed = structured<Listed>(await s.call('list_jobs', {}));
      expect(listed.jobs).toEqual([]);
      expect(listed.spending.today.estimated_usd).toBe(0);
    });
    expect(row).toMatchObject({ duplicates: 0, jobsLost: 0 });
  });

  it.concurrent('a submit answer whose job id would steer a status URL is an unknown outcome, recorded, never resubmitted', async () => {
    await scenario('unsafe job id in a submit answer', p, async (s) => {
      s.fake.addFault({ method: 'POST', path: p.submitPath, action: 'respond', reply: p.createdWithId('../../v1/organization'), times: Infinity });
      const r = await s.call('generate_video', p.args);
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/job id this server cannot use safely|may or may not|unknown/i);
      expect(s.fake.requestsTo('POST', p.submitPath)).toHaveLength(1);
      // Nothing followed the crafted id anywhere on the provider's host.
      expect(s.fake.requests.filter((q) => q.path.includes('organization'))).toEqual([]);
    });
  });

  it.concurrent('provider text echoing the key in an encoded form never reaches the agent', async () => {
    await scenario('key echoed encoded in an error', p, async (s) => {
      const key = Object.values(p.env(s.fake)).find((v) => !v.startsWith('http'))!;
      const forms = [Buffer.from(`Bearer ${key}`).toString('base64'), Buffer.from(key).toString('base64url'), encodeURIComponent(`${key}/`)];
      const echo = `bad credentials ${forms.join(' ')} ${key}`;
      const reply =
        p.provider === 'atlascloud'
          ? { status: 401, json: { code: 401, msg: echo } }
          : p.provider === 'minimax'
            ? { status: 200, json: { base_resp: { status_code: 1004, status_msg: echo } } }
            : { status: 401, json: { error: echo } };
      s.fake.addFault({ method: 'POST', path: p.submitPath, action: 'respond', reply, times: Infinity });
      const out = text(await s.call('generate_video', p.args));
      expect(out).toContain('[redacted]');
      expect(out).not.toContain(key);
      for (const f of forms) expect(out).not.toContain(f);
      expect(out).not.toContain(Buffer.from(key).toString('base64').slice(0, 12));
    });
  });
});
