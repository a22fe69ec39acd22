/**
 * The MCP clients `videogen-mcp init` configures, as data: where each keeps its config (user level and
 * project level, per OS), its file format, the key its servers live under, and how it refers to an
 * environment variable. Pure: paths come from an injected {@link Host}, so Windows paths are tested
 * with `path.win32` on any machine.
 *
 * Sources (see also the README's client section and shared/reference/mcp.md §4):
 * - Claude Code: `~/.claude.json` (user scope, top-level `mcpServers`) and `<project>/.mcp.json`;
 *   `${VAR}` is expanded in `command`, `args` and `env` (code.claude.com/docs/en/mcp).
 * - Cursor: `~/.cursor/mcp.json` and `<project>/.cursor/mcp.json`; `${env:VAR}` (cursor.com/docs/mcp).
 * - VS Code: the user profile's `mcp.json` and `<project>/.vscode/mcp.json`; top-level `servers`;
 *   `${input:id}` prompts once and stores the secret (VS Code MCP configuration reference).
 * - Windsurf: `~/.codeium/windsurf/mcp_config.json` only; `${env:VAR}` (docs.windsurf.com, MCP).
 * - Claude Desktop: `claude_desktop_config.json` in the app's data folder; no expansion, and the app
 *   does not inherit the shell environment (modelcontextprotocol.io, "Connect to local MCP servers").
 * - Hermes Agent: `~/.hermes/config.yaml` → `mcp_servers`; `${VAR}` from `~/.hermes/.env`
 *   (NousResearch/hermes-agent, website/docs/user-guide/features/mcp.md).
 */
import path from 'node:path';

export const CLIENT_IDS = ['claude-code', 'cursor', 'vscode', 'windsurf', 'claude-desktop', 'hermes'] as const;
export type ClientId = (typeof CLIENT_IDS)[number];

/** The machine a config is written for: OS, home directory and environment (APPDATA on Windows). */
export interface Host {
  platform: NodeJS.Platform;
  home: string;
  env: Record<string, string | undefined>;
}

/** The path module for a host's OS, so a Windows config path is built with Windows rules anywhere. */
export function pathFor(host: Pick<Host, 'platform'>): path.PlatformPath {
  return host.platform === 'win32' ? path.win32 : path.posix;
}

export interface ClientSpec {
  id: ClientId;
  title: string;
  format: 'json' | 'yaml';
  /** The key whose object maps server names to entries. */
  serversKey: string;
  /** The user-level config file, or undefined where the client has none on this OS. */
  userPath(host: Host): string | undefined;
  /** The project-level config file, or undefined where the client has none. */
  projectPath?(projectDir: string, host: Host): string;
  /** How the client's config refers to an environment variable; undefined: it cannot (literals only). */
  envRef?(name: string): string;
  /** Fields every entry carries for this client besides command, args and env. */
  extra: Record<string, unknown>;
  /** Why there is no project level, for the refusal. */
  noProjectReason?: string;
}

function appData(host: Host): string {
  const p = pathFor(host);
  return host.env['APPDATA'] ?? p.join(host.home, 'AppData', 'Roaming');
}

/** The per-user application-data folder where Electron apps keep their settings. */
function appDataDir(host: Host, app: string): string {
  const p = pathFor(host);
  if (host.platform === 'win32') return p.join(appData(host), app);
  if (host.platform === 'darwin') return p.join(host.home, 'Library', 'Application Support', app);
  return p.join(host.env['XDG_CONFIG_HOME'] ?? p.join(host.home, '.config'), app);
}

export const CLIENTS: Record<ClientId, ClientSpec> = {
  'claude-code': {
    id: 'claude-code',
    title: 'Claude Code',
    format: 'json',
    serversKey: 'mcpServers',
    userPath: (h) => pathFor(h).join(h.home, '.claude.json'),
    projectPath: (dir, h) => pathFor(h).join(dir, '.mcp.json'),
    envRef: (n) => `\${${n}}`,
    extra: { type: 'stdio' },
  },
  cursor: {
    id: 'cursor',
    title: 'Cursor',
    format: 'json',
    serversKey: 'mcpServers',
    userPath: (h) => pathFor(h).join(h.home, '.cursor', 'mcp.json'),
    projectPath: (dir, h) => pathFor(h).join(dir, '.cursor', 'mcp.json'),
    envRef: (n) => `\${env:${n}}`,
    extra: {},
  },
  vscode: {
    id: 'vscode',
    title: 'VS Code',
    format: 'json',
    serversKey: 'servers',
    userPath: (h) => pathFor(h).join(appDataDir(h, 'Code'), 'User', 'mcp.json'),
    projectPath: (dir, h) => pathFor(h).join(dir, '.vscode', 'mcp.json'),
    // Secrets go through `inputs` (asked once, stored by VS Code); see vscodeInputId.
    envRef: (n) => `\${input:${vscodeInputId(n)}}`,
    extra: { type: 'stdio' },
  },
  windsurf: {
    id: 'windsurf',
    title: 'Windsurf',
    format: 'json',
    serversKey: 'mcpServers',
    userPath: (h) => pathFor(h).join(h.home, '.codeium', 'windsurf', 'mcp_config.json'),
    envRef: (n) => `\${env:${n}}`,
    extra: {},
    noProjectReason: 'Windsurf reads MCP servers only from ~/.codeium/windsurf/mcp_config.json',
  },
  'claude-desktop': {
    id: 'claude-desktop',
    title: 'Claude Desktop',
    format: 'json',
    serversKey: 'mcpServers',
    userPath: (h) => pathFor(h).join(appDataDir(h, 'Claude'), 'claude_desktop_config.json'),
    extra: {},
    noProjectReason: 'Claude Desktop has one config file per user',
  },
  hermes: {
    id: 'hermes',
    title: 'Hermes Agent',
    format: 'yaml',
    serversKey: 'mcp_servers',
    userPath: (h) => pathFor(h).join(h.env['HERMES_HOME'] ?? pathFor(h).join(h.home, '.hermes'), 'config.yaml'),
    envRef: (n) => `\${${n}}`,
    // Our waits end by 50 s; generous tool and connect time-outs, and elicitation for spend confirmation.
    extra: { timeout: 300, connect_timeout: 60, elicitation: { enabled: true, timeout: 300 } },
    noProjectReason: 'Hermes reads MCP servers only from ~/.hermes/config.yaml',
  },
};

export function isClientId(s: string): s is ClientId {
  return (CLIENT_IDS as readonly string[]).includes(s);
}

/** The VS Code input id for an environment variable: `videogen-runapi-api-key`. */
export function vscodeInputId(envName: string): string {
  return `videogen-${envName.toLowerCase().replace(/_/g, '-')}`;
}

/** How the server is started: a command and its arguments, before any Windows wrapper. */
export interface Launch {
  command: string;
  args: string[];
  /** The command is an npm shim (`npx`, a global bin) that native Windows cannot spawn directly. */
  shim: boolean;
}

/** On native Windows, npm shims are `.cmd` files that clients spawning without a shell cannot run: wrap in `cmd /c`. */
export function platformLaunch(launch: Launch, host: Pick<Host, 'platform'>): { command: string; args: string[] } {
  if (host.platform === 'win32' && launch.shim) return { command: 'cmd', args: ['/c', launch.command, ...launch.args] };
  return { command: launch.command, args: [...launch.args] };
}

export interface EntryOptions {
  launch: Launch;
  host: Host;
  /** Variables to pass: name → literal value, or undefined to write a reference to the environment. */
  vars: Record<string, string | undefined>;
}

/** The server entry for one client, or the reason it cannot be written (a reference the client cannot expand). */
export function buildEntry(client: ClientSpec, opts: EntryOptions): Record<string, unknown> {
  const { command, args } = platformLaunch(opts.launch, opts.host);
  const env: Record<string, string> = {};
  for (const [name, literal] of Object.entries(opts.vars)) {
    if (literal !== undefined) env[name] = literal;
    else if (client.envRef) env[name] = client.envRef(name);
  }
  if (client.id === 'claude-desktop' && env['VIDEOGEN_OUTPUT_DIR'] === undefined) {
    // The app may start the server in `/` (or System32): save videos somewhere the user will find them.
    env['VIDEOGEN_OUTPUT_DIR'] = pathFor(opts.host).join(opts.host.home, 'videogen-videos');
  }
  // The conventional key order: type, command, args, env, then the client's own settings.
  const { type, ...extra } = client.extra;
  return { ...(type === undefined ? {} : { type }), command, args, ...(Object.keys(env).length ? { env } : {}), ...extra };
}

/** VS Code `inputs` for the referenced secrets. */
export function vscodeInputs(vars: Record<string, string | undefined>, describe: (name: string) => string): Record<string, unknown>[] {
  return Object.entries(vars)
    .filter(([, literal]) => literal === undefined)
    .map(([name]) => ({ type: 'promptString', id: vscodeInputId(name), description: describe(name), password: true }));
}
