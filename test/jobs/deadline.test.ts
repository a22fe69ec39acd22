/** The per-call deadline (jobs/deadline.ts) and the tool-boundary budget (server.ts). */
import { describe, expect, it } from 'vitest';
import { createDeadline, remainingMs } from '../../src/jobs/deadline.js';
import { callBudgetMs, refuseBlankStrings } from '../../src/server.js';

describe('createDeadline', () => {
  it('aborts when the budget is spent, with a TimeoutError', async () => {
    const d = createDeadline(50);
    expect(d.signal.aborted).toBe(false);
    await new Promise((r) => d.signal.addEventListener('abort', r, { once: true }));
    expect((d.signal.reason as DOMException).name).toBe('TimeoutError');
    expect(remainingMs(d)).toBe(0);
  });

  it('aborts at once when the caller cancels, with the caller’s reason', () => {
    const parent = new AbortController();
    const d = createDeadline(60_000, parent.signal);
    parent.abort(new Error('client cancelled'));
    expect(d.signal.aborted).toBe(true);
    expect((d.signal.reason as Error).message).toBe('client cancelled');
  });

  it('fires even when nothing but a listener holds it (no weakly held timeout signal)', async () => {
    let fired = false;
    createDeadline(30).signal.addEventListener('abort', () => (fired = true));
    const g = (globalThis as { gc?: () => void }).gc;
    g?.();
    await new Promise((r) => setTimeout(r, 120));
    expect(fired).toBe(true);
  });
});

describe('callBudgetMs', () => {
  const config = { callBudgetMs: 10_000, maxWaitSeconds: 50 };
  it('is the call budget without a wait, the capped wait with a longer one', () => {
    expect(callBudgetMs(config, {})).toBe(10_000);
    expect(callBudgetMs(config, { wait_seconds: 3 })).toBe(10_000);
    expect(callBudgetMs(config, { wait_seconds: 30 })).toBe(30_000);
    expect(callBudgetMs(config, { wait_seconds: 600 })).toBe(50_000);
  });
});

describe('refuseBlankStrings', () => {
  it('names the blank field', () => {
    expect(() => refuseBlankStrings({ model: 'x', prompt: ' \n' })).toThrow(/prompt is blank/);
    expect(() => refuseBlankStrings({ job_id: '' })).toThrow(/job_id is empty/);
    expect(() => refuseBlankStrings({ model: 'x', duration_seconds: 6 })).not.toThrow();
  });
});
