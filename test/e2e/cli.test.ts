/** The human-facing commands of the built bin: demo and doctor. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { BIN } from './stdio-client.js';

describe('videogen-mcp demo', () => {
  it('drives the real server over stdio to a playable MP4 on the simulator and prints its path', () => {
    const work = tempDir('videogen-demo-');
    const r = spawnSync(process.execPath, [BIN, 'demo', 'a tiny test clip'], {
      cwd: work,
      env: { PATH: process.env['PATH'] ?? '', HOME: work, VIDEOGEN_STATE_DIR: path.join(work, '.state'), VIDEOGEN_SIMULATOR_SECONDS: '2' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const printed = r.stdout.trim().split('\n').pop()!;
    expect(printed.startsWith(path.join(work, 'videos'))).toBe(true);
    expect(readFileSync(printed).subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(r.stderr).toMatch(/simulator/);
    expect(r.stderr).toMatch(/100%/);
  });
});

describe('videogen-mcp doctor', () => {
  it('reports configured providers and writable directories, never the key', () => {
    const work = tempDir('videogen-doctor-');
    const r = spawnSync(process.execPath, [BIN, 'doctor'], {
      cwd: work,
      env: { PATH: process.env['PATH'] ?? '', HOME: work, VIDEOGEN_STATE_DIR: path.join(work, '.state'), RUNAPI_API_KEY: 'runapi_secretsecret' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/✓ runapi\s+key set \(RUNAPI_API_KEY\)/);
    expect(r.stdout).toMatch(/not configured: set RUNWAYML_API_SECRET/);
    expect(r.stdout).toMatch(/✓ state dir/);
    expect(r.stdout).not.toContain('secretsecret');
  });

  it('names a malformed variable', () => {
    const r = spawnSync(process.execPath, [BIN, 'doctor'], { env: { PATH: process.env['PATH'] ?? '', VIDEOGEN_BUDGET_USD_DAILY: 'lots' }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/VIDEOGEN_BUDGET_USD_DAILY/);
  });
});
