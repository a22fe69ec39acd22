/**
 * Measure 5: scale. One process watches 1,000 jobs in flight with real timers for a few seconds.
 *
 * The real Watcher, JobService and file Ledger (one JSON file per job, atomic writes, in a temp dir);
 * the adapter is RunAPI's identity and poll-interval advice with a getJob that answers "running" on the
 * next turn of the event loop. The jobs are Hailuo 02 on RunAPI (typical 120 s), submitted at random
 * times over the last 150 s, so at any moment some are early, some approach their end (polled every
 * 2.5 s) and some overrun.
 *
 * Reported: resident-memory growth (peak RSS during the run − RSS before the first job existed, after a
 * GC), heap growth, event-loop delay p50/p99/max (perf_hooks.monitorEventLoopDelay), and how many
 * status polls completed.
 *
 * Usage: node --expose-gc --import tsx bench/scale.ts [jobs=1000] [seconds=8]. Prints `RESULT {json}`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../src/config.js';
import { SpendGuard } from '../src/jobs/budget.js';
import { encodeJobId } from '../src/jobs/job-id.js';
import { Ledger, type JobRecord } from '../src/jobs/ledger.js';
import { JobService } from '../src/jobs/service.js';
import { Watcher } from '../src/jobs/watcher.js';
import { RunapiAdapter } from '../src/providers/runapi.js';
import type { JobStatus, ProviderAdapter } from '../src/providers/types.js';

const JOBS = Number(process.argv[2] ?? 1000);
const SECONDS = Number(process.argv[3] ?? 8);
const MB = 1024 * 1024;

function vmKb(field: string): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Reset the kernel's peak-RSS mark (VmHWM) so it covers the measured window only. */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const dir = mkdtempSync(path.join(tmpdir(), 'videogen-bench-scale-'));
  try {
    const config = { ...loadConfig({ VIDEOGEN_STATE_DIR: dir }, dir), download: false };
    const ledger = new Ledger(dir);
    await ledger.init();
    const real = new RunapiAdapter({ apiKey: 'bench', baseUrl: 'http://127.0.0.1:9' });
    let polls = 0;
    const adapter: ProviderAdapter = {
      id: real.id,
      idempotentSubmit: real.idempotentSubmit,
      canCancel: real.canCancel,
      keyEnv: real.keyEnv,
      minPollIntervalSeconds: real.minPollIntervalSeconds,
      submit: () => Promise.reject(new Error('not used by this benchmark')),
      getJob: async (): Promise<JobStatus> => {
        await new Promise((r) => setImmediate(r));
        polls++;
        return { state: 'running' };
      },
    };
    const service = new JobService({
      config,
      ledger,
      adapters: { runapi: adapter },
      roots: async () => [],
      guard: new SpendGuard(ledger, { dailyCapUsd: undefined, confirmAboveUsd: undefined }),
    });
    const watcher = new Watcher(service);

    // Warm the code paths (JIT, fs, the store) on one job, then take the baseline.
    const mk = (i: number, elapsedMs: number): JobRecord => {
      const iso = new Date(Date.now() - elapsedMs).toISOString();
      return {
        job_id: encodeJobId('runapi', 'hailuo-02', { id: `bench-scale-${i}-${'x'.repeat(24)}` }),
        provider: 'runapi',
        model: 'hailuo-02',
        native_model: 'hailuo-02-text-to-video-standard',
        params: { prompt: `benchmark job ${i}: a paper boat drifting down a rain-soaked street at dusk` },
        status: 'queued',
        simulated: false,
        created_at: iso,
        updated_at: iso,
      };
    };
    const warm = await ledger.put(mk(-1, 0));
    await service.refresh(warm, { force: true });
    polls = 0;
    gc?.();
    await sleep(200);
    gc?.();
    const rssBase = process.memoryUsage.rss();
    const heapBase = process.memoryUsage().heapUsed;
    const peakReset = resetPeak();
    let rssPeak = rssBase;
    // How often all MAX_CONCURRENT_POLLS (8) slots are busy: if often, the ledger, not the schedule, sets the pace.
    const inFlight = () => (watcher as unknown as { running: number }).running;
    let samples = 0;
    let saturated = 0;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
      samples++;
      if (inFlight() >= 8) saturated++;
    }, 20);

    // 1,000 jobs in flight: records in the ledger (as generate_video leaves them), each watched.
    const t0 = Date.now();
    const records: JobRecord[] = [];
    for (let i = 0; i < JOBS; i += 50) {
      const batch = [];
      for (let j = i; j < Math.min(JOBS, i + 50); j++) batch.push(ledger.put(mk(j, Math.random() * 150_000)));
      records.push(...(await Promise.all(batch)));
    }
    const setupMs = Date.now() - t0;
    const loop = monitorEventLoopDelay({ resolution: 2 });
    loop.enable();
    const watchStart = Date.now();
    samples = saturated = 0;
    for (const rec of records) watcher.watch(rec);
    await sleep(SECONDS * 1000);
    loop.disable();
    const watchedMs = Date.now() - watchStart;
    const watching = watcher.size;
    const pollsDone = polls;
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    const hwmKb = peakReset ? vmKb('VmHWM') : undefined;
    if (hwmKb !== undefined) rssPeak = Math.max(rssPeak, hwmKb * 1024);
    const heapNow = process.memoryUsage().heapUsed;
    watcher.stop();

    const r = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
    process.stdout.write(
      `RESULT ${JSON.stringify({
        jobs: JOBS,
        watching_at_end: watching,
        seconds_watched: r(watchedMs / 1000),
        setup_seconds: r(setupMs / 1000),
        status_polls: pollsDone,
        polls_per_s: r(pollsDone / (watchedMs / 1000)),
        poll_slots_saturated_share: r(saturated / Math.max(1, samples), 2),
        rss_base_mb: r(rssBase / MB),
        rss_growth_peak_mb: r((rssPeak - rssBase) / MB),
        heap_growth_mb: r((heapNow - heapBase) / MB),
        peak_from: peakReset ? 'VmHWM (reset at baseline) and 20 ms samples' : '20 ms samples',
        event_loop_delay_ms: {
          p50: r(loop.percentile(50) / 1e6, 2),
          p99: r(loop.percentile(99) / 1e6, 2),
          max: r(loop.max / 1e6, 2),
          samples: loop.count,
        },
      })}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
