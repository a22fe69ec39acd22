/**
 * `videogen-mcp init <client>` as a user runs it: the built bin against a temporary HOME and project.
 * Each written file is parsed in its own format, the server is started from the written command and
 * answers tools/list, a second run changes nothing, and what was in the file before survives.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { tempDir } from '../helpers.js';
import { BIN, startCommand, type RawServer } from '../e2e/stdio-client.js';

const KEY = 'runapi_init_test_key_123';
const running: RawServer[] = [];
afterEach(() => {
  for (const s of running.splice(0)) s.proc.kill('SIGKILL');
});

interface Sandbox {
  home: string;
  project: string;
  env: Record<string, string>;
}

function sandbox(): Sandbox {
  const root = tempDir('videogen-init-');
  const home = path.join(root, 'home');
  const project = path.join(root, 'project');
  mkdirSync(home);
  mkdirSync(project);
  // No global videogen-mcp on this PATH: init must write this build's absolute path.
  const env = { PATH: `${path.dirname(process.execPath)}${path.delimiter}/usr/bin${path.delimiter}/bin`, HOME: home, RUNAPI_API_KEY: KEY };
  return { home, project, env };
}

function init(sb: Sandbox, args: string[], extraEnv: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, 'init', ...args], { cwd: sb.project, env: { ...sb.env, ...extraEnv }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function parseJsoncStrict(text: string): any {
  const errors: ParseError[] = [];
  const v = parseJsonc(text, errors, { allowTrailingComma: false });
  expect(errors).toEqual([]);
  return v;
}

/** The client's own variable expansion, for the variables this test sets. */
function expand(value: string): string {
  return value
    .replace(/\$\{(?:env:)?([A-Z0-9_]+)\}/g, (_, n: string) => (n === 'RUNAPI_API_KEY' ? KEY : ''))
    .replace(/\$\{input:videogen-runapi-api-key\}/g, KEY);
}

async function serveFrom(entry: { command: string; args: string[]; env?: Record<string, string> }, cwd: string, home: string): Promise<string[]> {
  const env: Record<string, string> = { HOME: home, VIDEOGEN_STATE_DIR: path.join(home, '.state') };
  for (const [k, v] of Object.entries(entry.env ?? {})) env[k] = expand(v);
  expect(env['RUNAPI_API_KEY'] ?? KEY).toBe(KEY);
  const s = startCommand(expand(entry.command), entry.args.map(expand), env, cwd);
  running.push(s);
  await s.init();
  const list = await s.request('tools/list');
  expect(s.junk).toEqual([]);
  return list.result.tools.map((t: { name: string }) => t.name).sort();
}

const TOOLS = ['cancel_job', 'check_job', 'generate_video', 'list_jobs', 'list_models'];

interface Case {
  client: string;
  project?: boolean;
  file: (sb: Sandbox) => string;
  /** What the file held before init: an unrelated server (and a comment where the format allows). */
  before: string;
  read: (text: string) => { servers: Record<string, any>; doc: any };
  comment?: string;
}

const other = { command: 'other-server', args: ['--flag'] };
const jsonBefore = (key: string) => JSON.stringify({ someSetting: true, [key]: { other } }, null, 2) + '\n';
const json = (key: string) => (text: string) => {
  const doc = JSON.parse(text);
  return { servers: doc[key], doc };
};

const CASES: Case[] = [
  { client: 'claude-code', file: (sb) => path.join(sb.home, '.claude.json'), before: jsonBefore('mcpServers'), read: json('mcpServers') },
  { client: 'claude-code', project: true, file: (sb) => path.join(sb.project, '.mcp.json'), before: jsonBefore('mcpServers'), read: json('mcpServers') },
  {
    client: 'cursor',
    file: (sb) => path.join(sb.home, '.cursor', 'mcp.json'),
    before: '{\n  // my servers\n  "mcpServers": {\n    "other": { "command": "other-server", "args": ["--flag"] } // keep me\n  }\n}\n',
    comment: '// keep me',
    read: (t) => {
      const doc = parseJsoncStrict(t);
      return { servers: doc.mcpServers, doc };
    },
  },
  { client: 'cursor', project: true, file: (sb) => path.join(sb.project, '.cursor', 'mcp.json'), before: jsonBefore('mcpServers'), read: json('mcpServers') },
  {
    client: 'vscode',
    project: true,
    file: (sb) => path.join(sb.project, '.vscode', 'mcp.json'),
    before:
      '{\n\t// VS Code reads JSONC\n\t"inputs": [\n\t\t{ "type": "promptString", "id": "mine", "description": "mine", "password": true }\n\t],\n\t"servers": {\n\t\t/* a block comment */\n\t\t"other": { "command": "other-server", "args": ["--flag"] },\n\t},\n}\n',
    comment: '/* a block comment */',
    read: (t) => {
      const errors: ParseError[] = [];
      const doc = parseJsonc(t, errors, { allowTrailingComma: true });
      expect(errors).toEqual([]);
      return { servers: doc.servers, doc };
    },
  },
  { client: 'vscode', file: (sb) => path.join(sb.home, '.config', 'Code', 'User', 'mcp.json'), before: jsonBefore('servers'), read: json('servers') },
  {
    client: 'windsurf',
    file: (sb) => path.join(sb.home, '.codeium', 'windsurf', 'mcp_config.json'),
    before: jsonBefore('mcpServers'),
    read: json('mcpServers'),
  },
  {
    client: 'claude-desktop',
    file: (sb) => path.join(sb.home, '.config', 'Claude', 'claude_desktop_config.json'),
    before: jsonBefore('mcpServers'),
    read: json('mcpServers'),
  },
  {
    client: 'hermes',
    file: (sb) => path.join(sb.home, '.hermes', 'config.yaml'),
    before: '# Hermes settings\nmodel: some-model   # keep this comment\nmcp_servers:\n  other:\n    command: other-server\n    args: ["--flag"]\n',
    comment: '# keep this comment',
    read: (t) => {
      const doc = parseYaml(t);
      return { servers: doc.mcp_servers, doc };
    },
  },
];

describe('videogen-mcp init', () => {
  for (const c of CASES) {
    const label = `${c.client}${c.project ? ' --project' : ''}`;
    it(`${label}: merges, keeps what was there, is idempotent, and the written command serves tools/list`, async () => {
      const sb = sandbox();
      const file = c.file(sb);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, c.before);
      const args = [c.client, ...(c.project ? ['--project'] : []), ...(c.client === 'claude-desktop' ? ['--with-keys'] : [])];

      const first = init(sb, args);
      expect(first.code, first.err).toBe(0);
      expect(first.out).toMatch(/added "videogen"/);
      const text = readFileSync(file, 'utf8');
      const { servers, doc } = c.read(text);
      expect(servers.other).toEqual(other); // the unrelated entry survives
      if (c.comment) expect(text).toContain(c.comment);
      if (c.client.startsWith('claude-code') || c.before.includes('someSetting')) expect(doc.someSetting ?? true).toBe(true);
      const entry = servers.videogen;
      expect(entry.command).toBe(process.execPath);
      expect(entry.args).toEqual([path.resolve(BIN)]);
      // A reference to the environment, never the key, unless --with-keys asked for it.
      if (c.client === 'claude-desktop') {
        expect(entry.env.RUNAPI_API_KEY).toBe(KEY);
        expect(path.isAbsolute(entry.env.VIDEOGEN_OUTPUT_DIR)).toBe(true);
      } else {
        expect(text).not.toContain(KEY);
        expect(entry.env.RUNAPI_API_KEY).toMatch(/^\$\{/);
      }
      if (c.client === 'vscode') {
        const ids = doc.inputs.map((i: { id: string }) => i.id);
        expect(ids).toEqual(c.before.includes('"mine"') ? ['mine', 'videogen-runapi-api-key'] : ['videogen-runapi-api-key']);
        expect(doc.inputs.at(-1).password).toBe(true);
      }
      if (c.client === 'hermes') expect(doc.model).toBe('some-model');
      // The previous file is kept, byte for byte.
      const backups = readdirSync(path.dirname(file)).filter((f) => f.startsWith(path.basename(file) + '.bak-'));
      expect(backups).toHaveLength(1);
      expect(readFileSync(path.join(path.dirname(file), backups[0]!), 'utf8')).toBe(c.before);

      // The server starts from exactly what was written.
      expect(await serveFrom(entry, sb.project, sb.home)).toEqual(TOOLS);

      // Twice changes nothing: same bytes, same mtime, no second backup.
      const mtime = statSync(file).mtimeMs;
      const second = init(sb, args);
      expect(second.code, second.err).toBe(0);
      expect(second.out).toMatch(/nothing changed/);
      expect(readFileSync(file, 'utf8')).toBe(text);
      expect(statSync(file).mtimeMs).toBe(mtime);
      expect(readdirSync(path.dirname(file)).filter((f) => f.startsWith(path.basename(file) + '.bak-'))).toHaveLength(1);
    });
  }

  it('creates a missing file and its folders; --print writes nothing', () => {
    const sb = sandbox();
    const printed = init(sb, ['cursor', '--print']);
    expect(printed.code, printed.err).toBe(0);
    expect(JSON.parse(printed.out.slice(printed.out.indexOf('{'), printed.out.lastIndexOf('}') + 1)).mcpServers.videogen.command).toBe(process.execPath);
    expect(existsSync(path.join(sb.home, '.cursor'))).toBe(false);
    const r = init(sb, ['cursor']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(readFileSync(path.join(sb.home, '.cursor', 'mcp.json'), 'utf8')).mcpServers.videogen.env).toEqual({
      RUNAPI_API_KEY: '${env:RUNAPI_API_KEY}',
    });
  });

  it('writes a provider origin set here as its value (not a secret), keys still as references', () => {
    const sb = sandbox();
    const r = init(sb, ['vscode', '--project'], { MINIMAX_API_KEY: 'mm-secret-1', MINIMAX_BASE_URL: 'https://api.minimaxi.com' });
    expect(r.code, r.err).toBe(0);
    const doc = parseJsoncStrict(readFileSync(path.join(sb.project, '.vscode', 'mcp.json'), 'utf8'));
    expect(doc.servers.videogen.env).toEqual({
      RUNAPI_API_KEY: '${input:videogen-runapi-api-key}',
      MINIMAX_API_KEY: '${input:videogen-minimax-api-key}',
      MINIMAX_BASE_URL: 'https://api.minimaxi.com',
    });
    expect(doc.inputs.map((i: { id: string }) => i.id)).toEqual(['videogen-runapi-api-key', 'videogen-minimax-api-key']);
    const d = init(sb, ['claude-desktop'], { MINIMAX_BASE_URL: 'https://api.minimaxi.com' });
    expect(d.code, d.err).toBe(0);
    const desktop = JSON.parse(readFileSync(path.join(sb.home, '.config', 'Claude', 'claude_desktop_config.json'), 'utf8'));
    expect(desktop.mcpServers.videogen.env.MINIMAX_BASE_URL).toBe('https://api.minimaxi.com');
    expect(JSON.stringify(desktop)).not.toContain(KEY);
  });

  it('keeps what the user added to our entry and updates the command', () => {
    const sb = sandbox();
    const file = path.join(sb.project, '.mcp.json');
    writeFileSync(file, JSON.stringify({ mcpServers: { videogen: { command: 'old', args: [], env: { VIDEOGEN_BUDGET_USD_DAILY: '5' }, timeout: 9 } } }));
    const r = init(sb, ['claude-code', '--project']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/updated "videogen"/);
    const e = JSON.parse(readFileSync(file, 'utf8')).mcpServers.videogen;
    expect(e).toMatchObject({ type: 'stdio', command: process.execPath, timeout: 9 });
    expect(e.env).toEqual({ VIDEOGEN_BUDGET_USD_DAILY: '5', RUNAPI_API_KEY: '${RUNAPI_API_KEY}' });
  });

  it('refuses a file that does not parse, saying where, and leaves it untouched', () => {
    const sb = sandbox();
    const file = path.join(sb.home, '.codeium', 'windsurf', 'mcp_config.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '{ "mcpServers": { "a": { "command": "x" }\n');
    const r = init(sb, ['windsurf']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/does not parse as JSON .* at line \d+, column \d+\); nothing was written/);
    expect(readFileSync(file, 'utf8')).toBe('{ "mcpServers": { "a": { "command": "x" }\n');
    const y = path.join(sb.home, '.hermes', 'config.yaml');
    mkdirSync(path.dirname(y), { recursive: true });
    writeFileSync(y, 'mcp_servers: [unclosed\n');
    const h = init(sb, ['hermes']);
    expect(h.code).toBe(1);
    expect(h.err).toMatch(/does not parse as YAML/);
  });

  it('writes no key where the client cannot reference one, and says how; --with-keys files are private', () => {
    const sb = sandbox();
    const r = init(sb, ['claude-desktop']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/cannot read environment variables.*--with-keys/);
    const file = path.join(sb.home, '.config', 'Claude', 'claude_desktop_config.json');
    expect(readFileSync(file, 'utf8')).not.toContain('RUNAPI_API_KEY');
    const k = init(sb, ['cursor', '--with-keys']);
    expect(k.code, k.err).toBe(0);
    expect(statSync(path.join(sb.home, '.cursor', 'mcp.json')).mode & 0o077).toBe(0);
    // An existing world-readable file that now holds a key is made private too.
    const windsurf = path.join(sb.home, '.codeium', 'windsurf', 'mcp_config.json');
    mkdirSync(path.dirname(windsurf), { recursive: true });
    writeFileSync(windsurf, '{}', { mode: 0o644 });
    expect(init(sb, ['windsurf', '--with-keys']).code).toBe(0);
    expect(statSync(windsurf).mode & 0o777).toBe(0o600);
    expect(readFileSync(windsurf, 'utf8')).toContain(KEY);
  });

  it('edits a linked config where it lives, keeps a private file private, and keeps a byte-order mark', () => {
    const sb = sandbox();
    const real = path.join(sb.home, 'dotfiles', 'cursor-mcp.json');
    mkdirSync(path.dirname(real), { recursive: true });
    writeFileSync(real, '\uFEFF{ "mcpServers": {} }\n', { mode: 0o600 });
    mkdirSync(path.join(sb.home, '.cursor'));
    const link = path.join(sb.home, '.cursor', 'mcp.json');
    symlinkSync(real, link);
    const r = init(sb, ['cursor']);
    expect(r.code, r.err).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    const text = readFileSync(real, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(JSON.parse(text.slice(1)).mcpServers.videogen.command).toBe(process.execPath);
    expect(statSync(real).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.dirname(real)).some((f) => f.startsWith('cursor-mcp.json.bak-'))).toBe(true);
  });

  it('refuses --project for clients without a project-level file, and unknown clients', () => {
    const sb = sandbox();
    const r = init(sb, ['windsurf', '--project']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Windsurf has no project-level config/);
    const u = init(sb, ['emacs']);
    expect(u.code).toBe(2);
    expect(u.err).toMatch(/unknown client "emacs"; choose one of: claude-code, cursor/);
  });

  it('with no client lists every client and which of its files exist', () => {
    const sb = sandbox();
    mkdirSync(path.join(sb.home, '.cursor'));
    writeFileSync(path.join(sb.home, '.cursor', 'mcp.json'), '{"mcpServers":{"videogen":{}}}');
    const r = init(sb, []);
    expect(r.code, r.err).toBe(0);
    for (const c of ['claude-code', 'cursor', 'vscode', 'windsurf', 'claude-desktop', 'hermes']) expect(r.out).toContain(c);
    expect(r.out).toContain(`✓ ${path.join(sb.home, '.cursor', 'mcp.json')} (has "videogen")`);
    expect(r.out).not.toMatch(/\.claude\.json \(has/);
    expect(r.out).toContain(`· ${path.join(sb.home, '.claude.json')}`);
  });

  it('a global install (its bin on PATH) is written as the bin name, and as absolute paths for Claude Desktop', () => {
    const sb = sandbox();
    const binDir = path.join(sb.home, 'prefix', 'bin');
    mkdirSync(binDir, { recursive: true });
    symlinkSync(path.resolve(BIN), path.join(binDir, 'videogen-mcp'));
    const env = { PATH: `${binDir}${path.delimiter}${sb.env['PATH']}` };
    const r = spawnSync(process.execPath, [BIN, 'init', 'cursor', '--print'], { cwd: sb.project, env: { ...sb.env, ...env }, encoding: 'utf8' });
    expect(r.stdout).toMatch(/"command": "videogen-mcp",\s*"args": \[\]/);
    const d = spawnSync(process.execPath, [BIN, 'init', 'claude-desktop', '--print'], { cwd: sb.project, env: { ...sb.env, ...env }, encoding: 'utf8' });
    expect(d.stdout).toContain(JSON.stringify(process.execPath));
  });
});
