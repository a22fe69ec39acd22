/**
 * Tenancy for the team server: each principal sees only its own jobs, and spends under its own daily cap
 * (VIDEOGEN_BUDGET_USD_DAILY) and the team's (VIDEOGEN_TEAM_BUDGET_USD_DAILY).
 *
 * A principal's tool calls run on a JobService whose ledger is a view of the shared one:
 *  - every record it writes carries `principal`; it reads, lists and finds by idempotency key only its
 *    principal's records. Another principal's job id is "not found", exactly as an unknown id is;
 *  - idempotency keys are per principal: alice's key "x" and bob's key "x" are different claims;
 *  - spend is reserved under the principal's cap, then under the team's; a refusal by the team cap gives
 *    the principal's reservation back. Each cap is exact on its own (see jobs/budget.ts), so neither is
 *    ever exceeded.
 * Background polling and saving run on the unscoped service (they act for whoever owns the job).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config.js';
import { VideogenError } from '../errors.js';
import { SpendGuard, type ConfirmAsker, type SpendRequest, type SpendTotals } from '../jobs/budget.js';
import { Ledger, type JobRecord, type PendingSubmit } from '../jobs/ledger.js';
import { JobService } from '../jobs/service.js';

/** Separates a principal from its own key inside shared namespaces (never valid in either). */
const SEP = '\u0000';

const dirName = (principal: string) => createHash('sha256').update(principal).digest('hex').slice(0, 32);

export function notFound(jobId: string): VideogenError {
  return new VideogenError(
    'not_found',
    `No job ${jobId.length > 40 ? `${jobId.slice(0, 40)}…` : jobId} exists for you on this server. Call list_jobs to see your jobs.`,
  );
}

/** The shared ledger as one principal sees it. */
export class ScopedLedger extends Ledger {
  constructor(
    private readonly base: Ledger,
    readonly principal: string,
  ) {
    super(base.dir);
  }

  private owns(rec: JobRecord | undefined): rec is JobRecord {
    return rec !== undefined && rec.principal === this.principal;
  }
  private ns(key: string): string {
    return `${this.principal}${SEP}${key}`;
  }
  private un(p: PendingSubmit | undefined): PendingSubmit | undefined {
    return p && { ...p, idempotency_key: p.idempotency_key.slice(this.principal.length + 1) };
  }

  override init(): Promise<void> {
    return this.base.init();
  }
  override async get(jobId: string): Promise<JobRecord | undefined> {
    const rec = await this.base.get(jobId);
    return this.owns(rec) ? rec : undefined;
  }
  override async put(record: JobRecord): Promise<JobRecord> {
    const existing = await this.base.get(record.job_id);
    if (existing && !this.owns(existing)) throw notFound(record.job_id);
    return this.base.put({ ...record, principal: this.principal });
  }
  override async update(jobId: string, patch: Partial<JobRecord>): Promise<JobRecord | undefined> {
    const existing = await this.get(jobId);
    if (!existing) return undefined;
    return this.put({ ...existing, ...patch, updated_at: new Date().toISOString() });
  }
  override async list(): Promise<JobRecord[]> {
    return (await this.base.list()).filter((r) => this.owns(r));
  }
  override async findByIdempotencyKey(key: string): Promise<JobRecord | undefined> {
    return (await this.list()).find((r) => r.idempotency_key === key);
  }
  override putPendingSubmit(p: PendingSubmit): Promise<void> {
    return this.base.putPendingSubmit({ ...p, idempotency_key: this.ns(p.idempotency_key) });
  }
  override claimPendingSubmit(p: PendingSubmit): Promise<boolean> {
    return this.base.claimPendingSubmit({ ...p, idempotency_key: this.ns(p.idempotency_key) });
  }
  override async getPendingSubmit(key: string): Promise<PendingSubmit | undefined> {
    return this.un(await this.base.getPendingSubmit(this.ns(key)));
  }
  override clearPendingSubmit(key: string): Promise<void> {
    return this.base.clearPendingSubmit(this.ns(key));
  }
  override prune(now?: number): Promise<number> {
    return this.base.prune(now);
  }
}

/** The principal's cap, then the team's; reservation keys are namespaced by principal in the team file. */
export class TeamGuard extends SpendGuard {
  constructor(
    private readonly own: SpendGuard,
    private readonly team: SpendGuard,
    private readonly principal: string,
    private readonly teamCapUsd: number | undefined,
  ) {
    super('', { dailyCapUsd: undefined, confirmAboveUsd: undefined });
  }

  private ns(key: string): string {
    return `${this.principal}${SEP}${key}`;
  }

  override async authorize(req: SpendRequest, asker: ConfirmAsker): Promise<void> {
    await this.own.authorize(req, asker);
    try {
      await this.team.authorize({ ...req, key: this.ns(req.key), max_cost_usd: undefined }, {});
    } catch (err) {
      await this.own.release(req.key);
      if (err instanceof VideogenError && err.code === 'budget')
        throw new VideogenError(
          'budget',
          err.message
            .replace(/^Daily budget reached/, "The team's daily budget is reached")
            .replace(/VIDEOGEN_BUDGET_USD_DAILY/g, 'VIDEOGEN_TEAM_BUDGET_USD_DAILY')
            .replace(/^A daily budget is set/, 'A team daily budget is set'),
          { noJobCreated: true },
        );
      throw err;
    }
  }
  override async release(key: string): Promise<void> {
    await this.own.release(key);
    await this.team.release(this.ns(key));
  }
  override commit(key: string, record: JobRecord): void {
    this.own.commit(key, record);
    this.team.commit(this.ns(key), record);
  }
  override totals(exceptKey?: string): Promise<SpendTotals> {
    return this.own.totals(exceptKey);
  }
  get teamDailyCapUsd(): number | undefined {
    return this.teamCapUsd;
  }
}

/** A principal's JobService: its ledger view and its guards; an unknown or foreign job id is not found. */
export class ScopedJobService extends JobService {
  override async load(jobId: string): Promise<JobRecord> {
    const rec = await this.ledger.get(jobId);
    if (!rec) throw notFound(jobId);
    return rec;
  }
}

export interface TenancyOptions {
  config: Config;
  base: JobService;
  teamBudgetUsdDaily: number | undefined;
}

/** One scoped service per principal, created on its first call and kept. */
export class Tenancy {
  private readonly services = new Map<string, ScopedJobService>();
  private readonly team: SpendGuard;

  constructor(private readonly opts: TenancyOptions) {
    this.team = new SpendGuard(opts.config.stateDir, { dailyCapUsd: opts.teamBudgetUsdDaily, confirmAboveUsd: undefined });
  }

  service(principal: string): ScopedJobService {
    let s = this.services.get(principal);
    if (!s) {
      const { config, base } = this.opts;
      const own = new SpendGuard(path.join(config.stateDir, 'principals', dirName(principal)), {
        dailyCapUsd: config.budgetUsdDaily,
        confirmAboveUsd: config.confirmAboveUsd,
      });
      s = new ScopedJobService({
        ...base.deps,
        ledger: new ScopedLedger(base.ledger, principal),
        guard: new TeamGuard(own, this.team, principal, this.opts.teamBudgetUsdDaily),
      });
      this.services.set(principal, s);
    }
    return s;
  }
}
