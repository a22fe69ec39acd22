/**
 * The job machinery behind the tools: submit (with routing, failover, idempotency and money guards),
 * status refresh (shared by the watcher, check_job and bounded waits), saving finished videos, cancel.
 * It knows nothing about MCP.
 */
import { getModel, type ProviderId } from '../catalog/index.js';
import { PROVIDER_ENV, type Config } from '../config.js';
import { VideogenError, toAgentMessage } from '../errors.js';
import { log } from '../log.js';
import { allowedRoots } from '../media/local-input.js';
import type { JobHandle, JobStatus, ProviderAdapter } from '../providers/types.js';
import { decodeJobId } from './job-id.js';
import { TERMINAL, type JobRecord, type JobStore } from './ledger.js';
import { VideoSaver } from './saver.js';
import type { SpendGuard } from './budget.js';
import { generate, reconcilePending, type DryRunPlan, type GenerateContext, type GenerateInput, type GenerateOutcome, type SubmitEnv } from './submit/index.js';
import type { ReconcileReport } from './submit/reconcile.js';

export type { ConfirmQuestion, DryRunPlan, GenerateContext, GenerateInput, GenerateOutcome, JobOutcome, StillSubmitting } from './submit/index.js';
export { fingerprintOf } from './submit/index.js';
export { MEDIA_FIELDS } from './submit/media.js';

export interface JobServiceDeps {
  config: Config;
  /** The store (src/store/types.ts): the file store, or PostgreSQL for a team. */
  ledger: JobStore;
  adapters: Partial<Record<ProviderId, ProviderAdapter>>;
  /** The client's MCP roots as local paths (empty when it offers none). */
  roots: () => Promise<string[]>;
  guard: SpendGuard;
  now?: () => number;
}

export class JobService {
  private readonly saver: VideoSaver;
  private readonly submitEnv: SubmitEnv;
  private readonly refreshing = new Map<string, Promise<JobRecord>>();
  readonly now: () => number;

  constructor(readonly deps: JobServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.saver = new VideoSaver({ config: deps.config, ledger: deps.ledger, adapters: deps.adapters, roots: deps.roots, now: this.now });
    this.submitEnv = {
      config: deps.config,
      ledger: deps.ledger,
      adapters: deps.adapters,
      adapter: (p) => this.adapter(p),
      guard: deps.guard,
      now: this.now,
      allowedRoots: () => this.allowedRoots(),
      onJobRecorded: (rec) => this.onJobRecorded?.(rec),
    };
  }

  /** Set by the runtime: start watching a job a submit or reconciliation recorded. */
  onJobRecorded: ((rec: JobRecord) => void) | undefined;

  get config(): Config {
    return this.deps.config;
  }
  get ledger(): JobStore {
    return this.deps.ledger;
  }

  adapter(provider: ProviderId): ProviderAdapter {
    const a = this.deps.adapters[provider];
    if (!a) {
      const env = PROVIDER_ENV[provider as keyof typeof PROVIDER_ENV]?.key ?? provider;
      throw new VideogenError('not_configured', `${provider} is not configured in this server: set ${env} to use it.`, {
        provider,
        envVar: env,
        noJobCreated: true,
      });
    }
    return a;
  }

  // ---- generate ------------------------------------------------------------------------------

  /** generate_video's submit path: the named steps in ./submit/ (see ./submit/index.ts). */
  generate(input: GenerateInput, ctx: GenerateContext = {}): Promise<GenerateOutcome | DryRunPlan> {
    return generate(this.submitEnv, input, ctx);
  }

  /** Settle pending submits whose sender died (start-up and periodic; see ./submit/reconcile.ts). */
  reconcile(): Promise<ReconcileReport> {
    return reconcilePending(this.submitEnv);
  }

  async allowedRoots(): Promise<string[]> {
    return allowedRoots(await this.deps.roots(), this.config.cwd, this.config.inputDirs);
  }

  // ---- status --------------------------------------------------------------------------------

  /** The job's record: from the ledger, or rebuilt from the job id alone (a fresh machine). */
  async load(jobId: string): Promise<JobRecord> {
    const existing = await this.ledger.get(jobId);
    if (existing) return existing;
    const decoded = decodeJobId(jobId);
    const nowIso = new Date(this.now()).toISOString();
    const created = decoded.provider === 'simulator' && decoded.handle['t'] ? new Date(Number(decoded.handle['t'])).toISOString() : nowIso;
    return {
      job_id: jobId,
      provider: decoded.provider,
      model: decoded.model,
      params: {},
      status: 'queued',
      simulated: decoded.provider === 'simulator',
      created_at: created,
      updated_at: nowIso,
    };
  }

  /** check_job: fresh status (a poll when one is due), and the video saved when finished. */
  async check(jobId: string, opts: { signal?: AbortSignal | undefined; force?: boolean } = {}): Promise<JobRecord> {
    let rec = await this.refresh(await this.load(jobId), opts);
    if (rec.status === 'succeeded' && rec.local_path === undefined && this.config.download) rec = await this.save(rec, opts.signal);
    if (rec.status === 'succeeded') rec = await this.freshenUrl(rec, opts.signal);
    return rec;
  }

  /**
   * Signed result URLs expire (MiniMax ~1 h, Runway 24–48 h): when the recorded one has, re-read it
   * from the provider where it allows that, so check_job never hands out a dead link it could renew.
   */
  private async freshenUrl(rec: JobRecord, signal: AbortSignal | undefined): Promise<JobRecord> {
    const adapter = this.deps.adapters[rec.provider];
    if (!rec.video_expires_at || Date.parse(rec.video_expires_at) > this.now() + 60_000 || !adapter?.refreshOutputs) return rec;
    try {
      const [fresh] = await adapter.refreshOutputs(decodeJobId(rec.job_id).handle, signal ? { signal } : {});
      if (!fresh) return rec;
      const { video_expires_at: _old, ...rest } = rec;
      return await this.ledger.put({
        ...rest,
        video_url: fresh.url,
        ...(fresh.expires_at ? { video_expires_at: fresh.expires_at } : {}),
        updated_at: new Date(this.now()).toISOString(),
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      log.warn('could not refresh an expired video URL', { job_id: rec.job_id, error: toAgentMessage(err).message });
      return rec;
    }
  }

  /** Poll upstream if a poll is due (shared across processes via `polled_at`). Never throws for transient failures. */
  refresh(rec: JobRecord, opts: { signal?: AbortSignal | undefined; force?: boolean } = {}): Promise<JobRecord> {
    if (TERMINAL.has(rec.status)) return Promise.resolve(rec);
    const inflight = this.refreshing.get(rec.job_id);
    if (inflight) return inflight;
    const p = this.doRefresh(rec, opts).finally(() => this.refreshing.delete(rec.job_id));
    this.refreshing.set(rec.job_id, p);
    return p;
  }

  private async doRefresh(rec: JobRecord, opts: { signal?: AbortSignal | undefined; force?: boolean }): Promise<JobRecord> {
    const adapter = this.adapter(rec.provider);
    const minMs = adapter.minPollIntervalSeconds * 1000;
    if (!opts.force && rec.polled_at !== undefined && this.now() - rec.polled_at < minMs) return rec;
    const { handle } = decodeJobId(rec.job_id);
    let status: JobStatus;
    const polledAt = this.now();
    try {
      status = await adapter.getJob(handle, opts.signal ? { signal: opts.signal } : {});
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      if (err instanceof VideogenError && (err.code === 'auth' || err.code === 'not_configured' || err.code === 'config')) throw err;
      const msg = toAgentMessage(err).message;
      if (err instanceof VideogenError && err.code === 'not_found' && polledAt - Date.parse(rec.created_at) > 10 * 60_000) {
        return this.ledger.put({
          ...rec,
          status: 'failed',
          error: { code: 'not_found', message: msg },
          polled_at: polledAt,
          updated_at: new Date(polledAt).toISOString(),
        });
      }
      log.warn('status check failed', { job_id: rec.job_id, error: msg });
      const retryAfter = err instanceof VideogenError ? err.retryAfterMs : undefined;
      return this.ledger.put({
        ...rec,
        detail: `Last status check failed: ${msg}`,
        polled_at: polledAt + (retryAfter ?? 0),
        updated_at: new Date(polledAt).toISOString(),
      });
    }
    const next: JobRecord = { ...rec, polled_at: polledAt, updated_at: new Date(polledAt).toISOString() };
    applyStatus(next, status, polledAt);
    // Apiframe bills credits: report them in USD when the rate is configured (as the estimate is).
    const rate = this.config.apiframeUsdPerCredit;
    if (
      status.state === 'succeeded' &&
      status.billed_usd === undefined &&
      status.billed_credits !== undefined &&
      rec.provider === 'apiframe' &&
      rate !== undefined
    )
      next.billed_cost_usd = Math.round(status.billed_credits * rate * 10_000) / 10_000;
    const saved = await this.ledger.put(next);
    if (saved.status !== rec.status) log.info('job status', { job_id: rec.job_id, status: saved.status });
    return saved;
  }

  // ---- saving --------------------------------------------------------------------------------

  /** Save a finished job's video into the output directory (see saver.ts). */
  save(rec: JobRecord, signal?: AbortSignal): Promise<JobRecord> {
    return this.saver.save(rec, signal);
  }

  outputDir(): Promise<string> {
    return this.saver.outputDir();
  }

  // ---- cancel --------------------------------------------------------------------------------

  async cancel(jobId: string, signal?: AbortSignal): Promise<JobRecord> {
    let rec = await this.load(jobId);
    rec = await this.refresh(rec, { ...(signal ? { signal } : {}), force: true });
    if (TERMINAL.has(rec.status)) return rec;
    const adapter = this.adapter(rec.provider);
    if (!adapter.canCancel || !adapter.cancel)
      throw new VideogenError(
        'unsupported',
        `${rec.provider} has no cancel endpoint, so job ${jobId.slice(0, 24)}… keeps running upstream and may still be billed. It is still tracked: check_job will report and save the result.`,
        { provider: rec.provider },
      );
    await adapter.cancel(decodeJobId(jobId).handle, signal ? { signal } : {});
    const nowIso = new Date(this.now()).toISOString();
    return this.ledger.put({ ...rec, status: 'canceled', completed_at: nowIso, updated_at: nowIso, detail: 'Canceled on request.' });
  }

  /** Typical duration for scheduling polls. */
  typicalMs(rec: JobRecord): number {
    if (rec.provider === 'simulator') {
      try {
        const d = Number(decodeJobId(rec.job_id).handle['d']);
        if (Number.isFinite(d)) return d;
      } catch {
        /* fall through */
      }
    }
    const model = getModel(rec.model);
    const offer = model?.offers.find((o) => o.provider === rec.provider && o.native_model === rec.native_model);
    return (offer?.typical_seconds ?? model?.typical_seconds ?? 120) * 1000;
  }
}

/** Fold a normalized provider status into a record (mutates it). */
export function applyStatus(rec: JobRecord, status: JobStatus, now: number): void {
  const iso = new Date(now).toISOString();
  switch (status.state) {
    case 'queued':
      rec.status = 'queued';
      if (status.detail) rec.detail = status.detail;
      else delete rec.detail;
      break;
    case 'running':
      rec.status = 'running';
      if (status.progress !== undefined) rec.progress = Math.max(rec.progress ?? 0, Math.min(1, Math.max(0, status.progress)));
      if (status.detail) rec.detail = status.detail;
      else delete rec.detail;
      break;
    case 'succeeded': {
      rec.status = 'succeeded';
      rec.progress = 1;
      const v = status.videos[0];
      if (v) {
        rec.video_url = v.url;
        if (v.expires_at) rec.video_expires_at = v.expires_at;
      }
      if (status.billed_usd !== undefined) rec.billed_cost_usd = status.billed_usd;
      rec.completed_at ??= iso;
      delete rec.detail;
      break;
    }
    case 'failed':
      rec.status = 'failed';
      rec.error = {
        code: status.error_code ?? 'job_failed',
        message: toAgentMessage(
          new VideogenError('job_failed', status.reason, { provider: rec.provider, ...(status.provider_text ? { providerText: status.provider_text } : {}) }),
        ).message,
      };
      rec.completed_at ??= iso;
      break;
    case 'canceled':
      rec.status = 'canceled';
      rec.completed_at ??= iso;
      break;
  }
}

export type { JobHandle };
