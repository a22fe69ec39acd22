/** The fault suite's baseline: every profile makes a job and finishes it with no fault injected. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers.js';
import { PROFILES, faultHarness, job, timed, type AnyFake } from './support.js';

let h: Harness | undefined;
let fake: AnyFake | undefined;
afterEach(async () => {
  await h?.close();
  await fake?.close();
  h = fake = undefined;
});

describe.each(PROFILES)('$provider: no fault', (p) => {
  it('generates, finishes and saves within the budgets', async () => {
    fake = await p.start();
    h = await faultHarness(p, fake);
    const { r } = await timed(h, 'generate_video', p.args);
    const j = job(r);
    expect(p.upstreamIds(fake)).toHaveLength(1);
    let last = j;
    for (let i = 0; i < 6 && last.status !== 'succeeded'; i++) last = job((await timed(h, 'check_job', { job_id: j.job_id, wait_seconds: 3 })).r);
    expect(last.status).toBe('succeeded');
  });
});
