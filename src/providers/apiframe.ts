/**
 * Apiframe v2 (api.apiframe.ai): one submit endpoint for every model, `POST /v2/videos/generate`, with
 * the model's options nested under `<family>Params`; status at `GET /v2/jobs/{id}`.
 * Wire format: shared/reference/providers.md §2.
 *
 * Handle: `{ id }` (the job UUID).
 */
import { FormData } from 'undici';
import * as z from 'zod';
import type { VideoParams } from '../catalog/types.js';
import { VideogenError } from '../errors.js';
import { httpError, requestJson, type HttpResponse } from './http.js';
import { checkedHandle } from './handles.js';
import { HttpAdapter, MODERATION_TEXT, failedInErrorBody, parseBody } from './base.js';
import type { CallOptions, JobHandle, JobStatus, LocalMedia, ProviderAdapter, SubmitRequest, SubmitResult, VideoOutput } from './types.js';

const PROVIDER = 'apiframe' as const;
const KEY_ENV = 'APIFRAME_API_KEY';
/** Apiframe's docs: "Poll every 5–10 seconds for video". */
const MIN_POLL_SECONDS = 5;
/** "default 24h retention" of a COMPLETED job's CDN assets (AF-OAS `expired`). */
const RESULT_RETENTION_MS = 24 * 3600 * 1000;

/** The wire body in Apiframe's names: camelCase top level, snake_case inside `<family>Params`. */
export function apiframeBody(nativeModel: string, params: VideoParams): Record<string, unknown> {
  const body: Record<string, unknown> = { model: nativeModel };
  if (params.prompt !== undefined) body['prompt'] = params.prompt;
  // The seed page says `webhook_url`; the schema is `webhookUrl` with additionalProperties:false.
  if (params.callback_url !== undefined) body['webhookUrl'] = params.callback_url;
  const p: Record<string, unknown> = {};
  const set = (k: string, v: unknown): void => {
    if (v !== undefined) p[k] = v;
  };
  if (/^hailuo-/.test(nativeModel)) {
    set('image', params.first_frame_image_url);
    set('end_image', params.last_frame_image_url);
    set('duration', params.duration_seconds);
    set('resolution', params.output_resolution);
    set('prompt_optimizer', params.prompt_optimizer);
    body['hailuoParams'] = p;
  } else if (/^runway-/.test(nativeModel)) {
    set('image', params.first_frame_image_url);
    set('duration', params.duration_seconds);
    set('aspect_ratio', params.aspect_ratio);
    set('seed', params.seed);
    body['runwayParams'] = p;
  } else if (/^veo-/.test(nativeModel)) {
    // veoParams (AF-OAS): the common vocabulary's own names, plus image/last_frame for the frames.
    set('image', params.first_frame_image_url);
    set('last_frame', params.last_frame_image_url);
    set('duration', params.duration_seconds);
    set('resolution', params.output_resolution);
    set('aspect_ratio', params.aspect_ratio);
    set('generate_audio', params.generate_audio);
    set('negative_prompt', params.negative_prompt);
    set('seed', params.seed);
    body['veoParams'] = p;
  } else {
    throw new VideogenError('unsupported', `Apiframe model "${nativeModel}" is not a Hailuo or Runway model; this server cannot build its parameters.`, {
      provider: PROVIDER,
    });
  }
  return body;
}

const Accepted = z.looseObject({ jobId: z.string().min(1).optional(), id: z.string().min(1).optional(), status: z.string().optional() });
const UrlLike = z.union([z.string(), z.looseObject({ url: z.string().optional(), videoUrl: z.string().optional() })]);
const Me = z.looseObject({ team: z.looseObject({ credits: z.number().optional() }).optional() });
const Job = z.looseObject({
  id: z.string().optional(),
  status: z.string(),
  progress: z.number().nullish(),
  result: z
    .union([
      z.string(),
      z.looseObject({
        videoUrl: z.string().optional(),
        url: z.string().optional(),
        videos: z.array(UrlLike).optional(),
      }),
    ])
    .nullish(),
  error: z.union([z.string(), z.looseObject({ message: z.string().optional() })]).nullish(),
  creditCost: z.number().nullish(),
  completedAt: z.string().nullish(),
  expired: z.boolean().nullish(),
});
type Job = z.infer<typeof Job>;
const Upload = z.looseObject({ url: z.string().min(1) });
const NoCredits = z.looseObject({ creditsRequired: z.number().optional(), creditsAvailable: z.number().optional() });

/** `result` is a bare URL (older docs, SDK fixtures), `{videoUrl}`, `{videos:[…]}` or `{url}` (§2.3). */
export function apiframeResultUrls(result: Job['result']): string[] {
  if (!result) return [];
  if (typeof result === 'string') return [result];
  const urls: string[] = [];
  if (result.videoUrl) urls.push(result.videoUrl);
  for (const v of result.videos ?? []) {
    const u = typeof v === 'string' ? v : (v.url ?? v.videoUrl);
    if (u) urls.push(u);
  }
  if (urls.length === 0 && result.url) urls.push(result.url);
  return urls;
}

export function mapApiframeJob(job: Job): JobStatus {
  switch (job.status.toUpperCase()) {
    case 'QUEUED':
    case 'PENDING':
      return { state: 'queued' };
    case 'COMPLETED': {
      const done = job.completedAt ? Date.parse(job.completedAt) : NaN;
      const expires_at = Number.isNaN(done) ? undefined : new Date(done + RESULT_RETENTION_MS).toISOString();
      const videos: VideoOutput[] = apiframeResultUrls(job.result).map((url) => (expires_at ? { url, expires_at } : { url }));
      if (videos.length === 0)
        return {
          state: 'failed',
          reason: job.expired
            ? 'Apiframe has purged this job’s result files (retention expired).'
            : 'Apiframe reported the job completed but returned no video URL.',
          error_code: 'job_failed',
        };
      return { state: 'succeeded', videos, ...(typeof job.creditCost === 'number' ? { billed_credits: job.creditCost } : {}) };
    }
    case 'FAILED': {
      const e = job.error;
      const said = (typeof e === 'string' ? e : e?.message) || undefined;
      const moderation = said !== undefined && MODERATION_TEXT.test(said);
      return {
        state: 'failed',
        reason: moderation
          ? 'Apiframe refused the content; no video was produced (failed jobs are refunded). Rephrase the prompt or use another image.'
          : 'Apiframe reports the job failed; no video was produced (failed jobs are refunded).',
        ...(said !== undefined ? { provider_text: said } : {}),
        provider_code: 'FAILED',
        error_code: moderation ? 'moderation' : 'job_failed',
      };
    }
    case 'CANCELLED':
    case 'CANCELED':
      return { state: 'canceled' };
    default: {
      const p = job.progress;
      // Apiframe reports 0–100.
      return { state: 'running', ...(typeof p === 'number' && p >= 0 ? { progress: Math.min(1, p / 100) } : {}) };
    }
  }
}

const parse = <T extends z.ZodType>(schema: T, res: HttpResponse, what: string): z.infer<T> => parseBody('Apiframe', PROVIDER, schema, res, what);

/** httpError, plus Apiframe's 402 credit figures and moderation refusals. */
function apiframeError(res: HttpResponse, phase: 'submit' | 'status' | 'upload'): VideogenError {
  const err = httpError(PROVIDER, KEY_ENV, res, phase);
  const base = { provider: PROVIDER, httpStatus: res.status, ...(err.providerText !== undefined ? { providerText: err.providerText } : {}) };
  if (res.status === 402) {
    const c = NoCredits.safeParse(res.json);
    const need = c.success ? c.data.creditsRequired : undefined;
    const have = c.success ? c.data.creditsAvailable : undefined;
    if (need !== undefined && have !== undefined)
      return new VideogenError(
        'insufficient_credits',
        `Apiframe says the account has insufficient credits (HTTP 402): this job needs ${need} credits and ${have} are available. Top up the Apiframe account or use another provider.`,
        { ...base, envVar: KEY_ENV, noJobCreated: true },
      );
  }
  if (err.code === 'validation' && err.providerText && MODERATION_TEXT.test(err.providerText))
    return new VideogenError('moderation', 'Apiframe refused the request under its content policy. Rephrase the prompt or use other input media.', {
      ...base,
      noJobCreated: true,
    });
  return err;
}

export class ApiframeAdapter extends HttpAdapter implements ProviderAdapter {
  readonly id = PROVIDER;
  readonly idempotentSubmit = true;
  readonly canCancel = false;
  readonly keyEnv = KEY_ENV;
  readonly minPollIntervalSeconds = MIN_POLL_SECONDS;

  async submit(req: SubmitRequest, opts: CallOptions): Promise<SubmitResult> {
    const res = await requestJson({
      ...this.callDefaults(opts),
      method: 'POST',
      url: this.url(req.offer.endpoint || '/v2/videos/generate'),
      headers: { 'x-api-key': this.opts.apiKey, 'idempotency-key': req.idempotencyKey },
      json: apiframeBody(req.offer.native_model, req.params),
      retry: 'idempotency-key',
    });
    if (res.status < 200 || res.status >= 300) throw apiframeError(res, 'submit');
    const accepted = parse(Accepted, res, 'submit');
    const id = accepted.jobId ?? accepted.id;
    if (!id)
      throw new VideogenError(
        'unknown_outcome',
        'Apiframe accepted the request but its answer carried no jobId. Check the Apiframe dashboard before retrying.',
        {
          provider: PROVIDER,
          providerText: res.text.slice(0, 1000),
          httpStatus: res.status,
        },
      );
    // A replayed key may answer with the original job's later status; only in-flight states are
    // reported here (a COMPLETED replay carries no result, so the first poll fetches it).
    const st = accepted.status?.toUpperCase();
    const status: JobStatus | undefined = st === 'QUEUED' ? { state: 'queued' } : st === 'PROCESSING' ? { state: 'running' } : undefined;
    return { handle: checkedHandle(PROVIDER, { id }), ...(status ? { status } : {}) };
  }

  /** `GET /v2/me` (free): the key works, and the team's credits. */
  async checkAccount(opts: CallOptions): Promise<string> {
    const res = await requestJson({
      ...this.callDefaults(opts),
      method: 'GET',
      url: this.url('/v2/me'),
      headers: { 'x-api-key': this.opts.apiKey },
      retry: 'safe',
    });
    if (res.status < 200 || res.status >= 300) throw apiframeError(res, 'status');
    const credits = parse(Me, res, 'account').team?.credits;
    return credits === undefined ? 'key accepted' : `key accepted, ${credits} credits`;
  }

  async getJob(handle: JobHandle, opts: CallOptions): Promise<JobStatus> {
    const res = await requestJson({
      ...this.callDefaults(opts),
      method: 'GET',
      url: this.url(`/v2/jobs/${encodeURIComponent(handle.id)}`),
      headers: { 'x-api-key': this.opts.apiKey },
      retry: 'safe',
    });
    if (res.status < 200 || res.status >= 300) {
      const failed = failedInErrorBody(Job, res.json, mapApiframeJob);
      if (failed) return failed;
      throw apiframeError(res, 'status');
    }
    return mapApiframeJob(parse(Job, res, 'job'));
  }

  /** `POST /v2/uploads` (multipart field `file`) → 201 `{url,…}`; files live about 1–2 h. */
  async prepareMedia(media: LocalMedia, _field: 'first_frame_image_url' | 'last_frame_image_url' | 'source_video_url', opts: CallOptions): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([media.bytes], { type: media.mime }), media.filename);
    const res = await requestJson({
      ...this.callDefaults(opts),
      method: 'POST',
      url: this.url('/v2/uploads'),
      headers: { 'x-api-key': this.opts.apiKey },
      body: form,
      // An upload creates no billable job; a duplicate file after a lost answer is harmless.
      retry: 'safe',
    });
    if (res.status < 200 || res.status >= 300) throw apiframeError(res, 'upload');
    return parse(Upload, res, 'upload').url;
  }
}
