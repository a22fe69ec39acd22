/**
 * Everything a tool call needs beyond its schema: adapters, ledger, spend guard, job service and the
 * background watcher. Loaded lazily on the first tool call, so `tools/list` (and the cold start) never
 * pays for undici, the adapters or the ledger.
 */
import type { Dispatcher } from 'undici';
import type { Config } from './config.js';
import { SpendGuard } from './jobs/budget.js';
import { Ledger } from './jobs/ledger.js';
import { JobService } from './jobs/service.js';
import { RECONCILE_INTERVAL_MS } from './jobs/submit/index.js';
import { Watcher } from './jobs/watcher.js';
import { log } from './log.js';
import { createAdapters } from './providers/index.js';

export interface Runtime {
  service: JobService;
  watcher: Watcher;
  close(): void;
}

export interface RuntimeOptions {
  /** The client's MCP roots as local paths. */
  roots: () => Promise<string[]>;
  dispatcher?: Dispatcher;
  /** Adopt unfinished jobs from the ledger and watch them (the server does; one-shot CLIs don't). */
  adopt?: boolean;
}

export async function createRuntime(config: Config, opts: RuntimeOptions): Promise<Runtime> {
  const ledger = new Ledger(config.stateDir);
  await ledger.init();
  const guard = new SpendGuard(config.stateDir, { dailyCapUsd: config.budgetUsdDaily, confirmAboveUsd: config.confirmAboveUsd });
  const service = new JobService({
    config,
    ledger,
    adapters: createAdapters(config, opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    roots: opts.roots,
    guard,
  });
  const watcher = new Watcher(service);
  service.onJobRecorded = (rec) => watcher.watch(rec);
  let reconciler: NodeJS.Timeout | undefined;
  if (opts.adopt !== false) {
    // Crash recovery (issue #10 §4): sweep temp files a killed process left, then settle pending
    // submits whose sender died — at start-up and every RECONCILE_INTERVAL_MS.
    const reconcile = () =>
      void ledger
        .sweepTempFiles()
        .then(() => service.reconcile())
        .catch((err: unknown) => log.warn('could not reconcile pending submits', { error: String(err) }));
    reconcile();
    reconciler = setInterval(reconcile, RECONCILE_INTERVAL_MS);
    reconciler.unref();
    void watcher
      .adopt()
      .then((n) => n && log.info(`watching ${n} unfinished job(s) from the ledger`))
      .catch((err: unknown) => log.warn('could not adopt jobs from the ledger', { error: String(err) }));
    void ledger.prune().catch(() => {});
  }
  return {
    service,
    watcher,
    close: () => {
      if (reconciler) clearInterval(reconciler);
      watcher.stop();
    },
  };
}
