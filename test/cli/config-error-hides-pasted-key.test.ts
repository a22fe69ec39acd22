/**
 * Fault: a key pasted into a `*_BASE_URL` (or any URL variable) was quoted back in the configuration
 * error — on stderr at every start, in `doctor`, in the client's log. A value that is not a URL may be a
 * secret: the error names the variable and the fix, and never repeats the value in any form.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadConfig, loadHttpConfig } from '../../src/config.js';
import { BIN } from '../e2e/stdio-client.js';
import { tempDir } from '../helpers.js';

const SECRET = 'sk-live-ABCDEF0123456789secret';
const forms = (s: string) => [s, s.slice(0, 12), Buffer.from(s).toString('base64').slice(0, 16), encodeURIComponent(s)];

function message(env: Record<string, string>): string {
  try {
    loadConfig(env, '/work/project');
    loadHttpConfig(env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('a key pasted into a URL variable is never echoed', () => {
  it.each(['RUNAPI_BASE_URL', 'APIFRAME_BASE_URL', 'ATLASCLOUD_BASE_URL', 'MINIMAX_BASE_URL', 'RUNWAYML_BASE_URL', 'VIDEOGEN_PUBLIC_URL'])('%s', (name) => {
    const m = message({ [name]: SECRET, VIDEOGEN_AUTH_TOKENS: 'ci:' + 'x'.repeat(32) });
    expect(m).toContain(name);
    for (const f of forms(SECRET)) expect(m).not.toContain(f);
  });

  it('the stdio server and doctor say what to fix without the value', () => {
    const cwd = tempDir('videogen-pasted-');
    const env = { PATH: process.env['PATH'] ?? '', HOME: cwd, RUNAPI_API_KEY: 'runapi_x', RUNAPI_BASE_URL: SECRET };
    for (const args of [[], ['doctor', '--offline']]) {
      const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', input: '' });
      const all = r.stdout + r.stderr;
      expect(all).toMatch(/RUNAPI_BASE_URL/);
      for (const f of forms(SECRET)) expect(all).not.toContain(f);
      expect(all).not.toMatch(/Internal error|\n\s+at /);
    }
  });
});
