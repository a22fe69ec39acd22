/**
 * Runway's official API (https://api.dev.runwayml.com); wire format in reference/providers.md §5.
 *
 * Quirks handled here:
 *  - every request carries `X-Runway-Version: 2024-11-06` (Runway answers 400 without it);
 *  - sizes are pixel ratios (`1280:720`), so the common `aspect_ratio` is mapped onto them;
 *  - a task over the organization's concurrency limit is THROTTLED: queued, not rejected;
 *  - a 429 on creation means the daily generation limit of the organization's tier;
 *  - there is no idempotency key, so a submit is sent once and a lost answer is `unknown_outcome`;
 *  - local media up to 5 MB (encoded) go inline as data URIs, larger ones through the ephemeral uploads flow;
 *  - request bodies follow @runwayml/sdk 4.20.1's per-model create params (providers.md §9.1); the drift
 *    test checks every body built here against the pinned SDK's published types.
 *
 * Why this adapter and not `@runwayml/sdk` on the wire: the SDK can take a per-request `timeout`,
 * `signal` and `maxRetries: 0`, a `baseURL` (our fake) and a `logger`, and it redacts Authorization in
 * its logs. What it cannot give is what the one request helper (`http.ts`) guarantees for every
 * provider: telling a lost submit that may have reached Runway (`unknown_outcome`, never resubmitted)
 * from one that provably did not (connection refused → failover), retries that look at the call's
 * remaining deadline, a cap on how much untrusted response body is read, and undici dispatcher
 * injection for tests and benchmarks. Its default logger also writes to the console, which in stdio
 * mode risks stdout. So the SDK is a pinned devDependency used for its types only (drift test).
 */
import { FormData } from 'undici';
import * as z from 'zod';
import { VideogenError } from '../errors.js';
import { NetworkError, httpError, requestJson, type HttpResponse } from './http.js';
import { RUNWAY_PIXEL_RATIOS, SEEDANCE2_PIXELS, SEEDANCE25_PIXELS } from '../catalog/runway.js';
import { checkFetchUrl, policyFor } from '../media/url-safety.js';
import { checkedHandle } from './handles.js';
import { HttpAdapter, failedInErrorBody } from './base.js';
import type { VideoParams } from '../catalog/types.js';
import type { CallOptions, JobHandle, JobStatus, LocalMedia, ProviderAdapter, SubmitRequest, SubmitResult, VideoOutput } from './types.js';

const PROVIDER = 'runway' as const;
const KEY_ENV = 'RUNWAYML_API_SECRET';
/** The only API version so far, and the SDK's default. */
export const RUNWAY_API_VERSION = '2024-11-06';
/** Output URLs "expire within 24-48 hours"; report the lower bound. */
const OUTPUT_URL_TTL_MS = 24 * 3600_000;
/** One Runway credit costs $0.01. */
const USD_PER_CREDIT = 0.01;
/**
 * Runway's inline limit is on the encoded data URI: "up to 5MB" for images, videos and audio alike
 * (@runwayml/sdk 4.17.1 "cap media data URIs at 5MB"; providers.md §9.2, replacing §5.2's 16 MB for
 * video). Decimal megabytes, the stricter reading, so an inline URI is never over the limit whichever
 * one Runway means; anything larger goes through the uploads flow.
 */
export const RUNWAY_DATA_URI_MAX_CHARS = 5_000_000;
/** Largest file the uploads flow accepts. */
const UPLOAD_MAX_BYTES = 200 * 1024 * 1024;
/** Task ids are UUIDs; anything else did not come from Runway (job ids come from agents). */
const TASK_ID_RE = /^[A-Za-z0-9-]{1,64}$/;

const DEFAULT_RATIO = '1280:720';
const GEN4_RATIOS = ['1280:720', '720:1280', '1104:832', '832:1104', '960:960', '1584:672'];
const VEO_RATIOS = ['1280:720', '720:1280', '1080:1920', '1920:1080'];
/** Pixel ratios each model accepts, per endpoint. Models not listed take no pixel ratio. */
const RATIOS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  image_to_video: { gen4_turbo: GEN4_RATIOS, 'gen4.5': GEN4_RATIOS, 'veo3.1': VEO_RATIOS, 'veo3.1_fast': VEO_RATIOS },
  text_to_video: { 'gen4.5': ['1280:720', '720:1280'], 'veo3.1': VEO_RATIOS, 'veo3.1_fast': VEO_RATIOS },
};
/** Veo 3.1's ratio encodes the resolution: a friendly ratio and output_resolution pick one of four. */
const VEO_PIXELS: Readonly<Record<string, string>> = {
  '16:9@720p': '1280:720',
  '9:16@720p': '720:1280',
  '16:9@1080p': '1920:1080',
  '9:16@1080p': '1080:1920',
};
const VEO_MODELS: ReadonlySet<string> = new Set(['veo3.1', 'veo3.1_fast']);
/** Models whose `promptImage` takes a `position: "last"` entry (RW4 image-to-video.ts). */
const LAST_FRAME_MODELS: ReadonlySet<string> = new Set([
  'veo3.1',
  'veo3.1_fast',
  'hailuo3',
  'h3_max',
  'seedance2',
  'seedance2_fast',
  'seedance2_mini',
  'seedance2_5',
]);
/** Hailuo 3 on Runway takes MiniMax's friendly ratios as they are (not pixel ratios). */
const HAILUO3_RATIOS = ['adaptive', '21:9', '16:9', '4:3', '1:1', '3:4', '9:16'];

/**
 * The optional fields each Runway model takes, by endpoint (RW4 `*CreateParams`). A field the catalog
 * sends to a model that does not take it is refused here too, before anything goes out.
 */
const OPTIONAL_FIELDS: Readonly<Record<string, readonly ('seed' | 'negativePrompt' | 'audio' | 'resolution' | 'promptExpansionMode')[]>> = {
  gen4_turbo: ['seed'],
  'gen4.5': ['seed'],
  'veo3.1': ['seed', 'negativePrompt', 'audio'],
  'veo3.1_fast': ['seed', 'negativePrompt', 'audio'],
  hailuo3: ['resolution'],
  h3_max: ['seed', 'resolution', 'promptExpansionMode'],
  aleph2: ['seed'],
  seedance2: ['seed', 'audio'],
  seedance2_fast: ['seed', 'audio'],
  seedance2_mini: ['seed', 'audio'],
  seedance2_5: ['seed', 'audio'],
};
const SEEDANCE_MODELS: ReadonlySet<string> = new Set(['seedance2', 'seedance2_fast', 'seedance2_mini', 'seedance2_5']);

const CreateResponse = z.looseObject({ id: z.string().min(1) });
const Task = z.looseObject({
  id: z.string().optional(),
  status: z.string(),
  progress: z.number().nullish(),
  output: z.array(z.string()).nullish(),
  failure: z.string().nullish(),
  failureCode: z.string().nullish(),
  cost: z.looseObject({ credits: z.number() }).nullish(),
});
const UploadSlot = z.looseObject({
  uploadUrl: z.string().regex(/^https?:\/\//i),
  fields: z.record(z.string(), z.string()),
  runwayUri: z.string().min(1),
});

export type Endpoint = 'image_to_video' | 'text_to_video' | 'video_to_video';

export class RunwayAdapter extends HttpAdapter implements ProviderAdapter {
  readonly id = PROVIDER;
  readonly idempotentSubmit = false;
  readonly canCancel = true;
  readonly keyEnv = KEY_ENV;
  /** Runway: "should not expect updates more frequent than once every five seconds". */
  readonly minPollIntervalSeconds = 5;

  async submit(req: SubmitRequest, opts: CallOptions): Promise<SubmitResult> {
    const endpoint = endpointOf(req.offer.endpoint);
    const body = buildRunwayBody(endpoint, req.offer.native_model, req.params);
    let res: HttpResponse;
    try {
      res = await requestJson({
        provider: PROVIDER,
        method: 'POST',
        url: `${this.baseUrl}/v1/${endpoint}`,
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
      if (err instanceof NetworkError && err.maybeSent)
        throw new VideogenError(
          'unknown_outcome',
          `Lost contact with Runway (${err.networkCode}) after the request was sent, so the task may or may not exist. ` +
            `Nothing was resubmitted. Check the tasks in the Runway developer portal (https://dev.runwayml.com) before retrying, or you may pay twice.`,
          { provider: PROVIDER, noJobCreated: false, cause: err },
        );
      throw err;
    }
    if (res.status < 200 || res.status >= 300) throw this.error(res, 'submit');
    const parsed = CreateResponse.safeParse(res.json);
    if (!parsed.success)
      throw new VideogenError(
        'unknown_outcome',
        `Runway accepted the request but its answer carried no readable task id, so the job cannot be tracked. ` +
          `Nothing was resubmitted. Check the tasks in the Runway developer portal before retrying, or you may pay twice.`,
        { provider: PROVIDER, providerText: res.text.slice(0, 500), httpStatus: res.status, noJobCreated: false },
      );
    return { handle: checkedHandle(PROVIDER, { id: parsed.data.id }), status: { state: 'queued' } };
  }

  /** `GET /v1/organization` (free): the key works, and the credit balance at $0.01 a credit. */
  async checkAccount(opts: CallOptions): Promise<string> {
    const res = await this.request('GET', '/v1/organization', 'safe', opts);
    if (res.status < 200 || res.status >= 300) throw this.error(res, 'status');
    const credits = z.looseObject({ creditBalance: z.number().optional() }).safeParse(res.json);
    const balance = credits.success ? credits.data.creditBalance : undefined;
    return balance === undefined ? 'key accepted' : `key accepted, ${balance} credits ($${(balance * USD_PER_CREDIT).toFixed(2)})`;
  }

  async getJob(handle: JobHandle, opts: CallOptions): Promise<JobStatus> {
    const res = await this.request('GET', `/v1/tasks/${encodeURIComponent(taskId(handle))}`, 'safe', opts);
    if (res.status < 200 || res.status >= 300) {
      const failed = failedInErrorBody(Task, res.json, toStatus);
      if (failed) return failed;
      throw this.error(res, 'status');
    }
    const parsed = Task.safeParse(res.json);
    if (!parsed.success)
      throw new VideogenError('unavailable', 'Runway answered the task query with a body this server cannot read. Try again shortly.', {
        provider: PROVIDER,
        providerText: res.text.slice(0, 500),
        httpStatus: res.status,
      });
    return toStatus(parsed.data);
  }

  /** Runway's DELETE cancels a pending, throttled or running task (and deletes a finished one). */
  async cancel(handle: JobHandle, opts: CallOptions): Promise<void> {
    const res = await this.request('DELETE', `/v1/tasks/${encodeURIComponent(taskId(handle))}`, 'safe', opts, { accept: '*/*' });
    if (res.status < 200 || res.status >= 300) throw this.error(res, 'cancel');
  }

  /** Output URLs expire within 24–48 h; reading the task again returns fresh ones. */
  async refreshOutputs(handle: JobHandle, opts: CallOptions): Promise<readonly VideoOutput[]> {
    const status = await this.getJob(handle, opts);
    if (status.state === 'succeeded') return status.videos;
    throw new VideogenError('not_found', `Runway task ${handle.id} is ${status.state}, so it has no video to refresh.`, { provider: PROVIDER });
  }

  /** Inline as a data URI when small enough, otherwise through Runway's ephemeral uploads (valid 24 h). */
  async prepareMedia(media: LocalMedia, field: 'first_frame_image_url' | 'last_frame_image_url' | 'source_video_url', opts: CallOptions): Promise<string> {
    const wantKind = field === 'source_video_url' ? 'video' : 'image';
    if (media.kind !== wantKind)
      throw new VideogenError('invalid_input', `${field} needs ${wantKind === 'video' ? 'a video' : 'an image'}, but ${media.filename} is ${media.mime}.`, {
        provider: PROVIDER,
        noJobCreated: true,
      });
    const dataUri = `data:${media.mime};base64,${media.bytes.toString('base64')}`;
    if (dataUri.length <= RUNWAY_DATA_URI_MAX_CHARS) return dataUri;
    if (media.bytes.length > UPLOAD_MAX_BYTES)
      throw new VideogenError(
        'invalid_input',
        `Runway accepts files up to 200 MB; ${media.filename} is ${(media.bytes.length / 1024 / 1024).toFixed(0)} MB. Shrink it and retry.`,
        { provider: PROVIDER, noJobCreated: true },
      );
    return this.upload(media, opts);
  }

  private async upload(media: LocalMedia, opts: CallOptions): Promise<string> {
    // Creating an upload slot costs nothing and a spare one expires unused, so retrying it is safe.
    const slotRes = await this.request('POST', '/v1/uploads', 'safe', opts, {}, { filename: media.filename, type: 'ephemeral' });
    if (slotRes.status < 200 || slotRes.status >= 300) throw this.error(slotRes, 'upload');
    const slot = UploadSlot.safeParse(slotRes.json);
    if (!slot.success)
      throw new VideogenError('unavailable', 'Runway answered the upload request with a body this server cannot read. Try again shortly.', {
        provider: PROVIDER,
        providerText: slotRes.text.slice(0, 500),
        httpStatus: slotRes.status,
      });
    // undici's own FormData: undici 7's request() brand-checks it, and Node's global FormData fails that check.
    // The storage URL comes from Runway's answer: the file's bytes go there only over https to a public
    // address (or wherever a local fake's own base URL allows), never to a host on the user's network.
    let target: URL;
    try {
      target = new URL(slot.data.uploadUrl);
    } catch {
      throw new VideogenError('unavailable', 'Runway answered the upload request with an invalid storage URL.', { provider: PROVIDER, noJobCreated: true });
    }
    checkFetchUrl(target, policyFor(this.baseUrl), "Runway's upload storage URL");
    const form = new FormData();
    for (const [k, v] of Object.entries(slot.data.fields)) form.append(k, v);
    // Storage expects the file after every policy field.
    form.append('file', new Blob([new Uint8Array(media.bytes)], { type: media.mime }), media.filename);
    // The upload URL is a presigned storage URL, not Runway's API: it gets no API key and no version header.
    const put = await requestJson({
      provider: PROVIDER,
      method: 'POST',
      url: slot.data.uploadUrl,
      body: form,
      retry: 'safe',
      signal: opts.signal,
      deadline: opts.deadline,
      timeoutMs: Math.max(this.opts.timeoutMs ?? 0, 120_000),
      dispatcher: this.opts.dispatcher,
    });
    if (put.status < 200 || put.status >= 300)
      throw new VideogenError(
        put.status >= 500 ? 'unavailable' : 'validation',
        `Uploading ${media.filename} to Runway's storage failed (HTTP ${put.status}).${put.status >= 500 ? ' Try again shortly.' : ''}`,
        { provider: PROVIDER, providerText: put.text.slice(0, 500), httpStatus: put.status, noJobCreated: true },
      );
    return slot.data.runwayUri;
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.opts.apiKey}`, 'x-runway-version': RUNWAY_API_VERSION };
  }

  private request(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    retry: 'safe',
    opts: CallOptions,
    headers: Record<string, string> = {},
    json?: unknown,
  ): Promise<HttpResponse> {
    return requestJson({
      provider: PROVIDER,
      method,
      url: this.baseUrl + path,
      headers: { ...this.headers(), ...headers },
      ...(json !== undefined ? { json } : {}),
      retry,
      signal: opts.signal,
      deadline: opts.deadline,
      timeoutMs: this.opts.timeoutMs,
      dispatcher: this.opts.dispatcher,
    });
  }

  /** Runway's statuses onto the taxonomy, with messages that say what to do (reference/providers.md §5.4). */
  private error(res: HttpResponse, phase: 'submit' | 'status' | 'cancel' | 'upload'): VideogenError {
    const err = httpError(PROVIDER, KEY_ENV, res, phase);
    const keep = {
      provider: PROVIDER,
      httpStatus: res.status,
      ...(err.providerText ? { providerText: err.providerText } : {}),
    };
    if (res.status === 401)
      return new VideogenError(
        'auth',
        `Runway rejected the API key (HTTP 401). Check ${KEY_ENV}: it must be an API key from https://dev.runwayml.com ` +
          `(key_ followed by 128 hex characters) that has not been disabled, used with the base URL https://api.dev.runwayml.com.`,
        { ...keep, envVar: KEY_ENV, noJobCreated: true },
      );
    if (res.status === 429 && phase === 'submit') {
      const daily = /daily|generation limit/i.test(err.providerText ?? '');
      return new VideogenError(
        daily ? 'quota' : 'rate_limited',
        daily
          ? `Runway's daily generation limit for this organization's usage tier is reached (HTTP 429); no job was created. ` +
              `Wait until the limit resets, raise the tier in the Runway developer portal, or use another provider.`
          : `Runway is refusing new tasks for now (HTTP 429); no job was created. Wait a few minutes and retry, or use another provider.`,
        { ...keep, noJobCreated: true, ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}) },
      );
    }
    if (res.status === 400 && phase === 'submit')
      return new VideogenError(
        'validation',
        `Runway rejected the request (HTTP 400). Fix the field it names and retry; media URLs must be public HTTPS URLs on a domain name, data URIs, or local files.`,
        { ...keep, noJobCreated: true },
      );
    return err;
  }
}

function endpointOf(raw: string): Endpoint {
  const name = raw.replace(/^\/+/, '').replace(/^v1\//, '');
  if (name === 'image_to_video' || name === 'text_to_video' || name === 'video_to_video') return name;
  throw new VideogenError('internal', `The catalog names an unknown Runway endpoint "${raw}".`, { provider: PROVIDER, noJobCreated: true });
}

function invalid(message: string): VideogenError {
  return new VideogenError('invalid_input', message, { provider: PROVIDER, noJobCreated: true });
}

/** `aspect_ratio` onto a pixel ratio the model takes on this endpoint. */
function ratioFor(endpoint: Endpoint, model: string, aspect: string | undefined, resolution: string | undefined): string {
  if (VEO_MODELS.has(model) && (aspect === undefined || !/^\d{3,4}:\d{3,4}$/.test(aspect) || !VEO_RATIOS.includes(aspect))) {
    const key = `${aspect ?? '16:9'}@${resolution ?? '720p'}`;
    const pixel = VEO_PIXELS[key];
    if (!pixel)
      throw invalid(`Runway ${model} takes aspect_ratio 16:9 or 9:16 at output_resolution 720p or 1080p (got ${aspect ?? '16:9'} at ${resolution ?? '720p'}).`);
    return pixel;
  }
  let ratio = DEFAULT_RATIO;
  if (aspect !== undefined) {
    const mapped = RUNWAY_PIXEL_RATIOS[aspect];
    if (mapped) ratio = mapped;
    else if (/^\d{3,4}:\d{3,4}$/.test(aspect))
      ratio = aspect; // already a Runway pixel ratio
    else throw invalid(`Runway has no size for aspect_ratio "${aspect}". Use one of ${Object.keys(RUNWAY_PIXEL_RATIOS).join(', ')}.`);
  }
  const allowed = RATIOS[endpoint]?.[model];
  if (allowed && !allowed.includes(ratio)) {
    const names = allowed.map((r) => Object.keys(RUNWAY_PIXEL_RATIOS).find((a) => RUNWAY_PIXEL_RATIOS[a] === r) ?? r);
    throw invalid(`Runway ${model} on ${endpoint} takes aspect_ratio ${names.join(', ')} only (got ${aspect ?? ratio}).`);
  }
  return ratio;
}

/**
 * The create body for one model on one endpoint, in Runway's field names (RW4 `*CreateParams`).
 * Exported for the drift test, which checks every body against the pinned SDK's types.
 */
export function buildRunwayBody(endpoint: Endpoint, model: string, p: VideoParams): Record<string, unknown> {
  // Runway has no webhook or watermark field: callback_url and watermark are never sent (the catalog
  // does not route them here).
  const body: Record<string, unknown> = { model };
  const takes = OPTIONAL_FIELDS[model] ?? [];
  const optional = (field: (typeof takes)[number], value: unknown, ours: string) => {
    if (value === undefined) return;
    if (!takes.includes(field)) throw invalid(`Runway ${model} takes no ${ours}; drop it.`);
    body[field] = value;
  };
  if (p.prompt !== undefined) body['promptText'] = p.prompt;
  optional('seed', p.seed, 'seed');
  optional('negativePrompt', p.negative_prompt, 'negative_prompt');
  optional('audio', p.generate_audio, 'generate_audio');
  if (endpoint === 'video_to_video') {
    if (p.source_video_url === undefined) throw invalid(`Runway ${model} edits a video: give source_video_url.`);
    if (p.first_frame_image_url !== undefined || p.last_frame_image_url !== undefined)
      throw invalid(`Runway ${model} edits a video and takes no first or last frame; drop them.`);
    if (model === 'hailuo3') {
      // Hailuo 3 takes the video as a reference (promptVideo), with its own ratio, resolution and duration.
      body['promptVideo'] = p.source_video_url;
      if (p.aspect_ratio !== undefined) body['ratio'] = p.aspect_ratio;
      if (p.output_resolution !== undefined) body['resolution'] = p.output_resolution;
      if (p.duration_seconds !== undefined) body['duration'] = p.duration_seconds;
      return body;
    }
    body['videoUri'] = p.source_video_url;
    // aleph2's outpaint target; its old `ratio` is deprecated.
    if (p.aspect_ratio !== undefined) body['targetAspectRatio'] = p.aspect_ratio;
    return body;
  }
  if (p.source_video_url !== undefined) throw invalid(`Runway ${model} on ${endpoint} takes no source video.`);
  if (endpoint === 'image_to_video') {
    if (p.first_frame_image_url === undefined && p.last_frame_image_url === undefined)
      throw invalid(`Runway ${model} image-to-video needs first_frame_image_url.`);
    const images: { uri: string; position: 'first' | 'last' }[] = [];
    if (p.first_frame_image_url !== undefined) images.push({ uri: p.first_frame_image_url, position: 'first' });
    if (p.last_frame_image_url !== undefined) {
      if (!LAST_FRAME_MODELS.has(model)) throw invalid(`Runway ${model} takes no last frame; drop last_frame_image_url.`);
      images.push({ uri: p.last_frame_image_url, position: 'last' });
    }
    body['promptImage'] = images;
  } else if (p.first_frame_image_url !== undefined || p.last_frame_image_url !== undefined) {
    throw invalid(`Runway ${model} text-to-video takes no image; use its image-to-video offer.`);
  }
  if (model === 'hailuo3') {
    if (p.aspect_ratio !== undefined) {
      if (!HAILUO3_RATIOS.includes(p.aspect_ratio)) throw invalid(`Runway hailuo3 takes aspect_ratio ${HAILUO3_RATIOS.join(', ')} only.`);
      body['ratio'] = p.aspect_ratio;
    }
  } else if (model === 'h3_max') {
    if (p.aspect_ratio !== undefined) throw invalid('Runway h3_max takes no aspect_ratio; drop it.');
  } else if (SEEDANCE_MODELS.has(model)) {
    // The catalog limits _fast and _mini to 480p/720p, the rows their 12-ratio union covers.
    const pixels = model === 'seedance2_5' ? SEEDANCE25_PIXELS : SEEDANCE2_PIXELS;
    const pixel = pixels[p.output_resolution ?? '720p']?.[p.aspect_ratio ?? '16:9'];
    if (!pixel) throw invalid(`Runway ${model} has no size for aspect_ratio ${p.aspect_ratio ?? '16:9'} at ${p.output_resolution ?? '720p'}.`);
    body['ratio'] = pixel;
  } else {
    body['ratio'] = ratioFor(endpoint, model, p.aspect_ratio, p.output_resolution);
  }
  if (takes.includes('resolution') && p.output_resolution !== undefined) body['resolution'] = p.output_resolution;
  if (p.prompt_optimizer !== undefined) optional('promptExpansionMode', p.prompt_optimizer ? 'balanced' : 'disabled', 'prompt_optimizer');
  if (p.duration_seconds !== undefined) body['duration'] = p.duration_seconds;
  return body;
}

function taskId(handle: JobHandle): string {
  if (!TASK_ID_RE.test(handle.id))
    throw new VideogenError('invalid_input', 'This job id does not hold a valid Runway task id. Use a job_id returned by generate_video.', {
      provider: PROVIDER,
    });
  return handle.id;
}

function toStatus(task: z.infer<typeof Task>): JobStatus {
  switch (task.status) {
    case 'PENDING':
      return { state: 'queued' };
    case 'THROTTLED':
      return {
        state: 'queued',
        detail: "THROTTLED: the Runway organization's concurrency limit is reached, so Runway queued this task; it starts when an earlier task finishes.",
      };
    case 'RUNNING':
      return typeof task.progress === 'number' ? { state: 'running', progress: Math.min(1, Math.max(0, task.progress)) } : { state: 'running' };
    case 'SUCCEEDED': {
      const expires_at = new Date(Date.now() + OUTPUT_URL_TTL_MS).toISOString();
      const videos = (task.output ?? []).map((url) => ({ url, expires_at }));
      if (videos.length === 0)
        throw new VideogenError('unavailable', 'Runway reports the task succeeded but lists no output. Check again shortly.', { provider: PROVIDER });
      const credits = task.cost?.credits;
      return { state: 'succeeded', videos, ...(credits !== undefined ? { billed_usd: Math.round(credits * USD_PER_CREDIT * 10_000) / 10_000 } : {}) };
    }
    case 'FAILED': {
      const code = task.failureCode ?? undefined;
      const safety = code?.startsWith('SAFETY.') ?? false;
      const input = code !== undefined && /^(ASSET\.|INPUT_PREPROCESSING\.)/.test(code);
      const reason = safety
        ? `Runway's content moderation stopped the task (${code}). Change the prompt or image and submit again.`
        : input
          ? `Runway could not use an input (${code}). Check that the image or video is reachable and valid, then submit again.`
          : `Runway reports the task failed${code ? ` (${code})` : ''}. No video was produced; you can submit again.`;
      return {
        state: 'failed',
        reason,
        ...(task.failure ? { provider_text: task.failure } : {}),
        error_code: safety ? 'moderation' : input ? 'validation' : 'job_failed',
        ...(code !== undefined ? { provider_code: code } : {}),
      };
    }
    case 'CANCELLED':
      return { state: 'canceled' };
    default:
      return { state: 'running', detail: `Runway reports status "${task.status.slice(0, 40)}".` };
  }
}
