/**
 * Fault: an empty (or relative) XDG_CONFIG_HOME, APPDATA or HERMES_HOME made `init` write the user-level
 * config to a relative path — `Code/User/mcp.json` in whatever folder the user ran it from — where the
 * client never looks. The XDG spec says an empty or relative value is to be ignored; so do we, for every
 * directory variable a client path is built from, on every OS.
 */
import { describe, expect, it } from 'vitest';
import { CLIENT_IDS, CLIENTS, pathFor, type Host } from '../../src/cli/clients.js';

const hosts: Host[] = [
  { platform: 'linux', home: '/home/me', env: {} },
  { platform: 'darwin', home: '/Users/me', env: {} },
  { platform: 'win32', home: 'C:\\Users\\me', env: {} },
];
const bad = ['', '   ', 'relative/dir', '.'];

describe('user-level config paths ignore empty or relative directory variables', () => {
  for (const base of hosts)
    for (const id of CLIENT_IDS)
      it(`${id} on ${base.platform}`, () => {
        const clean = CLIENTS[id].userPath(base);
        for (const v of bad) {
          const host: Host = { ...base, env: { XDG_CONFIG_HOME: v, APPDATA: v, HERMES_HOME: v } };
          const got = CLIENTS[id].userPath(host);
          expect(got === undefined || pathFor(host).isAbsolute(got), `${id} with "${v}": ${got}`).toBe(true);
          expect(got).toBe(clean);
        }
      });

  it('an absolute XDG_CONFIG_HOME, APPDATA and HERMES_HOME are still honoured', () => {
    const linux: Host = { platform: 'linux', home: '/home/me', env: { XDG_CONFIG_HOME: '/cfg', HERMES_HOME: '/h' } };
    expect(CLIENTS.vscode.userPath(linux)).toBe('/cfg/Code/User/mcp.json');
    expect(CLIENTS.hermes.userPath(linux)).toBe('/h/config.yaml');
    const win: Host = { platform: 'win32', home: 'C:\\Users\\me', env: { APPDATA: 'D:\\Roam' } };
    expect(CLIENTS['claude-desktop'].userPath(win)).toBe('D:\\Roam\\Claude\\claude_desktop_config.json');
  });
});
