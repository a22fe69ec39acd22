/**
 * Measure: the ledger at any size (issue #13). Ledgers of 0, 5,000 and 50,000 records are filled
 * through the store's real write path (FileStore.put + reserveSpend, as a submit records them; a
 * generator instead of 50,000 tool calls), then the BUILT server is measured on each, side by side in
 * this one run:
 *   - keyed generate_video (median of N), with an unkeyed call for context;
 *   - list_jobs(20), warm (median of N);
 *   - the first list_jobs of a fresh process, and that process's RSS;
 *   - file reads per submitted job (readFile/open/readdir counted in the server by a preload), over a
 *     batch of keyed jobs from submit to saved;
 * plus, on an empty ledger: 5,000 jobs in flight (tool-call p99, RSS growth); spawn → first
 * list_models result vs the one-tool SDK reference server; two processes × 1,000 jobs sharing a
 * ledger, every video downloaded exactly once (RunAPI-wire fake), no orphaned file.
 *
 * argv: [quick]  (quick: 5,000 instead of 50,000, fewer repetitions)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeJobId } from '../src/jobs/job-id.js';
import { FileStore } from '../src/store/file-store.js';
import type { JobRecord } from '../src/store/types.js';
import { FAKE_RUNAPI_KEY, startFakeRunapi } from '../test/fakes/runapi.js';
import { startRaw, type RawServer } from '../test/e2e/stdio-client.js';

const quick = process.argv.includes('quick');
const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'dist/index.js');
const MINIMAL = path.join(ROOT, 'bench/minimal-server.mjs');
const FS_COUNT = path.join(ROOT, 'bench/fs-count.mjs');
const SIZES = quick ? [0, 5_000] : [0, 5_000, 50_000];
const REPS = quick ? 15 : 30;
const JOBS_FOR_READS = 100;

const tmp = (p: string) => mkdtempSync(path.join(tmpdir(), p));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rssMb = (pid: number) => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
const log = (s: string) => process.stderr.write(`[bench ledger] ${s}\n`);

// ---- filling ------------------------------------------------------------------------------------

/** A finished simulator job as a submit and its polls would have recorded it. */
function historic(i: number, createdMs: number): JobRecord {
  const at = new Date(createdMs).toISOString();
  const jobId = encodeJobId('simulator', 'hailuo-02', { id: `fill${i.toString(16).padStart(8, '0')}`, t: String(createdMs), d: '8000' });
  return {
    job_id: jobId,
    provider: 'simulator',
    model: 'hailuo-02',
    native_model: 'MiniMax-Hailuo-02',
    params: { prompt: `history ${i}: a paper boat drifting down a rain-soaked street at dusk`, duration_seconds: 6, output_resolution: '768p' },
    status: i % 17 === 0 ? 'failed' : 'succeeded',
    ...(i % 17 === 0
      ? { error: { code: 'job_failed' as const, message: 'Simulated failure.' } }
      : { video_url: 'file:///nonexistent/simulator.mp4', local_path: `/nonexistent/videos/${i}.mp4`, local_bytes: 1 }),
    simulated: true,
    idempotency_key: `fill-${i}`,
    fingerprint: 'f'.repeat(32),
    mode: 'text-to-video',
    estimated_cost_usd: 0.28,
    billed_cost_usd: 0.28,
    progress: 1,
    created_at: at,
    updated_at: at,
    completed_at: at,
  };
}

async function fill(dir: string, from: number, to: number): Promise<void> {
  const store = new FileStore(dir, { fsync: false, maxRecords: 10_000_000 });
  await store.init();
  // Spread over the last 20 days (inside the 30-day age bound), oldest first, as they were created.
  const span = 20 * 86_400_000;
  const t0 = Date.now() - span;
  const total = SIZES[SIZES.length - 1]!;
  let next = from;
  const worker = async () => {
    for (let i = next++; i < to; i = next++) {
      const created = t0 + Math.floor((i / total) * span);
      const r = historic(i, created);
      await store.reserveSpend({ key: r.idempotency_key!, usd: 0.28, provider: 'simulator', model: 'hailuo-02', at: created }, {});
      await store.put(r);
      await store.commitSpend(r.idempotency_key!);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

// ---- one server on one ledger -------------------------------------------------------------------

function serverEnv(state: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    VIDEOGEN_STATE_DIR: state,
    VIDEOGEN_OUTPUT_DIR: path.join(state, '..', 'videos'),
    VIDEOGEN_LEDGER_MAX_RECORDS: '10000000',
    VIDEOGEN_SIMULATOR_SECONDS: '1',
    VIDEOGEN_LOG_LEVEL: 'error',
    NODE_OPTIONS: `--import=${FS_COUNT}`,
    ...(process.env['VIDEOGEN_BENCH_FS_PATHS'] ? { VIDEOGEN_BENCH_FS_PATHS: '1' } : {}),
    ...extra,
  };
}

async function fsCounts(s: RawServer, file: string): Promise<Record<string, number | Record<string, number>>> {
  rmSync(file, { force: true });
  s.proc.kill('SIGUSR2');
  for (let i = 0; i < 100 && !existsSync(file); i++) await sleep(10);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await fn();
  return [performance.now() - t, v];
}

const gen = (tag: string, i: number, key: boolean) => ({
  model: 'hailuo-02',
  prompt: `bench ${tag} ${i}: a lighthouse in a storm`,
  duration_seconds: 6,
  output_resolution: '768p',
  ...(key ? { idempotency_key: `bench-${tag}-${i}` } : {}),
});

/** A fresh process on a copy of the ledger: its first list_jobs, and its memory. */
async function freshProcess(template: string, size: number) {
  const work = tmp('videogen-bench-fresh-');
  const state = path.join(work, 'state');
  execFileSync('cp', ['-a', template, state]);
  const s = startRaw(serverEnv(state, { NODE_OPTIONS: '' }), work);
  const cold = startRaw(serverEnv(state, { NODE_OPTIONS: '' }), work);
  try {
    await s.init();
    // The first list_jobs of a fresh process, after the session's first call (list_models, which
    // loads the job runtime once it has answered): the first read of this ledger.
    await s.call('list_models', {});
    await sleep(700);
    const [firstList, first] = await timed(() => s.call('list_jobs', { limit: 20 }));
    if (first.isError || first.structuredContent.jobs.length !== Math.min(20, size))
      throw new Error(`list_jobs on ${size}: ${JSON.stringify(first).slice(0, 300)}`);
    await sleep(300);
    const rss = rssMb(s.proc.pid!);
    // For context: a session whose very first call is list_jobs also waits for the runtime to load.
    await cold.init();
    const [coldFirst] = await timed(() => cold.call('list_jobs', { limit: 20 }));
    return { first_list_jobs_ms: r1(firstList), first_call_is_list_jobs_ms: r1(coldFirst), fresh_rss_mb: r1(rss) };
  } finally {
    s.proc.kill('SIGKILL');
    cold.proc.kill('SIGKILL');
    await Promise.all([s.exited, cold.exited]);
    rmSync(work, { recursive: true, force: true });
  }
}

/** One server per ledger size, alive together; calls interleaved round-robin so load noise hits every size alike. */
async function interleaved(templates: Map<number, string>) {
  const servers = new Map<number, { s: RawServer; work: string; countFile: string }>();
  for (const [size, template] of templates) {
    const work = tmp('videogen-bench-led-');
    const state = path.join(work, 'state');
    execFileSync('cp', ['-a', template, state]);
    const countFile = path.join(work, 'fs-count.json');
    const s = startRaw(serverEnv(state, { VIDEOGEN_BENCH_FS_COUNT_FILE: countFile }), work);
    await s.init();
    servers.set(size, { s, work, countFile });
  }
  const keyed = new Map<number, number[]>();
  const unkeyed = new Map<number, number[]>();
  const lists = new Map<number, number[]>();
  const push = (m: Map<number, number[]>, k: number, v: number) => m.set(k, [...(m.get(k) ?? []), v]);
  try {
    for (const { s } of servers.values()) for (let i = 0; i < 3; i++) await s.call('generate_video', gen('warm', i, true)); // JIT, runtime
    for (let i = 0; i < REPS; i++) {
      for (const [size, { s }] of servers) {
        const [a, ra] = await timed(() => s.call('generate_video', gen(`k${size}`, i, true)));
        const [b, rb] = await timed(() => s.call('generate_video', gen(`u${size}`, i, false)));
        if (ra.isError || rb.isError) throw new Error(`generate_video: ${JSON.stringify(ra.isError ? ra : rb).slice(0, 300)}`);
        push(keyed, size, a);
        push(unkeyed, size, b);
      }
    }
    await sleep(2_500); // those jobs finish and are saved; every ledger now has ≥ 20 rows to list
    for (let i = 0; i < REPS; i++) for (const [size, { s }] of servers) push(lists, size, (await timed(() => s.call('list_jobs', { limit: 20 })))[0]);
    // File reads per submitted job: a batch of keyed submits, from submit until each is saved and checked.
    const reads = new Map<number, { total: number; detail: Record<string, number>; saved: string }>();
    for (const [size, { s, countFile }] of servers) {
      const before = await fsCounts(s, countFile);
      const ids: string[] = [];
      for (let i = 0; i < JOBS_FOR_READS; i++) ids.push((await s.call('generate_video', gen(`r${size}`, i, true))).structuredContent.job_id);
      await sleep(2_500);
      let saved = 0;
      for (const id of ids) if ((await s.call('check_job', { job_id: id })).structuredContent.local_path) saved++;
      const after = await fsCounts(s, countFile);
      const per = (k: string) => r2(((after[k] as number) - (before[k] as number)) / JOBS_FOR_READS);
      if (process.env['VIDEOGEN_BENCH_FS_PATHS']) {
        const a = after['byDir'] as Record<string, number>;
        const b = before['byDir'] as Record<string, number>;
        log(`reads by dir at ${size}: ${JSON.stringify(Object.fromEntries(Object.entries(a).map(([k, v]) => [k, r2((v - (b[k] ?? 0)) / JOBS_FOR_READS)])))}`);
      }
      reads.set(size, {
        total: r2(per('readFile') + per('open') + per('readdir')),
        detail: { readFile: per('readFile'), open: per('open'), readdir: per('readdir'), stat: per('stat') },
        saved: `${saved}/${JOBS_FOR_READS}`,
      });
    }
    return [...servers.keys()].map((size) => ({
      records: size,
      keyed_generate_ms_median: r2(median(keyed.get(size)!)),
      unkeyed_generate_ms_median: r2(median(unkeyed.get(size)!)),
      list_jobs_20_ms_median: r2(median(lists.get(size)!)),
      reads_per_job: reads.get(size)!.total,
      reads_detail: reads.get(size)!.detail,
      jobs_saved_of: reads.get(size)!.saved,
    }));
  } finally {
    for (const { s, work } of servers.values()) {
      s.proc.kill('SIGKILL');
      await s.exited;
      rmSync(work, { recursive: true, force: true });
    }
  }
}

// ---- 5,000 jobs in flight -------------------------------------------------------------------------

async function inFlight(n: number) {
  const work = tmp('videogen-bench-flight-');
  const s = startRaw(serverEnv(path.join(work, 'state'), { VIDEOGEN_SIMULATOR_SECONDS: '3600', NODE_OPTIONS: '' }), work);
  try {
    await s.init();
    await s.call('generate_video', gen('warm', 0, false));
    await sleep(300);
    const rss0 = rssMb(s.proc.pid!);
    const ms: number[] = [];
    let rssPeak = rss0;
    for (let i = 0; i < n; i++) {
      const [t, r] = await timed(() => s.call('generate_video', gen('flight', i, i % 2 === 0)));
      if (r.isError) throw new Error(`in flight ${i}: ${JSON.stringify(r).slice(0, 300)}`);
      ms.push(t);
      if (i % 250 === 0) rssPeak = Math.max(rssPeak, rssMb(s.proc.pid!));
    }
    const checks: number[] = [];
    const listed = await s.call('list_jobs', { limit: 100 });
    for (const j of listed.structuredContent.jobs.slice(0, 50)) checks.push((await timed(() => s.call('check_job', { job_id: j.job_id })))[0]);
    await sleep(500);
    const rss1 = rssMb(s.proc.pid!);
    if (process.env['VIDEOGEN_BENCH_SLOWEST'])
      log(
        `slowest calls (index: ms): ${ms
          .map((t, i) => [i, r1(t)] as const)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 60)
          .map(([i, t]) => `${i}:${t}`)
          .join(' ')}`,
      );
    return {
      jobs: n,
      generate_ms: { p50: r2(pct(ms, 50)), p99: r2(pct(ms, 99)), max: r2(Math.max(...ms)) },
      check_job_ms_p99: r2(pct(checks, 99)),
      rss_before_mb: r1(rss0),
      rss_after_mb: r1(rss1),
      rss_growth_mb: r1(Math.max(rss1, rssPeak) - rss0),
    };
  } finally {
    s.proc.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}

// ---- spawn → first list_models vs the one-tool reference --------------------------------------------

async function firstToolResult(runs: number) {
  const ours: number[] = [];
  const ref: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    for (const who of i % 2 ? ['ref', 'ours'] : ['ours', 'ref']) {
      const work = tmp('videogen-bench-first-');
      const t0 = performance.now();
      const s = startRaw(serverEnv(path.join(work, 'state'), { NODE_OPTIONS: '' }), work, who === 'ours' ? BIN : MINIMAL);
      await s.init();
      const r = await s.call(who === 'ours' ? 'list_models' : 'echo', who === 'ours' ? {} : { text: 'hi' });
      const t = performance.now() - t0;
      if (r.isError) throw new Error(`${who}: ${JSON.stringify(r).slice(0, 200)}`);
      s.proc.kill('SIGKILL');
      await s.exited;
      rmSync(work, { recursive: true, force: true });
      if (i > 0) (who === 'ours' ? ours : ref).push(t);
    }
  }
  return { runs, ours_ms_median: r1(median(ours)), reference_ms_median: r1(median(ref)), ratio: r2(median(ours) / median(ref)) };
}

// ---- two processes × N jobs, one download each ------------------------------------------------------

async function twoProcesses(perProcess: number) {
  const fake = await startFakeRunapi({ pollsToComplete: 1 });
  const work = tmp('videogen-bench-two-');
  const out = path.join(work, 'videos');
  const env = {
    RUNAPI_API_KEY: FAKE_RUNAPI_KEY,
    RUNAPI_BASE_URL: fake.url,
    VIDEOGEN_STATE_DIR: path.join(work, 'state'),
    VIDEOGEN_OUTPUT_DIR: out,
    VIDEOGEN_LOG_LEVEL: 'error',
  };
  const a = startRaw(env, work);
  const b = startRaw(env, work);
  try {
    await Promise.all([a.init(), b.init()]);
    const submitAll = async (s: RawServer, tag: string) => {
      const ids: string[] = [];
      for (let i = 0; i < perProcess; i += 20) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(20, perProcess - i) }, (_, k) =>
            s.call('generate_video', {
              model: 'hailuo-02-image-to-video-standard',
              prompt: `two ${tag} ${i + k}`,
              first_frame_image_url: 'https://cdn.example.com/frame.jpg',
              duration_seconds: 6,
              output_resolution: '512p',
            }),
          ),
        );
        for (const r of batch) {
          if (r.isError) throw new Error(`two processes: ${JSON.stringify(r).slice(0, 300)}`);
          ids.push(r.structuredContent.job_id);
        }
      }
      return ids;
    };
    const [idsA, idsB] = await Promise.all([submitAll(a, 'a'), submitAll(b, 'b')]);
    const ids = [...idsA, ...idsB];
    const saved = new Map<string, string>();
    const task = new Map<string, string>();
    const t0 = performance.now();
    // Both processes check every job (each other's too) until all are saved; the watchers run as well.
    for (let round = 0; round < 60 && saved.size < ids.length; round++) {
      const pendingIds = ids.filter((id) => !saved.has(id));
      for (let i = 0; i < pendingIds.length; i += 50) {
        const chunk = pendingIds.slice(i, i + 50);
        const rs = await Promise.all(chunk.flatMap((id) => [a.call('check_job', { job_id: id }), b.call('check_job', { job_id: id })]));
        for (const r of rs) {
          const sc = r.structuredContent;
          if (!sc) continue;
          if (sc.local_path) saved.set(sc.job_id, sc.local_path);
          if (sc.video_url) task.set(sc.job_id, /\/files\/([^/.]+)\.mp4/.exec(sc.video_url)?.[1] ?? '');
        }
      }
      if (saved.size < ids.length) await sleep(300);
    }
    const gets = new Map<string, number>();
    for (const g of fake.requestsTo('GET', '/files/')) {
      const t = /\/files\/([^/.]+)\.mp4/.exec(g.path)?.[1] ?? '';
      gets.set(t, (gets.get(t) ?? 0) + 1);
    }
    let once = 0;
    let twice = 0;
    for (const id of ids) {
      const n = gets.get(task.get(id) ?? '') ?? 0;
      if (n === 1) once++;
      else if (n > 1) twice++;
    }
    const files = existsSync(out) ? readdirSync(out).map((f) => path.join(out, f)) : [];
    const pointed = new Set(saved.values());
    const orphans = files.filter((f) => !pointed.has(f));
    return {
      processes: 2,
      jobs: ids.length,
      saved: saved.size,
      downloaded_once: once,
      downloaded_more_than_once: twice,
      files: files.length,
      orphaned_files: orphans.length,
      seconds_to_all_saved: r1((performance.now() - t0) / 1000),
      pass: saved.size === ids.length && once === ids.length && twice === 0 && orphans.length === 0 && files.length === ids.length,
    };
  } finally {
    a.proc.kill('SIGKILL');
    b.proc.kill('SIGKILL');
    await fake.close();
    rmSync(work, { recursive: true, force: true });
  }
}

// ---- main ---------------------------------------------------------------------------------------------

async function main() {
  if (process.argv.includes('flight')) {
    // A single measure, for development: `node --import tsx bench/ledger.ts flight`.
    process.stdout.write(`RESULT ${JSON.stringify(await inFlight(5_000))}\n`);
    return;
  }
  const templates = new Map<number, string>();
  const base = tmp('videogen-bench-fill-');
  let filled = 0;
  let fillSeconds = 0;
  for (const size of SIZES) {
    const dir = path.join(base, String(size));
    if (filled > 0) execFileSync('cp', ['-a', templates.get(filled)!, dir]);
    const t = performance.now();
    log(`filling ${size} records…`);
    await fill(dir, filled, size);
    if (size === 0) await new FileStore(dir).init();
    fillSeconds += (performance.now() - t) / 1000;
    templates.set(size, dir);
    filled = size;
  }
  log('the built servers on each ledger, calls interleaved…');
  const side = await interleaved(templates);
  const bySize = [];
  for (const row of side) {
    log(`a fresh process on ${row.records} records…`);
    bySize.push({ ...row, ...(await freshProcess(templates.get(row.records)!, row.records)) });
  }
  rmSync(base, { recursive: true, force: true });
  log('5,000 jobs in flight…');
  const flight = await inFlight(quick ? 1_000 : 5_000);
  log('first list_models vs the reference…');
  const first = await firstToolResult(quick ? 5 : 11);
  log('two processes × jobs…');
  const two = await twoProcesses(quick ? 200 : 1_000);
  process.stdout.write(
    `RESULT ${JSON.stringify({ quick, fill_seconds: r1(fillSeconds), by_size: bySize, in_flight: flight, first_list_models: first, two_processes: two })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
