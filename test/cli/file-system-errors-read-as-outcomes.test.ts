/**
 * Fault: with a job-ledger folder the user cannot write (HOME not writable, a read-only state dir),
 * `videogen-mcp demo` — and the generate_video answer an agent reads — was
 * `Internal error: EACCES: permission denied, mkdir '/home/me/.local'`. A file-system failure is now one
 * sentence: what could not be done to which path, why in words, and which variable to point elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFsError, toAgentMessage } from '../../src/errors.js';
import { BIN } from '../e2e/stdio-client.js';
import { tempDir } from '../helpers.js';

const errno = (code: string, syscall: string, p: string) =>
  Object.assign(new Error(`${code}: some raw text, ${syscall} '${p}'`), { code, errno: -13, syscall, path: p });

describe('file-system errors read as outcomes', () => {
  it.each([
    ['EACCES', 'mkdir', /could not create the folder \/s\/x \(permission denied\)/],
    ['EROFS', 'open', /could not write \/s\/x \(the file system is read-only\)/],
    ['ENOSPC', 'write', /could not write \/s\/x \(the disk is full\)/],
    ['ENOTDIR', 'mkdir', /could not create the folder \/s\/x \(part of its path is a file, not a folder\)/],
  ])('%s on %s', (code, syscall, want) => {
    const m = toAgentMessage(errno(code, syscall, '/s/x')).message;
    expect(m).toMatch(want);
    expect(m).toMatch(/VIDEOGEN_STATE_DIR/);
    expect(m).toMatch(/VIDEOGEN_OUTPUT_DIR/);
    expect(m).not.toMatch(/Internal error|EACCES|EROFS|ENOSPC|ENOTDIR/);
    expect(describeFsError(errno(code, syscall, '/s/x'))).not.toMatch(/^E[A-Z]+/);
  });

  it('an error without a path or errno code is still reported as internal', () => {
    expect(toAgentMessage(new Error('boom')).message).toBe('Internal error: boom');
  });

  it('the demo with a ledger folder it cannot create says so in one sentence', () => {
    const root = tempDir('videogen-fs-');
    const blocker = path.join(root, 'not-a-folder');
    writeFileSync(blocker, '');
    const r = spawnSync(process.execPath, [BIN, 'demo', 'a cat'], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', HOME: root, VIDEOGEN_STATE_DIR: path.join(blocker, 'state') },
      encoding: 'utf8',
      input: '',
      timeout: 60_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/could not create the folder .*not-a-folder.* \(part of its path is a file, not a folder\).*VIDEOGEN_STATE_DIR/);
    expect(r.stderr).not.toMatch(/Internal error|ENOTDIR|\n\s+at /);
  });
});
