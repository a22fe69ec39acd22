// `npm run mcpb`: an MCP Bundle (.mcpb) for Claude Desktop, built and validated with the official
// @anthropic-ai/mcpb tool. The manifest is derived from package.json and server.json, so the bundle, the
// registry entry and the package cannot drift: each provider key becomes a sensitive user setting
// (stored by the host, not in a plain JSON file), the other settings keep their server.json descriptions.
// Options: --out <dir> (default build/), --stage <dir> (default <out>/mcpb). Needs a built dist/.
import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? path.resolve(args[i + 1]) : fallback;
};
const out = opt('--out', path.resolve('build'));
const stage = opt('--stage', path.join(out, 'mcpb'));

const pkg = JSON.parse(await readFile('package.json', 'utf8'));
const registry = JSON.parse(await readFile('server.json', 'utf8'));
const envVars = registry.packages[0].environmentVariables;

// user_config keys are lower_snake versions of the variable names.
const userConfig = {};
const env = {};
for (const v of envVars) {
  const key = v.name.toLowerCase();
  const setting = { title: v.name, description: v.description, required: false };
  if (v.isSecret) Object.assign(setting, { type: 'string', sensitive: true });
  else if (v.format === 'number') Object.assign(setting, { type: 'number', min: 0 });
  else if (v.format === 'filepath') Object.assign(setting, { type: 'directory', default: '${HOME}/videogen-videos' });
  else Object.assign(setting, { type: 'string', ...(v.default ? { default: v.default } : {}) });
  userConfig[key] = setting;
  env[v.name] = `\${user_config.${key}}`;
}

// The tools as the built server lists them (name and first sentence), so Claude Desktop can show them before install.
async function listTools() {
  const child = spawn(process.execPath, ['dist/index.js'], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { PATH: process.env.PATH ?? '', VIDEOGEN_LOG_LEVEL: 'silent' },
  });
  const send = (m) => child.stdin.write(JSON.stringify({ jsonrpc: '2.0', ...m }) + '\n');
  let buf = '';
  const tools = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the built server did not answer tools/list within 20 s')), 20_000);
    child.stdout.on('data', (d) => {
      buf += d;
      for (let i; (i = buf.indexOf('\n')) >= 0;) {
        const msg = JSON.parse(buf.slice(0, i));
        buf = buf.slice(i + 1);
        if (msg.id === 1) {
          send({ method: 'notifications/initialized' });
          send({ id: 2, method: 'tools/list' });
        } else if (msg.id === 2) {
          clearTimeout(timer);
          resolve(msg.result.tools);
        }
      }
    });
    send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'mcpb-build', version: '1' } } });
  });
  child.kill();
  return tools.map((t) => ({ name: t.name, description: /^[^.]*\./.exec(t.description)?.[0] ?? t.description }));
}

const manifest = {
  manifest_version: '0.3',
  name: pkg.name,
  display_name: 'Video generation (Hailuo, Runway)',
  version: pkg.version,
  description: registry.description,
  long_description: pkg.description,
  author: { name: 'the videogen-mcp authors', url: pkg.homepage },
  repository: { type: 'git', url: registry.repository.url },
  homepage: pkg.homepage,
  support: pkg.bugs.url,
  license: pkg.license,
  keywords: pkg.keywords,
  server: {
    type: 'node',
    entry_point: 'server/index.js',
    mcp_config: { command: 'node', args: ['${__dirname}/server/index.js'], env },
  },
  tools: await listTools(),
  tools_generated: false,
  user_config: userConfig,
  compatibility: { platforms: ['darwin', 'win32', 'linux'], runtimes: { node: pkg.engines.node } },
};

await rm(stage, { recursive: true, force: true });
await mkdir(path.join(stage, 'server'), { recursive: true });
// The built server as published: every .js file (entry and chunks) and the bundled licences.
for (const entry of await readdir('dist', { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !(entry.name.endsWith('.js') || entry.name === 'THIRD_PARTY_LICENSES.txt')) continue;
  const from = path.join(entry.parentPath, entry.name);
  const to = path.join(stage, 'server', path.relative('dist', from));
  await mkdir(path.dirname(to), { recursive: true });
  await cp(from, to);
}
await cp('assets', path.join(stage, 'assets'), { recursive: true });
await cp('LICENSE', path.join(stage, 'LICENSE'));
await writeFile(path.join(stage, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

// The package's bin (its exports map hides both the bin and package.json): follow `bin` from its folder.
const mcpbDir = path.resolve('node_modules/@anthropic-ai/mcpb');
const cli = path.join(mcpbDir, JSON.parse(await readFile(path.join(mcpbDir, 'package.json'), 'utf8')).bin);
const run = (...a) => {
  const r = spawnSync(process.execPath, [cli, ...a], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const bundle = path.join(out, `${pkg.name}-${pkg.version}.mcpb`);
run('validate', path.join(stage, 'manifest.json'));
run('pack', stage, bundle);
process.stderr.write(`${bundle}\n`);
