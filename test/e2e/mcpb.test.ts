/**
 * The Claude Desktop bundle: `scripts/mcpb.mjs` (what `npm run mcpb` runs after the build) packs the
 * built server with the official @anthropic-ai/mcpb tool, `mcpb validate` passes on its manifest,
 * every provider key is a sensitive user setting, and the unpacked bundle's server answers tools/list
 * when started the way the manifest says.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROVIDER_ENV } from '../../src/config.js';
import { tempDir } from '../helpers.js';
import { startCommand, type RawServer } from './stdio-client.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const MCPB = path.resolve('node_modules/@anthropic-ai/mcpb/dist/cli/cli.js');
const running: RawServer[] = [];
afterEach(() => {
  for (const s of running.splice(0)) s.proc.kill('SIGKILL');
});

function mcpb(...args: string[]) {
  const r = spawnSync(process.execPath, [MCPB, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, all: `${r.stdout}\n${r.stderr}` };
}

describe('npm run mcpb', () => {
  it('builds a bundle that validates, keeps keys sensitive, and serves tools/list', async () => {
    const out = tempDir('videogen-mcpb-');
    const r = spawnSync(process.execPath, ['scripts/mcpb.mjs', '--out', out], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const bundle = path.join(out, `${pkg.name}-${pkg.version}.mcpb`);
    expect(existsSync(bundle)).toBe(true);

    const unpacked = path.join(out, 'unpacked');
    expect(mcpb('unpack', bundle, unpacked).code).toBe(0);
    const v = mcpb('validate', path.join(unpacked, 'manifest.json'));
    expect(v.code, v.all).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(unpacked, 'manifest.json'), 'utf8'));
    expect(manifest.version).toBe(pkg.version);
    for (const { key } of Object.values(PROVIDER_ENV)) {
      const setting = manifest.user_config[key.toLowerCase()];
      expect(setting, key).toMatchObject({ type: 'string', sensitive: true, required: false });
      expect(manifest.server.mcp_config.env[key]).toBe(`\${user_config.${key.toLowerCase()}}`);
    }

    // Start it as Claude Desktop would: ${__dirname} is the bundle folder; an unset setting comes through
    // unexpanded or empty, and the server must treat both as unset.
    const sub = (s: string) => s.replace('${__dirname}', unpacked);
    const env: Record<string, string> = { VIDEOGEN_STATE_DIR: path.join(out, '.state') };
    for (const [k, val] of Object.entries(manifest.server.mcp_config.env as Record<string, string>)) env[k] = k === 'RUNAPI_API_KEY' ? '' : val;
    const command = manifest.server.mcp_config.command === 'node' ? process.execPath : manifest.server.mcp_config.command;
    const s = startCommand(command, manifest.server.mcp_config.args.map(sub), env, out);
    running.push(s);
    await s.init();
    const list = await s.request('tools/list');
    expect(list.result.tools).toHaveLength(5);
    // The manifest declares the tools the bundled server really serves.
    expect(manifest.tools.map((t: { name: string }) => t.name).sort()).toEqual(list.result.tools.map((t: { name: string }) => t.name).sort());
    const models = await s.call('list_models', {});
    expect(models.isError).toBeFalsy();
    expect(s.junk).toEqual([]);
  });
});
