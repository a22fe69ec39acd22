/** Tenancy at the store: one principal's view of a shared PostgreSQL store, from two instances. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForeignJobError, ScopedStore } from '../../src/store/scoped-store.js';
import type { PgStore } from '../../src/store/pg-store.js';
import { rec } from '../store/conformance.js';
import { dropSchema, freshSchema, openStore } from './support.js';

describe('ScopedStore over PostgreSQL', () => {
  const schema = freshSchema();
  let a: PgStore;
  let b: PgStore;
  beforeAll(async () => {
    a = openStore(schema);
    b = openStore(schema);
    await a.init();
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await dropSchema(schema);
  });

  it("hides another principal's jobs, keys, claims and spend, across instances", async () => {
    const alice = new ScopedStore(a, 'alice');
    const bob = new ScopedStore(b, 'bob');
    const written = await alice.put(rec('job-a', 'queued', { idempotency_key: 'k' }));
    expect(written.principal).toBe('alice');
    expect(await bob.get('job-a')).toBeUndefined();
    expect(await bob.findByIdempotencyKey('k')).toBeUndefined();
    expect((await bob.listJobs({ limit: 10 })).jobs).toEqual([]);
    expect(await bob.listUnfinished()).toEqual([]);
    expect((await new ScopedStore(b, 'alice').listJobs({ limit: 10 })).jobs.map((j) => j.job_id)).toEqual(['job-a']);
    await expect(bob.put(rec('job-a', 'canceled'))).rejects.toBeInstanceOf(ForeignJobError);
    expect(await bob.update('job-a', { status: 'canceled' })).toBeUndefined();
    expect((await a.get('job-a'))?.status).toBe('queued');

    const claim = (s: ScopedStore) =>
      s.claimPendingSubmit({
        idempotency_key: 'same',
        provider: 'simulator',
        model: 'm',
        native_model: 'n',
        params: {},
        fingerprint: 'f',
        created_at: new Date().toISOString(),
      });
    expect(await claim(alice)).toBe(true);
    expect(await claim(bob)).toBe(true);
    expect(await claim(new ScopedStore(b, 'alice'))).toBe(false);

    const caps = { daily_usd: 1, principal_daily_usd: 0.6 };
    const spend = (s: ScopedStore, key: string) => s.reserveSpend({ key, usd: 0.5, provider: 'simulator', model: 'm' }, caps);
    expect((await spend(alice, 'x')).ok).toBe(true);
    expect(await spend(alice, 'y')).toMatchObject({ ok: false, scope: 'principal' });
    expect((await spend(bob, 'x')).ok).toBe(true); // bob's "x" is his own key
    expect(await spend(new ScopedStore(a, 'carol'), 'z')).toMatchObject({ ok: false, scope: 'total' });
    expect((await alice.spendTotals()).today_estimated_usd).toBeCloseTo(0.5, 9);
    expect((await alice.teamSpendTotals()).today_estimated_usd).toBeCloseTo(1, 9);
  });
});
