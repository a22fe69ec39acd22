import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { modelsMarkdownTable } from '../../src/catalog/index.js';
import { replaceTable } from '../../src/cli/models-table.js';
import { PROVIDER_ENV } from '../../src/config.js';

const readme = readFileSync('README.md', 'utf8');
const configSource = readFileSync('src/config.ts', 'utf8');

describe('README', () => {
  it('carries the model table generated from the catalog (run `npm run readme:models` after catalog changes)', () => {
    expect(replaceTable(readme, modelsMarkdownTable())).toBe(readme);
  });

  it('documents every environment variable the server reads', () => {
    const read = new Set<string>();
    for (const m of configSource.matchAll(/'((?:VIDEOGEN|APIFRAME)_[A-Z_]+)'/g)) read.add(m[1]!);
    for (const spec of Object.values(PROVIDER_ENV)) {
      read.add(spec.key);
      read.add(spec.base);
      for (const a of spec.aliases?.base ?? []) read.add(a);
    }
    read.add('VIDEOGEN_LOG_LEVEL');
    expect(read.size).toBeGreaterThan(15);
    for (const v of read) expect(readme, v).toContain(`\`${v}\``);
  });

  it('gives the two setup commands, and CI runs exactly the README test command', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toContain('npm ci && npm test');
    const ci = readFileSync('.ci/run', 'utf8');
    expect(ci).toMatch(/^npm ci && npm test$/m);
  });

  it('mcp.example.json runs the installed command (served in test/e2e/install) using only known variables', () => {
    const cfg = JSON.parse(readFileSync('mcp.example.json', 'utf8')) as {
      mcpServers: Record<string, { command: string; args: string[]; env: Record<string, string> }>;
    };
    const server = Object.values(cfg.mcpServers)[0]!;
    expect(server.command).toBe('videogen-mcp');
    for (const k of Object.keys(server.env)) expect(readme, k).toContain(`\`${k}\``);
  });

  it('has a config for every client we support', () => {
    for (const client of ['Claude Code', 'Cursor', 'VS Code', 'Windsurf', 'Claude Desktop', 'Hermes']) expect(readme).toContain(client);
    expect(readme).toContain('claude mcp add');
    expect(readme).toContain('"inputs"');
    expect(readme).toContain('mcp_servers:');
  });

  it('points no client at a registry version that does not exist yet, and labels the registry path', () => {
    // Every `npx … videogen-mcp` in the README is the after-publishing path, unpinned, and said to be so.
    expect(readme).not.toMatch(/videogen-mcp@\d/);
    expect(readme).toMatch(/From the npm registry — after publishing \(not available yet\)/);
    for (const m of readme.matchAll(/npx -y videogen-mcp/g)) {
      const around = readme.slice(Math.max(0, m.index - 400), m.index + 200);
      expect(around, `npx at ${m.index}`).toMatch(/after publishing|not on the npm registry yet/i);
    }
  });
});
