/**
 * The package's metadata agrees with itself: package.json, server.json (MCP registry), the README's
 * environment table, the CHANGELOG, and what `npm pack` would publish.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROVIDER_ENV } from '../../src/config.js';
import { VERSION } from '../../src/version.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const server = JSON.parse(readFileSync('server.json', 'utf8'));
const readme = readFileSync('README.md', 'utf8');
const NPM = path.join(path.dirname(process.execPath), process.platform === 'win32' ? 'npm.cmd' : 'npm');

describe('server.json (MCP registry)', () => {
  const npm = server.packages.find((p: { registryType: string }) => p.registryType === 'npm');

  it('matches package.json: mcpName, version, package name, repository', () => {
    expect(server.name).toBe(pkg.mcpName);
    expect(server.name).toMatch(/^io\.github\.[A-Za-z0-9-]+\/[a-zA-Z0-9._-]+$/); // GitHub-verified namespace
    expect(server.version).toBe(pkg.version);
    expect(VERSION).toBe(pkg.version);
    expect(npm.identifier).toBe(pkg.name);
    expect(npm.version).toBe(pkg.version);
    expect(npm.transport).toEqual({ type: 'stdio' });
    expect(npm.registryBaseUrl).toBe('https://registry.npmjs.org');
    expect(pkg.repository.url).toBe(`git+${server.repository.url}.git`);
    expect(pkg.homepage.startsWith(server.repository.url)).toBe(true);
    expect(pkg.bugs.url).toBe(`${server.repository.url}/issues`);
    expect(server.description.length).toBeGreaterThan(0);
    expect(server.description.length).toBeLessThanOrEqual(100); // the registry schema's limit
  });

  it('declares every provider key as a secret, every variable with a description, all documented', () => {
    const vars = npm.environmentVariables as { name: string; description: string; isSecret: boolean; isRequired: boolean }[];
    const names = vars.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    const keys = Object.values(PROVIDER_ENV).map((p) => p.key);
    for (const k of keys)
      expect(
        vars.find((v) => v.name === k),
        k,
      ).toMatchObject({ isSecret: true, isRequired: false });
    for (const v of vars) {
      expect(v.description.length, v.name).toBeGreaterThan(10);
      expect(v.isSecret, v.name).toBe(keys.includes(v.name));
      expect(readme, v.name).toContain(`\`${v.name}\``);
    }
  });
});

describe('the published package', () => {
  it('has the metadata a registry page needs, and allowScripts covers install scripts', () => {
    for (const k of ['repository', 'homepage', 'bugs', 'mcpName', 'license', 'engines']) expect(pkg[k], k).toBeDefined();
    expect(pkg.allowScripts.esbuild).toBe(true);
    expect(pkg.dependencies).toBeUndefined(); // everything is bundled
  });

  // `npm install-scripts` and allowScripts arrived in npm 11; older npm neither warns nor can check (reported as skipped).
  it.runIf(Number(execFileSync(NPM, ['--version'], { encoding: 'utf8' }).split('.')[0]) >= 11)(
    'allowScripts covers every install script in the tree, so `npm ci` does not warn',
    () => {
      expect(execFileSync(NPM, ['install-scripts', 'ls'], { encoding: 'utf8' })).not.toMatch(/not yet covered/);
    },
  );

  it('has a CHANGELOG section for this version, shipped in the package', () => {
    expect(readFileSync('CHANGELOG.md', 'utf8')).toContain(`## [${pkg.version}]`);
    expect(pkg.files).toContain('CHANGELOG.md');
  });

  it('packs the built files without source maps or map references, and ignores *.tgz', () => {
    const [packed] = JSON.parse(execFileSync(NPM, ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' })) as {
      files: { path: string }[];
    }[];
    const files = packed!.files.map((f) => f.path);
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/THIRD_PARTY_LICENSES.txt');
    expect(files).toContain('assets/simulator.mp4');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    for (const f of files.filter((x) => x.endsWith('.js'))) expect(readFileSync(f, 'utf8'), f).not.toMatch(/sourceMappingURL/);
    expect(execFileSync('git', ['check-ignore', `${pkg.name}-${pkg.version}.tgz`], { encoding: 'utf8' }).trim()).toBe(`${pkg.name}-${pkg.version}.tgz`);
  });
});
