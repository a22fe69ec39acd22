/**
 * Imports run one way (HOUSE_STYLE §1): tools → jobs/catalog/providers/media → http. Checked here on
 * the import statements themselves, in place of a lint rule.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'(\.[^']+)'/g), ...src.matchAll(/import\('(\.[^']+)'\)/g)].map((m) =>
    path.relative('src', path.resolve(path.dirname(file), m[1]!)),
  );
}

/** Shared type-only modules any layer may use. */
const SHARED = new Set(['providers/types.js', 'catalog/types.js']);
/** folder → folders it must never import from */
const FORBIDDEN: Record<string, string[]> = {
  catalog: ['tools', 'jobs', 'providers', 'media', 'cli', 'server.ts', 'runtime.ts'],
  providers: ['tools', 'jobs', 'cli', 'server.ts', 'runtime.ts'],
  media: ['tools', 'jobs', 'providers', 'cli', 'server.ts', 'runtime.ts'],
  jobs: ['tools', 'cli', 'server.ts'],
  tools: ['cli', 'providers'],
};

describe('import direction', () => {
  const all = files('src');
  it.each(Object.entries(FORBIDDEN))('src/%s imports none of %j', (folder, banned) => {
    const offenders: string[] = [];
    for (const f of all.filter((f) => f.startsWith(path.join('src', folder) + path.sep))) {
      for (const imp of importsOf(f))
        if (!SHARED.has(imp) && banned.some((b) => imp === b || imp.startsWith(`${b}/`) || imp === b.replace(/\.ts$/, '.js'))) offenders.push(`${f} → ${imp}`);
    }
    expect(offenders).toEqual([]);
  });

  it('only src/index.ts and the CLI touch process.stdout', () => {
    const offenders = all.filter(
      (f) => !f.startsWith(path.join('src', 'cli')) && f !== path.join('src', 'index.ts') && /process\.stdout|console\.log\(/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
