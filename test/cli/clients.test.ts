/**
 * Client config locations and launch commands per OS, built with that OS's path rules (`path.win32` for
 * Windows) on any machine, and `init` as it runs on native Windows: npm shims wrapped in `cmd /c`.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEntry, CLIENT_IDS, CLIENTS, platformLaunch, type Host } from '../../src/cli/clients.js';
import { runInit } from '../../src/cli/init.js';

const windows: Host = { platform: 'win32', home: 'C:\\Users\\me', env: { APPDATA: 'C:\\Users\\me\\AppData\\Roaming' } };
const mac: Host = { platform: 'darwin', home: '/Users/me', env: {} };
const linux: Host = { platform: 'linux', home: '/home/me', env: {} };

describe('config file locations', () => {
  it.each([
    ['claude-code', 'C:\\Users\\me\\.claude.json', '/Users/me/.claude.json', '/home/me/.claude.json'],
    ['cursor', 'C:\\Users\\me\\.cursor\\mcp.json', '/Users/me/.cursor/mcp.json', '/home/me/.cursor/mcp.json'],
    [
      'vscode',
      'C:\\Users\\me\\AppData\\Roaming\\Code\\User\\mcp.json',
      '/Users/me/Library/Application Support/Code/User/mcp.json',
      '/home/me/.config/Code/User/mcp.json',
    ],
    [
      'windsurf',
      'C:\\Users\\me\\.codeium\\windsurf\\mcp_config.json',
      '/Users/me/.codeium/windsurf/mcp_config.json',
      '/home/me/.codeium/windsurf/mcp_config.json',
    ],
    [
      'claude-desktop',
      'C:\\Users\\me\\AppData\\Roaming\\Claude\\claude_desktop_config.json',
      '/Users/me/Library/Application Support/Claude/claude_desktop_config.json',
      '/home/me/.config/Claude/claude_desktop_config.json',
    ],
    ['hermes', 'C:\\Users\\me\\.hermes\\config.yaml', '/Users/me/.hermes/config.yaml', '/home/me/.hermes/config.yaml'],
  ] as const)('%s: user level on Windows, macOS, Linux', (id, w, m, l) => {
    const c = CLIENTS[id];
    expect(c.userPath(windows)).toBe(w);
    expect(c.userPath(mac)).toBe(m);
    expect(c.userPath(linux)).toBe(l);
  });

  it('Windows without APPDATA falls back to the roaming folder under the profile', () => {
    expect(CLIENTS['claude-desktop'].userPath({ ...windows, env: {} })).toBe('C:\\Users\\me\\AppData\\Roaming\\Claude\\claude_desktop_config.json');
  });

  it('project level exists for Claude Code, Cursor and VS Code only', () => {
    const withProject = CLIENT_IDS.filter((id) => CLIENTS[id].projectPath);
    expect(withProject).toEqual(['claude-code', 'cursor', 'vscode']);
    expect(CLIENTS.vscode.projectPath!('D:\\code\\app', windows)).toBe('D:\\code\\app\\.vscode\\mcp.json');
    expect(CLIENTS['claude-code'].projectPath!('D:\\code\\app', windows)).toBe('D:\\code\\app\\.mcp.json');
    for (const id of CLIENT_IDS.filter((x) => !CLIENTS[x].projectPath)) expect(CLIENTS[id].noProjectReason).toBeTruthy();
  });
});

describe('launch commands on Windows', () => {
  it('wraps npm shims (npx, the global bin) in cmd /c, never an absolute node.exe', () => {
    expect(platformLaunch({ command: 'npx', args: ['-y', 'videogen-mcp@1.0.0'], shim: true }, windows)).toEqual({
      command: 'cmd',
      args: ['/c', 'npx', '-y', 'videogen-mcp@1.0.0'],
    });
    expect(platformLaunch({ command: 'videogen-mcp', args: [], shim: true }, windows)).toEqual({ command: 'cmd', args: ['/c', 'videogen-mcp'] });
    const node = { command: 'C:\\Program Files\\nodejs\\node.exe', args: ['C:\\src\\videogen-mcp\\dist\\index.js'], shim: false };
    expect(platformLaunch(node, windows)).toEqual({ command: node.command, args: node.args });
    expect(platformLaunch({ command: 'npx', args: ['-y', 'x'], shim: true }, mac)).toEqual({ command: 'npx', args: ['-y', 'x'] });
  });

  it('Claude Desktop on Windows saves videos under the profile, with Windows separators', () => {
    const e = buildEntry(CLIENTS['claude-desktop'], { launch: { command: 'npx', args: ['-y', 'videogen-mcp'], shim: true }, host: windows, vars: {} });
    expect(e).toEqual({ command: 'cmd', args: ['/c', 'npx', '-y', 'videogen-mcp'], env: { VIDEOGEN_OUTPUT_DIR: 'C:\\Users\\me\\videogen-videos' } });
  });

  it('init --npx --print on a Windows host writes cmd /c npx for every client', async () => {
    for (const id of CLIENT_IDS) {
      const out: string[] = [];
      const code = await runInit([id, '--npx', '--print'], {
        host: { ...windows, env: { ...windows.env, RUNAPI_API_KEY: 'k' } },
        cwd: 'C:\\Users\\me\\project',
        entry: path.resolve('dist/index.js'),
        execPath: 'C:\\Program Files\\nodejs\\node.exe',
        out: (l) => out.push(l),
        err: (l) => out.push(l),
      });
      expect(code).toBe(0);
      const text = out.join('\n');
      expect(text).toContain(`# ${CLIENTS[id].title}: ${CLIENTS[id].userPath(windows)}`);
      if (id === 'hermes') expect(text).toMatch(/command: cmd\n\s+args:\n\s+- \/c\n\s+- npx\n\s+- -y\n\s+- videogen-mcp@\d/);
      else expect(text).toMatch(/"command": "cmd",\s*"args": \[\s*"\/c",\s*"npx",\s*"-y",\s*"videogen-mcp@\d/);
      expect(text).not.toContain('"k"');
    }
  });
});
