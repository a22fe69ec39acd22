// Bundle the server into dist/index.js (one file for the cold path) plus lazily loaded chunks for what
// tools/list does not need (adapters, undici, the ledger, CLI commands).
import { build } from 'esbuild';
import { rm, chmod } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/index.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true,
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
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
