import { describe, expect, it } from 'vitest';
import { MAX_POLL_FAILURES, pollBackoffMs } from '../../src/jobs/service.js';

describe('status polls after failures back off', () => {
  it('doubles from the provider interval (never below it, never below 1 s) and caps at 5 min', () => {
    expect(pollBackoffMs(5_000, 1)).toBe(10_000);
    expect(pollBackoffMs(5_000, 2)).toBe(20_000);
    expect(pollBackoffMs(250, 1)).toBe(2_000);
    expect(pollBackoffMs(2_000, 30)).toBe(5 * 60_000);
    for (let n = 1; n < 20; n++) expect(pollBackoffMs(2_000, n + 1)).toBeGreaterThanOrEqual(pollBackoffMs(2_000, n));
  });

  it('background polling gives up after a bounded number of consecutive failures', () => {
    expect(MAX_POLL_FAILURES).toBeGreaterThan(2);
    expect(MAX_POLL_FAILURES).toBeLessThanOrEqual(10);
  });
});
