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
import type { CallOptions } from '../providers/types.js';
import { remainingMs } from './deadline.js';
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
  private readonly failedPolls = new Map<string, number>();
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
      throw new VideogenError('not_configured', `${provider} is not configured in this server (no ${env}); ask the user to set it, or omit provider.`, {
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

  /**
   * The job's record from the ledger. A job id the ledger does not hold (a fresh machine, another
   * server's job) is first confirmed with its provider, within the call's deadline: only a job the
   * provider knows is recorded (issue #10 §3). One it does not know is a `not_found` error, never a
   * queued record that invites a polling loop; one it cannot be asked about now is `unavailable`, and
   * nothing is written.
   */
  async load(jobId: string, opts: StatusOptions = {}): Promise<JobRecord> {
    const existing = await this.ledger.get(jobId);
    if (existing) return existing;
    const decoded = decodeJobId(jobId);
    const adapter = this.adapter(decoded.provider);
    const shown = `${jobId.slice(0, 24)}…`;
    const polledAt = this.now();
    let status: JobStatus;
    try {
      status = await adapter.getJob(decoded.handle, callOptions(opts));
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      if (err instanceof VideogenError && err.code === 'not_found')
        throw new VideogenError(
          'not_found',
          `Job ${shown} is unknown: this server has no record of it and ${decoded.provider} says it does not exist. Check the job_id (list_jobs shows this server's jobs); nothing was recorded.`,
          { provider: decoded.provider, ...(err.providerText !== undefined ? { providerText: err.providerText } : {}) },
        );
      if (err instanceof VideogenError && (err.code === 'auth' || err.code === 'not_configured' || err.code === 'config' || err.code === 'invalid_input'))
        throw err;
      throw new VideogenError(
        'unavailable',
        `Job ${shown} is not in this server's records, and ${decoded.provider} could not confirm it just now (${toAgentMessage(err).message.slice(0, 200)}). Nothing was recorded; call check_job again shortly.`,
        { provider: decoded.provider, cause: err },
      );
    }
    const nowIso = new Date(polledAt).toISOString();
    const created = decoded.provider === 'simulator' && decoded.handle['t'] ? new Date(Number(decoded.handle['t'])).toISOString() : nowIso;
    const rec: JobRecord = {
      job_id: jobId,
      provider: decoded.provider,
      model: decoded.model,
      params: {},
      status: 'queued',
      simulated: decoded.provider === 'simulator',
      created_at: created,
      updated_at: nowIso,
      polled_at: polledAt,
    };
    applyStatus(rec, status, polledAt);
    return this.ledger.put(rec);
  }

  /**
   * check_job: fresh status (a poll when one is due) within the call's deadline, and the video saved
   * when finished. A save that cannot finish by the deadline continues in the background: the job is
   * reported `succeeded` with its `video_url` and a detail saying the save is still going on.
   */
  async check(jobId: string, opts: StatusOptions = {}): Promise<JobRecord> {
    let rec = await this.refresh(await this.load(jobId, opts), opts);
    if (rec.status === 'succeeded' && rec.local_path === undefined && this.config.download) rec = await this.saveWithin(rec, opts);
    if (rec.status === 'succeeded') rec = await this.freshenUrl(rec, opts);
    return rec;
  }

  /** Start (or join) the background save, and wait for it only as long as the call's deadline allows. */
  private async saveWithin(rec: JobRecord, opts: StatusOptions): Promise<JobRecord> {
    const saving = this.saver.save(rec);
    if (opts.deadline === undefined) return saving;
    // The save may end after this call has answered: its failure is logged, never left unhandled.
    saving.catch((err: unknown) => log.warn('background save failed', { job_id: rec.job_id, error: toAgentMessage(err).message }));
    const done = await withinDeadline(saving, opts);
    if (done) return done;
    return {
      ...rec,
      detail:
        'The video is ready at video_url; saving it into the workspace continues in the background. Call check_job again in a few seconds for local_path.',
    };
  }

  /**
   * Signed result URLs expire (MiniMax ~1 h, Runway 24–48 h): when the recorded one has, re-read it
   * from the provider where it allows that, so check_job never hands out a dead link it could renew.
   */
  private async freshenUrl(rec: JobRecord, opts: StatusOptions): Promise<JobRecord> {
    const adapter = this.deps.adapters[rec.provider];
    if (!rec.video_expires_at || Date.parse(rec.video_expires_at) > this.now() + 60_000 || !adapter?.refreshOutputs) return rec;
    if (remainingMs(opts.deadline) < 1_000) return rec;
    try {
      const [fresh] = await adapter.refreshOutputs(decodeJobId(rec.job_id).handle, callOptions(opts));
      if (!fresh) return rec;
      const { video_expires_at: _old, ...rest } = rec;
      return await this.ledger.put({
        ...rest,
        video_url: fresh.url,
        ...(fresh.expires_at ? { video_expires_at: fresh.expires_at } : {}),
        updated_at: new Date(this.now()).toISOString(),
      });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      log.warn('could not refresh an expired video URL', { job_id: rec.job_id, error: toAgentMessage(err).message });
      return rec;
    }
  }

  /** Consecutive failed status checks of a job in this process (reset by a good answer). */
  pollFailures(jobId: string): number {
    return this.failedPolls.get(jobId) ?? 0;
  }

  /** Poll upstream if a poll is due (shared across processes via `polled_at`). Never throws for transient failures. */
  refresh(rec: JobRecord, opts: StatusOptions = {}): Promise<JobRecord> {
    if (TERMINAL.has(rec.status)) return Promise.resolve(rec);
    const inflight = this.refreshing.get(rec.job_id);
    // Joining a poll already in flight (the watcher's, bounded by its own longer budget) must not
    // outlast this call: past the deadline, answer with what the ledger holds.
    if (inflight) return opts.deadline === undefined ? inflight : withinDeadline(inflight, opts).then((r) => r ?? rec);
    const p = this.doRefresh(rec, opts).finally(() => this.refreshing.delete(rec.job_id));
    this.refreshing.set(rec.job_id, p);
    return p;
  }

  private async doRefresh(rec: JobRecord, opts: StatusOptions): Promise<JobRecord> {
    const adapter = this.adapter(rec.provider);
    const minMs = adapter.minPollIntervalSeconds * 1000;
    if (!opts.force && rec.polled_at !== undefined && this.now() - rec.polled_at < minMs) return rec;
    // Too little time left for a useful status call: answer with what the ledger holds.
    if (remainingMs(opts.deadline) < MIN_POLL_TIME_MS) return rec;
    const { handle } = decodeJobId(rec.job_id);
    let status: JobStatus;
    const polledAt = this.now();
    try {
      status = await adapter.getJob(handle, callOptions(opts));
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      if (err instanceof VideogenError && (err.code === 'auth' || err.code === 'not_configured' || err.code === 'config')) {
        // Reported to the caller; counted, so background polling backs off and stops (watcher.ts).
        this.failedPolls.set(rec.job_id, (this.failedPolls.get(rec.job_id) ?? 0) + 1);
        throw err;
      }
      const msg = toAgentMessage(err).message;
      if (err instanceof VideogenError && err.code === 'not_found') return this.notFound(rec, err, polledAt);
      log.warn('status check failed', { job_id: rec.job_id, error: msg });
      // Back off: each consecutive failure doubles the gap (from the provider's poll interval, up to
      // MAX_POLL_BACKOFF_MS), and a Retry-After hint is honoured when longer.
      const failures = (this.failedPolls.get(rec.job_id) ?? 0) + 1;
      this.failedPolls.set(rec.job_id, failures);
      const gap = Math.max(err instanceof VideogenError ? (err.retryAfterMs ?? 0) : 0, pollBackoffMs(minMs, failures));
      const stopped = failures >= MAX_POLL_FAILURES;
      return this.ledger.put({
        ...rec,
        detail: stopped
          ? `Status checks failed ${failures} times in a row (last: ${msg}); background polling has stopped. Call check_job to try again.`
          : `Last status check failed (${failures} in a row): ${msg}`,
        polled_at: polledAt + Math.max(0, gap - minMs),
        updated_at: new Date(polledAt).toISOString(),
      });
    }
    this.failedPolls.delete(rec.job_id);
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

  /**
   * The provider says the job does not exist. Right after a submit that can be its own lag (Atlas
   * answers 404 for ~30 s), so the job ends only once the grace period since its creation has passed
   * (VIDEOGEN_NOT_FOUND_GRACE_SECONDS); the same rule for every provider (issue #10 §3).
   */
  private async notFound(rec: JobRecord, err: VideogenError, polledAt: number): Promise<JobRecord> {
    const age = polledAt - Date.parse(rec.created_at);
    const grace = Math.max(this.config.notFoundGraceMs, this.deps.adapters[rec.provider]?.minNotFoundGraceMs ?? 0);
    this.failedPolls.delete(rec.job_id);
    if (age >= grace) {
      const iso = new Date(polledAt).toISOString();
      return this.ledger.put({
        ...rec,
        status: 'failed',
        error: {
          code: 'not_found',
          message: toAgentMessage(
            new VideogenError(
              'not_found',
              `${rec.provider} says this job does not exist (${Math.round(age / 1000)} s after it was created): it expired, was deleted, or never started. No video will come from it; call generate_video again if you still need one.`,
              { provider: rec.provider, ...(err.providerText !== undefined ? { providerText: err.providerText } : {}) },
            ),
          ).message,
        },
        completed_at: iso,
        polled_at: polledAt,
        updated_at: iso,
      });
    }
    return this.ledger.put({
      ...rec,
      detail: `${err.message} Providers can lag right after a submit, so the job stays open: if ${rec.provider} still does not know it ${Math.round(grace / 1000)} s after its submit, it ends as not found.`,
      polled_at: polledAt,
      updated_at: new Date(polledAt).toISOString(),
    });
  }

  // ---- saving --------------------------------------------------------------------------------

  /** Save a finished job's video into the output directory (see saver.ts). */
  save(rec: JobRecord, signal?: AbortSignal): Promise<JobRecord> {
    return this.saver.save(rec, signal);
  }

  outputDir(): Promise<string> {
    return this.saver.outputDir();
  }

  /** Whether this process is saving the job's video right now (a save that outlived its tool call). */
  isSaving(jobId: string): boolean {
    return this.saver.isSaving(jobId);
  }

  // ---- cancel --------------------------------------------------------------------------------

  async cancel(jobId: string, opts: StatusOptions = {}): Promise<JobRecord> {
    let rec = await this.load(jobId, opts);
    // The cancel request matters more than a fresh status: the status check gets half the time left.
    const left = remainingMs(opts.deadline);
    rec = await this.refresh(rec, { ...opts, force: true, ...(left !== Infinity ? { deadline: Date.now() + Math.floor(left / 2) } : {}) });
    if (TERMINAL.has(rec.status)) return rec;
    const adapter = this.adapter(rec.provider);
    if (!adapter.canCancel || !adapter.cancel)
      throw new VideogenError(
        'unsupported',
        `${rec.provider} has no cancel endpoint, so job ${jobId.slice(0, 24)}… keeps running upstream and may still be billed. It is still tracked: check_job will report and save the result.`,
        { provider: rec.provider },
      );
    await adapter.cancel(decodeJobId(jobId).handle, callOptions(opts));
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

/** What a status-side call (check_job, cancel_job, the watcher) passes down. */
export interface StatusOptions {
  /** The client's own cancellation. */
  signal?: AbortSignal | undefined;
  /** Absolute end of the tool call (jobs/deadline.ts); undefined for background work. */
  deadline?: number | undefined;
  /** Poll even when the provider's minimum interval has not passed. */
  force?: boolean;
}

/** Below this much time left, a status call is not started (the ledger's state is returned). */
const MIN_POLL_TIME_MS = 500;
/** Time kept back from the deadline to answer after work (a save, a joined poll) that is still running. */
const ANSWER_MARGIN_MS = 300;
/** Consecutive failed status checks after which background polling stops (check_job still polls). */
export const MAX_POLL_FAILURES = 8;
/** Longest gap between status checks after failures. */
const MAX_POLL_BACKOFF_MS = 5 * 60_000;

/** Gap before the next status check after `failures` consecutive failures: doubling from the provider's interval. */
export function pollBackoffMs(minIntervalMs: number, failures: number): number {
  return Math.min(MAX_POLL_BACKOFF_MS, Math.max(1_000, minIntervalMs) * 2 ** Math.min(failures, 16));
}

/**
 * `work`'s result if it settles before the call's deadline (less ANSWER_MARGIN_MS to answer) or the
 * client's cancellation, else undefined; `work` itself goes on in the background.
 */
async function withinDeadline<T>(work: Promise<T>, opts: StatusOptions): Promise<T | undefined> {
  const left = remainingMs(opts.deadline) - ANSWER_MARGIN_MS;
  if (left === Infinity) return work;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, left), undefined);
    onAbort = () => resolve(undefined);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
  }
}

function callOptions(opts: StatusOptions): CallOptions {
  return { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}) };
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
