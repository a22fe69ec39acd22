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
import type { JobHandle, JobStatus, LocalMedia, ProviderAdapter } from '../providers/types.js';
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
      throw new VideogenError('not_configured', `${provider} is not configured in this server: set ${env} to use it.`, {
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

function isFailoverable(err: VideogenError): boolean {
  // Proven-no-job failures that another provider may not share. Validation and conflicts are the
  // request's own fault and would fail everywhere. A money guard (max_cost_usd, the daily cap, the
  // confirmation threshold) refuses this offer's price, which a cheaper next offer may meet; a human's
  // "no" (declined) is final.
  return ['not_configured', 'auth', 'insufficient_credits', 'unavailable', 'quota', 'rate_limited', 'budget'].includes(err.code);
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
