/**
 * The shared vocabulary of the submit pipeline (see ./index.ts for the steps in order).
 */
import type { Mode, ProviderId, ResolvedModel, VideoParams } from '../../catalog/index.js';
import type { Config } from '../../config.js';
import type { JobHandle, ProviderAdapter } from '../../providers/types.js';
import type { SpendGuard, SpendRequest } from '../budget.js';
import type { Deadline } from '../deadline.js';
import type { JobRecord, JobStore } from '../ledger.js';

export interface GenerateInput extends VideoParams {
  model: string;
  provider?: ProviderId | undefined;
  idempotency_key?: string | undefined;
  dry_run?: boolean | undefined;
  max_cost_usd?: number | undefined;
}

/** What the human is asked to confirm: model, provider, duration, resolution and price. */
export type ConfirmQuestion = Omit<SpendRequest, 'key' | 'max_cost_usd'>;

export interface GenerateContext {
  /** The caller's own signal (a client cancelling its tool call). */
  signal?: AbortSignal | undefined;
  /**
   * The tool call's deadline (jobs/deadline.ts). Media reads and uploads run inside it; the submit
   * itself is raced against it (it keeps running in the background when the call's time is up).
   * Undefined: no bound beyond each request's own (CLI, tests).
   */
  deadline?: Deadline | undefined;
  /** The call's budget in ms, to restart the deadline after a human answered a confirmation. */
  budgetMs?: number | undefined;
  /** Ask the human to confirm a spend; resolves true to go ahead. Undefined: the client cannot ask. */
  confirm?: ((question: ConfirmQuestion) => Promise<boolean>) | undefined;
}

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

export interface JobOutcome {
  record: JobRecord;
  /** The job already existed for this idempotency key; nothing was submitted. */
  reused: boolean;
}

/**
 * The submit went out but its answer had not arrived when the call's deadline passed. It continues in
 * the background and its outcome is recorded; the same idempotency_key finds it.
 */
export interface StillSubmitting {
  submitting: true;
  idempotency_key: string;
  provider: ProviderId;
  model: string;
  native_model: string;
  estimated_cost_usd: number | undefined;
  simulated: boolean;
  /** Since when (ISO). */
  since: string;
}

export type GenerateOutcome = JobOutcome | StillSubmitting;

/** A validated request: what every later step works from. */
export interface ResolvedRequest {
  resolved: ResolvedModel;
  /** `resolved`, with the offer a mode-specific slug pins. */
  routed: ResolvedModel;
  params: VideoParams;
  mode: Mode;
  fingerprint: string;
  provider: ProviderId | undefined;
  /** The caller's idempotency_key (checked against IDEMPOTENCY_KEY_PATTERN), if any. */
  callerKey: string | undefined;
  dryRun: boolean;
  maxCostUsd: number | undefined;
  /** Values that go on the wire in place of the caller's (extend_job_id → the upstream task id; ../extend.ts). */
  wireOverrides?: VideoParams;
}

/** What the steps need from the job service. */
export interface SubmitEnv {
  config: Config;
  /** The store (src/store/types.ts): the file store, or PostgreSQL for a team. */
  ledger: JobStore;
  adapters: Partial<Record<ProviderId, ProviderAdapter>>;
  /** The provider's adapter, or a `not_configured` error naming the key to set (JobService.adapter). */
  adapter(provider: ProviderId): ProviderAdapter;
  guard: SpendGuard;
  now: () => number;
  allowedRoots(): Promise<string[]>;
  /** Told about every job recorded by a submit or a reconciliation (the watcher starts polling it). */
  onJobRecorded(rec: JobRecord): void;
}

/** How a sent submit ended: a recorded job, or an error (definite or not, see record.ts). */
export type SendResult = { ok: true; record: JobRecord } | { ok: false; error: unknown };

export type { JobHandle };
