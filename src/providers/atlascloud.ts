/**
 * Atlas Cloud (api.atlascloud.ai): a flat JSON body per model id, `POST /api/v1/model/generateVideo`,
 * status at `GET /api/v1/model/prediction/{id}`, everything wrapped in `{code,message,data}`.
 * Wire format: shared/reference/providers.md §3.
 *
 * Quirks handled here:
 * - No idempotency: the submit is sent exactly once. A lost answer is `unknown_outcome`, never a retry.
 * - Errors arrive either as HTTP 4xx/5xx or as HTTP 200 with `code != 200` in the body.
 * - Right after submit the prediction can answer 400/404 for a while (warm-up, AT-COMFY): reported as
 *   `not_found`, which the job layer tolerates for at least `minNotFoundGraceMs` after the submit.
 *
 * Handle: `{ id, t }`: `t` is the submit time in epoch seconds, so the warm-up grace survives a
 * restart of this process.
 */
import { FormData } from 'undici';
import * as z from 'zod';
import type { VideoParams } from '../catalog/types.js';
import { VideogenError } from '../errors.js';
import { NetworkError, extractErrorText, httpError, requestJson, retryAfterMs, type HttpRequest, type HttpResponse } from './http.js';
import { checkedHandle } from './handles.js';
import { HttpAdapter, MODERATION_TEXT, failedInErrorBody } from './base.js';
import type { CallOptions, JobHandle, JobStatus, LocalMedia, ProviderAdapter, SubmitRequest, SubmitResult, VideoOutput } from './types.js';

const PROVIDER = 'atlascloud' as const;
const KEY_ENV = 'ATLASCLOUD_API_KEY';
/** The seed's own poll loop sleeps 2 s. */
const MIN_POLL_SECONDS = 2;
/**
 * How long after submit a 400/404 from the status call still means "not registered yet". ComfyUI
 * polls through about 30 s; we allow twice that, because a false not_found abandons a paid job while
 * a late one only costs a few extra polls.
 */
export const ATLAS_WARMUP_GRACE_MS = 60_000;
const INSUFFICIENT_RE = /insufficient|balance/i;

/** Atlas ids whose schema has no `duration` (pro tiers are fixed length, AT-COMFY nodes). */
const NO_DURATION_RE = /\/(t2v|i2v)-pro$/;

const H3_RE = /^minimax\/h3(-[a-z-]+)?\//;

/** The flat wire body in Atlas's (WaveSpeed-style) names. */
export function atlasBody(nativeModel: string, params: VideoParams): Record<string, unknown> {
  const body: Record<string, unknown> = { model: nativeModel };
  const set = (k: string, v: unknown): void => {
    if (v !== undefined) body[k] = v;
  };
  set('prompt', params.prompt);
  set('image', params.first_frame_image_url);
  set('end_image', params.last_frame_image_url);
  if (!NO_DURATION_RE.test(nativeModel)) set('duration', params.duration_seconds);
  if (H3_RE.test(nativeModel)) {
    // MiniMax H3 ids (providers.md §9.5): uppercase resolutions (2K, 768P), a ratio, and H3 Max's
    // `prompt_expansion`. Field names follow Atlas's ComfyUI nodes [I].
    set('resolution', params.output_resolution?.toUpperCase());
    set('aspect_ratio', params.aspect_ratio);
    set('prompt_expansion', params.prompt_optimizer);
    // reference-to-video takes its media as `refers: [{url, type}]` (AT-PR #108).
    if (params.source_video_url !== undefined) body['refers'] = [{ url: params.source_video_url, type: 'video' }];
    return body;
  }
  set('enable_prompt_expansion', params.prompt_optimizer);
  // On Hailuo ids the resolution is part of the id (fast = 512p, standard = 768p, pro = 1080p);
  // only the older `minimax/video-02` takes a `resolution` field.
  if (!nativeModel.includes('/hailuo-')) set('resolution', params.output_resolution);
  // `callback_url`: Atlas documents no webhook for these models, so it is not sent.
  return body;
}

const Envelope = z.looseObject({ code: z.union([z.number(), z.string()]).optional() });
const Id = z.union([z.string().min(1), z.number()]).transform(String);
const Outputs = z.union([z.string(), z.array(z.unknown())]).nullish();
const Prediction = z.looseObject({
  id: Id.optional(),
  status: z.string().optional(),
  outputs: Outputs,
  output: Outputs,
  error: z.string().nullish(),
  logs: z.union([z.string(), z.array(z.string())]).nullish(),
  has_nsfw_contents: z.array(z.unknown()).nullish(),
});
type Prediction = z.infer<typeof Prediction>;
const SubmitData = z.looseObject({ id: Id.optional(), predictionId: Id.optional(), status: z.string().optional() });
const UploadData = z.looseObject({ download_url: z.string().min(1) });

function envelopeCode(json: unknown): number | undefined {
  const r = Envelope.safeParse(json);
  if (!r.success || r.data.code === undefined) return undefined;
  const n = Number(r.data.code);
  return Number.isFinite(n) ? n : undefined;
}

/** The object with the fields: Atlas wraps it in `data`, the seed's examples sometimes do not. */
function inner(json: unknown): unknown {
  if (json && typeof json === 'object' && 'data' in json) {
    const d = (json as { data: unknown }).data;
    if (d && typeof d === 'object') return d;
  }
  return json;
}

function urls(v: Prediction['outputs']): string[] {
  if (typeof v === 'string') return v ? [v] : [];
  return (v ?? []).filter((u): u is string => typeof u === 'string' && u.length > 0);
}

export function mapAtlasPrediction(p: Prediction): JobStatus {
  const status = (p.status ?? '').toLowerCase();
  switch (status) {
    case 'created':
    case 'starting':
    case 'queued':
    case 'pending':
      return { state: 'queued' };
    case 'completed':
    case 'succeeded':
    case 'success': {
      const videos: VideoOutput[] = [...urls(p.outputs), ...urls(p.output)].filter((u, i, a) => a.indexOf(u) === i).map((url) => ({ url }));
      if (videos.length === 0)
        return { state: 'failed', reason: 'Atlas Cloud reported the prediction completed but returned no output URL.', error_code: 'job_failed' };
      return { state: 'succeeded', videos };
    }
    case 'failed':
    case 'error': {
      const logs = Array.isArray(p.logs) ? p.logs.join('\n') : p.logs;
      const said = p.error || logs || undefined;
      const nsfw = (p.has_nsfw_contents ?? []).some((x) => x === true);
      const moderation = nsfw || (said !== undefined && MODERATION_TEXT.test(said));
      return {
        state: 'failed',
        reason: moderation
          ? 'Atlas Cloud refused the content; no video was produced. Rephrase the prompt or use another image.'
          : 'Atlas Cloud reports the prediction failed; no video was produced.',
        ...(said !== undefined ? { provider_text: said } : {}),
        provider_code: status,
        error_code: moderation ? 'moderation' : 'job_failed',
      };
    }
    case 'canceled':
    case 'cancelled':
      return { state: 'canceled' };
    default:
      return { state: 'running' };
  }
}

/**
 * Map an Atlas error, whether it came as an HTTP status or as `code` inside an HTTP 200 body
 * (401 auth; 402 or insufficient/balance text → credits; 429 rate limit; otherwise validation).
 */
export function atlasError(res: HttpResponse, phase: 'submit' | 'status' | 'upload'): VideogenError {
  const inBody = res.status >= 200 && res.status < 300;
  const code = inBody ? (envelopeCode(res.json) ?? 0) : res.status;
  const text = extractErrorText(res.json, res.text);
  const where = inBody ? `(code ${code} in an HTTP ${res.status} answer)` : `(HTTP ${res.status})`;
  const base = { provider: PROVIDER, providerText: text, httpStatus: res.status };
  if (code === 401 || code === 403)
    return new VideogenError('auth', `Atlas Cloud rejected the API key ${where}. Check ${KEY_ENV}.`, { ...base, envVar: KEY_ENV, noJobCreated: true });
  const serverSide = code >= 500 && code < 600;
  if (code === 402 || (!serverSide && INSUFFICIENT_RE.test(text)))
    return new VideogenError(
      'insufficient_credits',
      `Atlas Cloud says the account balance is too low ${where}. Top up the Atlas Cloud account or use another provider.`,
      {
        ...base,
        envVar: KEY_ENV,
        noJobCreated: true,
      },
    );
  if (code === 429) {
    const ra = retryAfterMs(res.headers);
    return new VideogenError(
      'rate_limited',
      `Atlas Cloud is rate-limiting requests ${where}.${ra !== undefined ? ` Retry after ${Math.ceil(ra / 1000)} s.` : ' Wait a minute and retry.'}`,
      { ...base, noJobCreated: phase === 'submit', ...(ra !== undefined ? { retryAfterMs: ra } : {}) },
    );
  }
  if (!serverSide && code !== 404 && MODERATION_TEXT.test(text))
    return new VideogenError('moderation', 'Atlas Cloud refused the request under its content policy. Rephrase the prompt or use other input media.', {
      ...base,
      noJobCreated: true,
    });
  if (!inBody) return httpError(PROVIDER, KEY_ENV, res, phase);
  if (code === 404)
    return new VideogenError(
      'not_found',
      phase === 'submit' ? `Atlas Cloud does not know this model ${where}.` : `Atlas Cloud does not know this prediction ${where}.`,
      {
        ...base,
        noJobCreated: phase === 'submit',
      },
    );
  if (serverSide)
    return new VideogenError(
      phase === 'submit' ? 'rejected' : 'unavailable',
      `Atlas Cloud reported an internal error ${where}. ${phase === 'submit' ? 'No prediction was created; try' : 'Try'} again shortly.`,
      {
        ...base,
        noJobCreated: true,
      },
    );
  if (code === 400 || code === 422)
    return new VideogenError('validation', `Atlas Cloud rejected the request ${where}. Fix the parameters it names and retry.`, {
      ...base,
      noJobCreated: true,
    });
  return new VideogenError('rejected', `Atlas Cloud refused the request ${where}; no prediction was created.`, { ...base, noJobCreated: true });
}

function unknownOutcome(why: string, extra: { providerText?: string; httpStatus?: number; cause?: unknown }): VideogenError {
  return new VideogenError(
    'unknown_outcome',
    `${why} Atlas Cloud may have created (and will bill) this job. Atlas has no idempotency key, so nothing was resubmitted. Check the prediction history in the Atlas Cloud console before retrying, or you may pay twice.`,
    { provider: PROVIDER, noJobCreated: false, ...extra },
  );
}

function parse<T extends z.ZodType>(schema: T, json: unknown, res: HttpResponse, what: string): z.infer<T> {
  const r = schema.safeParse(json);
  if (!r.success)
    throw new VideogenError('unavailable', `Atlas Cloud returned an unexpected ${what} response (HTTP ${res.status}).`, {
      provider: PROVIDER,
      providerText: res.text.slice(0, 1000),
      httpStatus: res.status,
    });
  return r.data;
}

function isOk(res: HttpResponse): boolean {
  if (res.status < 200 || res.status >= 300) return false;
  const code = envelopeCode(res.json);
  return code === undefined || code === 200 || code === 0;
}

export class AtlasCloudAdapter extends HttpAdapter implements ProviderAdapter {
  readonly id = PROVIDER;
  readonly idempotentSubmit = false;
  readonly canCancel = false;
  readonly keyEnv = KEY_ENV;
  readonly minPollIntervalSeconds = MIN_POLL_SECONDS;
  readonly minNotFoundGraceMs = ATLAS_WARMUP_GRACE_MS;

  private send(req: Omit<HttpRequest, 'provider' | 'signal' | 'timeoutMs' | 'dispatcher' | 'headers'>, opts: CallOptions): Promise<HttpResponse> {
    return requestJson({
      ...req,
      provider: PROVIDER,
      headers: { authorization: `Bearer ${this.opts.apiKey}` },
      signal: opts.signal,
      deadline: opts.deadline,
      timeoutMs: this.opts.timeoutMs,
      dispatcher: this.opts.dispatcher,
    });
  }

  async submit(req: SubmitRequest, opts: CallOptions): Promise<SubmitResult> {
    const sentAt = Date.now();
    let res: HttpResponse;
    try {
      res = await this.send(
        {
          method: 'POST',
          url: this.url(req.offer.endpoint || '/api/v1/model/generateVideo'),
          json: atlasBody(req.offer.native_model, req.params),
          retry: 'never',
        },
        opts,
      );
    } catch (err) {
      if (err instanceof NetworkError && err.maybeSent)
        throw unknownOutcome(`The connection to Atlas Cloud was lost (${err.networkCode}) after the submit was sent, before its answer arrived.`, {
          cause: err,
        });
      throw err;
    }
    // An HTTP server or gateway error after the request arrived says nothing about whether the job
    // exists; only 503 means it was turned away. A `code` in a 200 body is an answer: with no
    // prediction id it is a definite refusal, whatever the code (issue #10 §2; answers.ts).
    const code = res.status;
    if (code >= 500 && code < 600 && code !== 503)
      throw unknownOutcome(`Atlas Cloud answered HTTP ${code} to the submit.`, {
        providerText: extractErrorText(res.json, res.text),
        httpStatus: res.status,
      });
    if (!isOk(res)) throw atlasError(res, 'submit');
    const data = parse(SubmitData, inner(res.json), res, 'submit');
    const id = data.id ?? data.predictionId;
    if (!id)
      throw unknownOutcome('Atlas Cloud accepted the submit but its answer carried no prediction id.', {
        providerText: res.text.slice(0, 1000),
        httpStatus: res.status,
      });
    const status = data.status ? mapAtlasPrediction({ status: data.status }) : undefined;
    return {
      handle: checkedHandle(PROVIDER, { id, t: String(Math.floor(sentAt / 1000)) }),
      ...(status && (status.state === 'queued' || status.state === 'running') ? { status } : {}),
    };
  }

  async getJob(handle: JobHandle, opts: CallOptions): Promise<JobStatus> {
    const res = await this.send({ method: 'GET', url: this.url(`/api/v1/model/prediction/${encodeURIComponent(handle.id)}`), retry: 'safe' }, opts);
    if (!isOk(res)) {
      const failed = failedInErrorBody(Prediction, inner(res.json), mapAtlasPrediction);
      if (failed) return failed;
      const code = res.status >= 200 && res.status < 300 ? envelopeCode(res.json) : res.status;
      if (code === 400 || code === 404) {
        // Whether this ends the job is the job layer's call (the same grace rule for every provider,
        // at least minNotFoundGraceMs for Atlas's warm-up).
        const t = Number(handle['t']);
        const age = Number.isFinite(t) ? Date.now() - t * 1000 : Infinity;
        const how = res.status === code ? `HTTP ${code}` : `code ${code}`;
        const when = Number.isFinite(age) ? ` ${Math.round(age / 1000)} s after submit` : '';
        const why = age < ATLAS_WARMUP_GRACE_MS ? ' (normal during its warm-up right after a submit)' : ': it may have expired or been deleted';
        throw new VideogenError('not_found', `Atlas Cloud does not know this prediction (${how})${when}${why}.`, {
          provider: PROVIDER,
          providerText: extractErrorText(res.json, res.text),
          httpStatus: res.status,
        });
      }
      throw atlasError(res, 'status');
    }
    return mapAtlasPrediction(parse(Prediction, inner(res.json), res, 'prediction'));
  }

  /** `POST /api/v1/model/uploadMedia` (multipart field `file`) → `data.download_url` (temporary). */
  async prepareMedia(media: LocalMedia, _field: 'first_frame_image_url' | 'last_frame_image_url' | 'source_video_url', opts: CallOptions): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([media.bytes], { type: media.mime }), media.filename);
    // An upload creates no billable job; a duplicate file after a lost answer is harmless.
    const res = await this.send({ method: 'POST', url: this.url('/api/v1/model/uploadMedia'), body: form, retry: 'safe' }, opts);
    if (!isOk(res)) throw atlasError(res, 'upload');
    return parse(UploadData, inner(res.json), res, 'upload').download_url;
  }
}
