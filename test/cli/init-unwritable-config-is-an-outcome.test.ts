/**
 * Faults: when `init` could not write (a folder it cannot create, a config path that is a folder, no
 * permission), the user got `videogen-mcp: Internal error: EACCES: permission denied, mkdir …`; and the
 * messages named the wrong thing in two cases: a symlinked config's backup is kept beside the link's
 * target, not beside the link the message names; Claude Desktop was said to start "the `videogen-mcp`
 * command on PATH" while init wrote it absolute paths. Each is now one sentence with the outcome.
 */
import { mkdirSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInit } from '../../src/cli/init.js';
import { tempDir } from '../helpers.js';

function run(args: string[], home: string, env: Record<string, string> = {}, entry = '/opt/videogen/dist/index.js') {
  const out: string[] = [];
  const err: string[] = [];
  const code = runInit(args, {
    host: { platform: 'linux', home, env: { RUNAPI_API_KEY: 'runapi_k', ...env } },
    cwd: home,
    entry,
    execPath: '/usr/bin/node',
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return code.then((c) => ({ code: c, out: out.join('\n'), err: err.join('\n') }));
}

describe('init when the config cannot be written', () => {
  it('a config folder that is a file: refused in one sentence, nothing written, no Internal error', async () => {
    const home = tempDir('videogen-init-w-');
    writeFileSync(path.join(home, '.cursor'), 'not a folder');
    const r = await run(['cursor'], home);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^videogen-mcp init: cannot (read|write) .*\.cursor\/mcp\.json \(part of its path is a file, not a folder\); nothing was written.*--print/,
    );
    expect(r.err).not.toMatch(/Internal error|\n\s+at /);
  });

  it('a config path that is a folder: refused in one sentence', async () => {
    const home = tempDir('videogen-init-w-');
    mkdirSync(path.join(home, '.cursor', 'mcp.json'), { recursive: true });
    const r = await run(['cursor'], home);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^videogen-mcp init: .*mcp\.json.*folder/);
    expect(r.err).not.toMatch(/Internal error|EISDIR:|\n\s+at /);
  });
});

describe('init says where things really are', () => {
  it('a symlinked config: the backup is named by its full path, where it really is', async () => {
    const home = tempDir('videogen-init-l-');
    mkdirSync(path.join(home, 'dotfiles'));
    writeFileSync(path.join(home, 'dotfiles', 'claude.json'), '{"mcpServers":{"keep":{"command":"k"}}}');
    symlinkSync(path.join(home, 'dotfiles', 'claude.json'), path.join(home, '.claude.json'));
    const r = await run(['claude-code'], home);
    expect(r.code).toBe(0);
    const bak = readdirSync(path.join(home, 'dotfiles')).find((f) => f.includes('.bak-'));
    expect(bak).toBeDefined();
    expect(r.out).toContain(path.join(realpathSync(home), 'dotfiles', bak!));
  });

  it('Claude Desktop after a global install: the note names the absolute command init wrote', async () => {
    const root = tempDir('videogen-init-g-');
    const entry = path.join(root, 'lib', 'node_modules', 'videogen-mcp', 'dist', 'index.js');
    mkdirSync(path.dirname(entry), { recursive: true });
    writeFileSync(entry, '');
    mkdirSync(path.join(root, 'bin'));
    symlinkSync(entry, path.join(root, 'bin', 'videogen-mcp'));
    const home = path.join(root, 'home');
    mkdirSync(home);
    const r = await run(['claude-desktop', '--print'], home, { PATH: path.join(root, 'bin') }, entry);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`"command": "/usr/bin/node"`);
    expect(r.out).not.toMatch(/starts: the `videogen-mcp` command on PATH/);
    expect(r.out).toMatch(/starts: \/usr\/bin\/node .*index\.js/);
    const cursor = await run(['cursor', '--print'], home, { PATH: path.join(root, 'bin') }, entry);
    expect(cursor.out).toMatch(/starts: the `videogen-mcp` command on PATH/);
  });
});
