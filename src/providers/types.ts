/**
 * The adapter contract: typed data in, normalized data out, no knowledge of MCP.
 */
import type { Dispatcher } from 'undici';
import type { ModelSpec, Offer, ProviderId, VideoParams } from '../catalog/types.js';

/**
 * Everything the provider's status call needs, as short strings. It is encoded into the public job_id,
 * so `check_job` works from a fresh process even when the ledger is gone. Keep it small.
 */
export type JobHandle = Readonly<Record<string, string>> & { readonly id: string };

export interface VideoOutput {
  url: string;
  /** ISO time after which the URL is expected to stop working, when known. */
  expires_at?: string;
}

/** The normalized job status every adapter maps its own vocabulary onto. */
export type JobStatus =
  | { state: 'queued'; detail?: string }
  | { state: 'running'; progress?: number; detail?: string }
  | {
      state: 'succeeded';
      videos: readonly VideoOutput[];
      billed_usd?: number;
      /** Provider credits charged (Apiframe), for the pricing layer to convert. */ billed_credits?: number;
    }
  | {
      state: 'failed';
      /** Our own words for the agent (trusted): what happened and what to do. */
      reason: string;
      /** The provider's raw failure text (untrusted): shown quoted, labelled and truncated only. */
      provider_text?: string;
      provider_code?: string;
      error_code?: 'moderation' | 'job_failed' | 'validation';
    }
  | { state: 'canceled' };

export interface CallOptions {
  /** Aborts when the call's deadline passes or its caller gives up (see jobs/deadline.ts). */
  signal?: AbortSignal;
  /**
   * Absolute end of the tool call (ms since the epoch). Per-attempt timeouts are cut to what is left,
   * and a retry whose backoff would outlast it is not attempted. Undefined: background work, bounded
   * only by the per-attempt deadline.
   */
  deadline?: number;
}

/** A local file to be handed to a provider (bytes already read, type already sniffed). */
export interface LocalMedia {
  bytes: Buffer;
  mime: string;
  /** A safe file name to present to the provider (never a path). */
  filename: string;
  kind: 'image' | 'video';
}

export interface SubmitRequest {
  model: ModelSpec;
  offer: Offer;
  /** Validated params with model defaults applied; media fields are URLs/URIs the provider accepts. */
  params: VideoParams;
  /** Sent as the provider's idempotency header when it has one. Always set by the job layer. */
  idempotencyKey: string;
}

export interface SubmitResult {
  handle: JobHandle;
  /** Initial status, if the create response carried one. */
  status?: JobStatus;
  /** Cost billed or reserved as reported by the provider, when it reports one. */
  billed_usd?: number;
}

export interface ProviderAdapter {
  readonly id: ProviderId;
  /** Whether submits carry an idempotency key, so a lost response can be replayed safely. */
  readonly idempotentSubmit: boolean;
  /** Whether the provider can cancel a job upstream. */
  readonly canCancel: boolean;
  /** The env var holding this provider's key (for messages). */
  readonly keyEnv: string;
  submit(req: SubmitRequest, opts: CallOptions): Promise<SubmitResult>;
  getJob(handle: JobHandle, opts: CallOptions): Promise<JobStatus>;
  cancel?(handle: JobHandle, opts: CallOptions): Promise<void>;
  /** Turn local bytes into something the provider accepts as a media URL/URI (upload or data URI). */
  prepareMedia?(media: LocalMedia, field: 'first_frame_image_url' | 'last_frame_image_url' | 'source_video_url', opts: CallOptions): Promise<string>;
  /** Re-fetch fresh output URLs for a finished job (expired signed URLs). Defaults to getJob. */
  refreshOutputs?(handle: JobHandle, opts: CallOptions): Promise<readonly VideoOutput[]>;
  /**
   * A free, authenticated call that proves the key works, answering a one-line account summary
   * (balance, credits) for `videogen-mcp doctor`. Only where the provider documents such an endpoint.
   */
  checkAccount?(opts: CallOptions): Promise<string>;
  /** Minimum seconds between status polls the provider asks for. */
  readonly minPollIntervalSeconds: number;
  /**
   * For a provider that answers "not found" for a while after every submit (Atlas's warm-up): the
   * least time after a job's creation before such an answer ends the job. The job layer applies
   * max(this, VIDEOGEN_NOT_FOUND_GRACE_SECONDS), the same rule for every provider.
   */
  readonly minNotFoundGraceMs?: number;
}

export interface AdapterOptions {
  apiKey: string;
  baseUrl: string;
  /** Injected for tests (MockAgent) and benchmarks; defaults to undici's global dispatcher. */
  dispatcher?: Dispatcher;
  /** Per-attempt deadline in ms. */
  timeoutMs?: number;
}
