/**
 * Fault: `init` as a user who may not create the client's config folder printed
 * `videogen-mcp: Internal error: EACCES: permission denied, mkdir '…/.cursor'`. Tests run as root here,
 * where permissions do not bite, so the refusal is injected at the file system: mkdir, then write-file-atomic's write.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers.js';

const fault = vi.hoisted(() => ({ op: undefined as 'mkdir' | 'open' | undefined }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const denied = (op: string, p: unknown) => Object.assign(new Error(`EACCES: permission denied, ${op} '${String(p)}'`), { code: 'EACCES' });
  const promises = {
    ...real.promises,
    mkdir: (p: string, o: unknown) => (fault.op === 'mkdir' ? Promise.reject(denied('mkdir', p)) : real.promises.mkdir(p, o as never)),
  };
  return { ...real, promises, default: { ...real, promises } };
});

vi.mock('write-file-atomic', async (importOriginal) => {
  const real = (await importOriginal<{ default: (...a: unknown[]) => Promise<void> }>()).default;
  const write = (file: string, ...rest: unknown[]) =>
    fault.op === 'open' ? Promise.reject(Object.assign(new Error(`EACCES: permission denied, open '${file}.123'`), { code: 'EACCES' })) : real(file, ...rest);
  return { default: write };
});

const { runInit } = await import('../../src/cli/init.js');

async function run(home: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runInit(['cursor'], {
    host: { platform: 'linux', home, env: { RUNAPI_API_KEY: 'runapi_k' } },
    cwd: home,
    entry: '/opt/videogen/dist/index.js',
    execPath: '/usr/bin/node',
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

afterEach(() => {
  fault.op = undefined;
});

describe('init when the file system says no', () => {
  it('cannot create the config folder: one sentence, exit 1, no Internal error', async () => {
    fault.op = 'mkdir';
    const r = await run(tempDir('videogen-init-p-'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^videogen-mcp init: cannot write \S+\/\.cursor\/mcp\.json \(permission denied\); nothing was written\. .*--print/);
    expect(r.err).not.toMatch(/Internal error|EACCES|\n\s+at /);
  });

  it('cannot write the file: the existing config is untouched and the message says so', async () => {
    const home = tempDir('videogen-init-p-');
    mkdirSync(path.join(home, '.cursor'));
    const file = path.join(home, '.cursor', 'mcp.json');
    writeFileSync(file, '{"mcpServers":{"keep":{"command":"k"}}}');
    fault.op = 'open';
    const r = await run(home);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot write .*mcp\.json \(permission denied\); nothing was written/);
    expect(r.err).not.toMatch(/Internal error|EACCES/);
    expect(readFileSync(file, 'utf8')).toBe('{"mcpServers":{"keep":{"command":"k"}}}');
  });
});
