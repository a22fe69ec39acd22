/**
 * Measure 4: polling efficiency, in simulated time.
 *
 * The REAL scheduler runs: a Watcher over a JobService (refresh → adapter.getJob → applyStatus →
 * ledger.put) with the delays from schedule.ts. Only time and the provider are fake:
 *  - @sinonjs/fake-timers fakes setTimeout/clearTimeout/Date, and the clock is advanced with
 *    tickAsync, so a 300 s job takes milliseconds and every timer fires at its exact due time;
 *  - the adapter keeps the real adapter's identity and `minPollIntervalSeconds` (RunAPI: 2 s,
 *    Runway: 5 s) but answers getJob itself: "running" until the job's finish time, then "succeeded".
 *    It reports no progress, so the schedule runs on the catalog's typical duration alone, and it
 *    answers instantly, so the lag is the schedule's alone (add the provider's response time);
 *  - the ledger is in memory (the same first-terminal-wins rule; no disk), and records the fake time at
 *    which a terminal status was first written: that is when "the ledger knows".
 *
 * Printed: `RESULT {json}`.
 */
import { install, type Clock } from '@sinonjs/fake-timers';
import { loadConfig } from '../src/config.js';
import { SpendGuard } from '../src/jobs/budget.js';
import { encodeJobId } from '../src/jobs/job-id.js';
import { Ledger, TERMINAL, type JobRecord } from '../src/jobs/ledger.js';
import { EARLY_POLL_MS, MAX_INTERVAL_MS, NEAR_END_INTERVAL_MS } from '../src/jobs/schedule.js';
import { JobService } from '../src/jobs/service.js';
import { Watcher } from '../src/jobs/watcher.js';
import { RunapiAdapter } from '../src/providers/runapi.js';
import { RunwayAdapter } from '../src/providers/runway.js';
import type { JobHandle, JobStatus, ProviderAdapter } from '../src/providers/types.js';
import type { ProviderId } from '../src/catalog/types.js';

const DURATIONS_S = [30, 120, 300];

/** The real ledger's merge rule (first terminal status wins), in memory; notes when a job became known as finished. */
class MemoryLedger extends Ledger {
  private readonly records = new Map<string, JobRecord>();
  readonly knownAt = new Map<string, number>();
  constructor() {
    super('/nonexistent/videogen-bench-ledger');
  }
  override init(): Promise<void> {
    return Promise.resolve();
  }
  override async get(jobId: string): Promise<JobRecord | undefined> {
    const r = this.records.get(jobId);
    return r && structuredClone(r);
  }
  override async put(record: JobRecord): Promise<JobRecord> {
    const existing = this.records.get(record.job_id);
    const next = existing && TERMINAL.has(existing.status) && record.status !== existing.status ? existing : record;
    this.records.set(record.job_id, structuredClone(next));
    if (TERMINAL.has(next.status) && !this.knownAt.has(record.job_id)) this.knownAt.set(record.job_id, Date.now());
    return structuredClone(next);
  }
  override async list(): Promise<JobRecord[]> {
    return [...this.records.values()].map((r) => structuredClone(r));
  }
  // One process: the lease is always ours.
  override async acquireLease(jobId: string, ttlMs: number) {
    return { job_id: jobId, holder: 'bench', until: Date.now() + ttlMs };
  }
  override async getLease() {
    return undefined;
  }
  override async releaseLease() {}
}

/** The real adapter's identity and poll-interval advice; a scripted getJob that counts calls. */
function scriptedAdapter(real: ProviderAdapter, finishAt: number, calls: number[]): ProviderAdapter {
  return {
    id: real.id,
    idempotentSubmit: real.idempotentSubmit,
    canCancel: real.canCancel,
    keyEnv: real.keyEnv,
    minPollIntervalSeconds: real.minPollIntervalSeconds,
    submit: () => Promise.reject(new Error('not used by this benchmark')),
    async getJob(handle: JobHandle): Promise<JobStatus> {
      const now = Date.now();
      calls.push(now);
      return now >= finishAt ? { state: 'succeeded', videos: [{ url: `http://127.0.0.1:9/${handle.id}.mp4` }] } : { state: 'running' };
    },
  };
}

interface Scenario {
  name: string;
  provider: ProviderId;
  model: string;
  native_model: string;
  real: ProviderAdapter;
}

interface JobResult {
  job_seconds: number;
  status_requests: number;
  lag_s: number;
  min_gap_s: number;
  poll_times_s: number[];
}

const r1 = (x: number) => Math.round(x * 10) / 10;

async function runJob(clock: Clock, sc: Scenario, durationS: number): Promise<JobResult & { typical_s: number }> {
  const config = { ...loadConfig({ VIDEOGEN_STATE_DIR: '/nonexistent/videogen-bench-state' }, process.cwd()), download: false };
  const ledger = new MemoryLedger();
  const t0 = Date.now();
  const finishAt = t0 + durationS * 1000;
  const calls: number[] = [];
  const service = new JobService({
    config,
    ledger,
    adapters: { [sc.provider]: scriptedAdapter(sc.real, finishAt, calls) },
    roots: async () => [],
    guard: new SpendGuard(new Ledger('/tmp/videogen-bench-polling-state'), { dailyCapUsd: undefined, confirmAboveUsd: undefined }),
    now: () => Date.now(),
  });
  const watcher = new Watcher(service);
  const iso = new Date(t0).toISOString();
  const rec: JobRecord = {
    job_id: encodeJobId(sc.provider, sc.model, { id: `bench-${sc.provider}-${durationS}` }),
    provider: sc.provider,
    model: sc.model,
    native_model: sc.native_model,
    params: { prompt: 'benchmark' },
    status: 'queued',
    simulated: false,
    created_at: iso,
    updated_at: iso,
  };
  await ledger.put(rec);
  // What generate_video does after a submit.
  watcher.watch(rec);
  const giveUp = t0 + 2 * 3600_000;
  while (!ledger.knownAt.has(rec.job_id) && Date.now() < giveUp) await clock.tickAsync(250);
  watcher.stop();
  const knownAt = ledger.knownAt.get(rec.job_id);
  if (knownAt === undefined) throw new Error(`${sc.name} ${durationS}s: the ledger never learned the job finished`);
  const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
  return {
    job_seconds: durationS,
    typical_s: service.typicalMs(rec) / 1000,
    status_requests: calls.length,
    lag_s: r1((knownAt - finishAt) / 1000),
    min_gap_s: r1(gaps.length ? Math.min(...gaps) / 1000 : NaN),
    poll_times_s: calls.map((t) => r1((t - t0) / 1000)),
  };
}

async function main(): Promise<void> {
  const clock = install({ now: Date.parse('2025-01-01T00:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const opts = { apiKey: 'bench', baseUrl: 'http://127.0.0.1:9' };
  const scenarios: Scenario[] = [
    { name: 'RunAPI · Hailuo 02', provider: 'runapi', model: 'hailuo-02', native_model: 'hailuo-02-text-to-video-standard', real: new RunapiAdapter(opts) },
    { name: 'Runway · Gen-4.5', provider: 'runway', model: 'runway-gen4.5', native_model: 'gen4.5', real: new RunwayAdapter(opts) },
  ];
  const out = [];
  try {
    for (const sc of scenarios) {
      const jobs = [];
      for (const d of DURATIONS_S) jobs.push(await runJob(clock, sc, d));
      out.push({
        name: sc.name,
        provider: sc.provider,
        model: sc.model,
        native_model: sc.native_model,
        typical_s: jobs[0]!.typical_s,
        min_poll_interval_s: sc.real.minPollIntervalSeconds,
        jobs: jobs.map(({ typical_s: _t, ...j }) => j),
      });
    }
  } finally {
    clock.uninstall();
  }
  const schedule = { early_poll_s: EARLY_POLL_MS / 1000, near_end_interval_s: NEAR_END_INTERVAL_MS / 1000, max_interval_s: MAX_INTERVAL_MS / 1000 };
  process.stdout.write(`RESULT ${JSON.stringify({ schedule, scenarios: out })}\n`);
}

await main();
