/**
 * A pending submit's sender is judged alive by its pid only on its own host: team instances on other
 * hosts sharing one PostgreSQL store must not replay or record as unknown a submit another host is
 * still waiting on (issue #14 "Many instances", #10 §4).
 */
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { PendingSubmit } from '../../src/jobs/ledger.js';
import { PENDING_STALE_MS, isLive } from '../../src/jobs/submit/reconcile.js';
import type { SubmitEnv } from '../../src/jobs/submit/types.js';

const now = Date.parse('2026-11-30T03:00:00Z');
const env = { now: () => now } as unknown as SubmitEnv;
const pending = (over: Partial<PendingSubmit>): PendingSubmit => ({
  idempotency_key: 'k-1',
  provider: 'atlascloud',
  model: 'hailuo-02',
  native_model: 'minimax/hailuo-02/standard',
  params: {},
  fingerprint: 'f',
  created_at: new Date(now - 1_000).toISOString(),
  ...over,
});
// A pid that cannot be alive on this host.
const DEAD_PID = 2 ** 22 + 12_345;

describe('isLive: whose pending submit is still being sent', () => {
  it('another host: live while fresh, whatever its pid means here', () => {
    expect(isLive(env, pending({ pid: DEAD_PID, host: `not-${hostname()}` }))).toBe(true);
  });
  it('another host: stale after PENDING_STALE_MS', () => {
    const old = new Date(now - PENDING_STALE_MS - 1).toISOString();
    expect(isLive(env, pending({ pid: DEAD_PID, host: `not-${hostname()}`, created_at: old }))).toBe(false);
  });
  it('this host: a dead pid is not live (an orphan to reconcile)', () => {
    expect(isLive(env, pending({ pid: DEAD_PID, host: hostname() }))).toBe(false);
    expect(isLive(env, pending({ pid: DEAD_PID }))).toBe(false);
  });
  it('released by its sender (no pid): not live on any host', () => {
    expect(isLive(env, pending({ host: `not-${hostname()}` }))).toBe(false);
  });
});
