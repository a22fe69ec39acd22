/**
 * Fault: the plain closing line (`N passed, N failed, N skipped`, read by CI tooling) said "0 failed"
 * when a whole test file failed to load (a missing dependency): it counted tests only. A file that
 * errors before its tests run must count as a failure in that line too.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the closing summary line', () => {
  it('counts a test file that failed to load as failed', () => {
    const vitest = path.resolve('node_modules/vitest/vitest.mjs');
    const env = { ...process.env };
    delete env['VITEST'];
    delete env['VITEST_WORKER_ID'];
    delete env['VITEST_POOL_ID'];
    const r = spawnSync(process.execPath, [vitest, 'run', '--config', 'test/fixtures/unloadable/vitest.config.ts'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toMatch(/^0 passed, 1 failed, 0 skipped$/m);
    expect(r.status).not.toBe(0);
  }, 90_000);
});
