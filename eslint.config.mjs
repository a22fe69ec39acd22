// Lint: the type-aware rules that catch real bugs in async code (floating or misused promises), and
// the one-way import rule between layers (HOUSE_STYLE §1; also checked in test/docs/architecture).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/**/*.mjs', 'scripts/**', 'eslint.config.mjs'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'vitest.config.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['src/providers/**/*.ts', 'src/catalog/**/*.ts', 'src/media/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/tools/**', '**/jobs/**', '**/server.js', '**/runtime.js', '**/cli/**'],
              message: 'Imports run one way: tools → jobs → catalog/providers/media.',
            },
          ],
        },
      ],
    },
  },
);
