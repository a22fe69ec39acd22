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
import type { JobStore } from './store/types.js';
import { log } from './log.js';
import { createAdapters } from './providers/index.js';

/** A reservation with neither a job nor a pending submit this long after it was booked is released (a call's whole budget is far shorter). */
const SETTLE_AFTER_MS = 10 * 60_000;

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
  /** A store other than the file store in the state directory (the team server's PostgreSQL). */
  store?: JobStore;
  /** The spend guard's caps, when not the single user's (the team server's). */
  guard?: (store: JobStore) => SpendGuard;
}

export async function createRuntime(config: Config, opts: RuntimeOptions): Promise<Runtime> {
  const ledger = opts.store ?? new Ledger(config.stateDir, { maxRecords: config.ledgerMaxRecords });
  await ledger.init();
  const guard = opts.guard?.(ledger) ?? new SpendGuard(ledger, { dailyCapUsd: config.budgetUsdDaily, confirmAboveUsd: config.confirmAboveUsd });
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
  let settler: NodeJS.Timeout | undefined;
  if (opts.adopt !== false) {
    // Crash recovery (issue #10 §4): settle pending submits whose sender died — at start-up (after the
    // store's init swept what a killed process left) and every RECONCILE_INTERVAL_MS.
    const reconcile = () => void service.reconcile().catch((err: unknown) => log.warn('could not reconcile pending submits', { error: String(err) }));
    reconcile();
    reconciler = setInterval(reconcile, RECONCILE_INTERVAL_MS);
    reconciler.unref();
    void watcher
      .adopt()
      .then((n) => n && log.info(`watching ${n} unfinished job(s) from the ledger`))
      .catch((err: unknown) => log.warn('could not adopt jobs from the ledger', { error: String(err) }));
    void ledger.prune().catch(() => {});
    // Reservations a killed process booked but never sent (no job, no pending submit) are released.
    const settle = () =>
      void ledger.settleSpend(SETTLE_AFTER_MS).catch((err: unknown) => log.warn('could not settle spend reservations', { error: String(err) }));
    settle();
    settler = setInterval(settle, SETTLE_AFTER_MS);
    settler.unref();
  }
  return {
    service,
    watcher,
    close: () => {
      if (reconciler) clearInterval(reconciler);
      if (settler) clearInterval(settler);
      watcher.stop();
    },
  };
}
