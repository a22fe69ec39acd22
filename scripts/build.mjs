// Bundle the server into dist/index.js (one file for the cold path) plus lazily loaded chunks for what
// tools/list does not need (adapters, undici, the ledger, CLI commands). Every dependency is bundled,
// so the published package installs with no dependency tree; their licences go to
// dist/THIRD_PARTY_LICENSES.txt.
import { build } from 'esbuild';
import { chmod, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

await rm('dist', { recursive: true, force: true });
const result = await build({
  entryPoints: ['src/index.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true,
  // Maps for local debugging only: not shipped (package.json files), so no sourceMappingURL comment points at them.
  sourcemap: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  // jsonc-parser's `main` is a UMD build whose require() calls esbuild cannot follow; bundle its ESM build.
  plugins: [
    {
      name: 'jsonc-parser-esm',
      setup(b) {
        b.onResolve({ filter: /^jsonc-parser$/ }, () => ({ path: path.resolve('node_modules/jsonc-parser/lib/esm/main.js') }));
      },
    },
  ],
  // Some dependencies are CommonJS and use require() and __filename; give every ESM output file them.
  banner: {
    js: [
      "import { createRequire as __vgCreateRequire } from 'node:module';",
      "import { fileURLToPath as __vgFileURLToPath } from 'node:url';",
      'const require = __vgCreateRequire(import.meta.url);',
      'const __filename = __vgFileURLToPath(import.meta.url);',
      "const __dirname = __vgFileURLToPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
});
await chmod('dist/index.js', 0o755);

// The licences of every package that ended up in the bundle.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) packages.add(m[1]);
}
const sections = [];
for (const name of [...packages].sort()) {
  const dir = path.join('node_modules', name);
  const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
  const licenceFile = (await readdir(dir)).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = licenceFile ? await readFile(path.join(dir, licenceFile), 'utf8') : `(no licence file; package.json says: ${pkg.license ?? 'unknown'})`;
  sections.push(`${name}@${pkg.version} — ${pkg.license ?? 'unknown'}\n\n${text.trim()}\n`);
}
await writeFile('dist/THIRD_PARTY_LICENSES.txt', `Third-party software bundled into videogen-mcp\n\n${sections.join('\n' + '-'.repeat(72) + '\n\n')}`);
