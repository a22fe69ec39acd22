import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger, MAX_RECORDS, type JobRecord } from '../../src/jobs/ledger.js';
import { tempDir } from '../helpers.js';

const WRITER = path.resolve('test/jobs/ledger-writer.ts');

function writer(stateDir: string, prefix: string, count: string, shared = false) {
  // `--import tsx` in this very process (the tsx CLI would fork a grandchild that SIGKILL misses).
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, stateDir, prefix, count, ...(shared ? ['shared'] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const ready = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => ((out += d.toString()), out.includes('ready') && resolve())));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exit };
}

function rec(id: string, status: JobRecord['status'], extra: Partial<JobRecord> = {}): JobRecord {
  const now = new Date().toISOString();
  return { job_id: id, provider: 'simulator', model: 'hailuo-02', params: {}, status, simulated: true, created_at: now, updated_at: now, ...extra };
}

describe('ledger', () => {
  it('two processes writing at once lose and corrupt nothing', async () => {
    const dir = tempDir('videogen-ledger-');
    const a = writer(dir, 'a', '150', true);
    const b = writer(dir, 'b', '150', true);
    expect(await a.exit).toBe(0);
    expect(await b.exit).toBe(0);
    const ledger = new Ledger(dir);
    const all = await ledger.list();
    const ids = new Set(all.map((r) => r.job_id));
    for (let i = 0; i < 150; i++) {
      expect(ids.has(`a-${i}`)).toBe(true);
      expect(ids.has(`b-${i}`)).toBe(true);
    }
    for (let i = 0; i < 10; i++) expect(ids.has(`shared-${i}`)).toBe(true);
    expect(all).toHaveLength(310);
    // every file under its final name is one whole, valid record; no temp files left behind
    expect(readdirSync(path.join(dir, 'tmp'))).toEqual([]);
    const files = readdirSync(path.join(dir, 'jobs'));
    expect(files.filter((f) => !f.endsWith('.json'))).toEqual([]);
    for (const f of files) expect(() => JSON.parse(readFileSync(path.join(dir, 'jobs', f), 'utf8'))).not.toThrow();
  });

  it('kill -9 mid-write loses at most the write in flight and never leaves a torn record', async () => {
    const dir = tempDir('videogen-ledger-kill-');
    const w = writer(dir, 'k', 'inf', true);
    await w.ready;
    await new Promise((r) => setTimeout(r, 150));
    w.child.kill('SIGKILL');
    await w.exit;
    const jobsDir = path.join(dir, 'jobs');
    const finals = readdirSync(jobsDir).filter((f) => f.endsWith('.json'));
    expect(finals.length).toBeGreaterThan(5);
    for (const f of finals) {
      const r = JSON.parse(readFileSync(path.join(jobsDir, f), 'utf8')) as JobRecord;
      expect(r.job_id).toMatch(/^(k|shared)-\d+$/);
    }
    const ledger = new Ledger(dir);
    const listed = await ledger.list();
    expect(listed.length).toBe(finals.length);
    // consecutive ids: at most the one in flight is missing
    const ks = listed
      .filter((r) => r.job_id.startsWith('k-'))
      .map((r) => Number(r.job_id.slice(2)))
      .sort((x, y) => x - y);
    expect(ks[ks.length - 1]! + 1 - ks.length).toBeLessThanOrEqual(1);
    // temp files the kill left (writes go through tmp/) are swept when a process opens the ledger
    expect(readdirSync(jobsDir).filter((f) => !f.endsWith('.json'))).toEqual([]);
    expect(readdirSync(path.join(dir, 'tmp'))).toEqual([]);
    expect(readdirSync(path.join(dir, 'locks'))).toEqual([]);
  });

  it('keeps the first terminal status, and facts another process learned', async () => {
    const ledger = new Ledger(tempDir('videogen-ledger-term-'));
    await ledger.put(rec('j1', 'running'));
    await ledger.put(rec('j1', 'canceled'));
    const after = await ledger.put(rec('j1', 'succeeded', { video_url: 'https://x/v.mp4' }));
    expect(after.status).toBe('canceled');
    await ledger.put(rec('j2', 'succeeded', { local_path: '/tmp/a.mp4', billed_cost_usd: 0.3 }));
    const merged = await ledger.put(rec('j2', 'succeeded'));
    expect(merged.local_path).toBe('/tmp/a.mp4');
    expect(merged.billed_cost_usd).toBe(0.3);
  });

  it('bounds growth: old terminal records and the oldest beyond the cap are pruned', async () => {
    const dir = tempDir('videogen-ledger-prune-');
    const ledger = new Ledger(dir);
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await ledger.put(rec('old-done', 'succeeded', { created_at: old, updated_at: old }));
    await ledger.put(rec('old-running', 'running', { created_at: old, updated_at: old }));
    await ledger.put(rec('fresh', 'succeeded'));
    await ledger.prune();
    const ids = (await ledger.list()).map((r) => r.job_id).sort();
    expect(ids).toEqual(['fresh', 'old-running']);
    expect(MAX_RECORDS).toBeGreaterThan(1000);
  });

  it('never stores inline media or secrets', async () => {
    const { sanitizeParams } = await import('../../src/jobs/ledger.js');
    const { registerSecret } = await import('../../src/errors.js');
    registerSecret('sekrit-key-123456');
    const p = sanitizeParams({ first_frame_image_url: `data:image/png;base64,${'A'.repeat(5000)}`, callback_url: 'https://hook/?k=sekrit-key-123456' });
    expect(p.first_frame_image_url!.length).toBeLessThan(100);
    expect(p.callback_url).not.toContain('sekrit');
    expect(existsSync('/nonexistent')).toBe(false);
  });
});
