/**
 * The store conformance suite: each guarantee of the store contract (src/store/types.ts) as a test.
 * Every store runs it (test/store/file-store.test.ts; the PostgreSQL store's own test file):
 *
 *   describeStoreConformance('file store', async () => {
 *     const dir = tempDir();
 *     return { store: new FileStore(dir), openAnother: async () => new FileStore(dir), cleanup: async () => {} };
 *   });
 *
 * `openAnother` opens a second instance over the same data (another process's view: its own locks,
 * caches and lease holder identity), so "across processes and instances" is tested, not assumed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobRecord, JobStore, PendingSubmit } from '../../src/store/types.js';

export interface StoreFixture {
  store: JobStore;
  /** A second, independent instance over the same data. */
  openAnother: () => Promise<JobStore>;
  cleanup: () => Promise<void>;
}

/** Recent, so age-based pruning does not apply unless a test asks for it. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;

export function rec(id: string, status: JobRecord['status'], extra: Partial<JobRecord> = {}): JobRecord {
  const now = new Date().toISOString();
  return { job_id: id, provider: 'simulator', model: 'hailuo-02', params: { prompt: id }, status, simulated: true, created_at: now, updated_at: now, ...extra };
}

function pending(key: string, extra: Partial<PendingSubmit> = {}): PendingSubmit {
  return {
    idempotency_key: key,
    provider: 'simulator',
    model: 'hailuo-02',
    native_model: 'MiniMax-Hailuo-02',
    params: { prompt: key },
    fingerprint: 'fp',
    created_at: new Date().toISOString(),
    ...extra,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function describeStoreConformance(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(`store conformance: ${name}`, () => {
    let fx: StoreFixture;
    let store: JobStore;
    const others: JobStore[] = [];
    const another = async () => {
      const s = await fx.openAnother();
      others.push(s);
      return s;
    };
    beforeEach(async () => {
      fx = await makeStore();
      store = fx.store;
      await store.init();
    });
    afterEach(async () => {
      for (const s of others.splice(0)) await s.close();
      await store.close();
      await fx.cleanup();
    });

    describe('records', () => {
      it('put then get returns the record; an unknown job is undefined', async () => {
        const r = rec('j-1', 'queued', { estimated_cost_usd: 0.28, idempotency_key: 'k1', fingerprint: 'f' });
        expect(await store.put(r)).toEqual(r);
        expect(await store.get('j-1')).toEqual(r);
        expect(await store.get('nope')).toBeUndefined();
        const b = await another();
        expect(await b.get('j-1')).toEqual(r);
      });

      it('the first terminal status wins; polled_at still advances', async () => {
        await store.put(rec('j', 'running'));
        await store.put(rec('j', 'canceled'));
        const late = await store.put(rec('j', 'succeeded', { video_url: 'https://x/v.mp4', polled_at: 123 }));
        expect(late.status).toBe('canceled');
        expect(late.video_url).toBeUndefined();
        expect(late.polled_at).toBe(123);
        const again = await store.put(rec('j', 'running'));
        expect(again.status).toBe('canceled');
        expect((await store.get('j'))?.status).toBe('canceled');
      });

      it('keeps facts another writer learned (saved file, billed cost) that this writer lacks', async () => {
        const b = await another();
        await store.put(rec('j', 'succeeded', { video_url: 'https://x/v.mp4' }));
        await b.put(rec('j', 'succeeded', { video_url: 'https://x/v.mp4', local_path: '/v/j.mp4', local_bytes: 10, billed_cost_usd: 0.5 }));
        const stale = await store.put(rec('j', 'succeeded', { video_url: 'https://x/v.mp4', detail: 'x' }));
        expect(stale.local_path).toBe('/v/j.mp4');
        expect(stale.local_bytes).toBe(10);
        expect(stale.billed_cost_usd).toBe(0.5);
        expect(await store.get('j')).toEqual(stale);
      });

      it('first terminal wins under concurrent writers in two instances', async () => {
        const b = await another();
        const ids = Array.from({ length: 12 }, (_, i) => `race-${i}`);
        for (const id of ids) await store.put(rec(id, 'running'));
        await Promise.all(
          ids.flatMap((id) => [
            store.put(rec(id, 'succeeded', { video_url: 'https://x/a.mp4' })),
            b.put(rec(id, 'failed', { error: { code: 'job_failed', message: 'no' } })),
            store.put(rec(id, 'running', { progress: 0.5 })),
            b.put(rec(id, 'running', { progress: 0.7 })),
          ]),
        );
        for (const id of ids) {
          const first = await store.get(id);
          expect(['succeeded', 'failed']).toContain(first?.status);
          // whichever won stays: further writes of the other status change nothing
          await b.put(rec(id, first!.status === 'succeeded' ? 'failed' : 'succeeded'));
          await store.put(rec(id, 'queued'));
          expect((await b.get(id))?.status).toBe(first!.status);
        }
      });

      it('update patches a known job and returns undefined for an unknown one', async () => {
        await store.put(rec('u', 'queued'));
        const u = await store.update('u', { progress: 0.4, status: 'running' });
        expect(u?.status).toBe('running');
        expect(u?.progress).toBe(0.4);
        expect(await store.update('none', { progress: 1 })).toBeUndefined();
      });
    });

    describe('idempotency keys', () => {
      it('finds the job recorded for a key, scoped by principal', async () => {
        await store.put(rec('j-a', 'queued', { idempotency_key: 'same' }));
        await store.put(rec('j-b', 'queued', { idempotency_key: 'same', principal: 'bob' }));
        expect((await store.findByIdempotencyKey('same'))?.job_id).toBe('j-a');
        expect((await store.findByIdempotencyKey('same', 'bob'))?.job_id).toBe('j-b');
        expect(await store.findByIdempotencyKey('same', 'carol')).toBeUndefined();
        expect(await store.findByIdempotencyKey('other')).toBeUndefined();
        const b = await another();
        expect((await b.findByIdempotencyKey('same'))?.job_id).toBe('j-a');
      });

      it('a claim is exclusive across instances: exactly one of many concurrent claims wins', async () => {
        const b = await another();
        const c = await another();
        const stores = [store, b, c];
        const results = await Promise.all(Array.from({ length: 30 }, (_, i) => stores[i % 3]!.claimPendingSubmit(pending('hot-key'))));
        expect(results.filter(Boolean)).toHaveLength(1);
        // until cleared, nobody else can claim it
        expect(await b.claimPendingSubmit(pending('hot-key'))).toBe(false);
        await store.clearPendingSubmit('hot-key');
        expect(await c.claimPendingSubmit(pending('hot-key'))).toBe(true);
      });

      it('claims are scoped by principal', async () => {
        expect(await store.claimPendingSubmit(pending('k', { principal: 'alice' }))).toBe(true);
        expect(await store.claimPendingSubmit(pending('k', { principal: 'bob' }))).toBe(true);
        expect(await store.claimPendingSubmit(pending('k', { principal: 'alice' }))).toBe(false);
        expect((await store.getPendingSubmit('k', 'bob'))?.principal).toBe('bob');
        expect(await store.getPendingSubmit('k')).toBeUndefined();
      });

      it('pending submits: put, get, list oldest first, clear', async () => {
        await store.putPendingSubmit(pending('p1', { created_at: new Date(T0).toISOString() }));
        await store.putPendingSubmit(pending('p2', { created_at: new Date(T0 + 1000).toISOString(), principal: 'bob' }));
        await store.putPendingSubmit(pending('p1', { created_at: new Date(T0).toISOString(), fingerprint: 'fp2' })); // overwrite
        expect((await store.getPendingSubmit('p1'))?.fingerprint).toBe('fp2');
        const b = await another();
        expect((await b.listPendingSubmits()).map((p) => p.idempotency_key)).toEqual(['p1', 'p2']);
        await b.clearPendingSubmit('p1');
        await b.clearPendingSubmit('p2', 'bob');
        await b.clearPendingSubmit('never-there');
        expect(await store.listPendingSubmits()).toEqual([]);
        expect(await store.getPendingSubmit('p1')).toBeUndefined();
      });
    });

    describe('polling leases', () => {
      it('one holder at a time; the holder renews and releases; then another may take it', async () => {
        const b = await another();
        const mine = await store.acquireLease('job', 10_000);
        expect(mine).toBeDefined();
        expect(await b.acquireLease('job', 10_000)).toBeUndefined();
        expect((await b.getLease('job'))?.holder).toBe(mine!.holder);
        const again = await store.acquireLease('job', 20_000);
        expect(again?.holder).toBe(mine!.holder);
        expect(again!.until).toBeGreaterThanOrEqual(mine!.until);
        const renewed = await store.renewLease(mine!, 30_000);
        expect(renewed).toBeDefined();
        expect(await b.renewLease({ ...mine!, holder: 'someone-else' }, 1000)).toBeUndefined();
        await b.releaseLease({ ...mine!, holder: 'someone-else' }); // not b's: no effect
        expect(await b.acquireLease('job', 10_000)).toBeUndefined();
        await store.releaseLease(renewed!);
        expect(await store.getLease('job')).toBeUndefined();
        expect(await b.acquireLease('job', 10_000)).toBeDefined();
      });

      it('an expired lease can be taken over, and its old holder can no longer renew it', async () => {
        const b = await another();
        const old = await store.acquireLease('job', 60);
        expect(old).toBeDefined();
        await sleep(120);
        expect(await store.getLease('job')).toBeUndefined();
        const taken = await b.acquireLease('job', 10_000);
        expect(taken).toBeDefined();
        expect(await store.renewLease(old!, 10_000)).toBeUndefined();
        expect(await store.acquireLease('job', 10_000)).toBeUndefined();
      });

      it('concurrent acquisition by many instances yields exactly one holder', async () => {
        const stores = [store, await another(), await another(), await another()];
        const got = await Promise.all(stores.flatMap((s) => [s.acquireLease('contended', 10_000), s.acquireLease('contended', 10_000)]));
        const holders = new Set(got.filter((l) => l !== undefined).map((l) => l.holder));
        expect(holders.size).toBe(1);
      });
    });

    describe('spend', () => {
      it('reservations are exact under concurrency across instances (total cap)', async () => {
        const b = await another();
        const results = await Promise.all(
          Array.from({ length: 120 }, (_, i) =>
            (i % 2 ? b : store).reserveSpend({ key: `k${i}`, usd: 0.1, provider: 'simulator', model: 'hailuo-02' }, { daily_usd: 5 }),
          ),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(50);
        const refused = results.find((r) => !r.ok);
        expect(refused).toMatchObject({ ok: false, scope: 'total', cap_usd: 5 });
        expect((await store.spendTotals()).today_estimated_usd).toBeCloseTo(5, 9);
        expect((await b.spendTotals()).today_estimated_usd).toBeCloseTo(5, 9);
      });

      it('a per-principal cap and the total cap both hold', async () => {
        const b = await another();
        const caps = { daily_usd: 3, principal_daily_usd: 1 };
        const r = (p: string, i: number) =>
          (i % 2 ? b : store).reserveSpend({ key: `${p}-${i}`, usd: 0.25, provider: 'simulator', model: 'hailuo-02', principal: p }, caps);
        const all = await Promise.all(['alice', 'bob', 'carol', 'dave'].flatMap((p) => Array.from({ length: 8 }, (_, i) => r(p, i))));
        expect(all.filter((x) => x.ok)).toHaveLength(12); // 4 each for three principals … until the $3 total is reached
        expect((await store.spendTotals()).today_estimated_usd).toBeCloseTo(3, 9);
        for (const p of ['alice', 'bob', 'carol', 'dave'])
          expect((await store.spendTotals({ principal: p })).today_estimated_usd).toBeLessThanOrEqual(1 + 1e-9);
        expect(all.some((x) => !x.ok && x.scope === 'total')).toBe(true);
      });

      it('a principal over its own cap is refused with scope "principal" while the total has room', async () => {
        const caps = { daily_usd: 100, principal_daily_usd: 1 };
        const r = (i: number) => store.reserveSpend({ key: `erin-${i}`, usd: 0.25, provider: 'simulator', model: 'hailuo-02', principal: 'erin' }, caps);
        for (let i = 0; i < 4; i++) expect((await r(i)).ok).toBe(true);
        expect(await r(4)).toMatchObject({ ok: false, scope: 'principal', cap_usd: 1 });
        expect((await store.reserveSpend({ key: 'frank', usd: 0.25, provider: 'simulator', model: 'hailuo-02', principal: 'frank' }, caps)).ok).toBe(true);
      });

      it('a key books once; a release gives it back; releasing again or an unknown key is a no-op', async () => {
        const r = { key: 'once', usd: 0.5, provider: 'simulator' as const, model: 'hailuo-02' };
        expect(await store.reserveSpend(r, {})).toEqual({ ok: true, booked: true });
        const b = await another();
        expect(await b.reserveSpend(r, {})).toEqual({ ok: true, booked: false });
        expect((await store.spendTotals()).today_estimated_usd).toBeCloseTo(0.5, 9);
        await b.releaseSpend('once');
        await store.releaseSpend('once');
        await store.releaseSpend('never-reserved');
        expect((await store.spendTotals()).today_estimated_usd).toBeCloseTo(0, 9);
        expect((await store.spendTotals()).all_time_estimated_usd).toBeCloseTo(0, 9);
        // after a release the key may book again (failover to the next provider)
        expect(await store.reserveSpend({ ...r, usd: 0.3 }, {})).toEqual({ ok: true, booked: true });
        await store.commitSpend('once');
        expect((await b.spendTotals()).today_estimated_usd).toBeCloseTo(0.3, 9);
      });

      it('a replayed key does not count its own reservation against the cap', async () => {
        const r = { key: 'replay', usd: 1, provider: 'simulator' as const, model: 'hailuo-02' };
        expect((await store.reserveSpend(r, { daily_usd: 1 })).ok).toBe(true);
        expect(await store.reserveSpend(r, { daily_usd: 1 })).toEqual({ ok: true, booked: false });
        expect((await store.reserveSpend({ ...r, key: 'new' }, { daily_usd: 1 })).ok).toBe(false);
      });

      it('settles reservations whose key has no job and no pending submit', async () => {
        const base = { usd: 0.2, provider: 'simulator' as const, model: 'hailuo-02' };
        await store.reserveSpend({ ...base, key: 'orphan' }, {});
        await store.reserveSpend({ ...base, key: 'has-job' }, {});
        await store.put(rec('job-with-key', 'queued', { idempotency_key: 'has-job' }));
        await store.reserveSpend({ ...base, key: 'pending' }, {});
        await store.putPendingSubmit(pending('pending'));
        await store.reserveSpend({ ...base, key: 'recent' }, {});
        await sleep(700);
        await store.reserveSpend({ ...base, key: 'just-now' }, {});
        const b = await another();
        expect(await b.settleSpend(500)).toBe(2); // orphan + recent; just-now is too young to judge
        expect((await store.spendTotals()).today_estimated_usd).toBeCloseTo(0.6, 9);
        expect(await b.settleSpend(500)).toBe(0);
      });

      it('all-time totals include past days; today only today; a release of a past reservation counts', async () => {
        const base = { provider: 'simulator' as const, model: 'hailuo-02' };
        const threeDaysAgo = Date.now() - 3 * 86_400_000;
        await store.reserveSpend({ ...base, key: 'old-1', usd: 2, at: threeDaysAgo }, { daily_usd: 1_000 });
        await store.reserveSpend({ ...base, key: 'old-2', usd: 3, at: threeDaysAgo - 86_400_000 }, {});
        await store.reserveSpend({ ...base, key: 'now-1', usd: 0.5 }, { daily_usd: 1 });
        let t = await store.spendTotals();
        expect(t.today_estimated_usd).toBeCloseTo(0.5, 9);
        expect(t.all_time_estimated_usd).toBeCloseTo(5.5, 9);
        // yesterday's spend does not count against today's cap
        expect((await store.reserveSpend({ ...base, key: 'now-2', usd: 0.5 }, { daily_usd: 1 })).ok).toBe(true);
        await store.settleSpend(60_000); // old-1 and old-2 have neither job nor pending submit: released
        t = await store.spendTotals();
        expect(t.all_time_estimated_usd).toBeCloseTo(1, 9);
        const fresh = await another();
        expect((await fresh.spendTotals()).all_time_estimated_usd).toBeCloseTo(1, 9);
        expect((await fresh.spendTotals()).today_estimated_usd).toBeCloseTo(1, 9);
      });

      it('billed cost is booked once per job, whichever writer learns it', async () => {
        const b = await another();
        await store.put(rec('billed', 'running'));
        await Promise.all([store.put(rec('billed', 'succeeded', { billed_cost_usd: 0.75 })), b.put(rec('billed', 'succeeded', { billed_cost_usd: 0.75 }))]);
        await store.put(rec('billed', 'succeeded', { billed_cost_usd: 0.75 }));
        const t = await b.spendTotals();
        expect(t.today_billed_usd).toBeCloseTo(0.75, 9);
        expect(t.all_time_billed_usd).toBeCloseTo(0.75, 9);
      });
    });

    describe('listing and pruning', () => {
      async function fill(n: number, s: JobStore = store, extra: (i: number) => Partial<JobRecord> = () => ({})) {
        for (let i = 0; i < n; i++) {
          const at = new Date(T0 + i * 1000).toISOString();
          await s.put(rec(`L-${String(i).padStart(3, '0')}`, i % 5 === 0 ? 'running' : 'succeeded', { created_at: at, updated_at: at, ...extra(i) }));
        }
      }

      it('lists newest first, page by page with a cursor, each job once', async () => {
        await fill(45);
        // rewriting a job does not list it twice or move it
        await store.put(rec('L-010', 'succeeded', { created_at: new Date(T0 + 10_000).toISOString(), detail: 'rewritten' }));
        const b = await another();
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await b.listJobs({ limit: 20, cursor });
          expect(page.jobs.length).toBeLessThanOrEqual(20);
          seen.push(...page.jobs.map((j) => j.job_id));
          cursor = page.next_cursor;
          pages++;
        } while (cursor && pages < 10);
        expect(seen).toHaveLength(45);
        expect(seen[0]).toBe('L-044');
        expect(seen[44]).toBe('L-000');
        expect([...seen].sort().reverse()).toEqual(seen);
      });

      it('filters by status, provider, model and principal', async () => {
        await fill(20, store, (i) => (i % 2 ? { principal: 'bob' } : {}));
        const running = await store.listJobs({ limit: 100, status: 'running' });
        expect(running.jobs.map((j) => j.job_id)).toEqual(['L-015', 'L-010', 'L-005', 'L-000']);
        const bob = await store.listJobs({ limit: 3, principal: 'bob' });
        expect(bob.jobs.map((j) => j.job_id)).toEqual(['L-019', 'L-017', 'L-015']);
        expect((await store.listJobs({ limit: 5, provider: 'runway' })).jobs).toEqual([]);
        expect((await store.listJobs({ limit: 5, model: 'hailuo-02' })).jobs).toHaveLength(5);
        expect((await store.listJobs({ limit: 5, status: ['running', 'queued'] })).jobs).toHaveLength(4);
        // pages of a filtered listing
        const p1 = await store.listJobs({ limit: 3, status: 'running' });
        expect(p1.jobs.map((j) => j.job_id)).toEqual(['L-015', 'L-010', 'L-005']);
        const p2 = await store.listJobs({ limit: 3, status: 'running', cursor: p1.next_cursor });
        expect(p2.jobs.map((j) => j.job_id)).toEqual(['L-000']);
        expect(p2.next_cursor).toBeUndefined();
      });

      it('the unfinished set holds exactly the jobs not yet terminal', async () => {
        await fill(12);
        await store.put(rec('late', 'queued'));
        const b = await another();
        expect((await b.listUnfinished()).map((r) => r.job_id).sort()).toEqual(['L-000', 'L-005', 'L-010', 'late']);
        await b.put(rec('L-005', 'failed'));
        await store.put(rec('late', 'running'));
        expect((await store.listUnfinished()).map((r) => r.job_id).sort()).toEqual(['L-000', 'L-010', 'late']);
        expect((await store.listUnfinished({ sinceMs: T0 + 5_000 })).map((r) => r.job_id).sort()).toEqual(['L-010', 'late']);
      });

      it('prunes the oldest beyond maxRecords, never an unfinished job, a bounded batch per call', async () => {
        await fill(30, store, (i) => ({ idempotency_key: `key-${i}` }));
        const removedFirst = await store.prune({ maxRecords: 10, batch: 5 });
        expect(removedFirst).toBe(5);
        let removed = removedFirst;
        for (let i = 0; i < 10 && removed < 30; i++) {
          const n = await store.prune({ maxRecords: 10, batch: 5 });
          if (n === 0) break;
          removed += n;
        }
        const left = (await store.listJobs({ limit: 100 })).jobs.map((j) => j.job_id);
        // the 10 newest stay, and every unfinished job (every fifth) stays whatever its age
        const expected = Array.from({ length: 30 }, (_, i) => i)
          .filter((i) => i >= 20 || i % 5 === 0)
          .map((i) => `L-${String(i).padStart(3, '0')}`)
          .reverse();
        expect(left).toEqual(expected);
        expect(await store.get('L-001')).toBeUndefined();
        expect(await store.findByIdempotencyKey('key-1')).toBeUndefined();
        expect((await store.findByIdempotencyKey('key-25'))?.job_id).toBe('L-025');
      });

      it('prunes terminal records past maxAgeDays', async () => {
        await fill(6);
        const removed = await store.prune({ now: T0 + 40 * 86_400_000, maxAgeDays: 30 });
        expect(removed).toBe(4); // L-001…L-004; L-000 and L-005 are unfinished
        expect((await store.listJobs({ limit: 10 })).jobs.map((j) => j.job_id)).toEqual(['L-005', 'L-000']);
      });
    });
  });
}
