/**
 * Issue #13 §4: the first tool result is as fast as the cold start. list_models answers from the
 * catalog without loading the job runtime (undici, adapters, the ledger); the runtime is loaded after
 * the answer is out, ready for the next call.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

describe('lazy runtime', () => {
  afterEach(() => {
    vi.doUnmock('../../src/runtime.js');
    vi.resetModules();
  });

  it('list_models answers before the runtime is loaded; the runtime follows in the background', async () => {
    const loads: number[] = [];
    vi.doMock('../../src/runtime.js', async (importOriginal) => {
      const real = await importOriginal<typeof import('../../src/runtime.js')>();
      return { ...real, createRuntime: (...a: Parameters<typeof real.createRuntime>) => (loads.push(Date.now()), real.createRuntime(...a)) };
    });
    const { startHarness } = await import('../helpers.js');
    const h = await startHarness();
    try {
      const res = await h.call('list_models', {});
      expect(res.isError).toBeFalsy();
      const answeredAt = Date.now();
      expect(loads).toEqual([]);
      await vi.waitFor(() => expect(loads).toHaveLength(1), { timeout: 2_000 });
      expect(loads[0]!).toBeGreaterThanOrEqual(answeredAt);
      // the next call that needs it finds it loaded, and the runtime is created once
      expect((await h.call('list_jobs', {})).isError).toBeFalsy();
      expect(loads).toHaveLength(1);
    } finally {
      await h.close();
    }
  });
});
