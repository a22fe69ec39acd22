/**
 * `videogen-mcp init [client] [--project[=dir]] [--print] [--with-keys] [--key NAME] [--npx]`: writes
 * or merges one MCP client's config so it starts this installation.
 *
 * - Which command: a global install (`npm install -g`, whose bin on PATH is this very file) is written
 *   as the bin name `videogen-mcp`, which survives `npm install -g` upgrades and Node upgrades alike;
 *   Claude Desktop, which does not inherit the shell's PATH, gets the absolute node and the package's
 *   path in the global folder, which also survives package upgrades. Anything else (a clone, a local
 *   install) is written as the absolute node and the absolute `dist/index.js`: it survives
 *   `git pull && npm run build`, not moving the folder or replacing that node binary (run init again).
 *   Run from npx's cache, or with `--npx`, it writes `npx -y videogen-mcp@<version>`.
 * - Keys: references to the environment (`${VAR}`, `${env:VAR}`, VS Code `${input:…}`) for the provider
 *   variables set where init runs (plus `--key NAME`); literal values only with `--with-keys`.
 * - Safe writes: merged (other servers, comments and formatting stay), a timestamped backup of the old
 *   file, an atomic replace; an unchanged config is not rewritten; a file that does not parse is refused.
 */
import { existsSync, promises as fs, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { parse as jsoncParse } from 'jsonc-parser';
import { parse as yamlParse, stringify as yamlStringify } from 'yaml';
import { PROVIDER_ENV, REAL_PROVIDERS } from '../config.js';
import { VERSION } from '../version.js';
import { buildEntry, CLIENT_IDS, CLIENTS, isClientId, pathFor, vscodeInputs, type ClientId, type ClientSpec, type Host, type Launch } from './clients.js';
import { mergeJson, mergeYaml, RefusedConfigError, type MergeRequest } from './config-file.js';

/** The server's name in every client config. */
export const SERVER_NAME = 'videogen';
const PACKAGE = 'videogen-mcp';

export interface InitContext {
  host: Host;
  cwd: string;
  /** The file this installation runs (realpath of dist/index.js). */
  entry: string;
  /** The node binary running now. */
  execPath: string;
  out: (line: string) => void;
  err: (line: string) => void;
}

const USAGE = `Usage: videogen-mcp init [client] [options]

Clients: ${CLIENT_IDS.join(', ')}
With no client: lists the clients and which of their config files exist.

Options:
  --project[=dir]  write the project-level config of dir (default: the current directory)
  --print          show the entry instead of writing it
  --with-keys      write the provider keys' values (default: references to the environment)
  --key NAME       also pass NAME (repeatable, or comma-separated), e.g. --key RUNWAYML_API_SECRET
  --npx            start the server with \`npx -y ${PACKAGE}@${VERSION}\` (once it is on the npm registry)`;

interface Options {
  client: string | undefined;
  project: string | undefined;
  print: boolean;
  withKeys: boolean;
  npx: boolean;
  keys: string[];
}

function parseArgs(argv: string[], cwd: string): Options {
  const o: Options = { client: undefined, project: undefined, print: false, withKeys: false, npx: false, keys: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--print' || a === '--dry-run') o.print = true;
    else if (a === '--with-keys') o.withKeys = true;
    else if (a === '--npx') o.npx = true;
    else if (a === '--project') o.project = cwd;
    else if (a.startsWith('--project=')) o.project = path.resolve(cwd, a.slice('--project='.length));
    else if (a === '--key' || a.startsWith('--key=')) {
      const v = a === '--key' ? argv[++i] : a.slice('--key='.length);
      if (!v) throw new RefusedConfigError('--key needs a variable name, e.g. --key RUNWAYML_API_SECRET');
      o.keys.push(
        ...v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
    } else if (a === '--help' || a === '-h') o.client = 'help';
    else if (!a.startsWith('-') && o.client === undefined) o.client = a;
    else throw new RefusedConfigError(`unknown option "${a}".\n\n${USAGE}`);
  }
  for (const k of o.keys) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new RefusedConfigError(`--key ${k}: not an environment variable name`);
  return o;
}

function isSet(v: string | undefined): v is string {
  return v !== undefined && v.trim() !== '' && !/^\$\{[^}]*\}$/.test(v.trim());
}

/** Where `name` is on PATH, if anywhere. */
function onPath(name: string, host: Host): string | undefined {
  const exts = host.platform === 'win32' ? ['.cmd', '.exe', ''] : [''];
  const hp = pathFor(host);
  for (const dir of (host.env['PATH'] ?? host.env['Path'] ?? '').split(hp.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const p = hp.join(dir, name + ext);
      try {
        if (statSync(p).isFile()) return p;
      } catch {
        /* not here */
      }
    }
  }
  return undefined;
}

/** Whether the `videogen-mcp` on PATH starts this very installation. */
function globalBinIsThis(ctx: InitContext): boolean {
  const found = onPath(PACKAGE, ctx.host);
  if (!found) return false;
  try {
    // POSIX: the bin is a symlink to dist/index.js. Windows: a .cmd shim next to node_modules/.
    const target = ctx.host.platform === 'win32' ? path.join(path.dirname(found), 'node_modules', PACKAGE, 'dist', 'index.js') : found;
    return realpathSync(target) === realpathSync(ctx.entry);
  } catch {
    return false;
  }
}

type LaunchKind = 'npx' | 'global' | 'path';

function chooseLaunch(ctx: InitContext, opts: Options): { kind: LaunchKind; launch: (client: ClientSpec) => Launch } {
  const npx: Launch = { command: 'npx', args: ['-y', `${PACKAGE}@${VERSION}`], shim: true };
  const absolute: Launch = { command: ctx.execPath, args: [ctx.entry], shim: false };
  if (opts.npx || ctx.entry.split(path.sep).includes('_npx')) return { kind: 'npx', launch: () => npx };
  if (globalBinIsThis(ctx)) {
    const bin: Launch = { command: PACKAGE, args: [], shim: true };
    // Claude Desktop starts servers without the shell's PATH: give it absolute paths.
    return { kind: 'global', launch: (c) => (c.id === 'claude-desktop' ? absolute : bin) };
  }
  return { kind: 'path', launch: () => absolute };
}

/**
 * The variables to pass: name → literal, or undefined for a reference to the environment. Keys (and
 * --key names) are references unless --with-keys; a provider origin set here (e.g. MiniMax's region)
 * is not a secret and is written as its value, so every client gets it.
 */
function chooseVars(ctx: InitContext, opts: Options): Record<string, string | undefined> {
  const names: string[] = [];
  const vars: Record<string, string | undefined> = {};
  for (const id of REAL_PROVIDERS) {
    const spec = PROVIDER_ENV[id];
    if (isSet(ctx.host.env[spec.key])) names.push(spec.key);
    for (const n of [spec.base, ...(spec.aliases?.base ?? [])]) if (isSet(ctx.host.env[n])) vars[n] = ctx.host.env[n]!.trim();
  }
  for (const k of opts.keys) if (!names.includes(k) && !(k in vars)) names.push(k);
  for (const n of names) {
    if (opts.withKeys) {
      const v = ctx.host.env[n];
      if (!isSet(v)) throw new RefusedConfigError(`--with-keys: ${n} is not set here, so there is no value to write. Set it, or drop --key ${n}.`);
      vars[n] = v;
    } else vars[n] = undefined;
  }
  return vars;
}

const PROVIDER_TITLES: Record<(typeof REAL_PROVIDERS)[number], string> = {
  runapi: 'RunAPI',
  apiframe: 'Apiframe',
  atlascloud: 'Atlas Cloud',
  minimax: 'MiniMax',
  runway: 'Runway',
};
const DESCRIPTIONS: Record<string, string> = Object.fromEntries(
  REAL_PROVIDERS.flatMap((id) => [[PROVIDER_ENV[id].key, `${PROVIDER_TITLES[id]} API key (videogen-mcp)`]]),
);

function configPath(client: ClientSpec, opts: Options, ctx: InitContext): string {
  if (opts.project !== undefined) {
    if (!client.projectPath) throw new RefusedConfigError(`${client.title} has no project-level config (${client.noProjectReason}); run without --project.`);
    return client.projectPath(opts.project, ctx.host);
  }
  const p = client.userPath(ctx.host);
  if (!p) throw new RefusedConfigError(`${client.title} has no user-level config on ${ctx.host.platform}.`);
  return p;
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RefusedConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Whether the config text already has our server (a file that does not parse: no). */
function hasEntry(client: ClientSpec, text: string): boolean {
  try {
    const doc: unknown = client.format === 'yaml' ? yamlParse(text) : jsoncParse(text.replace(/^\uFEFF/, ''));
    const servers = (doc as Record<string, unknown> | null)?.[client.serversKey];
    return typeof servers === 'object' && servers !== null && SERVER_NAME in servers;
  } catch {
    return false;
  }
}

/** The client config files (user level, and project level under `cwd`) that already start our server. */
export async function configuredClients(host: Host, cwd: string): Promise<{ id: ClientId; file: string }[]> {
  const found: { id: ClientId; file: string }[] = [];
  for (const id of CLIENT_IDS) {
    const c = CLIENTS[id];
    for (const file of [c.userPath(host), c.projectPath?.(cwd, host)]) {
      if (file === undefined) continue;
      const text = await readIfExists(file).catch(() => undefined);
      if (text !== undefined && hasEntry(c, text)) found.push({ id, file });
    }
  }
  return found;
}

async function listClients(ctx: InitContext): Promise<void> {
  ctx.out(`MCP clients videogen-mcp init can configure (✓ the file exists, · it does not):`);
  for (const id of CLIENT_IDS) {
    const c = CLIENTS[id];
    const files = [c.userPath(ctx.host), c.projectPath?.(ctx.cwd, ctx.host)].filter((f): f is string => f !== undefined);
    const shown: string[] = [];
    for (const f of files) {
      const text = await readIfExists(f).catch(() => undefined);
      const mark = text === undefined ? '·' : '✓';
      const ours = text !== undefined && hasEntry(c, text) ? ` (has "${SERVER_NAME}")` : '';
      shown.push(`${mark} ${f}${ours}`);
    }
    ctx.out(`  ${id.padEnd(15)} ${shown.join('\n  ' + ' '.repeat(16))}`);
  }
  ctx.out(`\nRun \`videogen-mcp init <client>\` (add --project for the project-level file, --print to preview).`);
}

export async function runInit(argv: string[], ctx: InitContext): Promise<number> {
  let opts: Options;
  try {
    opts = parseArgs(argv, ctx.cwd);
  } catch (err) {
    ctx.err(`videogen-mcp init: ${(err as Error).message}`);
    return 2;
  }
  if (opts.client === 'help') {
    ctx.out(USAGE);
    return 0;
  }
  if (opts.client === undefined) {
    await listClients(ctx);
    return 0;
  }
  if (!isClientId(opts.client)) {
    ctx.err(`videogen-mcp init: unknown client "${opts.client}"; choose one of: ${CLIENT_IDS.join(', ')}.`);
    return 2;
  }
  const client = CLIENTS[opts.client];
  try {
    const file = configPath(client, opts, ctx);
    const { kind, launch } = chooseLaunch(ctx, opts);
    const vars = chooseVars(ctx, opts);
    const entry = buildEntry(client, { launch: launch(client), host: ctx.host, vars });
    const req: MergeRequest = { serversKey: client.serversKey, name: SERVER_NAME, entry };
    if (client.id === 'vscode') req.inputs = vscodeInputs(vars, (n) => DESCRIPTIONS[n] ?? `${n} for videogen-mcp`);

    if (opts.print) {
      ctx.out(`# ${client.title}: ${file}`);
      const snippet: Record<string, unknown> = { ...(req.inputs?.length ? { inputs: req.inputs } : {}), [client.serversKey]: { [SERVER_NAME]: entry } };
      ctx.out(client.format === 'yaml' ? yamlStringify(snippet).trimEnd() : JSON.stringify(snippet, null, 2));
      notes(client, kind, vars, opts, ctx);
      return 0;
    }

    // A config kept elsewhere and linked in (dotfiles) is edited where it lives; the link stays a link.
    const target = await fs.realpath(file).catch(() => file);
    const before = await readIfExists(target);
    const merged = client.format === 'yaml' ? mergeYaml(before, file, req) : mergeJson(before, file, req);
    if (!merged.changed) {
      ctx.out(`✓ ${client.title}: ${file} already has this "${SERVER_NAME}" entry; nothing changed.`);
      return 0;
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    let backup: string | undefined;
    if (before !== undefined) {
      backup = `${target}.bak-${timestamp()}`;
      await fs.copyFile(target, backup); // keeps the original's mode (a file with keys stays private)
    }
    // A file holding literal keys becomes readable by its owner only; otherwise write-file-atomic keeps
    // an existing file's mode and owner.
    const secret = opts.withKeys && Object.keys(vars).length > 0;
    await writeFileAtomic(target, merged.text, secret ? { mode: 0o600 } : {});
    ctx.out(
      `✓ ${client.title}: ${merged.existed ? 'updated' : 'added'} "${SERVER_NAME}" in ${file}${backup ? ` (previous version kept as ${path.basename(backup)})` : ''}.`,
    );
    notes(client, kind, vars, opts, ctx);
    return 0;
  } catch (err) {
    if (err instanceof RefusedConfigError) {
      ctx.err(`videogen-mcp init: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

/** What the user still has to do, in a few lines. */
function notes(client: ClientSpec, kind: LaunchKind, vars: Record<string, string | undefined>, opts: Options, ctx: InitContext): void {
  // The keys (and --key names); origins are written as values and need no word here.
  const names = Object.keys(vars).filter((n) => opts.withKeys || vars[n] === undefined);
  const how =
    kind === 'global'
      ? `the \`${PACKAGE}\` command on PATH (survives \`npm install -g\` upgrades)`
      : kind === 'npx'
        ? `npx, ${PACKAGE}@${VERSION} from the npm registry`
        : `${ctx.execPath} ${ctx.entry} (run init again if you move this folder or that node)`;
  ctx.out(`  starts: ${how}`);
  if (names.length === 0) {
    ctx.out(`  keys: none set here, so the server will use its simulator. Set a provider key (e.g. RUNAPI_API_KEY) and run init again, or add --key NAME.`);
  } else if (opts.withKeys) {
    ctx.out(`  keys: written as values (${names.join(', ')}); the file is now readable only by you. Do not commit or share it.`);
  } else if (!client.envRef) {
    ctx.out(`  keys: ${client.title} cannot read environment variables, so none were written; run again with --with-keys to write their values.`);
  } else if (client.id === 'vscode') {
    ctx.out(`  keys: VS Code asks for ${names.join(', ')} once and stores them securely.`);
  } else if (client.id === 'hermes') {
    ctx.out(`  keys: referenced as \${NAME}; put ${names.join(', ')} in ~/.hermes/.env. Reload with /reload-mcp.`);
  } else {
    ctx.out(`  keys: referenced from the environment (${names.join(', ')}); they must be set where ${client.title} starts.`);
  }
  if (opts.project !== undefined && kind === 'path')
    ctx.out(`  note: project files are often committed, and this one names paths on this machine; teammates can run init themselves.`);
  if (client.id === 'claude-code' && opts.project !== undefined)
    ctx.out(`  note: Claude Code asks once before it starts a server from a project's .mcp.json; \`claude mcp list\` shows it.`);
  if (!opts.print) ctx.out(`  next: restart ${client.title} (or reload its MCP servers) and ask it to list the video models.`);
}

/** The bin's entry point for `videogen-mcp init`. */
export async function init(argv: string[]): Promise<void> {
  const script = process.argv[1];
  const entry = script && existsSync(script) ? realpathSync(script) : path.resolve('dist/index.js');
  const code = await runInit(argv, {
    host: { platform: process.platform, home: os.homedir(), env: process.env },
    cwd: process.cwd(),
    entry,
    execPath: process.execPath,
    out: (l) => process.stdout.write(l + '\n'),
    err: (l) => process.stderr.write(l + '\n'),
  });
  if (code !== 0) process.exitCode = code;
}
