import { describe, expect, it } from 'vitest';
import { EARLY_POLL_MS, MAX_INTERVAL_MS, nextPollDelayMs } from '../../src/jobs/schedule.js';

/** Walk the schedule for a job that finishes at `doneMs`; count polls and the lag after finishing. */
function walk(doneMs: number, typicalMs: number, minIntervalMs: number) {
  let t = 0;
  let polls = 0;
  for (;;) {
    t += nextPollDelayMs({ elapsedMs: t, typicalMs, minIntervalMs });
    polls++;
    if (t >= doneMs) return { polls, lagMs: t - doneMs };
    if (polls > 500) throw new Error('runaway');
  }
}

describe('poll schedule', () => {
  it('polls a 120 s job at most 15 times and knows within 3 s', () => {
    const r = walk(120_000, 120_000, 2_000);
    expect(r.polls).toBeLessThanOrEqual(15);
    expect(r.lagMs).toBeLessThanOrEqual(3_000);
  });

  it('never polls faster than the provider allows (Runway: 5 s)', () => {
    for (let t = 0; t < 600_000; t += 777) expect(nextPollDelayMs({ elapsedMs: t, typicalMs: 60_000, minIntervalMs: 5_000 })).toBeGreaterThanOrEqual(5_000);
  });

  it('honours Retry-After over its own plan', () => {
    expect(nextPollDelayMs({ elapsedMs: 50_000, typicalMs: 60_000, minIntervalMs: 2_000, retryAfterMs: 20_000 })).toBe(20_000);
  });

  it('polls early once, then sparsely, and backs off on overruns up to a cap', () => {
    expect(nextPollDelayMs({ elapsedMs: 0, typicalMs: 120_000, minIntervalMs: 2_000 })).toBe(EARLY_POLL_MS);
    expect(nextPollDelayMs({ elapsedMs: 10_000, typicalMs: 120_000, minIntervalMs: 2_000 })).toBeGreaterThan(30_000);
    expect(nextPollDelayMs({ elapsedMs: 3_600_000, typicalMs: 120_000, minIntervalMs: 2_000 })).toBe(MAX_INTERVAL_MS);
    const long = walk(300_000, 120_000, 2_000);
    expect(long.polls).toBeLessThan(40);
    expect(long.lagMs).toBeLessThanOrEqual(MAX_INTERVAL_MS);
  });

  it('uses provider progress to refine the expected end', () => {
    // Half done after 20 s → about 20 s left, so the next poll comes well before the typical 120 s.
    const d = nextPollDelayMs({ elapsedMs: 20_000, typicalMs: 120_000, minIntervalMs: 2_000, progress: 0.5 });
    expect(d).toBeLessThan(10_000);
  });
});
