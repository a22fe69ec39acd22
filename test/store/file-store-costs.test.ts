/**
 * The file store's costs do not grow with its history (issue #13 §1), counted, not timed: the same
 * operations on a ledger of 40 records and of 2,000 records open, read and list exactly as many
 * files. Also: a `kill -9` mid-write leaves nothing a new process does not sweep, and the on-disk
 * indexes agree with the records.
 */
import { spawn } from 'node:child_process';
import { promises as fs, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashName, FileStore } from '../../src/store/file-store.js';
import { TERMINAL, type JobRecord } from '../../src/store/types.js';
import { tempDir } from '../helpers.js';
import { rec } from './conformance.js';

type Counts = Record<'readFile' | 'open' | 'readdir' | 'stat', number>;

function countFs(): { counts: Counts; stop: () => void } {
  const counts: Counts = { readFile: 0, open: 0, readdir: 0, stat: 0 };
  const spies = (Object.keys(counts) as (keyof Counts)[]).map((name) => {
    const orig = fs[name] as (...a: unknown[]) => unknown;
    return vi.spyOn(fs, name).mockImplementation(((...a: unknown[]) => {
      counts[name]++;
      return orig.apply(fs, a);
    }) as never);
  });
  return { counts, stop: () => spies.forEach((s) => s.mockRestore()) };
}

async function filled(n: number): Promise<FileStore> {
  const store = new FileStore(tempDir('videogen-cost-'), { fsync: false, maxRecords: 1_000_000 });
  const t0 = Date.now() - n * 1000;
  for (let i = 0; i < n; i++) {
    const at = new Date(t0 + i * 1000).toISOString();
    // a realistic history: mostly finished, a few still running
    await store.put(rec(`hist-${i}`, i >= n - 5 ? 'running' : 'succeeded', { created_at: at, updated_at: at, idempotency_key: `hk-${i}` }));
  }
  await store.reserveSpend({ key: 'warm', usd: 0.1, provider: 'simulator', model: 'hailuo-02' }, {});
  return store;
}

/** One of each operation the tools perform, as a fresh process would after start-up. */
async function workload(store: FileStore): Promise<Counts> {
  const m = countFs();
  try {
    expect(await store.findByIdempotencyKey('new-key')).toBeUndefined();
    expect((await store.findByIdempotencyKey('hk-3'))?.job_id).toBe('hist-3');
    await store.claimPendingSubmit({
      idempotency_key: 'new-key',
      provider: 'simulator',
      model: 'hailuo-02',
      native_model: 'x',
      params: {},
      fingerprint: 'f',
      created_at: new Date().toISOString(),
    });
    expect((await store.reserveSpend({ key: 'new-key', usd: 0.2, provider: 'simulator', model: 'hailuo-02' }, { daily_usd: 1000 })).ok).toBe(true);
    await store.put(rec('new-job', 'queued', { idempotency_key: 'new-key' }));
    await store.clearPendingSubmit('new-key');
    await store.commitSpend('new-key');
    await store.get('new-job');
    await store.put(rec('new-job', 'running'));
    await store.acquireLease('new-job', 1000);
    await store.put(rec('new-job', 'succeeded', { billed_cost_usd: 0.2 }));
    expect((await store.listJobs({ limit: 20 })).jobs).toHaveLength(20);
    expect(await store.listUnfinished()).toHaveLength(5);
    await store.spendTotals();
    await store.prune();
  } finally {
    m.stop();
  }
  return m.counts;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('file store costs', () => {
  afterEach(() => vi.restoreAllMocks());

  it('every operation reads as many files on 2,000 records as on 40 (index segments aside)', async () => {
    const small = await workload(await filled(40));
    const large = await workload(await filled(2_000));
    expect(large.readFile).toBe(small.readFile);
    expect(large.readdir).toBe(small.readdir);
    // a page may straddle two order segments (1,000 entries each): one more open at most
    expect(large.open - small.open).toBeLessThanOrEqual(1);
    // prune stats each order segment: one per 1,000 records, never one per record
    expect(large.stat - small.stat).toBeLessThanOrEqual(2_000 / 1_000 + 1);
    // and the absolute figure is small: a keyed submit + its polls + a page of 20
    expect(large.readFile + large.open).toBeLessThan(60);
  }, 60_000);

  it('a fresh process reads only the unfinished jobs at start-up', async () => {
    const a = await filled(300);
    const b = new FileStore(a.dir, { fsync: false });
    const m = countFs();
    await b.init();
    const unfinished = await b.listUnfinished();
    m.stop();
    expect(unfinished.map((r) => r.job_id)).toEqual(['hist-295', 'hist-296', 'hist-297', 'hist-298', 'hist-299']);
    expect(m.counts.readFile).toBeLessThanOrEqual(5 + 3);
  });
});

describe('file store crash safety', () => {
  const WRITER = path.resolve('test/jobs/ledger-writer.ts');

  it('kill -9 during writes: start-up sweeps every temp file and stale lock; indexes agree with the records', async () => {
    const dir = tempDir('videogen-store-kill-');
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, `r${round}`, 'inf', 'shared'], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
      await sleep(100 + round * 70);
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
    }
    const store = new FileStore(dir, { fsync: false });
    await store.init();
    expect(readdirSync(path.join(dir, 'tmp'))).toEqual([]);
    expect(readdirSync(path.join(dir, 'locks'))).toEqual([]);
    // every record is whole and listed exactly once; the unfinished set is exact
    const files = readdirSync(path.join(dir, 'jobs'));
    const records = files.map((f) => JSON.parse(readFileSync(path.join(dir, 'jobs', f), 'utf8')) as JobRecord);
    const listed = (await store.listJobs({ limit: 1000, scanLimit: Infinity })).jobs.map((r) => r.job_id);
    expect(new Set(listed).size).toBe(listed.length);
    // indexes are written before the record: every record on disk is listed
    expect(listed.sort()).toEqual(records.map((r) => r.job_id).sort());
    const unfinished = new Set(readdirSync(path.join(dir, 'index', 'unfinished')));
    const open = new Set((await store.listUnfinished()).map((r) => r.job_id));
    for (const r of records) {
      // a marker may outlive its job's end by one write (readers filter it), never be missing
      if (!TERMINAL.has(r.status)) expect(unfinished.has(hashName(r.job_id)), r.job_id).toBe(true);
      expect(open.has(r.job_id)).toBe(!TERMINAL.has(r.status));
      if (r.idempotency_key) expect((await store.findByIdempotencyKey(r.idempotency_key))?.job_id).toBe(r.job_id);
    }
  }, 60_000);
});
