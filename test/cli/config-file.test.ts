/** Merging one entry into config text: what must stay as it was, and what is refused. */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { mergeJson, mergeYaml, RefusedConfigError } from '../../src/cli/config-file.js';

const req = { serversKey: 'mcpServers', name: 'videogen', entry: { command: 'videogen-mcp', args: [] as string[] } };

describe('mergeJson', () => {
  it('keeps CRLF line ends, tab indentation and comments around the edit', () => {
    const before = '{\r\n\t// mine\r\n\t"mcpServers": {\r\n\t\t"a": { "command": "a" } /* trailing */\r\n\t}\r\n}\r\n';
    const { text, changed } = mergeJson(before, 'f.json', req);
    expect(changed).toBe(true);
    expect(text).toContain('\t// mine\r\n');
    expect(text).toContain('/* trailing */');
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(text).toMatch(/\r\n\t\t"videogen": \{\r\n\t\t\t"command": "videogen-mcp"/);
  });

  it('adds the servers key when missing and changes nothing the second time', () => {
    const first = mergeJson('{ "theme": "dark" }', 'f.json', req);
    expect(JSON.parse(first.text)).toEqual({ theme: 'dark', mcpServers: { videogen: { command: 'videogen-mcp', args: [] } } });
    const second = mergeJson(first.text, 'f.json', req);
    expect(second).toEqual({ text: first.text, changed: false, existed: true });
  });

  it.each([
    ['[1, 2]', /not an object/],
    ['{ "mcpServers": [] }', /"mcpServers" is not an object/],
    ['{ "mcpServers": { ', /does not parse as JSON \(.* at line 1, column \d+\)/],
    ['{ "inputs": {} }', /"inputs" is not an array/],
  ])('refuses %s', (text, reason) => {
    const r = text.includes('inputs') ? { ...req, inputs: [{ id: 'x' }] } : req;
    expect(() => mergeJson(text, 'f.json', r)).toThrow(RefusedConfigError);
    expect(() => mergeJson(text, 'f.json', r)).toThrow(reason);
  });
});

describe('mergeYaml', () => {
  it('keeps comments, other keys and other servers; idempotent', () => {
    const before = '# top\nmodel: x # why\nmcp_servers:\n  # the other one\n  other:\n    command: o\n';
    const r = { ...req, serversKey: 'mcp_servers' };
    const first = mergeYaml(before, 'c.yaml', r);
    expect(first.text).toContain('# top');
    expect(first.text).toContain('model: x # why');
    expect(first.text).toContain('# the other one');
    expect(parseYaml(first.text).mcp_servers).toEqual({ other: { command: 'o' }, videogen: { command: 'videogen-mcp', args: [] } });
    expect(mergeYaml(first.text, 'c.yaml', r).changed).toBe(false);
  });

  it('fills an empty file and a null servers key', () => {
    const r = { ...req, serversKey: 'mcp_servers' };
    expect(parseYaml(mergeYaml('', 'c.yaml', r).text)).toEqual({ mcp_servers: { videogen: { command: 'videogen-mcp', args: [] } } });
    expect(parseYaml(mergeYaml('mcp_servers:\n', 'c.yaml', r).text).mcp_servers.videogen.command).toBe('videogen-mcp');
  });

  it('refuses a list at the top, or servers that are not a mapping', () => {
    const r = { ...req, serversKey: 'mcp_servers' };
    expect(() => mergeYaml('- a\n- b\n', 'c.yaml', r)).toThrow(/not a mapping/);
    expect(() => mergeYaml('mcp_servers: [a]\n', 'c.yaml', r)).toThrow(/"mcp_servers" is not a mapping/);
  });
});
