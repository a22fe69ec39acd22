/**
 * MiniMax's official video API (global https://api.minimax.io, mainland https://api.minimaxi.com);
 * wire format in reference/providers.md §4.
 *
 * Quirks handled here:
 *  - errors usually arrive as HTTP 200 with `base_resp.status_code != 0`, so every response is checked;
 *  - a finished task carries only a `file_id`: the download URL comes from /v1/files/retrieve and lives
 *    about an hour, so `refreshOutputs` re-reads the task and asks for a fresh one;
 *  - keys are bound to a region: a global key fails on the mainland host and the other way round;
 *  - there is no idempotency key, so a submit is sent once and a lost answer is `unknown_outcome`;
 *  - MiniMax-H3 lives on Video Generation V2 (providers.md §9.3): `POST /v2/video_generation` with a
 *    `content[]` of roles, a bare `{task_id}` answer, status at `GET /v2/query/video_generation/{id}`
 *    whose finished task carries the video URL itself (`task.content.url`), and errors on HTTP status
 *    codes with `{error:{type,message}}` (a `base_resp` is read too). Its handle carries `v: "2"`.
 */
import * as z from 'zod';
import { VideogenError, type ErrorCode } from '../errors.js';
import { NetworkError, httpError, requestJson, type HttpResponse } from './http.js';
import { checkedHandle } from './handles.js';
import { HttpAdapter } from './base.js';
import type { CallOptions, JobHandle, JobStatus, LocalMedia, ProviderAdapter, SubmitRequest, SubmitResult, VideoOutput } from './types.js';

const PROVIDER = 'minimax' as const;
const KEY_ENV = 'MINIMAX_API_KEY';
const BASE_URL_ENV = 'MINIMAX_BASE_URL';
const GLOBAL_HOST = 'https://api.minimax.io';
const MAINLAND_HOST = 'https://api.minimaxi.com';
const SUBMIT_PATH = '/v1/video_generation';
const QUERY_PATH = '/v1/query/video_generation';
const RETRIEVE_PATH = '/v1/files/retrieve';
const V2_SUBMIT_PATH = '/v2/video_generation';
const V2_QUERY_PATH = '/v2/query/video_generation/';
/** Download URLs live about an hour (MiniMax's guide); report 50 min so nobody relies on the last minutes. */
const DOWNLOAD_URL_TTL_MS = 50 * 60_000;
/** MiniMax accepts input images under 20 MB. */
const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/**
 * A reference video goes inline (no upload endpoint is documented for V2); base64 grows 4/3, and the
 * V2 request body is capped at 64 MB, so 45 MB of video is the most that fits next to the prompt.
 */
const MAX_V2_VIDEO_BYTES = 45_000_000;
/** Only Hailuo-02 takes a last frame (first+last-frame mode). */
const LAST_FRAME_MODELS: ReadonlySet<string> = new Set(['MiniMax-Hailuo-02']);
/** Task ids are numeric strings; anything else did not come from MiniMax (job ids come from agents). */
const TASK_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

const BaseResp = z.looseObject({
  status_code: z.coerce.number(),
  status_msg: z.string().optional(),
});
const Envelope = z.looseObject({ base_resp: BaseResp.optional() });
const IdLike = z.union([z.string(), z.number()]).transform(String);
const CreateResponse = z.looseObject({ task_id: IdLike.optional() });
const QueryResponse = z.looseObject({
  task_id: IdLike.optional(),
  status: z.string(),
  file_id: IdLike.optional(),
  base_resp: BaseResp.optional(),
});
/** V2 query (providers.md §9.3): `{task:{id,status,content:{url},error:{code,message}}}`. */
const V2Task = z.looseObject({
  task: z.looseObject({
    id: IdLike.optional(),
    status: z.string(),
    content: z.looseObject({ url: z.string().optional() }).nullish(),
    error: z.looseObject({ code: IdLike.optional(), message: z.string().optional() }).nullish(),
  }),
});
const RetrieveResponse = z.looseObject({
  file: z.looseObject({ download_url: z.string().min(1) }),
});

type Phase = 'submit' | 'status' | 'retrieve';

export class MinimaxAdapter extends HttpAdapter implements ProviderAdapter {
  readonly id = PROVIDER;
  readonly idempotentSubmit = false;
  readonly canCancel = false;
  readonly keyEnv = KEY_ENV;
  /** MiniMax's docs poll every ~10 s; 5 s keeps short waits responsive without hammering the API. */
  readonly minPollIntervalSeconds = 5;

  async submit(req: SubmitRequest, opts: CallOptions): Promise<SubmitResult> {
    const v2 = req.offer.endpoint === V2_SUBMIT_PATH;
    const body = v2 ? buildV2Body(req) : this.buildBody(req);
    const path = req.offer.endpoint.startsWith('/') ? req.offer.endpoint : SUBMIT_PATH;
    let res: HttpResponse;
    try {
      res = await requestJson({
        provider: PROVIDER,
        method: 'POST',
        url: this.baseUrl + path,
        headers: this.headers(),
        json: body,
        // No idempotency key exists: a second POST would be a second paid video.
        retry: 'never',
        signal: opts.signal,
        deadline: opts.deadline,
        timeoutMs: this.opts.timeoutMs,
        dispatcher: this.opts.dispatcher,
      });
    } catch (err) {
      if (err instanceof NetworkError && err.maybeSent) throw lostSubmit(err);
      throw err;
    }
    const parsed = CreateResponse.safeParse(res.json);
    // A task id next to an error code: the task exists, so it is tracked (and never resubmitted).
    if (!(parsed.success && parsed.data.task_id && res.status >= 200 && res.status < 300)) this.check(res, 'submit');
    if (!parsed.success || !parsed.data.task_id) {
      // MiniMax said "success" but gave no task id we can read: a task may exist, so do not resubmit.
      throw new VideogenError(
        'unknown_outcome',
        `MiniMax accepted the request but its answer carried no readable task_id, so the job cannot be tracked. ` +
          `Nothing was resubmitted. Check the task list in the MiniMax console before retrying, or you may pay twice.`,
        { provider: PROVIDER, providerText: res.text.slice(0, 500), httpStatus: res.status, noJobCreated: false },
      );
    }
    return { handle: checkedHandle(PROVIDER, v2 ? { id: parsed.data.task_id, v: '2' } : { id: parsed.data.task_id }), status: { state: 'queued' } };
  }

  async getJob(handle: JobHandle, opts: CallOptions): Promise<JobStatus> {
    if (handle['v'] === '2') return this.getV2Job(handle, opts);
    let res: HttpResponse;
    try {
      res = await this.get(QUERY_PATH, { task_id: taskId(handle) }, 'status', opts);
    } catch (err) {
      // A content-filter code on the task's own status query is the task's outcome, not a transient fault.
      if (err instanceof VideogenError && err.code === 'moderation') {
        const code = /^\d+/.exec(err.providerText ?? '')?.[0];
        return {
          state: 'failed',
          reason: err.message,
          ...(err.providerText !== undefined ? { provider_text: err.providerText } : {}),
          error_code: 'moderation',
          ...(code ? { provider_code: code } : {}),
        };
      }
      throw err;
    }
    const parsed = QueryResponse.safeParse(res.json);
    if (!parsed.success) throw unexpected(res, 'the status query');
    const { status, file_id } = parsed.data;
    switch (status.toLowerCase()) {
      case 'preparing':
        return { state: 'queued', detail: 'MiniMax is preparing the task.' };
      case 'queueing':
      case 'queuing':
        return { state: 'queued', detail: 'Waiting in the MiniMax queue.' };
      case 'processing':
        return { state: 'running' };
      case 'success': {
        if (!file_id) throw unexpected(res, 'the status query (Success without a file_id)');
        return { state: 'succeeded', videos: [await this.retrieve(file_id, opts)] };
      }
      case 'fail':
      case 'failed': {
        const msg = parsed.data.base_resp?.status_msg;
        return {
          state: 'failed',
          reason: 'MiniMax reports the generation failed; no video was produced. Submit again, perhaps with a different prompt or image.',
          ...(msg && msg.toLowerCase() !== 'success' ? { provider_text: msg } : {}),
          provider_code: status,
          error_code: 'job_failed',
        };
      }
      default:
        // MiniMax's CLI also knows 'Unknown'; keep polling rather than guessing an outcome.
        return { state: 'running', detail: `MiniMax reports status "${status.slice(0, 40)}".` };
    }
  }

  /** V2 (MiniMax-H3): the task itself carries the video URL; no files/retrieve step. */
  private async getV2Job(handle: JobHandle, opts: CallOptions): Promise<JobStatus> {
    // The task id is a path segment on V2 (providers.md §9.3), not `?task_id=` as on V1.
    const res = await this.get(`${V2_QUERY_PATH}${encodeURIComponent(taskId(handle))}`, undefined, 'status', opts);
    const parsed = V2Task.safeParse(res.json);
    if (!parsed.success) throw unexpected(res, 'the V2 status query');
    const task = parsed.data.task;
    switch (task.status.toLowerCase()) {
      case 'queued':
      case 'pending':
        return { state: 'queued', detail: 'Waiting in the MiniMax queue.' };
      case 'running':
      case 'processing':
        return { state: 'running' };
      case 'succeeded':
      case 'success': {
        const url = task.content?.url;
        if (!url) throw unexpected(res, 'the V2 status query (succeeded without content.url)');
        return { state: 'succeeded', videos: [{ url }] };
      }
      case 'cancelled':
      case 'canceled':
        return { state: 'canceled' };
      case 'failed':
      case 'expired': {
        const code = task.error?.code;
        const moderation = code === '1026' || code === '1027';
        const expired = task.status.toLowerCase() === 'expired';
        return {
          state: 'failed',
          reason: moderation
            ? `MiniMax's content filter stopped the task (code ${code}). Change the prompt or image and submit again.`
            : expired
              ? 'MiniMax reports the task expired before it ran; no video was produced. Submit again.'
              : 'MiniMax reports the generation failed; no video was produced. Submit again, perhaps with a different prompt or image.',
          ...(task.error?.message ? { provider_text: task.error.message } : {}),
          provider_code: code ?? task.status,
          error_code: moderation ? 'moderation' : 'job_failed',
        };
      }
      default:
        return { state: 'running', detail: `MiniMax reports status "${task.status.slice(0, 40)}".` };
    }
  }

  /** The download URL lives about an hour: re-read the task's file_id and ask for a fresh one. */
  async refreshOutputs(handle: JobHandle, opts: CallOptions): Promise<readonly VideoOutput[]> {
    const status = await this.getJob(handle, opts);
    if (status.state === 'succeeded') return status.videos;
    throw new VideogenError('not_found', `MiniMax task ${handle.id} is ${status.state}, so it has no video to refresh.`, { provider: PROVIDER });
  }

  /**
   * MiniMax takes media inline as data URIs (the mime type comes from the sniffed bytes, never assumed):
   * images for frames, and for MiniMax-H3 (V2) a reference video, kept small enough that the request
   * stays under V2's 64 MB body limit (providers.md §9.3: video 50 MB decoded, body 64 MB).
   */
  async prepareMedia(media: LocalMedia, field: 'first_frame_image_url' | 'last_frame_image_url' | 'source_video_url'): Promise<string> {
    if (field === 'source_video_url') {
      if (media.kind !== 'video' || !/^video\/(mp4|quicktime)$/.test(media.mime))
        throw new VideogenError('invalid_input', `MiniMax takes an MP4 or MOV reference video; ${media.filename} is ${media.mime}.`, {
          provider: PROVIDER,
          noJobCreated: true,
        });
      if (media.bytes.length > MAX_V2_VIDEO_BYTES)
        throw new VideogenError(
          'invalid_input',
          `MiniMax takes a reference video inline, and its request must stay under 64 MB: ${media.filename} is ${(media.bytes.length / 1e6).toFixed(1)} MB; the most that fits is ${MAX_V2_VIDEO_BYTES / 1e6} MB. Trim it, or pass an https URL.`,
          { provider: PROVIDER, noJobCreated: true },
        );
      return `data:${media.mime};base64,${media.bytes.toString('base64')}`;
    }
    if (media.kind !== 'image')
      throw new VideogenError('invalid_input', 'MiniMax video generation takes images only (first and last frame), not a source video.', {
        provider: PROVIDER,
        noJobCreated: true,
      });
    if (!/^image\/(jpeg|png|webp)$/.test(media.mime))
      throw new VideogenError('invalid_input', `MiniMax accepts JPEG, PNG or WebP images; ${media.filename} is ${media.mime}. Convert it and retry.`, {
        provider: PROVIDER,
        noJobCreated: true,
      });
    if (media.bytes.length > MAX_IMAGE_BYTES)
      throw new VideogenError(
        'invalid_input',
        `MiniMax accepts images under 20 MB; ${media.filename} is ${(media.bytes.length / 1024 / 1024).toFixed(1)} MB. Downscale it and retry.`,
        { provider: PROVIDER, noJobCreated: true },
      );
    return `data:${media.mime};base64,${media.bytes.toString('base64')}`;
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.opts.apiKey}` };
  }

  private buildBody(req: SubmitRequest): Record<string, unknown> {
    const p = req.params;
    const model = req.offer.native_model;
    if (p.source_video_url !== undefined)
      throw new VideogenError('invalid_input', `MiniMax ${model} does not take a source video.`, { provider: PROVIDER, noJobCreated: true });
    if (p.last_frame_image_url !== undefined && !LAST_FRAME_MODELS.has(model))
      throw new VideogenError(
        'invalid_input',
        `MiniMax ${model} does not take a last frame; only MiniMax-Hailuo-02 does. Drop last_frame_image_url or use Hailuo-02.`,
        { provider: PROVIDER, noJobCreated: true },
      );
    const body: Record<string, unknown> = { model };
    if (p.prompt !== undefined) body['prompt'] = p.prompt;
    if (p.first_frame_image_url !== undefined) body['first_frame_image'] = p.first_frame_image_url;
    if (p.last_frame_image_url !== undefined) body['last_frame_image'] = p.last_frame_image_url;
    if (p.duration_seconds !== undefined) body['duration'] = p.duration_seconds;
    // MiniMax spells resolutions with an upper-case P (768P); the common vocabulary uses 768p.
    if (p.output_resolution !== undefined) body['resolution'] = p.output_resolution.toUpperCase();
    if (p.prompt_optimizer !== undefined) body['prompt_optimizer'] = p.prompt_optimizer;
    if (p.callback_url !== undefined) body['callback_url'] = p.callback_url;
    if (p.watermark !== undefined) body['aigc_watermark'] = p.watermark;
    return body;
  }

  /** A status-side GET (retried when safe, inside the call's deadline), checked with `check()`. */
  private async get(path: string, query: Record<string, string> | undefined, phase: Phase, opts: CallOptions): Promise<HttpResponse> {
    const res = await requestJson({
      provider: PROVIDER,
      method: 'GET',
      url: `${this.baseUrl}${path}${query ? `?${new URLSearchParams(query).toString()}` : ''}`,
      headers: this.headers(),
      retry: 'safe',
      signal: opts.signal,
      deadline: opts.deadline,
      timeoutMs: this.opts.timeoutMs,
      dispatcher: this.opts.dispatcher,
    });
    this.check(res, phase);
    return res;
  }

  private async retrieve(fileId: string, opts: CallOptions): Promise<VideoOutput> {
    const res = await this.get(RETRIEVE_PATH, { file_id: fileId }, 'retrieve', opts);
    const parsed = RetrieveResponse.safeParse(res.json);
    if (!parsed.success) throw unexpected(res, 'files/retrieve');
    return { url: parsed.data.file.download_url, expires_at: new Date(Date.now() + DOWNLOAD_URL_TTL_MS).toISOString() };
  }

  /** Throw for a non-2xx status or a non-zero `base_resp.status_code` (MiniMax's usual error channel). */
  private check(res: HttpResponse, phase: Phase): void {
    if (res.status < 200 || res.status >= 300) {
      const err = httpError(PROVIDER, KEY_ENV, res, phase === 'retrieve' ? 'status' : phase);
      if (err.code === 'auth') throw this.authError(`HTTP ${res.status}`, err.providerText, res.status);
      // V2 errors ride HTTP status codes and name MiniMax's code as `base_resp` or "… (2013)" in
      // error.message (providers.md §9.3): map a known code like V1's, keep the HTTP mapping otherwise.
      const code = v2ErrorCode(res.json);
      if (code !== undefined && KNOWN_CODES.has(code) && res.status < 500) throw this.baseRespError(code, err.providerText ?? '', phase);
      throw err;
    }
    const env = Envelope.safeParse(res.json);
    const br = env.success ? env.data.base_resp : undefined;
    if (br && br.status_code !== 0) throw this.baseRespError(br.status_code, br.status_msg ?? '', phase);
  }

  private authError(source: string, providerText: string | undefined, httpStatus?: number): VideogenError {
    return new VideogenError(
      'auth',
      `MiniMax rejected the API key (${source}). Check ${KEY_ENV}. MiniMax keys are tied to a region: a key from the ` +
        `global platform works only on ${GLOBAL_HOST}, and a mainland-China key only on ${MAINLAND_HOST}. ` +
        `Set ${BASE_URL_ENV} to the host your key was issued for (now ${this.baseUrl}).`,
      {
        provider: PROVIDER,
        envVar: KEY_ENV,
        noJobCreated: true,
        ...(providerText ? { providerText } : {}),
        ...(httpStatus !== undefined ? { httpStatus } : {}),
      },
    );
  }

  /** Map a `base_resp.status_code` onto the taxonomy (reference/providers.md §4.5). */
  private baseRespError(code: number, msg: string, phase: Phase): VideogenError {
    const providerText = msg ? `${code}: ${msg}` : String(code);
    const make = (ec: ErrorCode, message: string, noJobCreated: boolean, extra: { envVar?: string } = {}) =>
      new VideogenError(ec, message, { provider: PROVIDER, providerText, noJobCreated, ...extra });
    const onSubmit = phase === 'submit';
    switch (code) {
      case 1004:
      case 2049:
        return this.authError(`code ${code}`, providerText);
      case 1008:
        return make(
          'insufficient_credits',
          `MiniMax says the account balance is insufficient (code 1008). Top up the MiniMax account or use another provider.`,
          true,
          { envVar: KEY_ENV },
        );
      case 1002:
      case 1039:
        return make(
          'rate_limited',
          `MiniMax is rate-limiting requests (code ${code}). Wait a minute and retry${onSubmit ? '; no job was created' : ''}.`,
          onSubmit,
        );
      case 1028:
      case 1030:
        return make(
          'quota',
          `MiniMax says the account's quota is used up (code ${code}). Wait for the plan's quota to reset, upgrade the plan, or use another provider.`,
          true,
        );
      case 2061:
        return make(
          'quota',
          `MiniMax says this model is not included in the account's plan (code 2061); MiniMax's video models need the Max plan or above. Upgrade the plan or use another provider.`,
          true,
        );
      case 1026:
        return make('moderation', `MiniMax's content filter rejected the input (code 1026). Change the prompt or image and retry.`, true);
      case 1027:
        return make('moderation', `MiniMax's content filter blocked the generated output (code 1027). Change the prompt or image and retry.`, true);
      case 2013:
        // On a status query MiniMax answers 2013 for a task it does not know. On files/retrieve the
        // task exists (it named the file), so a missing file is not "this job does not exist".
        if (phase === 'status') return make('not_found', `MiniMax does not know this task (code 2013): it expired, was deleted, or was never created.`, true);
        if (phase === 'retrieve')
          return make('unavailable', `MiniMax finished the task but could not find its video file (code 2013). Try again shortly.`, true);
        return make('validation', `MiniMax rejected the request parameters (code ${code}). Fix the parameter it names and retry.`, true);
      case 1042:
        return make(
          'validation',
          onSubmit
            ? `MiniMax rejected the request parameters (code ${code}). Fix the parameter it names and retry.`
            : `MiniMax rejected the ${phase === 'retrieve' ? 'file lookup' : 'status query'} (code ${code}); the job id may be wrong.`,
          true,
        );
      case 1000:
      case 1001:
      case 1024:
        // An answer with an error code and no task id is definite: no task was created (issue #10 §2).
        return make(
          onSubmit ? 'rejected' : 'unavailable',
          `MiniMax reports an internal error or timeout (code ${code}).${onSubmit ? ' No task was created; try again shortly or use another provider.' : ' Try again shortly.'}`,
          true,
        );
      default:
        return make(
          onSubmit ? 'rejected' : 'unavailable',
          onSubmit
            ? `MiniMax refused the request with code ${code}; no task was created, nothing was charged.`
            : `MiniMax answered the ${phase === 'retrieve' ? 'file lookup' : 'status query'} with error code ${code}. Try again shortly.`,
          true,
        );
    }
  }
}

/**
 * The V2 body (MiniMax-H3): the prompt and media as `content[]` items with roles, resolution in
 * MiniMax's spelling (768P, 2K), ratio, duration. Exported for tests.
 */
export function buildV2Body(req: SubmitRequest): Record<string, unknown> {
  const p = req.params;
  const model = req.offer.native_model;
  const content: Record<string, unknown>[] = [];
  if (p.prompt !== undefined) content.push({ type: 'text', text: p.prompt });
  if (p.source_video_url !== undefined) content.push({ type: 'video_url', video_url: { url: p.source_video_url }, role: 'reference_video' });
  if (p.first_frame_image_url !== undefined) content.push({ type: 'image_url', image_url: { url: p.first_frame_image_url }, role: 'first_frame' });
  if (p.last_frame_image_url !== undefined) content.push({ type: 'image_url', image_url: { url: p.last_frame_image_url }, role: 'last_frame' });
  const body: Record<string, unknown> = { model, content };
  if (p.duration_seconds !== undefined) body['duration'] = p.duration_seconds;
  if (p.output_resolution !== undefined) body['resolution'] = p.output_resolution.toUpperCase();
  if (p.aspect_ratio !== undefined) body['ratio'] = p.aspect_ratio;
  if (p.watermark !== undefined) body['aigc_watermark'] = p.watermark;
  if (p.callback_url !== undefined) body['callback_url'] = p.callback_url;
  return body;
}

/** Codes baseRespError maps to something more precise than the HTTP status alone. */
const KNOWN_CODES: ReadonlySet<number> = new Set([1002, 1004, 1008, 1026, 1027, 1028, 1030, 1039, 1042, 2013, 2049, 2061]);

/** MiniMax's numeric code in a V2 error body: `base_resp.status_code`, or "… (2013)" ending error.message. */
function v2ErrorCode(json: unknown): number | undefined {
  const br = Envelope.safeParse(json);
  if (br.success && br.data.base_resp && br.data.base_resp.status_code !== 0) return br.data.base_resp.status_code;
  const msg = (json as { error?: { message?: unknown } } | undefined)?.error?.message;
  const m = typeof msg === 'string' ? /\((\d{4})\)\s*$/.exec(msg) : null;
  return m ? Number(m[1]) : undefined;
}

function taskId(handle: JobHandle): string {
  if (!TASK_ID_RE.test(handle.id))
    throw new VideogenError('invalid_input', 'This job id does not hold a valid MiniMax task id. Use a job_id returned by generate_video.', {
      provider: PROVIDER,
    });
  return handle.id;
}

function lostSubmit(err: NetworkError): VideogenError {
  return new VideogenError(
    'unknown_outcome',
    `Lost contact with MiniMax (${err.networkCode}) after the request was sent, so the task may or may not exist. ` +
      `Nothing was resubmitted. Check the task list in the MiniMax console (platform.minimax.io, or platform.minimaxi.com ` +
      `for mainland accounts) before retrying, or you may pay twice.`,
    { provider: PROVIDER, noJobCreated: false, cause: err },
  );
}

function unexpected(res: HttpResponse, what: string): VideogenError {
  return new VideogenError('unavailable', `MiniMax answered ${what} with a body this server cannot read. Try again shortly.`, {
    provider: PROVIDER,
    providerText: res.text.slice(0, 500),
    httpStatus: res.status,
  });
}
