/**
 * Every install path the README gives, run as a user on a fresh machine would run it: the commands are
 * read from the README itself, npm's global prefix, cache and HOME are temporary, and nothing touches
 * the network (tarballs install offline; `npx -y videogen-mcp` resolves from a local registry serving
 * the packed tarball, as it will from npmjs.org after publishing). The README's Claude Code commands
 * run with the real Claude Code CLI from npm (`@anthropic-ai/claude-code`, a devDependency), and
 * `claude mcp list` must report the server connected.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRegistry, type FakeRegistry } from '../fakes/npm-registry.js';
import { tempDir } from '../helpers.js';
import { startCommand, type RawServer } from './stdio-client.js';

const README = readFileSync('README.md', 'utf8');
const PKG = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, unknown> & { name: string; version: string };
const NODE_DIR = path.dirname(process.execPath);
const NPM = path.join(NODE_DIR, process.platform === 'win32' ? 'npm.cmd' : 'npm');
const CLAUDE = path.resolve('node_modules/.bin/claude');
const TOOLS = ['cancel_job', 'check_job', 'generate_video', 'list_jobs', 'list_models'];

let work: string;
let tarball: string;
const running: RawServer[] = [];
afterEach(() => {
  for (const s of running.splice(0)) s.proc.kill('SIGKILL');
});

/** A fenced ```bash block of the README that contains `marker`, as its command lines. */
function readmeBlock(marker: string): string[] {
  for (const m of README.matchAll(/```bash\n([\s\S]*?)```/g)) {
    const lines = m[1]!
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter(Boolean);
    if (lines.some((l) => l.includes(marker))) return lines;
  }
  throw new Error(`no README bash block contains "${marker}"`);
}

/** Words of a README command line (the commands we document use no quoting). */
function words(line: string): string[] {
  expect(line).not.toMatch(/['"\\$`|;&<>]/);
  return line.split(/\s+/);
}

/** A user's shell on a fresh machine: temporary HOME and npm prefix/cache, node on PATH, nothing else. */
function userEnv(name: string, extra: Record<string, string> = {}, sharedPrefix?: string): { env: Record<string, string>; home: string; prefix: string } {
  const home = path.join(work, name, 'home');
  const prefix = sharedPrefix ?? path.join(work, name, 'prefix');
  mkdirSync(home, { recursive: true });
  const bin = process.platform === 'win32' ? prefix : path.join(prefix, 'bin');
  const env: Record<string, string> = {
    PATH: [bin, NODE_DIR, '/usr/bin', '/bin'].join(path.delimiter),
    HOME: home,
    npm_config_prefix: prefix,
    npm_config_cache: path.join(work, name, 'npm-cache'),
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_loglevel: 'error',
    VIDEOGEN_STATE_DIR: path.join(home, '.state'),
    ...extra,
  };
  return { env, home, prefix };
}

/** A user (own HOME) on a machine where the tarball is already installed globally (one install, shared). */
let installed: string | undefined;
function withInstalled(name: string, extra: Record<string, string> = {}) {
  const first = installed === undefined;
  installed ??= path.join(work, 'installed-prefix');
  const u = userEnv(name, { npm_config_offline: 'true', ...extra }, installed);
  if (first) {
    const r = run(['npm', 'install', '-g', tarball], { cwd: work, env: u.env });
    expect(r.code, r.all).toBe(0);
  }
  return u;
}

function run(cmd: string[], opts: { cwd: string; env: Record<string, string>; timeout?: number }) {
  const [file, ...args] = cmd;
  const exe = file === 'npm' ? NPM : file === 'claude' ? CLAUDE : file!;
  const r = spawnSync(exe, args, { cwd: opts.cwd, env: opts.env, encoding: 'utf8', timeout: opts.timeout ?? 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, all: `${r.stdout}\n${r.stderr}` };
}

/** As run(), without blocking this process (needed while a local fake server here must answer). */
function runAsync(cmd: string[], opts: { cwd: string; env: Record<string, string> }): Promise<{ code: number | null; out: string; all: string }> {
  const [file, ...args] = cmd;
  const exe = file === 'npm' ? NPM : file === 'claude' ? CLAUDE : file!;
  return new Promise((resolve) => {
    const child = spawn(exe, args, { cwd: opts.cwd, env: opts.env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, all: `${out}\n${err}` }));
  });
}

async function toolsFrom(command: string, args: string[], env: Record<string, string>, cwd: string): Promise<string[]> {
  const s = startCommand(command, args, env, cwd);
  running.push(s);
  await s.init();
  const list = await s.request('tools/list', undefined, 60_000);
  expect(s.junk).toEqual([]);
  return list.result.tools.map((t: { name: string }) => t.name).sort();
}

beforeAll(() => {
  work = tempDir('videogen-install-');
  // The README's tarball path, in this clone: `npm pack` writes the tarball here and leaves the clone clean.
  const block = readmeBlock('npm pack');
  expect(block[0]!).toBe('npm pack');
  const before = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { encoding: 'utf8' });
  // --ignore-scripts: prepack would rebuild dist/ under the other e2e tests; dist is already built.
  const r = run(['npm', 'pack', '--ignore-scripts'], { cwd: process.cwd(), env: { ...process.env, npm_config_loglevel: 'error' } as Record<string, string> });
  expect(r.code, r.all).toBe(0);
  const name = `${PKG.name}-${PKG.version}.tgz`;
  expect(execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { encoding: 'utf8' })).toBe(before);
  tarball = path.join(work, name);
  renameSync(name, tarball);
}, 120_000);

describe('install paths in the README', () => {
  it('from a clone: the build commands, then `npm install -g .` puts a working videogen-mcp on PATH', async () => {
    const block = readmeBlock('npm install -g .');
    expect(block).toEqual(['npm ci && npm run build', 'npm install -g .']); // CI has just run the first line in this clone
    const u = userEnv('clone');
    const r = run(words(block[1]!), { cwd: process.cwd(), env: { ...u.env, npm_config_offline: 'true' } });
    expect(r.code, r.all).toBe(0);
    const bin = path.join(u.prefix, 'bin', 'videogen-mcp');
    // As the README says: a link to this folder, so rebuilding the clone upgrades the global command.
    const linked = path.join(u.prefix, 'lib', 'node_modules', 'videogen-mcp');
    expect(lstatSync(linked).isSymbolicLink()).toBe(true);
    expect(realpathSync(linked)).toBe(realpathSync(process.cwd()));
    expect(await toolsFrom(bin, [], u.env, u.home)).toEqual(TOOLS);
    // init run from the global command writes the command name, which survives upgrades.
    const p = run([bin, 'init', 'cursor', '--print'], { cwd: u.home, env: u.env });
    expect(p.out).toMatch(/"command": "videogen-mcp"/);
  });

  it('from a packed tarball: `npm install -g ./videogen-mcp-<version>.tgz` installs one package, offline', async () => {
    const block = readmeBlock('npm pack');
    expect(block[1]).toBe(`npm install -g ./${PKG.name}-${PKG.version}.tgz`);
    const u = userEnv('tarball', { npm_config_offline: 'true' });
    const r = run(words(block[1]!), { cwd: work, env: u.env });
    expect(r.code, r.all).toBe(0);
    expect(readdirSync(path.join(u.prefix, 'lib', 'node_modules'))).toEqual(['videogen-mcp']);
    const installed = path.join(u.prefix, 'lib', 'node_modules', 'videogen-mcp');
    expect(existsSync(path.join(installed, 'CHANGELOG.md'))).toBe(true);
    expect(readdirSync(path.join(installed, 'dist'), { recursive: true }).filter((f) => String(f).endsWith('.map'))).toEqual([]);
    expect(await toolsFrom('videogen-mcp', [], u.env, u.home)).toEqual(TOOLS);

    // mcp.example.json works as written once the command is installed.
    const example = JSON.parse(readFileSync('mcp.example.json', 'utf8')).mcpServers.videogen as {
      command: string;
      args: string[];
      env: Record<string, string>;
    };
    const env = { ...u.env };
    for (const [k, v] of Object.entries(example.env)) env[k] = v.startsWith('${') ? '' : v;
    expect(await toolsFrom(example.command, example.args, env, u.home)).toEqual(TOOLS);
  });

  it('every client snippet in the README parses in its format and serves tools/list once the command is installed', async () => {
    const u = withInstalled('snippets');
    const { parse: parseYaml } = await import('yaml');
    const section = README.slice(README.indexOf('## Client configuration'), README.indexOf('## Environment variables'));
    const blocks = [...section.matchAll(/```(json|yaml)\n([\s\S]*?)```/g)];
    expect(blocks.length).toBe(6); // .mcp.json, Cursor, VS Code, Windsurf, Claude Desktop, Hermes
    for (const [, lang, body] of blocks) {
      const doc = lang === 'json' ? JSON.parse(body!) : parseYaml(body!);
      const entry = (doc.mcpServers ?? doc.servers ?? doc.mcp_servers).videogen as { command: string; args: string[]; env?: Record<string, string> };
      // The Claude Desktop example shows a default global prefix (/usr/local): map it onto this machine's.
      const command = entry.command === '/usr/local/bin/node' ? process.execPath : entry.command;
      const args = entry.args.map((a) => a.replace(/^\/usr\/local\//, `${u.prefix}/`));
      const env = { ...u.env };
      for (const [k, v] of Object.entries(entry.env ?? {})) env[k] = /^\$\{/.test(v) ? '' : v.replace('/Users/you', u.home);
      expect(await toolsFrom(command, args, env, u.home), body).toEqual(TOOLS);
    }
  });

  describe('from the registry (after publishing), as npx runs it', () => {
    let registry: FakeRegistry;
    beforeAll(async () => {
      registry = await startFakeRegistry(tarball, PKG);
    });
    afterAll(async () => {
      await registry.close();
    });

    it('`npx -y videogen-mcp` fetches the package and serves tools/list', async () => {
      const block = readmeBlock('npx -y videogen-mcp');
      expect(block[0]).toBe('npx -y videogen-mcp');
      const u = userEnv('npx', { npm_config_registry: `${registry.url}/` });
      const [cmd, ...args] = words(block[0]!);
      expect(await toolsFrom(cmd!, args, u.env, u.home)).toEqual(TOOLS);
      expect(registry.requests).toContain(`GET /videogen-mcp/-/videogen-mcp-${PKG.version}.tgz`);
    });

    it('`npm exec --yes --package <tarball> -- videogen-mcp` serves offline', async () => {
      const u = userEnv('npm-exec', { npm_config_offline: 'true' });
      expect(await toolsFrom(NPM, ['exec', '--yes', '--package', tarball, '--', 'videogen-mcp'], u.env, u.home)).toEqual(TOOLS);
      // init run through npx writes the npx command (the npx cache is no place to point a client at).
      const p = await runAsync([NPM, 'exec', '--yes', '--package', tarball, '--', 'videogen-mcp', 'init', 'cursor', '--print'], { cwd: u.home, env: u.env });
      expect(p.code, p.all).toBe(0);
      expect(JSON.parse(p.out.slice(p.out.indexOf('{'), p.out.lastIndexOf('}') + 1)).mcpServers.videogen).toMatchObject({
        command: 'npx',
        args: ['-y', `videogen-mcp@${PKG.version}`],
      });
    });

    it("the README's Claude Code command for after publishing: `claude mcp list` shows the server connected", async () => {
      const line = /`(claude mcp add [^`]*-- npx -y videogen-mcp)`/.exec(README)?.[1];
      expect(line).toBeDefined();
      const u = userEnv('claude-npx', { npm_config_registry: `${registry.url}/`, ...CLAUDE_ENV });
      const add = run(words(line!), { cwd: u.home, env: u.env });
      expect(add.code, add.all).toBe(0);
      const list = await runAsync(['claude', 'mcp', 'list'], { cwd: u.home, env: u.env });
      expect(list.out, list.all).toMatch(/^videogen: npx -y videogen-mcp - ✔ Connected$/m);
    });
  });

  it("the README's Claude Code command, with the real Claude Code CLI: added at user scope and connected", () => {
    const line = readmeBlock('claude mcp add').find((l) => l.startsWith('claude mcp add'))!;
    const u = withInstalled('claude', CLAUDE_ENV);
    const add = run(words(line), { cwd: u.home, env: u.env });
    expect(add.code, add.all).toBe(0);
    const cfg = JSON.parse(readFileSync(path.join(u.home, '.claude.json'), 'utf8'));
    expect(cfg.mcpServers.videogen).toMatchObject({ type: 'stdio', command: 'videogen-mcp', env: { RUNAPI_API_KEY: 'runapi_xxx' } });
    const list = run(['claude', 'mcp', 'list'], { cwd: u.home, env: u.env });
    expect(list.out).toMatch(/^videogen: videogen-mcp {2}- ✔ Connected$/m);

    // The old README order (--env before the name) is what Claude Code rejects.
    const old = run(['claude', 'mcp', 'add', '--transport', 'stdio', '--scope', 'user', '--env', 'RUNAPI_API_KEY=x', 'videogen2', '--', 'videogen-mcp'], {
      cwd: u.home,
      env: u.env,
    });
    expect(old.code).not.toBe(0);
    expect(old.all).toMatch(/missing required argument 'commandOrUrl'/);
  });

  it('`videogen-mcp init claude-code` output is accepted by the real Claude Code CLI and connects', () => {
    const u = withInstalled('claude-init', { RUNAPI_API_KEY: 'runapi_from_env', ...CLAUDE_ENV });
    const i = run(
      ['videogen-mcp', 'init', 'claude-code'].map((w, n) => (n === 0 ? path.join(u.prefix, 'bin', w) : w)),
      { cwd: u.home, env: u.env },
    );
    expect(i.code, i.all).toBe(0);
    const list = run(['claude', 'mcp', 'list'], { cwd: u.home, env: u.env });
    expect(list.out).toMatch(/^videogen: videogen-mcp {2}- ✔ Connected$/m);
  });
});

describe('init claude-code --project with the real Claude Code CLI', () => {
  it('Claude Code reads the written .mcp.json: project scope, our command, waiting for the one-time approval', () => {
    const u = userEnv('claude-project', CLAUDE_ENV);
    const project = path.join(work, 'claude-project', 'repo');
    mkdirSync(project, { recursive: true });
    const i = run([process.execPath, path.resolve('dist/index.js'), 'init', 'claude-code', '--project'], { cwd: project, env: u.env });
    expect(i.code, i.all).toBe(0);
    const get = run(['claude', 'mcp', 'get', 'videogen'], { cwd: project, env: u.env });
    expect(get.out).toMatch(/Scope: Project config \(shared via \.mcp\.json\)/);
    expect(get.out).toContain(`Command: ${process.execPath}`);
    expect(get.out).toContain(`Args: ${path.resolve('dist/index.js')}`);
    // Starting project servers needs the user's approval inside `claude`; the user-scope tests above show it connecting.
    expect(get.out).toMatch(/Pending approval/);
  });
});

/** Keep the CLI quiet and offline: no auto-update, telemetry or other non-essential traffic. */
const CLAUDE_ENV = { DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_TELEMETRY: '1' };
