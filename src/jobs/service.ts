/**
 * The job machinery behind the tools: submit (with routing, failover, idempotency and money guards),
 * status refresh (shared by the watcher, check_job and bounded waits), saving finished videos, cancel.
 * It knows nothing about MCP.
 */
import { createHash, randomUUID } from 'node:crypto';
import { requireModel, validateParams, getModel, type ModelSpec, type Mode, type ProviderId, type ResolvedModel, type VideoParams } from '../catalog/index.js';
import { PROVIDER_ENV, type Config } from '../config.js';
import { VideogenError, toAgentMessage } from '../errors.js';
import { log } from '../log.js';
import { allowedRoots, resolveMediaInput, type MediaField } from '../media/local-input.js';
import { checkMediaLimits, mediaLimitsFor } from '../media/limits.js';
import { sniffMedia } from '../media/sniff.js';
import { NetworkError } from '../providers/http.js';
import type { CallOptions, JobHandle, JobStatus, LocalMedia, ProviderAdapter } from '../providers/types.js';
import { remainingMs } from './deadline.js';
import { decodeJobId, encodeJobId } from './job-id.js';
import { TERMINAL, sanitizeParams, type JobRecord, type JobStore, type PendingSubmit } from './ledger.js';
import { extendSource } from './extend.js';
import { planRoute, type RouteCandidate } from './routing.js';
import { VideoSaver } from './saver.js';
import type { SpendGuard, SpendRequest } from './budget.js';

export const MEDIA_FIELDS: readonly MediaField[] = ['first_frame_image_url', 'last_frame_image_url', 'source_video_url'];

export interface GenerateInput extends VideoParams {
  model: string;
  provider?: ProviderId | undefined;
  idempotency_key?: string | undefined;
  dry_run?: boolean | undefined;
  max_cost_usd?: number | undefined;
}

export interface GenerateContext {
  signal?: AbortSignal | undefined;
  /** Ask the human to confirm a spend; resolves true to go ahead. Undefined: the client cannot ask. */
  confirm?: ((question: ConfirmQuestion) => Promise<boolean>) | undefined;
}

/** What the human is asked to confirm: model, provider, duration, resolution and price. */
export type ConfirmQuestion = Omit<SpendRequest, 'key' | 'max_cost_usd'>;

export interface DryRunPlan {
  dry_run: true;
  model: string;
  mode: Mode;
  provider: ProviderId;
  native_model: string;
  endpoint: string;
  params: VideoParams;
  estimated_cost_usd: number | undefined;
  simulated: boolean;
  alternatives: { provider: ProviderId; native_model: string; estimated_cost_usd: number | undefined }[];
}

export interface GenerateOutcome {
  record: JobRecord;
  /** The job already existed for this idempotency key; nothing was submitted. */
  reused: boolean;
}

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
  /** Calls in flight per idempotency_key: a retry that arrives while the first call runs waits for it. */
  private readonly submitting = new Map<string, Promise<unknown>>();
  private readonly refreshing = new Map<string, Promise<JobRecord>>();
  private readonly failedPolls = new Map<string, number>();
  readonly now: () => number;

  constructor(readonly deps: JobServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.saver = new VideoSaver({ config: deps.config, ledger: deps.ledger, adapters: deps.adapters, roots: deps.roots, now: this.now });
  }

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

  async generate(input: GenerateInput, ctx: GenerateContext = {}): Promise<GenerateOutcome | DryRunPlan> {
    const k = input.idempotency_key;
    if (k === undefined || input.dry_run) return this.generateOnce(input, ctx);
    // Serialize calls sharing a key, so the second sees the first's job (or pending submit) in the
    // ledger instead of submitting a second, billed job next to it.
    const prev = this.submitting.get(k) ?? Promise.resolve();
    const run = prev.then(() => this.generateOnce(input, ctx));
    const tail = run.catch(() => undefined);
    this.submitting.set(k, tail);
    try {
      return await run;
    } finally {
      if (this.submitting.get(k) === tail) this.submitting.delete(k);
    }
  }

  private async generateOnce(input: GenerateInput, ctx: GenerateContext): Promise<GenerateOutcome | DryRunPlan> {
    const resolved = requireModel(input.model);
    const { model: _m, provider, idempotency_key, dry_run, max_cost_usd, ...raw } = input;
    const validated = validateParams(resolved, raw);
    const { params, mode } = validated;
    // A slug naming several offers (gen4.5: Runway's text_to_video and image_to_video) pins the one
    // that fits this request's mode.
    const routed: ResolvedModel = validated.pinned ? { ...resolved, pinned: validated.pinned } : resolved;
    // A slug that pins an offer is part of what was asked for: the same key with another tier's slug is a different request.
    const fingerprint = fingerprintOf(
      routed.pinned ? `${resolved.model.id}@${routed.pinned.provider}/${routed.pinned.native_model}` : resolved.model.id,
      params,
      provider,
    );

    if (idempotency_key !== undefined && !dry_run) {
      const existing = await this.ledger.findByIdempotencyKey(idempotency_key);
      if (existing) {
        if (existing.fingerprint !== undefined && existing.fingerprint !== fingerprint)
          throw new VideogenError(
            'conflict',
            `idempotency_key "${idempotency_key}" was already used for a different request (job ${existing.job_id}). Use a new key for a new video.`,
          );
        return { record: existing, reused: true };
      }
    }

    const plan = planRoute(routed, params, mode, this.config, provider);
    // Extending needs the source job's own task id, and a source that can be extended where this goes.
    const extend =
      params.extend_job_id !== undefined
        ? await extendSource(params.extend_job_id, plan.candidates[0]!.offer.provider, (id) => this.ledger.get(id))
        : undefined;
    const wireOverrides: VideoParams = extend ? { extend_job_id: extend.taskId } : {};
    const media = await this.resolveMedia(params, ctx.signal);
    const first = plan.candidates[0]!;
    this.checkMediaFor(resolved.model, first.offer.provider, params, media);

    if (dry_run) {
      return {
        dry_run: true,
        model: resolved.model.id,
        mode,
        provider: first.offer.provider,
        native_model: first.offer.native_model,
        endpoint: first.offer.endpoint,
        params: sanitizeParams(params),
        estimated_cost_usd: first.estimateUsd,
        simulated: plan.simulated,
        alternatives: plan.candidates
          .slice(1)
          .map((c) => ({ provider: c.offer.provider, native_model: c.offer.native_model, estimated_cost_usd: c.estimateUsd })),
      };
    }

    const key = idempotency_key ?? randomUUID();
    const pending = await this.ledger.getPendingSubmit(key);
    let candidates = plan.candidates;
    const replaying = pending !== undefined;
    if (pending) {
      if (pending.fingerprint !== fingerprint)
        throw new VideogenError('conflict', `idempotency_key "${key}" is already in use for a different request. Use a new key.`);
      // A previous submit with this key may have reached its provider. Replay it there only, and only
      // where the provider deduplicates by key; elsewhere, report the unknown outcome.
      const again = candidates.find((c) => c.offer.provider === pending.provider && c.offer.native_model === pending.native_model);
      const adapter = this.deps.adapters[pending.provider];
      if (!again || !adapter?.idempotentSubmit) throw unknownOutcome(pending.provider, key, 'A previous submit with this idempotency_key');
      candidates = [again];
    }

    // A caller's key is claimed exclusively in the shared ledger before anything is spent, so two
    // server processes given the same key at the same moment cannot both submit. (Generated keys are
    // unique and need no claim.)
    let claimed = false;
    if (!replaying && idempotency_key !== undefined) {
      if (!(await this.ledger.claimPendingSubmit(pendingSubmitFor(key, candidates[0]!, resolved, params, fingerprint, this.now()))))
        throw new VideogenError(
          'conflict',
          `Another call with idempotency_key "${key}" is being submitted right now (by another server process); nothing was submitted by this one. Call generate_video again with the same key in a few seconds to get its job.`,
          { noJobCreated: true },
        );
      claimed = true;
      // The other process may have finished between our first look and the claim.
      const existing = await this.ledger.findByIdempotencyKey(key);
      if (existing) {
        await this.ledger.clearPendingSubmit(key);
        if (existing.fingerprint !== undefined && existing.fingerprint !== fingerprint)
          throw new VideogenError(
            'conflict',
            `idempotency_key "${key}" was already used for a different request (job ${existing.job_id}). Use a new key for a new video.`,
          );
        return { record: existing, reused: true };
      }
    }

    const failedOver: { provider: ProviderId; message: string }[] = [];
    const state = { sent: false };
    let done = false;
    try {
      for (const cand of candidates) {
        const adapter = this.adapter(cand.offer.provider);
        try {
          await this.deps.guard.authorize(spendRequest(key, resolved, params, cand, max_cost_usd), ctx);
          const record = await this.submitTo(adapter, cand, resolved, params, mode, media, key, fingerprint, plan.simulated, state, ctx.signal, wireOverrides);
          done = true;
          if (failedOver.length) {
            record.failed_over_from = failedOver.map((f) => f.provider);
            record.detail = `Routed to ${cand.offer.provider} after ${failedOver.map((f) => `${f.provider} failed (${f.message})`).join('; ')}.`;
            await this.ledger.put(record);
          }
          return { record, reused: false };
        } catch (err) {
          // Only a failure that proves no job exists gives the reservation back: a lost or 5xx answer
          // may still be billed.
          if (err instanceof VideogenError && err.noJobCreated) await this.deps.guard.release(key);
          if (err instanceof VideogenError && err.noJobCreated && cand !== candidates[candidates.length - 1] && isFailoverable(err)) {
            log.warn(`failing over from ${cand.offer.provider}`, { code: err.code });
            failedOver.push({ provider: cand.offer.provider, message: toAgentMessage(err).message.slice(0, 160) });
            continue;
          }
          throw err;
        }
      }
      throw new VideogenError('internal', 'No provider was tried.');
    } finally {
      // Nothing went out (or it provably created nothing): free the key for a later call.
      if (claimed && !done && !state.sent) await this.ledger.clearPendingSubmit(key);
    }
  }

  private async submitTo(
    adapter: ProviderAdapter,
    cand: RouteCandidate,
    resolved: ResolvedModel,
    params: VideoParams,
    mode: Mode,
    media: Map<MediaField, LocalMedia>,
    key: string,
    fingerprint: string,
    simulated: boolean,
    /** Set once the paid request may have reached the provider. */
    state: { sent: boolean },
    signal: AbortSignal | undefined,
    /** Values that go on the wire in place of the caller's (extend_job_id → the upstream task id). */
    wireOverrides: VideoParams = {},
  ): Promise<JobRecord> {
    this.checkMediaFor(resolved.model, cand.offer.provider, params, media);
    const wire: VideoParams = { ...params, ...wireOverrides };
    for (const [field, m] of media) {
      wire[field] = adapter.prepareMedia
        ? await adapter.prepareMedia(m, field, signal ? { signal } : {})
        : `data:${m.mime};base64,${m.bytes.toString('base64')}`;
    }
    const nowIso = new Date(this.now()).toISOString();
    // Written BEFORE the paid request goes out: a lost response can then be replayed with this key.
    await this.ledger.putPendingSubmit(pendingSubmitFor(key, cand, resolved, params, fingerprint, this.now()));
    let result;
    try {
      state.sent = true;
      // Deliberately not tied to the caller's signal: a client that cancels its tool call mid-submit
      // must not abandon a request the provider may already be billing. The per-attempt deadline in
      // the request helper still bounds it, and the job is recorded as soon as the answer arrives.
      result = await adapter.submit({ model: resolved.model, offer: cand.offer, params: wire, idempotencyKey: key }, {});
    } catch (err) {
      if (err instanceof VideogenError && err.noJobCreated) {
        state.sent = false;
        await this.ledger.clearPendingSubmit(key);
        throw err;
      }
      if (err instanceof NetworkError && err.maybeSent && adapter.idempotentSubmit) {
        throw new VideogenError(
          'unavailable',
          `${cand.offer.provider} did not confirm the submit (${err.networkCode}). It may have created the job; call generate_video again with idempotency_key "${key}" and the same parameters to replay it safely: the provider deduplicates by that key, so you are not charged twice.`,
          { provider: cand.offer.provider, cause: err },
        );
      }
      // A 5xx after the submit arrived proves nothing either way: give the key that replays it safely.
      if (err instanceof VideogenError && err.code === 'unavailable' && adapter.idempotentSubmit) {
        throw new VideogenError(
          'unavailable',
          `${err.message} The job may or may not exist; call generate_video again with idempotency_key "${key}" and the same parameters to retry safely: the provider deduplicates by that key, so you are not charged twice.`,
          {
            provider: cand.offer.provider,
            cause: err,
            ...(err.providerText !== undefined ? { providerText: err.providerText } : {}),
            ...(err.httpStatus !== undefined ? { httpStatus: err.httpStatus } : {}),
          },
        );
      }
      if (err instanceof VideogenError && err.code === 'unknown_outcome') {
        await this.recordUnknown(cand, resolved, params, key, fingerprint, err);
        throw err;
      }
      if (!adapter.idempotentSubmit && !(err instanceof VideogenError && err.noJobCreated)) {
        const unk = unknownOutcome(cand.offer.provider, key, 'This submit');
        await this.recordUnknown(cand, resolved, params, key, fingerprint, unk);
        throw unk;
      }
      throw err;
    }
    const jobId = encodeJobId(cand.offer.provider, resolved.model.id, result.handle);
    const record: JobRecord = {
      job_id: jobId,
      provider: cand.offer.provider,
      model: resolved.model.id,
      native_model: cand.offer.native_model,
      params: sanitizeParams(params),
      status: 'queued',
      simulated,
      idempotency_key: key,
      fingerprint,
      mode,
      created_at: nowIso,
      updated_at: nowIso,
      ...(cand.estimateUsd !== undefined ? { estimated_cost_usd: cand.estimateUsd } : {}),
      ...(result.billed_usd !== undefined ? { billed_cost_usd: result.billed_usd } : {}),
    };
    applyStatus(record, result.status ?? { state: 'queued' }, this.now());
    const saved = await this.ledger.put(record);
    await this.ledger.clearPendingSubmit(key);
    this.deps.guard.commit(key, saved);
    log.info('job submitted', { job_id: jobId, provider: cand.offer.provider, model: resolved.model.id });
    return saved;
  }

  private async recordUnknown(cand: RouteCandidate, resolved: ResolvedModel, params: VideoParams, key: string, fingerprint: string, err: VideogenError) {
    const nowIso = new Date(this.now()).toISOString();
    await this.ledger.put({
      job_id: `unknown_${key}`,
      provider: cand.offer.provider,
      model: resolved.model.id,
      native_model: cand.offer.native_model,
      params: sanitizeParams(params),
      status: 'unknown',
      simulated: false,
      idempotency_key: key,
      fingerprint,
      error: { code: 'unknown_outcome', message: toAgentMessage(err).message },
      created_at: nowIso,
      updated_at: nowIso,
      ...(cand.estimateUsd !== undefined ? { estimated_cost_usd: cand.estimateUsd } : {}),
    });
  }

  private async resolveMedia(params: VideoParams, signal: AbortSignal | undefined): Promise<Map<MediaField, LocalMedia>> {
    const out = new Map<MediaField, LocalMedia>();
    const needsLocal = MEDIA_FIELDS.some((f) => params[f] !== undefined && !/^https?:\/\//i.test(params[f]!));
    if (!needsLocal) return out;
    const roots = await this.allowedRoots();
    for (const field of MEDIA_FIELDS) {
      const value = params[field];
      if (value === undefined || /^https?:\/\//i.test(value)) continue;
      signal?.throwIfAborted();
      const r = await resolveMediaInput(value, field, { roots, cwd: this.config.cwd });
      if (r.kind === 'local') out.set(field, r.media);
      else params[field] = r.url;
    }
    return out;
  }

  async allowedRoots(): Promise<string[]> {
    return allowedRoots(await this.deps.roots(), this.config.cwd, this.config.inputDirs);
  }

  /** Provider-specific media rules, checked before anything is uploaded or spent. */
  private checkMediaFor(model: ModelSpec, provider: ProviderId, params: VideoParams, media: Map<MediaField, LocalMedia>): void {
    for (const field of MEDIA_FIELDS) {
      const m = media.get(field);
      if (m) {
        const info = sniffMedia(m.bytes);
        if (info) checkMediaLimits(info, m.bytes.length, mediaLimitsFor(provider, field, { family: model.family }), field);
      } else if (provider === 'runway' && params[field]?.startsWith('http://')) {
        throw new VideogenError('invalid_input', `${field}: Runway only fetches https:// URLs. Use an https URL or a local file path.`);
      }
    }
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

function isFailoverable(err: VideogenError): boolean {
  // Proven-no-job failures that another provider may not share. Validation and conflicts are the
  // request's own fault and would fail everywhere. A money guard (max_cost_usd, the daily cap, the
  // confirmation threshold) refuses this offer's price, which a cheaper next offer may meet; a human's
  // "no" (declined) is final.
  return ['not_configured', 'auth', 'insufficient_credits', 'unavailable', 'quota', 'rate_limited', 'budget', 'rejected'].includes(err.code);
}

function pendingSubmitFor(key: string, cand: RouteCandidate, resolved: ResolvedModel, params: VideoParams, fingerprint: string, now: number): PendingSubmit {
  return {
    idempotency_key: key,
    provider: cand.offer.provider,
    model: resolved.model.id,
    native_model: cand.offer.native_model,
    params: sanitizeParams(params),
    fingerprint,
    created_at: new Date(now).toISOString(),
  };
}

function spendRequest(key: string, resolved: ResolvedModel, params: VideoParams, cand: RouteCandidate, maxCostUsd: number | undefined): SpendRequest {
  return {
    key,
    model: resolved.model.id,
    provider: cand.offer.provider,
    native_model: cand.offer.native_model,
    duration_seconds: params.duration_seconds,
    output_resolution: params.output_resolution,
    estimated_cost_usd: cand.estimateUsd,
    max_cost_usd: maxCostUsd,
  };
}

function unknownOutcome(provider: ProviderId, key: string, what: string): VideogenError {
  return new VideogenError(
    'unknown_outcome',
    `${what} to ${provider} may or may not have created a job: its response was lost, and ${provider} has no idempotency keys, so nothing was resubmitted (idempotency_key "${key}"). Check your ${provider} dashboard's task history before trying again, to avoid paying twice.`,
    { provider },
  );
}

export function fingerprintOf(model: string, params: VideoParams, provider: ProviderId | undefined): string {
  const keys = Object.keys(params).sort() as (keyof VideoParams)[];
  const canonical = JSON.stringify([model, provider ?? null, keys.map((k) => [k, params[k]])]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
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
