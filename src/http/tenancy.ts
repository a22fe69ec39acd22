/**
 * Tenancy for the team server: each principal sees only its own jobs, and spends under its own daily cap
 * (VIDEOGEN_BUDGET_USD_DAILY) and the team's (VIDEOGEN_TEAM_BUDGET_USD_DAILY).
 *
 * A principal's tool calls run on a JobService over a ScopedStore (store/scoped-store.ts): records
 * carry the principal; reads, listings and idempotency keys are the principal's own; another
 * principal's job id is "not found", exactly as an unknown one. Spend is reserved by the store with both
 * caps checked atomically (JobStore.reserveSpend), so neither is ever exceeded, across instances.
 * Background polling and saving run on the server's unscoped service (they act for whoever owns the job).
 */
import type { Config } from '../config.js';
import { VideogenError } from '../errors.js';
import { SpendGuard, type ConfirmAsker, type SpendRequest, type SpendTotals } from '../jobs/budget.js';
import { TERMINAL, type JobRecord } from '../jobs/ledger.js';
import { JobService, type JobServiceDeps } from '../jobs/service.js';
import { ScopedStore } from '../store/scoped-store.js';
import type { JobStore } from '../store/types.js';

export function notFound(jobId: string): VideogenError {
  return new VideogenError(
    'not_found',
    `No job ${jobId.length > 40 ? `${jobId.slice(0, 40)}…` : jobId} exists for you on this server. Call list_jobs to see your jobs.`,
  );
}

export interface TeamCaps {
  /** VIDEOGEN_BUDGET_USD_DAILY: each principal's own cap. */
  principalDailyUsd: number | undefined;
  /** VIDEOGEN_TEAM_BUDGET_USD_DAILY: the whole team's cap. */
  teamDailyUsd: number | undefined;
  confirmAboveUsd: number | undefined;
}

/** The spend guard with the principal filled in, and messages that name the team's settings. */
export class PrincipalGuard extends SpendGuard {
  constructor(
    store: JobStore,
    private readonly principal: string,
    private readonly caps: TeamCaps,
  ) {
    super(store, { dailyCapUsd: caps.teamDailyUsd, principalDailyCapUsd: caps.principalDailyUsd, confirmAboveUsd: caps.confirmAboveUsd });
  }

  override async authorize(req: SpendRequest, asker: ConfirmAsker): Promise<void> {
    try {
      await super.authorize({ ...req, principal: this.principal }, asker);
    } catch (err) {
      if (!(err instanceof VideogenError) || err.code !== 'budget') throw err;
      const message = err.message
        .replace(/^Daily budget reached/, "The team's daily budget (VIDEOGEN_TEAM_BUDGET_USD_DAILY) is reached")
        .replace(/^Your daily budget reached/, 'Your daily budget (VIDEOGEN_BUDGET_USD_DAILY, per person) is reached')
        .replace(/Raise VIDEOGEN_BUDGET_USD_DAILY in the server's environment/, "Ask the team's admin to raise VIDEOGEN_TEAM_BUDGET_USD_DAILY")
        .replace(/A daily budget is set \(VIDEOGEN_BUDGET_USD_DAILY=[^)]*\)/, 'A daily budget is set on this team server')
        .replace(/, or unset VIDEOGEN_BUDGET_USD_DAILY/, '');
      throw new VideogenError('budget', message, { noJobCreated: err.noJobCreated });
    }
  }

  override release(key: string): Promise<void> {
    return super.release(key, this.principal);
  }

  override async totals(): Promise<SpendTotals> {
    const t = await super.totals(this.principal);
    return { ...t, daily_cap_usd: this.caps.principalDailyUsd ?? this.caps.teamDailyUsd };
  }
}

/**
 * The JobService of a tool call on the team server: a status poll goes upstream only from the instance
 * holding the job's lease (the same lease the watcher takes), so each unfinished job is polled by exactly
 * one instance; a check_job anywhere else answers from the store, which the holder keeps current.
 */
export class TeamJobService extends JobService {
  /**
   * `shared` is the instance's own unscoped service (the watcher's). Polls and saves go through it, so
   * within one instance they are deduplicated too: every service here shares the store's lease holder
   * identity, and two savers of one instance would both pass the lease.
   */
  constructor(
    deps: JobServiceDeps,
    private readonly shared?: JobService,
  ) {
    super(deps);
  }

  override async refresh(rec: JobRecord, opts: { signal?: AbortSignal | undefined; force?: boolean } = {}): Promise<JobRecord> {
    if (TERMINAL.has(rec.status)) return rec;
    // Not due yet (the provider's minimum poll interval): no poll anywhere, so no lease write either.
    const minMs = (this.deps.adapters[rec.provider]?.minPollIntervalSeconds ?? 0) * 1000;
    if (!opts.force && rec.polled_at !== undefined && this.now() - rec.polled_at < minMs) return rec;
    const lease = await this.ledger.acquireLease(rec.job_id, this.config.leaseMs);
    if (lease) return this.shared ? this.shared.refresh(rec, opts) : super.refresh(rec, opts);
    return (await this.ledger.get(rec.job_id)) ?? rec;
  }

  override save(rec: JobRecord, signal?: AbortSignal): Promise<JobRecord> {
    return this.shared ? this.shared.save(rec, signal) : super.save(rec, signal);
  }
}

/** A principal's JobService: an unknown or foreign job id is not found (never rebuilt from the id). */
export class ScopedJobService extends TeamJobService {
  override async load(jobId: string): Promise<JobRecord> {
    const rec = await this.ledger.get(jobId);
    if (!rec) throw notFound(jobId);
    return rec;
  }
}

/** One scoped service per principal, created on its first call and kept. */
export class Tenancy {
  private readonly services = new Map<string, ScopedJobService>();

  constructor(
    private readonly base: JobService,
    private readonly store: JobStore,
    private readonly caps: TeamCaps,
  ) {}

  static caps(config: Config, teamDailyUsd: number | undefined): TeamCaps {
    return { principalDailyUsd: config.budgetUsdDaily, teamDailyUsd, confirmAboveUsd: config.confirmAboveUsd };
  }

  service(principal: string): ScopedJobService {
    let s = this.services.get(principal);
    if (!s) {
      // A same-key call in flight on another instance is waited for, within the tool call's budget.
      const scoped = new ScopedStore(this.store, principal, { claimWaitMs: Math.round(this.base.config.callBudgetMs * 0.7) });
      s = new ScopedJobService({ ...this.base.deps, ledger: scoped, guard: new PrincipalGuard(scoped, principal, this.caps) }, this.base);
      this.services.set(principal, s);
    }
    return s;
  }
}
