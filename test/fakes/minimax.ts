/**
 * A wire-faithful fake of MiniMax's official video API (reference/providers.md §4 and §8):
 *  - every answer is HTTP 200 with `base_resp`; errors are `status_code != 0` (1004 for a wrong key,
 *    2013 for bad parameters), and `forceCode` answers every API call with a chosen code;
 *  - `POST /v1/video_generation` validates the body like MiniMax (model enum, upper-case resolution,
 *    10 s not at 1080P, `last_frame_image` on Hailuo-02 only, image URLs or data URIs);
 *  - `GET /v1/query/video_generation` walks Preparing → Queueing → Processing → Success|Fail, one step
 *    per status GET;
 *  - `GET /v1/files/retrieve` returns a download URL on this fake that expires (`expires_at_ms` query
 *    parameter checked against the fake's clock); an expired URL answers 403, so refreshes can be tested;
 *  - Video Generation V2 for MiniMax-H3 (providers.md §9.3, §9.7): `POST /v2/video_generation` with
 *    `content[]` roles, validated with H3's joint rules (unknown keys refused, one text item, ≤1 first
 *    and ≤1 last frame, 768P|2K, 4–15 s, a concrete ratio without frames; defaults 2K, 5 s, 16:9 [I]),
 *    answering a bare `{task_id}`; errors ride HTTP status codes with `{type:"error", error:{type,message}}`
 *    (plus `base_resp` when `v2BaseResp` is set); `GET /v2/query/video_generation/{id}` walks
 *    queued → running → succeeded with `task.content.url` (or failed with `task.error`).
 */
import { FAKE_VIDEO, FakeClock, FakeRouter, startFake, type FakeReply, type FakeServer, type RecordedRequest } from './base.js';

export const FAKE_MINIMAX_KEY = 'test-minimax-key';
export const MINIMAX_MODELS = ['MiniMax-Hailuo-02', 'MiniMax-Hailuo-2.3', 'MiniMax-Hailuo-2.3-Fast'] as const;
/** Non-terminal statuses, in the order MiniMax reports them. */
export const MINIMAX_PENDING_STATUSES = ['Preparing', 'Queueing', 'Processing'] as const;

const RESOLUTIONS: Record<string, readonly string[]> = {
  'MiniMax-Hailuo-02': ['512P', '768P', '1080P'],
  'MiniMax-Hailuo-2.3': ['768P', '1080P'],
  'MiniMax-Hailuo-2.3-Fast': ['768P', '1080P'],
};
const DEFAULT_MESSAGES: Record<number, string> = {
  1000: 'unknown error',
  1001: 'request timeout',
  1002: 'rate limit exceeded(RPM)',
  1004: 'authorized failed',
  1008: 'insufficient balance',
  1024: 'internal error',
  1026: 'input new_sensitive',
  1027: 'output new_sensitive',
  1028: 'Daily quota exhausted',
  1030: 'Token plan quota exhausted',
  1039: 'rate limit exceeded(TPM)',
  2013: 'invalid params',
  2049: 'invalid api key',
  2061: 'model is not supported by your plan',
};
const VIDEO_BYTES = FAKE_VIDEO;
const DATA_URI_RE = /^data:image\/(jpeg|jpg|png|webp);base64,[A-Za-z0-9+/]+=*$/;

export interface FakeMinimaxOptions {
  /** The key the fake accepts as `Authorization: Bearer <key>` (default FAKE_MINIMAX_KEY). */
  apiKey?: string;
  /** Status GETs answered with a non-terminal status before the task finishes (default 3: one per status). */
  pollsToComplete?: number;
  /** How tasks end (default 'success'). */
  outcome?: 'success' | 'fail';
  /** MiniMax's docs say `Fail`, its CLI says `Failed`; the fake can speak either (default 'Fail'). */
  failStatus?: 'Fail' | 'Failed';
  /** Answer every /v1 call with this `base_resp.status_code` (e.g. 1004 for a key from the other region). */
  forceCode?: number;
  /** Lifetime of download URLs in ms, measured on `clock` (default one hour, like MiniMax). */
  urlLifetimeMs?: number;
  /** Clock for URL expiry; advance it to expire download URLs (default a fresh FakeClock). */
  clock?: FakeClock;
  /** V2 errors also carry `base_resp` (new-api#7168 says a rejected call may), so clients must read both. */
  v2BaseResp?: boolean;
}

const H3_RATIOS = ['adaptive', '21:9', '16:9', '4:3', '1:1', '3:4', '9:16'];
const V2_KEYS = new Set(['model', 'content', 'resolution', 'duration', 'ratio', 'aigc_watermark', 'callback_url']);

/** A V2 error: HTTP status with `{type:"error", error:{type,message}}`, optionally with `base_resp` too. */
function v2Error(status: number, type: string, message: string, code: number, withBaseResp: boolean): FakeReply {
  return {
    status,
    json: {
      type: 'error',
      error: { type, message: `${message} (${code})` },
      ...(withBaseResp ? { base_resp: { status_code: code, status_msg: message } } : {}),
    },
  };
}

/** MiniMax-H3's create rules (providers.md §9.3); undefined when valid. */
function validateV2(b: Record<string, unknown>): string | undefined {
  const unknown = Object.keys(b).filter((k) => !V2_KEYS.has(k));
  if (unknown.length) return `unknown field ${unknown[0]}`;
  if (b['model'] !== 'MiniMax-H3') return `model ${String(b['model'])} is not supported on /v2/video_generation`;
  const content = b['content'];
  if (!Array.isArray(content) || content.length === 0) return 'content must be a non-empty array';
  const texts = content.filter((c: { type?: unknown }) => c?.type === 'text');
  if (texts.length !== 1 || typeof texts[0].text !== 'string' || !texts[0].text || texts[0].text.length > 7000)
    return 'content needs exactly one non-empty text item of at most 7000 characters';
  let first = 0;
  let last = 0;
  let videos = 0;
  for (const c of content as Record<string, unknown>[]) {
    if (c['type'] === 'text') continue;
    if (c['type'] === 'video_url') {
      const url = (c['video_url'] as { url?: unknown } | undefined)?.url;
      if (typeof url !== 'string' || !(/^data:video\/(mp4|quicktime);base64,/.test(url) || /^https?:\/\/\S+$/.test(url)))
        return 'video_url.url must be a public URL or a video data URI';
      if (c['role'] !== 'reference_video') return 'a video must have role reference_video';
      videos++;
      continue;
    }
    if (c['type'] !== 'image_url') return `content type ${String(c['type'])} is not supported here`;
    const url = (c['image_url'] as { url?: unknown } | undefined)?.url;
    if (typeof url !== 'string' || !(DATA_URI_RE.test(url) || /^https?:\/\/\S+$/.test(url))) return 'image_url.url must be a public URL or an image data URI';
    const role = c['role'] ?? 'first_frame';
    if (role === 'first_frame') first++;
    else if (role === 'last_frame') last++;
    else return `image role ${String(role)} is not supported by this fake`;
  }
  if (first > 1 || last > 1) return 'at most one first_frame and one last_frame';
  if (videos > 3) return 'at most 3 reference videos';
  if (videos > 0 && first + last > 0) return 'frames and reference media cannot be mixed';
  const resolution = b['resolution'] ?? '2K';
  if (resolution !== '768P' && resolution !== '2K') return 'resolution must be 768P or 2K';
  const duration = b['duration'] ?? 5;
  if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 4 || duration > 15) return 'duration must be an integer from 4 to 15';
  const ratio = b['ratio'];
  if (ratio !== undefined && !H3_RATIOS.includes(String(ratio))) return `ratio must be one of ${H3_RATIOS.join(', ')}`;
  if (first + last + videos === 0 && ratio === 'adaptive') return 'text-only requests need a concrete ratio, not adaptive';
  if (b['aigc_watermark'] !== undefined && typeof b['aigc_watermark'] !== 'boolean') return 'aigc_watermark must be a boolean';
  return undefined;
}

export interface FakeMinimaxTask {
  id: string;
  model: string;
  body: Record<string, unknown>;
  /** Status GETs answered so far. */
  polls: number;
  outcome: 'success' | 'fail';
  fileId: string;
  /** 2 for MiniMax-H3 on Video Generation V2. */
  api?: 2;
}

export type FakeMinimax = FakeServer & {
  readonly apiKey: string;
  readonly clock: FakeClock;
  readonly tasks: Map<string, FakeMinimaxTask>;
  /** The bytes every finished video serves. */
  readonly videoBytes: Buffer;
  /** Answer every /v1 call with this code (undefined restores normal behaviour). */
  forceCode(code: number | undefined, msg?: string): void;
  /** Outcome for tasks created from now on. */
  setOutcome(outcome: 'success' | 'fail'): void;
  setUrlLifetimeMs(ms: number): void;
};

const ok = { status_code: 0, status_msg: 'success' };
function reply(json: Record<string, unknown>): FakeReply {
  return { status: 200, json: { ...json, base_resp: ok } };
}
function fail(code: number, msg = DEFAULT_MESSAGES[code] ?? 'error'): FakeReply {
  return { status: 200, json: { base_resp: { status_code: code, status_msg: msg } } };
}
function invalid(detail: string): FakeReply {
  return fail(2013, `invalid params, ${detail}`);
}

function validateImage(field: string, v: unknown): FakeReply | undefined {
  if (typeof v !== 'string' || !v) return invalid(`${field} must be a non-empty string`);
  if (v.startsWith('data:')) return DATA_URI_RE.test(v) ? undefined : invalid(`${field} is not a valid image data URI`);
  if (!/^https?:\/\/[^\s]+$/.test(v)) return invalid(`${field} must be a public URL or a base64 data URI`);
  return undefined;
}

function validateCreate(b: Record<string, unknown>): FakeReply | undefined {
  const model = b['model'];
  if (typeof model !== 'string' || !(MINIMAX_MODELS as readonly string[]).includes(model)) return invalid(`model ${String(model)} is not supported`);
  const first = b['first_frame_image'];
  const last = b['last_frame_image'];
  const prompt = b['prompt'];
  if (prompt !== undefined && (typeof prompt !== 'string' || prompt.length > 2000)) return invalid('prompt must be a string of at most 2000 characters');
  if (first === undefined && (typeof prompt !== 'string' || !prompt)) return invalid('prompt is required without first_frame_image');
  if (model === 'MiniMax-Hailuo-2.3-Fast' && first === undefined) return invalid('first_frame_image is required for MiniMax-Hailuo-2.3-Fast');
  if (first !== undefined) {
    const bad = validateImage('first_frame_image', first);
    if (bad) return bad;
  }
  if (last !== undefined) {
    if (model !== 'MiniMax-Hailuo-02') return invalid(`last_frame_image is not supported by ${model}`);
    if (first === undefined) return invalid('last_frame_image requires first_frame_image');
    const bad = validateImage('last_frame_image', last);
    if (bad) return bad;
  }
  const duration = b['duration'] ?? 6;
  if (duration !== 6 && duration !== 10) return invalid('duration must be 6 or 10');
  const resolution = b['resolution'] ?? '768P';
  if (typeof resolution !== 'string' || !(RESOLUTIONS[model] ?? []).includes(resolution))
    return invalid(`resolution ${String(resolution)} is not supported by ${model}; use one of ${(RESOLUTIONS[model] ?? []).join(', ')}`);
  if (resolution === '1080P' && duration === 10) return invalid('duration 10 is not supported at 1080P');
  if (resolution === '512P' && (first === undefined || last !== undefined)) return invalid('512P is only for image-to-video without last_frame_image');
  if (b['prompt_optimizer'] !== undefined && typeof b['prompt_optimizer'] !== 'boolean') return invalid('prompt_optimizer must be a boolean');
  if (b['callback_url'] !== undefined && (typeof b['callback_url'] !== 'string' || !/^https?:\/\//.test(b['callback_url'])))
    return invalid('callback_url must be a URL');
  if (b['aigc_watermark'] !== undefined && typeof b['aigc_watermark'] !== 'boolean') return invalid('aigc_watermark must be a boolean');
  return undefined;
}

export async function startFakeMinimax(opts: FakeMinimaxOptions = {}): Promise<FakeMinimax> {
  const apiKey = opts.apiKey ?? FAKE_MINIMAX_KEY;
  const clock = opts.clock ?? new FakeClock();
  const pollsToComplete = opts.pollsToComplete ?? MINIMAX_PENDING_STATUSES.length;
  const failStatus = opts.failStatus ?? 'Fail';
  let outcome = opts.outcome ?? 'success';
  let urlLifetimeMs = opts.urlLifetimeMs ?? 3_600_000;
  let forced: { code: number; msg: string | undefined } | undefined = opts.forceCode === undefined ? undefined : { code: opts.forceCode, msg: undefined };
  const tasks = new Map<string, FakeMinimaxTask>();
  const v2BaseResp = opts.v2BaseResp ?? false;
  let seq = 0;
  let self = '';

  /** Auth and forced codes apply to every API call, as MiniMax checks the key first. */
  function gate(req: RecordedRequest): FakeReply | undefined {
    if (forced) return fail(forced.code, forced.msg);
    if (req.headers['authorization'] !== `Bearer ${apiKey}`) return fail(1004);
    return undefined;
  }

  const router = new FakeRouter()
    .on('POST', '/v1/video_generation', (req) => {
      const denied = gate(req);
      if (denied) return denied;
      if (!req.json || typeof req.json !== 'object') return invalid('body must be JSON');
      const body = req.json as Record<string, unknown>;
      const bad = validateCreate(body);
      if (bad) return bad;
      seq++;
      const id = String(106916112212032 + seq);
      tasks.set(id, { id, model: String(body['model']), body, polls: 0, outcome, fileId: String(176844028768320 + seq) });
      return reply({ task_id: id });
    })
    .on('GET', '/v1/query/video_generation', (req) => {
      const denied = gate(req);
      if (denied) return denied;
      const task = tasks.get(req.query.get('task_id') ?? '');
      if (!task) return invalid('task_id not found');
      const step = task.polls++;
      if (step < pollsToComplete) {
        // With fewer polls than statuses the earliest statuses are skipped, so Processing is always seen.
        const offset = Math.max(0, MINIMAX_PENDING_STATUSES.length - pollsToComplete);
        const status = MINIMAX_PENDING_STATUSES[Math.min(step + offset, MINIMAX_PENDING_STATUSES.length - 1)];
        return reply({ task_id: task.id, status });
      }
      if (task.outcome === 'fail') return reply({ task_id: task.id, status: failStatus, file_id: '' });
      return reply({ task_id: task.id, status: 'Success', file_id: task.fileId, video_width: 1366, video_height: 768 });
    })
    .on('POST', '/v2/video_generation', (req) => {
      if (forced) return v2Error(400, 'bad_request_error', forced.msg ?? DEFAULT_MESSAGES[forced.code] ?? 'error', forced.code, v2BaseResp);
      if (req.headers['authorization'] !== `Bearer ${apiKey}`) return v2Error(401, 'authentication_error', 'invalid api key', 1004, v2BaseResp);
      if (!req.json || typeof req.json !== 'object' || Array.isArray(req.json)) return v2Error(400, 'bad_request_error', 'body must be JSON', 2013, v2BaseResp);
      const body = req.json as Record<string, unknown>;
      const bad = validateV2(body);
      if (bad) return v2Error(400, 'bad_request_error', `invalid params, ${bad}`, 2013, v2BaseResp);
      seq++;
      const id = String(424010985738629 + seq);
      tasks.set(id, { id, model: 'MiniMax-H3', body, polls: 0, outcome, fileId: `v2-${id}`, api: 2 });
      // Bare: no base_resp on a V2 create (new-api#7168; flowcraft videoV2CreateResponse).
      return { status: 200, json: { task_id: id } };
    })
    .on('GET', '/v2/query/video_generation/:id', (req, params) => {
      if (req.headers['authorization'] !== `Bearer ${apiKey}`) return v2Error(401, 'authentication_error', 'invalid api key', 1004, v2BaseResp);
      const task = tasks.get(params['id'] ?? '');
      if (!task || task.api !== 2) return v2Error(404, 'not_found_error', 'task not found', 2013, v2BaseResp);
      const b = task.body;
      const base = {
        id: task.id,
        model: 'MiniMax-H3',
        created_at: 1785125529,
        updated_at: 1785125529 + task.polls,
        resolution: b['resolution'] ?? '2K',
        duration: b['duration'] ?? 5,
        ratio: b['ratio'] ?? '16:9',
        task_type: 'generation',
        modality: 'video',
      };
      const step = task.polls++;
      if (step < pollsToComplete) return { status: 200, json: { task: { ...base, status: step === 0 && pollsToComplete > 1 ? 'queued' : 'running' } } };
      if (task.outcome === 'fail')
        return { status: 200, json: { task: { ...base, status: 'failed', error: { code: '1026', message: 'video description contains sensitive content' } } } };
      return {
        status: 200,
        json: {
          task: {
            ...base,
            status: 'succeeded',
            content: { url: `${self}/v2files/${task.id}.mp4` },
            usage: { total_seconds: base.duration, output_seconds: base.duration },
          },
        },
      };
    })
    .on('GET', '/v2files/:name', (_req, params) => {
      const id = (params['name'] ?? '').replace(/\.mp4$/, '');
      const t = tasks.get(id);
      if (!t || t.api !== 2) return { status: 404, body: 'not found' };
      return { status: 200, headers: { 'content-type': 'video/mp4' }, body: VIDEO_BYTES };
    })
    .on('GET', '/v1/files/retrieve', (req) => {
      const denied = gate(req);
      if (denied) return denied;
      const fileId = req.query.get('file_id') ?? '';
      const task = [...tasks.values()].find((t) => t.fileId === fileId && t.outcome === 'success' && t.polls > pollsToComplete);
      if (!task) return invalid('file_id not found');
      const expires = clock.now() + urlLifetimeMs;
      return reply({
        file: {
          file_id: Number(fileId),
          bytes: VIDEO_BYTES.length,
          created_at: Math.floor(clock.now() / 1000),
          filename: 'output_aigc.mp4',
          purpose: 'video_generation',
          download_url: `${self}/files/${fileId}.mp4?expires_at_ms=${expires}&signature=fake`,
        },
      });
    })
    .on('GET', '/files/:name', (req, params) => {
      const expires = Number(req.query.get('expires_at_ms'));
      if (!Number.isFinite(expires) || expires < clock.now())
        return {
          status: 403,
          headers: { 'content-type': 'application/xml' },
          body: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
        };
      const fileId = (params['name'] ?? '').replace(/\.mp4$/, '');
      if (![...tasks.values()].some((t) => t.fileId === fileId)) return { status: 404, body: 'not found' };
      return { status: 200, headers: { 'content-type': 'video/mp4' }, body: VIDEO_BYTES };
    });

  const server = await startFake(router);
  self = server.url;
  return Object.assign(server, {
    apiKey,
    clock,
    tasks,
    videoBytes: VIDEO_BYTES,
    forceCode(code: number | undefined, msg?: string) {
      forced = code === undefined ? undefined : { code, msg };
    },
    setOutcome(o: 'success' | 'fail') {
      outcome = o;
    },
    setUrlLifetimeMs(ms: number) {
      urlLifetimeMs = ms;
    },
  });
}
