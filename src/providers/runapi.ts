/**
 * RunAPI (runapi.ai): one endpoint per model family and action, `POST /api/v1/{service}/{endpoint}`,
 * status at `GET /api/v1/{service}/{endpoint}/{id}`. Wire format: shared/reference/providers.md §1.
 *
 * Handle: `{ id, svc, ep }`, e.g. `{ id: '<uuid>', svc: 'hailuo', ep: 'image_to_video' }`, because the
 * status path needs the service and endpoint and the public job id must work from a fresh process.
 */
import * as z from 'zod';
import { VideogenError } from '../errors.js';
import { httpError, requestJson, type HttpResponse } from './http.js';
import { checkedHandle } from './handles.js';
import { HttpAdapter, MODERATION_TEXT, failedInErrorBody, parseBody } from './base.js';
import type { CallOptions, JobHandle, JobStatus, LocalMedia, ProviderAdapter, SubmitRequest, SubmitResult, VideoOutput } from './types.js';
import type { VideoParams } from '../catalog/types.js';

const PROVIDER = 'runapi' as const;
const KEY_ENV = 'RUNAPI_API_KEY';
/** The RunAPI SDKs poll every 2 s. */
const MIN_POLL_SECONDS = 2;

type Svc = { svc: string; ep: string };

/** Which common fields each endpoint's contract takes (providers.md §1.3); `model` is handled apart. */
const ENDPOINT_FIELDS: Record<string, readonly (keyof VideoParams)[]> = {
  'hailuo/text_to_video': ['prompt', 'duration_seconds', 'prompt_optimizer', 'callback_url'],
  'hailuo/image_to_video': [
    'prompt',
    'first_frame_image_url',
    'last_frame_image_url',
    'duration_seconds',
    'output_resolution',
    'prompt_optimizer',
    'callback_url',
  ],
  'runway/text_to_video': ['prompt', 'first_frame_image_url', 'duration_seconds', 'output_resolution', 'aspect_ratio', 'callback_url'],
  // §1.3: extends a finished runway task; the job layer has already turned extend_job_id into its task id.
  'runway/extend_video': ['prompt', 'extend_job_id', 'output_resolution', 'callback_url'],
  'runway_aleph/edit_video': ['prompt', 'source_video_url', 'aspect_ratio', 'seed', 'callback_url'],
  // providers.md §9.4: `model` is required here (it is sent: these endpoints are not fixed-model).
  'minimax_h3/text_to_video': ['prompt', 'duration_seconds', 'output_resolution', 'aspect_ratio', 'callback_url'],
  // (a reference video goes out as reference_video_urls: see runapiBody)
  'minimax_h3/image_to_video': ['prompt', 'first_frame_image_url', 'last_frame_image_url', 'duration_seconds', 'output_resolution', 'callback_url'],
};
/** Common fields RunAPI names differently (everything else is RunAPI's own vocabulary). */
const WIRE_NAMES: Partial<Record<keyof VideoParams, string>> = { extend_job_id: 'source_task_id' };
/** Fixed-model endpoints where the SDK never sends `model` on the wire (RA-ALEPH `edit-video.ts`). */
const NO_MODEL_ON_WIRE = new Set(['runway_aleph/edit_video']);

const Id = z.union([z.string().min(1), z.number()]).transform(String);
const CreateResponse = z.looseObject({
  id: Id.optional(),
  task_id: Id.optional(),
  status: z.string().optional(),
  data: z.looseObject({ id: Id.optional(), task_id: Id.optional() }).optional(),
});
const Billing = {
  usage: z.looseObject({ cost: z.number().optional() }).nullish(),
  cost_cents: z.number().nullish(),
  amount_cents: z.number().nullish(),
};
const TaskResponse = z.looseObject({
  id: Id.optional(),
  status: z.string().optional(),
  progress: z.number().nullish(),
  videos: z.array(z.looseObject({ url: z.string().optional() })).nullish(),
  error: z.union([z.string(), z.looseObject({ message: z.string().optional() })]).nullish(),
  ...Billing,
});
const Balance = z.looseObject({ balance_cents: z.number().optional() });
const FileResponse = z.looseObject({ url: z.string().min(1), expires_at: z.string().optional() });

/** `/api/v1/hailuo/image_to_video` → `{ svc: 'hailuo', ep: 'image_to_video' }`. */
export function parseRunapiEndpoint(endpoint: string): Svc {
  const m = /^\/?api\/v1\/([a-z0-9_]+)\/([a-z0-9_]+)\/?$/i.exec(endpoint);
  if (!m?.[1] || !m[2])
    throw new VideogenError('internal', `RunAPI offer endpoint "${endpoint}" is not of the form /api/v1/{service}/{endpoint}.`, { provider: PROVIDER });
  return { svc: m[1], ep: m[2] };
}

/** The wire body for one endpoint, in RunAPI's own field names. */
export function runapiBody(nativeModel: string, endpoint: Svc, params: VideoParams): Record<string, unknown> {
  const key = `${endpoint.svc}/${endpoint.ep}`;
  const fields = ENDPOINT_FIELDS[key];
  if (!fields) throw new VideogenError('internal', `RunAPI endpoint ${key} has no field list in this server.`, { provider: PROVIDER, noJobCreated: true });
  const body: Record<string, unknown> = NO_MODEL_ON_WIRE.has(key) ? {} : { model: nativeModel };
  for (const f of fields) {
    const v = params[f];
    if (v !== undefined) body[WIRE_NAMES[f] ?? f] = v;
  }
  // minimax-h3 text_to_video takes reference media as arrays (§9.4): our one reference video.
  if (key === 'minimax_h3/text_to_video' && params.source_video_url !== undefined) body['reference_video_urls'] = [params.source_video_url];
  // Contract rule: on runway/text_to_video, aspect_ratio is forbidden once a first frame is given
  // (the frame sets the ratio). A defaulted ratio must not turn a valid request into a 422.
  if (key === 'runway/text_to_video' && body['first_frame_image_url'] !== undefined) delete body['aspect_ratio'];
  return body;
}

function billedUsd(t: {
  usage?: { cost?: number | undefined } | null | undefined;
  cost_cents?: number | null | undefined;
  amount_cents?: number | null | undefined;
}): number | undefined {
  if (typeof t.usage?.cost === 'number') return t.usage.cost;
  if (typeof t.cost_cents === 'number') return t.cost_cents / 100;
  if (typeof t.amount_cents === 'number') return t.amount_cents / 100;
  return undefined;
}

function errorText(e: z.infer<typeof TaskResponse>['error']): string | undefined {
  if (typeof e === 'string') return e || undefined;
  return e?.message || undefined;
}

/** Map a task object onto the normalized status. Unknown statuses count as still running (§1.4). */
export function mapRunapiTask(task: z.infer<typeof TaskResponse>): JobStatus {
  const status = (task.status ?? '').toLowerCase();
  switch (status) {
    case 'pending':
    case 'queued':
      return { state: 'queued' };
    case 'completed':
    case 'succeeded':
    case 'success':
    case 'finished': {
      const videos: VideoOutput[] = (task.videos ?? []).flatMap((v) => (v.url ? [{ url: v.url }] : []));
      if (videos.length === 0) return { state: 'failed', reason: 'RunAPI reported the task completed but returned no video URL.', error_code: 'job_failed' };
      const usd = billedUsd(task);
      return { state: 'succeeded', videos, ...(usd !== undefined ? { billed_usd: usd } : {}) };
    }
    case 'failed':
    case 'error':
    case 'timeout': {
      const said = errorText(task.error);
      const moderation = said !== undefined && MODERATION_TEXT.test(said);
      return {
        state: 'failed',
        reason: moderation
          ? 'RunAPI refused the content; no video was produced. Rephrase the prompt or use another image.'
          : 'RunAPI reports the task failed; no video was produced.',
        ...(said !== undefined ? { provider_text: said } : {}),
        provider_code: status,
        error_code: moderation ? 'moderation' : 'job_failed',
      };
    }
    case 'canceled':
    case 'cancelled':
      return { state: 'canceled' };
    default: {
      const p = task.progress;
      const progress = typeof p === 'number' && p >= 0 ? Math.min(1, p > 1 ? p / 100 : p) : undefined;
      return { state: 'running', ...(progress !== undefined ? { progress } : {}) };
    }
  }
}

const parse = <T extends z.ZodType>(schema: T, res: HttpResponse, what: string): z.infer<T> => parseBody('RunAPI', PROVIDER, schema, res, what);

/** httpError, plus: a rejection that names the content filter is a moderation refusal. */
function runapiError(res: HttpResponse, phase: 'submit' | 'status' | 'upload'): VideogenError {
  const err = httpError(PROVIDER, KEY_ENV, res, phase);
  if (err.code === 'validation' && err.providerText && MODERATION_TEXT.test(err.providerText))
    return new VideogenError('moderation', 'RunAPI refused the request under its content policy. Rephrase the prompt or use other input media.', {
      provider: PROVIDER,
      providerText: err.providerText,
      httpStatus: res.status,
      noJobCreated: true,
    });
  return err;
}

export class RunapiAdapter extends HttpAdapter implements ProviderAdapter {
  readonly id = PROVIDER;
  readonly idempotentSubmit = true;
  readonly canCancel = false;
  readonly keyEnv = KEY_ENV;
  readonly minPollIntervalSeconds = MIN_POLL_SECONDS;

  private auth(): Record<string, string> {
    return { authorization: `Bearer ${this.opts.apiKey}` };
  }

  async submit(req: SubmitRequest, opts: CallOptions): Promise<SubmitResult> {
    const ep = parseRunapiEndpoint(req.offer.endpoint);
    const res = await requestJson({
      ...this.callDefaults(opts),
      method: 'POST',
      url: this.url(`/api/v1/${ep.svc}/${ep.ep}`),
      headers: { ...this.auth(), 'idempotency-key': req.idempotencyKey },
      json: runapiBody(req.offer.native_model, ep, req.params),
      retry: 'idempotency-key',
    });
    if (res.status < 200 || res.status >= 300) throw runapiError(res, 'submit');
    const created = parse(CreateResponse, res, 'create');
    const headerId = res.headers['x-runapi-task-id'];
    // Official SDKs read `id`; the seed pages show `task_id`; mcp-core also reads `data.*` (§1.4).
    const id = created.id ?? created.task_id ?? created.data?.id ?? created.data?.task_id ?? (typeof headerId === 'string' ? headerId : undefined);
    if (!id)
      throw new VideogenError('unknown_outcome', 'RunAPI accepted the request but its answer carried no task id. Check the RunAPI dashboard before retrying.', {
        provider: PROVIDER,
        providerText: res.text.slice(0, 1000),
        httpStatus: res.status,
      });
    const task = TaskResponse.safeParse(res.json);
    const status = created.status && task.success ? mapRunapiTask(task.data) : undefined;
    const usd = task.success ? billedUsd(task.data) : undefined;
    return {
      handle: checkedHandle(PROVIDER, { id, svc: ep.svc, ep: ep.ep }),
      // A replayed key may return an already finished task; report only in-flight states at submit.
      ...(status && (status.state === 'queued' || status.state === 'running') ? { status } : {}),
      ...(usd !== undefined ? { billed_usd: usd } : {}),
    };
  }

  /** `GET /api/v1/me/balance` (free): the key works, and what is left on the account. */
  async checkAccount(opts: CallOptions): Promise<string> {
    const res = await requestJson({ ...this.callDefaults(opts), method: 'GET', url: this.url('/api/v1/me/balance'), headers: this.auth(), retry: 'safe' });
    if (res.status < 200 || res.status >= 300) throw runapiError(res, 'status');
    const cents = parse(Balance, res, 'balance').balance_cents;
    return cents === undefined ? 'key accepted' : `key accepted, balance $${(cents / 100).toFixed(2)}`;
  }

  async getJob(handle: JobHandle, opts: CallOptions): Promise<JobStatus> {
    const svc = handle['svc'];
    const ep = handle['ep'];
    if (!svc || !ep)
      throw new VideogenError('not_found', 'This RunAPI job id is missing its endpoint; it was not issued by this server.', { provider: PROVIDER });
    const res = await requestJson({
      ...this.callDefaults(opts),
      method: 'GET',
      url: this.url(`/api/v1/${encodeURIComponent(svc)}/${encodeURIComponent(ep)}/${encodeURIComponent(handle.id)}`),
      headers: this.auth(),
      retry: 'safe',
    });
    if (res.status < 200 || res.status >= 300) {
      const failed = failedInErrorBody(TaskResponse, res.json, mapRunapiTask);
      if (failed) return failed;
      throw runapiError(res, 'status');
    }
    return mapRunapiTask(parse(TaskResponse, res, 'status'));
  }

  /** `POST /api/v1/files` with the bytes inline as base64 (RA-CORE `files.ts`); the URL lives 1 h. */
  async prepareMedia(media: LocalMedia, _field: 'first_frame_image_url' | 'last_frame_image_url' | 'source_video_url', opts: CallOptions): Promise<string> {
    const res = await requestJson({
      ...this.callDefaults(opts),
      method: 'POST',
      url: this.url('/api/v1/files'),
      headers: this.auth(),
      json: { source: { type: 'base64', data: media.bytes.toString('base64') }, file_name: media.filename },
      // An upload creates no billable job; a duplicate file after a lost answer is harmless.
      retry: 'safe',
    });
    if (res.status < 200 || res.status >= 300) throw runapiError(res, 'upload');
    return parse(FileResponse, res, 'upload').url;
  }
}
