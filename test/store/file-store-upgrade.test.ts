/**
 * Upgrading: a state directory written by the previous ledger (one JSON file per job under jobs/,
 * submits/, a single spend.jsonl, write-file-atomic temp files) opens in the file store with nothing
 * lost: its jobs are indexed once (listing, keys, the unfinished set), its spend is carried over.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore } from '../../src/store/file-store.js';
import { localDay } from '../../src/store/types.js';
import { tempDir } from '../helpers.js';
import { rec } from './conformance.js';

const oldName = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 40);

describe('file store: opening a ledger from the previous version', () => {
  it('indexes its jobs once and carries its spend over', async () => {
    const dir = tempDir('videogen-upgrade-');
    mkdirSync(path.join(dir, 'jobs'));
    mkdirSync(path.join(dir, 'submits'));
    const t0 = Date.now() - 3_600_000;
    for (let i = 0; i < 30; i++) {
      const at = new Date(t0 + i * 1000).toISOString();
      const r = rec(`old-${i}`, i % 10 === 0 ? 'running' : 'succeeded', { created_at: at, updated_at: at, idempotency_key: `key-${i}` });
      writeFileSync(path.join(dir, 'jobs', `${oldName(r.job_id)}.json`), JSON.stringify(r));
    }
    writeFileSync(path.join(dir, 'jobs', `${oldName('old-3')}.json.1234567890`), '{"torn'); // a write-file-atomic leftover
    writeFileSync(
      path.join(dir, 'submits', `${oldName('pending-key')}.json`),
      JSON.stringify({
        idempotency_key: 'pending-key',
        provider: 'runapi',
        model: 'hailuo-02',
        native_model: 'x',
        params: {},
        fingerprint: 'f',
        created_at: new Date().toISOString(),
      }),
    );
    const day = localDay();
    const lines = [
      { key: 'a', day, usd: 0.5, at: new Date().toISOString(), provider: 'runapi', model: 'hailuo-02' },
      { key: 'b', day, usd: 0.25, at: new Date().toISOString(), provider: 'runapi', model: 'hailuo-02' },
      { key: 'b', day, usd: 0, at: new Date().toISOString(), released: true },
      { key: 'c', day: '2020-01-01', usd: 2, at: '2020-01-01T10:00:00.000Z', provider: 'runapi', model: 'hailuo-02' },
    ];
    writeFileSync(path.join(dir, 'spend.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n{"torn');

    const store = new FileStore(dir);
    const page = await store.listJobs({ limit: 5 });
    expect(page.jobs.map((j) => j.job_id)).toEqual(['old-29', 'old-28', 'old-27', 'old-26', 'old-25']);
    expect((await store.findByIdempotencyKey('key-7'))?.job_id).toBe('old-7');
    expect((await store.listUnfinished()).map((r) => r.job_id)).toEqual(['old-0', 'old-10', 'old-20']);
    expect((await store.getPendingSubmit('pending-key'))?.provider).toBe('runapi');
    const t = await store.spendTotals();
    expect(t.today_estimated_usd).toBeCloseTo(0.5, 9);
    expect(t.all_time_estimated_usd).toBeCloseTo(2.5, 9);
    expect(readdirSync(path.join(dir, 'jobs')).filter((f) => !f.endsWith('.json'))).toEqual([]);
    expect(existsSync(path.join(dir, 'spend.jsonl'))).toBe(false);
    // a second process opening it afterwards sees the same, and nothing is indexed twice
    const again = new FileStore(dir);
    expect((await again.listJobs({ limit: 100 })).jobs).toHaveLength(30);
    expect((await again.spendTotals()).all_time_estimated_usd).toBeCloseTo(2.5, 9);
  });
});
