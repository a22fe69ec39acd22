/**
 * Submit-side faults, for every provider (issue #10 §1 and §4):
 *  - STALL: the provider takes longer to answer the submit than the call's budget. The call answers
 *    within its budget with the idempotency_key; the submit keeps going, its job is recorded when the
 *    answer arrives, and the same key returns it. One job upstream.
 *  - RESET AFTER ACCEPT: the provider creates the job and the connection drops before the answer.
 *    Keyed providers (RunAPI, Apiframe): the same key replays it, one job upstream. Others: an
 *    `unknown` job carrying the key is listed, and the same key returns it without a second submit.
 *  - STALLED UPLOAD: the media upload outlasts the budget. Nothing submitted, nothing reserved.
 * Budgets are set short by environment (VIDEOGEN_CALL_BUDGET_SECONDS=1).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, structured, text, type Harness } from '../helpers.js';
import type { FakeServer } from '../fakes/base.js';
import { PROVIDERS, measure, submits, timed, type ProviderKit } from './submit-kit.js';

const BUDGET_S = 1;
/** The injected stall: well past the budget, short enough for a fast suite. */
const STALL_MS = 2_500;

const open: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const o of open.reverse()) await o.close();
});

async function setup(kit: ProviderKit): Promise<{ h: Harness; fake: FakeServer; upstreamJobs: () => number }> {
  const { fake, upstreamJobs } = await kit.start();
  open.push(fake);
  const h = await startHarness({ env: { ...kit.env(fake), VIDEOGEN_DOWNLOAD: 'off', VIDEOGEN_CALL_BUDGET_SECONDS: String(BUDGET_S) } });
  open.push(h);
  await h.call('list_jobs', {}); // loads the runtime: the measured calls are warm
  return { h, fake, upstreamJobs };
}

interface Out {
  job_id?: string;
  status?: string;
  idempotency_key?: string;
  next_action: string;
  reused?: boolean;
  error?: { code: string };
}

/** Call generate_video with the key until it returns a job (each call bounded by the budget). */
async function untilJob(h: Harness, args: Record<string, unknown>, maxMs = 10_000): Promise<{ out: Out; longest: number }> {
  const end = Date.now() + maxMs;
  let longest = 0;
  for (;;) {
    const { value: r, ms } = await timed(() => h.call('generate_video', args));
    longest = Math.max(longest, ms);
    expect(r.isError, text(r)).toBeFalsy();
    const out = structured<Out>(r);
    if (out.job_id) return { out, longest };
    if (Date.now() > end) throw new Error(`no job after ${maxMs} ms: ${text(r)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function spendLines(h: Harness): { key: string; released?: boolean }[] {
  const f = path.join(h.stateDir, 'spend.jsonl');
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { key: string; released?: boolean });
}

describe.each(PROVIDERS)('$id', (kit) => {
  it('stalled submit: the call answers within its budget, the job is recorded when the answer arrives, the key returns it', async () => {
    const { h, fake, upstreamJobs } = await setup(kit);
    fake.addFault({ method: 'POST', path: kit.submitPath, action: 'delay', delayMs: STALL_MS });
    const key = `stall-${kit.id}`;
    const args = { ...kit.args, idempotency_key: key };
    const { value: r, ms } = await timed(() => h.call('generate_video', args));
    expect(r.isError, text(r)).toBeFalsy();
    const first = structured<Out>(r);
    // The answer came before the provider did: it carries the key and says how to find the job.
    expect(ms).toBeLessThan(STALL_MS);
    expect(first.job_id).toBeUndefined();
    expect(first.idempotency_key).toBe(key);
    expect(first.next_action).toContain(key);
    const { out, longest } = await untilJob(h, args);
    expect(out.reused).toBe(true);
    expect(out.status).toBe('queued');
    expect(upstreamJobs()).toBe(1);
    expect(submits(fake, kit)).toBe(1);
    const listed = structured<{ jobs: { job_id: string }[] }>(await h.call('list_jobs', {}));
    expect(listed.jobs.map((j) => j.job_id)).toEqual([out.job_id]);
    measure('stalled submit', kit.id, Math.max(ms, longest), { duplicates: upstreamJobs() - 1, lost: 0 });
  });

  it('reset after accept: nothing is lost and nothing is submitted twice', async () => {
    const { h, fake, upstreamJobs } = await setup(kit);
    fake.addFault({ method: 'POST', path: kit.submitPath, action: 'drop-after' });
    const key = `reset-${kit.id}`;
    const args = { ...kit.args, idempotency_key: key };
    const { value: r, ms } = await timed(() => h.call('generate_video', args));
    expect(upstreamJobs()).toBe(1);
    let longest = ms;
    if (kit.idempotent) {
      // Either the request helper already replayed it with the key inside the call, or the answer
      // names the key that replays it.
      if (r.isError) expect(text(r)).toMatch(new RegExp(`^Error \\(unavailable\\).*${key}`));
      const { out, longest: l } = await untilJob(h, args);
      longest = Math.max(longest, l);
      expect(out.status).toBe('queued');
      expect(submits(fake, kit)).toBe(2); // the replay, deduplicated upstream by the key
    } else {
      expect(r.isError).toBe(true);
      expect(text(r)).toContain(key);
      expect(text(r)).toMatch(/^Error \(unknown_outcome\)/);
      const listed = structured<{ jobs: { job_id: string; error?: { code: string } }[] }>(await h.call('list_jobs', {}));
      expect(listed.jobs).toHaveLength(1);
      expect(listed.jobs[0]!.job_id).toBe(`unknown_${key}`);
      expect(listed.jobs[0]!.error?.code).toBe('unknown_outcome');
      const { value: again, ms: l } = await timed(() => h.call('generate_video', args));
      longest = Math.max(longest, l);
      expect(structured<Out>(again).reused).toBe(true);
      expect(submits(fake, kit)).toBe(1);
    }
    expect(upstreamJobs()).toBe(1);
    measure('reset after accept', kit.id, longest, { duplicates: upstreamJobs() - 1, lost: 0 });
  });

  it('reset before accept: at most one job, never two, and an unknown is listed with its key', async () => {
    const { h, fake, upstreamJobs } = await setup(kit);
    // The connection drops before the provider acts: nothing is created, but the client cannot know.
    fake.addFault({ method: 'POST', path: kit.submitPath, action: 'refuse' });
    const key = `refused-${kit.id}`;
    const args = { ...kit.args, idempotency_key: key };
    const { value: r, ms } = await timed(() => h.call('generate_video', args));
    expect(upstreamJobs()).toBeLessThanOrEqual(1); // keyed providers may replay inside the call
    let longest = ms;
    if (kit.idempotent) {
      if (r.isError) expect(text(r)).toContain(key);
      const { out, longest: l } = await untilJob(h, args);
      longest = Math.max(longest, l);
      expect(out.job_id).toBeTruthy();
      expect(upstreamJobs()).toBe(1);
    } else {
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/^Error \(unknown_outcome\)/);
      expect(text(r)).toContain(key);
      const again = await h.call('generate_video', args);
      expect(structured<Out>(again).job_id).toBe(`unknown_${key}`);
      expect(submits(fake, kit)).toBe(1);
      expect(upstreamJobs()).toBe(0);
    }
    measure('reset before accept', kit.id, longest, { duplicates: Math.max(0, upstreamJobs() - 1), lost: 0 });
  });
});

// MiniMax and Runway inline small frames as data URIs: no upload to stall.
describe.each(PROVIDERS.filter((k) => k.uploadPath !== undefined))('$id upload', (kit) => {
  it('stalled upload: answers within the budget, nothing submitted, nothing reserved', async () => {
    const { h, fake, upstreamJobs } = await setup(kit);
    writeFileSync(path.join(h.workDir, 'frame.png'), readFileSync('test/fixtures/media/red-400x320.png'));
    fake.addFault({ path: kit.uploadPath!, action: 'delay', delayMs: STALL_MS, times: 5 });
    const args = { ...(kit.imageArgs ?? kit.args), first_frame_image_url: 'frame.png', idempotency_key: `upload-${kit.id}` };
    const { value: r, ms } = await timed(() => h.call('generate_video', args));
    expect(ms).toBeLessThan(STALL_MS);
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/nothing was submitted/);
    expect(submits(fake, kit)).toBe(0);
    expect(upstreamJobs()).toBe(0);
    // Whatever was reserved is released (the guard only reserves priced offers).
    const lines = spendLines(h);
    const held = new Set<string>();
    for (const l of lines) l.released ? held.delete(l.key) : held.add(l.key);
    expect([...held]).toEqual([]);
    // The key is not poisoned: without the fault, the same key submits once.
    fake.clearFaults();
    const ok = await h.call('generate_video', args);
    expect(ok.isError, text(ok)).toBeFalsy();
    expect(submits(fake, kit)).toBe(1);
    measure('stalled upload', kit.id, ms, { duplicates: 0, lost: 0 });
  });
});
