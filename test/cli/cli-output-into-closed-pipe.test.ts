/**
 * Fault: `videogen-mcp init hermes | head -1` (or `doctor | head`, `--help | head`) printed a Node stack
 * trace, `Error: write EPIPE … Unhandled 'error' event`, once the reader had gone. A command whose reader
 * has gone stops quietly, as `git log | head` does; the stdio server shuts down as when stdin closes.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../e2e/stdio-client.js';
import { tempDir } from '../helpers.js';

// The reader exits at once, long before node has started: every write of the command meets a closed pipe.
function intoClosedPipe(args: string[]) {
  const home = tempDir('videogen-pipe-');
  const cmd = `"${process.execPath}" "${BIN}" ${args.join(' ')} | (exit 0); echo "status=\${PIPESTATUS[0]}" >&2`;
  return spawnSync('bash', ['-c', cmd], {
    cwd: home,
    env: { PATH: process.env['PATH'] ?? '', HOME: home, RUNAPI_API_KEY: 'runapi_pipe_k' },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('output into a pipe whose reader has gone', () => {
  it.each([['--help'], ['init'], ['init', 'hermes', '--print'], ['init', 'cursor'], ['doctor', '--offline'], ['models-table']])(
    'videogen-mcp %s',
    (...args) => {
      const r = intoClosedPipe(args);
      expect(r.stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
      expect(r.stderr).toMatch(/status=(0|1)\b/);
    },
  );
});
