/**
 * A wire-faithful RunAPI fake (shared/reference/providers.md §1 and §8).
 *
 * - Bearer auth; a wrong key answers 401 `{"error":"Invalid API key"}`.
 * - Create validates the §1.3 contract per endpoint (enums, required fields, runway's conditional
 *   aspect_ratio, 10 s + 1080p, last frame only on Hailuo 02) and answers violations with
 *   422 `{"error":"Validation failed","errors":{field:[msg]}}`. It is stricter than the real service in
 *   one way: unknown body keys are rejected, so an adapter that sends the wrong field names fails.
 *   `minimax_h3/{text_to_video,image_to_video}` (providers.md §9.4) require `model: "minimax-h3"`.
 * - Create answers `{id,status:"pending"}` (or the seed pages' `{task_id,status,model}`) plus
 *   `X-RunAPI-Task-Id`; `Idempotency-Key` replays the original task, and a different body is a 409.
 * - Each status GET advances the task one step: pending → processing … → completed | failed.
 * - Completed tasks point at `${url}/files/<id>.mp4`, served from assets/simulator.mp4.
 */
import { randomUUID } from 'node:crypto';
import { FAKE_VIDEO, FakeRouter, serveVideos, startFake, type FakeReply, type FakeServer, type RecordedRequest, type RouteHandler } from './base.js';

export const FAKE_RUNAPI_KEY = 'test-runapi-key';

export interface FakeRunapiOptions {
  /** The valid key (default FAKE_RUNAPI_KEY). */
  apiKey?: string;
  /** Status GETs until a task is terminal (default 3: pending, processing, completed). */
  pollsToComplete?: number;
  /** Make every new task fail with this `error` text. */
  failWith?: string;
  /** `id` (SDK shape, default) or `seed` (`{task_id,status,model}` as on the seed pages). */
  createShape?: 'id' | 'seed';
  /** Where completed tasks report their cost (default `usage`, i.e. `{usage:{cost:<usd>}}`). */
  billing?: 'usage' | 'cost_cents' | 'amount_cents' | 'none';
  /** Account balance in cents; a task priced above it answers 402 (default: unlimited). */
  balanceCents?: number;
  /** POST the final task object to `callback_url` when a task finishes (default false). */
  deliverCallbacks?: boolean;
}

export interface FakeRunapiTask {
  id: string;
  svc: string;
  ep: string;
  body: Record<string, unknown>;
  polls: number;
  pollsToComplete: number;
  failWith: string | undefined;
  priceCents: number;
  idempotencyKey: string | undefined;
}

export interface FakeRunapiUpload {
  bytes: Buffer;
  fileName: string;
  mime: string;
  url: string;
}

export type FakeRunapi = FakeServer & {
  apiKey: string;
  jobs: Map<string, FakeRunapiTask>;
  uploads: Map<string, FakeRunapiUpload>;
  callbacks: { url: string; body: unknown; status: number | string }[];
  videoBytes: Buffer;
};

type Errors = Record<string, string[]>;
type Check = (body: Record<string, unknown>, errors: Errors) => void;

const HAILUO_T2V = ['hailuo-02-text-to-video-pro', 'hailuo-02-text-to-video-standard'];
const HAILUO_I2V = ['hailuo-02-image-to-video-pro', 'hailuo-02-image-to-video-standard', 'hailuo-2.3-image-to-video-pro', 'hailuo-2.3-image-to-video-standard'];
const RUNWAY_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4'];
const ALEPH_RATIOS = [...RUNWAY_RATIOS, '21:9'];
const H3_RATIOS = ['adaptive', '21:9', '16:9', '4:3', '1:1', '3:4', '9:16'];
const H3_DURATIONS = Array.from({ length: 12 }, (_, i) => i + 4);

function add(errors: Errors, field: string, msg: string): void {
  (errors[field] ??= []).push(msg);
}
function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}
function str(body: Record<string, unknown>, errors: Errors, field: string, opts: { required?: boolean; oneOf?: string[]; max?: number } = {}): void {
  const v = body[field];
  if (v === undefined) {
    if (opts.required) add(errors, field, 'is required');
    return;
  }
  if (typeof v !== 'string' || v === '') return add(errors, field, 'must be a non-empty string');
  if (opts.oneOf && !opts.oneOf.includes(v)) add(errors, field, `must be one of: ${opts.oneOf.join(', ')}`);
  if (opts.max !== undefined && v.length > opts.max) add(errors, field, `is too long (maximum is ${opts.max} characters)`);
}
function bool(body: Record<string, unknown>, errors: Errors, field: string): void {
  if (body[field] !== undefined && typeof body[field] !== 'boolean') add(errors, field, 'must be a boolean');
}
function int(body: Record<string, unknown>, errors: Errors, field: string, opts: { required?: boolean; oneOf?: number[] } = {}): void {
  const v = body[field];
  if (v === undefined) {
    if (opts.required) add(errors, field, 'is required');
    return;
  }
  if (!isInt(v)) return add(errors, field, 'must be an integer');
  if (opts.oneOf && !opts.oneOf.includes(v)) add(errors, field, `must be one of: ${opts.oneOf.join(', ')}`);
}
function onlyKeys(body: Record<string, unknown>, errors: Errors, allowed: string[]): void {
  for (const k of Object.keys(body)) if (!allowed.includes(k)) add(errors, k, 'is not a permitted parameter');
}

/** The §1.3 request contract, one validator per endpoint. */
const CONTRACT: Record<string, Check> = {
  'hailuo/text_to_video': (b, e) => {
    onlyKeys(b, e, ['model', 'prompt', 'duration_seconds', 'prompt_optimizer', 'enable_safety_checker', 'callback_url']);
    str(b, e, 'model', { required: true, oneOf: HAILUO_T2V });
    str(b, e, 'prompt', { required: true, max: 1500 });
    int(b, e, 'duration_seconds', b['model'] === 'hailuo-02-text-to-video-standard' ? { oneOf: [6, 10] } : {});
    bool(b, e, 'prompt_optimizer');
    bool(b, e, 'enable_safety_checker');
    str(b, e, 'callback_url');
  },
  'hailuo/image_to_video': (b, e) => {
    onlyKeys(b, e, [
      'model',
      'prompt',
      'first_frame_image_url',
      'last_frame_image_url',
      'duration_seconds',
      'output_resolution',
      'prompt_optimizer',
      'enable_safety_checker',
      'callback_url',
    ]);
    str(b, e, 'model', { required: true, oneOf: HAILUO_I2V });
    const model = String(b['model']);
    const is23 = model.startsWith('hailuo-2.3-');
    str(b, e, 'prompt', { max: is23 ? 5000 : 1500 });
    str(b, e, 'first_frame_image_url', { required: true });
    str(b, e, 'last_frame_image_url');
    if (is23 && b['last_frame_image_url'] !== undefined) add(e, 'last_frame_image_url', 'is only supported by Hailuo 02 models');
    const pro02 = model === 'hailuo-02-image-to-video-pro';
    int(b, e, 'duration_seconds', pro02 ? {} : { oneOf: [6, 10] });
    if (!pro02) str(b, e, 'output_resolution', { oneOf: is23 ? ['768p', '1080p'] : ['512p', '768p'] });
    else str(b, e, 'output_resolution');
    if (b['duration_seconds'] === 10 && b['output_resolution'] === '1080p') add(e, 'output_resolution', '1080p is not available for 10 second videos');
    bool(b, e, 'prompt_optimizer');
    bool(b, e, 'enable_safety_checker');
    str(b, e, 'callback_url');
  },
  'runway/text_to_video': (b, e) => {
    onlyKeys(b, e, ['model', 'prompt', 'duration_seconds', 'output_resolution', 'first_frame_image_url', 'aspect_ratio', 'watermark', 'callback_url']);
    str(b, e, 'model', { required: true, oneOf: ['runway'] });
    str(b, e, 'prompt', { required: true });
    int(b, e, 'duration_seconds', { required: true, oneOf: [5, 10] });
    str(b, e, 'output_resolution', { required: true, oneOf: ['720p', '1080p'] });
    str(b, e, 'first_frame_image_url');
    if (b['first_frame_image_url'] === undefined) str(b, e, 'aspect_ratio', { required: true, oneOf: RUNWAY_RATIOS });
    else if (b['aspect_ratio'] !== undefined) add(e, 'aspect_ratio', 'must be blank when first_frame_image_url is present');
    if (b['duration_seconds'] === 10 && b['output_resolution'] === '1080p') add(e, 'output_resolution', '1080p is not available for 10 second videos');
    str(b, e, 'watermark');
    str(b, e, 'callback_url');
  },
  'runway/extend_video': (b, e) => {
    onlyKeys(b, e, ['model', 'source_task_id', 'prompt', 'output_resolution', 'watermark', 'callback_url']);
    str(b, e, 'model', { required: true, oneOf: ['runway'] });
    str(b, e, 'source_task_id', { required: true });
    str(b, e, 'prompt', { required: true });
    str(b, e, 'output_resolution', { required: true, oneOf: ['720p', '1080p'] });
    str(b, e, 'watermark');
    str(b, e, 'callback_url');
  },
  'runway_aleph/edit_video': (b, e) => {
    onlyKeys(b, e, ['model', 'prompt', 'source_video_url', 'aspect_ratio', 'seed', 'reference_image_url', 'watermark', 'callback_url']);
    str(b, e, 'model', { oneOf: ['runway-aleph'] });
    str(b, e, 'prompt', { required: true });
    str(b, e, 'source_video_url', { required: true });
    str(b, e, 'aspect_ratio', { oneOf: ALEPH_RATIOS });
    int(b, e, 'seed');
    str(b, e, 'reference_image_url');
    str(b, e, 'watermark');
    str(b, e, 'callback_url');
  },
  // minimax-h3 (providers.md §9.4): `model` is required on these endpoints.
  'minimax_h3/text_to_video': (b, e) => {
    onlyKeys(b, e, [
      'model',
      'prompt',
      'duration_seconds',
      'output_resolution',
      'aspect_ratio',
      'reference_image_urls',
      'reference_video_urls',
      'reference_audio_urls',
      'callback_url',
    ]);
    str(b, e, 'model', { required: true, oneOf: ['minimax-h3'] });
    str(b, e, 'prompt', { required: true, max: 7000 });
    int(b, e, 'duration_seconds', { oneOf: H3_DURATIONS });
    str(b, e, 'output_resolution', { oneOf: ['768p', '2k'] });
    const refs = b['reference_image_urls'] !== undefined || b['reference_video_urls'] !== undefined;
    if (!refs) str(b, e, 'aspect_ratio', { required: true, oneOf: H3_RATIOS.filter((r) => r !== 'adaptive') });
    else str(b, e, 'aspect_ratio', { oneOf: H3_RATIOS });
    str(b, e, 'callback_url');
  },
  'minimax_h3/image_to_video': (b, e) => {
    onlyKeys(b, e, ['model', 'prompt', 'first_frame_image_url', 'last_frame_image_url', 'duration_seconds', 'output_resolution', 'callback_url']);
    str(b, e, 'model', { required: true, oneOf: ['minimax-h3'] });
    str(b, e, 'prompt', { required: true, max: 7000 });
    str(b, e, 'first_frame_image_url');
    str(b, e, 'last_frame_image_url');
    if (b['first_frame_image_url'] === undefined && b['last_frame_image_url'] === undefined)
      add(e, 'first_frame_image_url', 'first_frame_image_url or last_frame_image_url is required');
    int(b, e, 'duration_seconds', { oneOf: H3_DURATIONS });
    str(b, e, 'output_resolution', { oneOf: ['768p', '2k'] });
    str(b, e, 'callback_url');
  },
};

/** Customer price in cents (§1.8), for 402s and billing facts. */
function priceCents(key: string, b: Record<string, unknown>): number {
  const model = String(b['model'] ?? '');
  const d = Number(b['duration_seconds'] ?? (key.startsWith('runway/') ? 5 : 6));
  const r = String(b['output_resolution'] ?? '');
  if (key === 'runway_aleph/edit_video') return 110;
  if (key === 'runway/extend_video') return r === '1080p' ? 30 : 12;
  if (key === 'runway/text_to_video') return d === 10 ? 30 : r === '1080p' ? 30 : 12;
  if (model.endsWith('02-text-to-video-pro') || model.endsWith('02-image-to-video-pro')) return 57;
  if (model === 'hailuo-02-text-to-video-standard') return d === 10 ? 50 : 30;
  if (model === 'hailuo-02-image-to-video-standard') return r === '512p' ? (d === 10 ? 20 : 12) : d === 10 ? 50 : 30;
  if (model === 'hailuo-2.3-image-to-video-pro') return d === 10 ? 90 : r === '1080p' ? 80 : 45;
  if (model === 'hailuo-2.3-image-to-video-standard') return d === 10 ? 50 : r === '1080p' ? 50 : 30;
  return 50;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

const MIME_BY_EXT: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
};

export async function startFakeRunapi(opts: FakeRunapiOptions = {}): Promise<FakeRunapi> {
  const apiKey = opts.apiKey ?? FAKE_RUNAPI_KEY;
  const jobs = new Map<string, FakeRunapiTask>();
  const uploads = new Map<string, FakeRunapiUpload>();
  const callbacks: FakeRunapi['callbacks'] = [];
  const idem = new Map<string, { fingerprint: string; id: string }>();
  let base = '';

  const authed =
    (h: RouteHandler): RouteHandler =>
    (req, params) =>
      req.headers['authorization'] === `Bearer ${apiKey}` ? h(req, params) : { status: 401, json: { error: 'Invalid API key' } };

  /** The task as the status endpoint shows it at its current step (a status GET advances it first). */
  function view(t: FakeRunapiTask): Record<string, unknown> {
    const out: Record<string, unknown> = { id: t.id, model: t.body['model'] ?? (t.svc === 'runway_aleph' ? 'runway-aleph' : undefined) };
    if (t.polls >= t.pollsToComplete) {
      if (t.failWith !== undefined) return { ...out, status: 'failed', error: t.failWith };
      const billing = opts.billing ?? 'usage';
      return {
        ...out,
        status: 'completed',
        videos: [{ id: `${t.id}-0`, url: `${base}/files/${t.id}.mp4` }],
        ...(billing === 'usage' ? { usage: { cost: t.priceCents / 100 } } : billing === 'none' ? {} : { [billing]: t.priceCents }),
      };
    }
    // The create answer and the first status GET both show `pending`, so a walk shows every status.
    if (t.polls <= 1) return { ...out, status: 'pending' };
    return { ...out, status: 'processing', progress: Math.round((100 * t.polls) / t.pollsToComplete) };
  }

  function createReply(t: FakeRunapiTask): FakeReply {
    const v = view(t);
    const json =
      opts.createShape === 'seed' ? { task_id: t.id, status: v['status'], model: t.body['model'] ?? 'runway-aleph' } : { id: t.id, status: v['status'] };
    return { status: 200, headers: { 'x-runapi-task-id': t.id }, json };
  }

  function deliver(t: FakeRunapiTask, body: Record<string, unknown>): void {
    const cb = t.body['callback_url'];
    if (!opts.deliverCallbacks || typeof cb !== 'string') return;
    void fetch(cb, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
      (r) => callbacks.push({ url: cb, body, status: r.status }),
      (err: unknown) => callbacks.push({ url: cb, body, status: String(err) }),
    );
  }

  const create: RouteHandler = (req: RecordedRequest, p) => {
    const key = `${p['svc']}/${p['ep']}`;
    const check = CONTRACT[key];
    if (!check) return { status: 404, json: { error: `No route for ${req.path}` } };
    if (!req.json || typeof req.json !== 'object' || Array.isArray(req.json)) return { status: 400, json: { error: 'Request body must be a JSON object' } };
    const body = req.json as Record<string, unknown>;
    const errors: Errors = {};
    check(body, errors);
    if (Object.keys(errors).length) return { status: 422, json: { error: 'Validation failed', errors } };
    // runway/extend_video continues one of this account's finished runway tasks (§1.5 error codes).
    if (key === 'runway/extend_video') {
      const src = jobs.get(String(body['source_task_id']));
      if (!src || src.svc !== 'runway')
        return { status: 422, json: { error: { code: 'source_task_unusable', message: 'source task not found or not a runway task' } } };
      if (src.polls < src.pollsToComplete || src.failWith !== undefined)
        return { status: 409, json: { error: { code: 'source_task_not_ready', message: 'wait for the source task to complete' } } };
    }

    const ikey = req.headers['idempotency-key'];
    const idemKey = typeof ikey === 'string' ? ikey : undefined;
    const fingerprint = `${req.path}\n${canonical(body)}`;
    if (idemKey !== undefined) {
      const prior = idem.get(idemKey);
      if (prior && prior.fingerprint !== fingerprint)
        return { status: 409, json: { error: { code: 'request_conflict', message: 'Idempotency-Key reused with different input' } } };
      const t = prior && jobs.get(prior.id);
      if (t) return createReply(t);
    }
    const price = priceCents(key, body);
    if (opts.balanceCents !== undefined && price > opts.balanceCents) return { status: 402, json: { error: 'Insufficient credits' } };
    const t: FakeRunapiTask = {
      id: randomUUID(),
      svc: p['svc'] ?? '',
      ep: p['ep'] ?? '',
      body,
      polls: 0,
      pollsToComplete: opts.pollsToComplete ?? 3,
      failWith: opts.failWith,
      priceCents: price,
      idempotencyKey: idemKey,
    };
    jobs.set(t.id, t);
    if (idemKey !== undefined) idem.set(idemKey, { fingerprint, id: t.id });
    return createReply(t);
  };

  const status = (t: FakeRunapiTask | undefined): FakeReply => {
    if (!t) return { status: 404, json: { error: 'Task not found' } };
    const wasTerminal = t.polls >= t.pollsToComplete;
    t.polls++;
    const v = view(t);
    if (!wasTerminal && t.polls >= t.pollsToComplete) deliver(t, v);
    return { status: 200, json: v };
  };

  const router = new FakeRouter()
    .on(
      'POST',
      '/api/v1/files',
      authed((req) => {
        const b = req.json as { source?: { type?: string; data?: string; url?: string }; file_name?: string } | undefined;
        const src = b?.source;
        if (!src || src.type !== 'base64' || typeof src.data !== 'string' || !src.data)
          return { status: 422, json: { error: 'Validation failed', errors: { source: ['must be {type:"base64",data} or {type:"url",url}'] } } };
        const data = src.data.replace(/^data:[^,]*;base64,/, '');
        const bytes = Buffer.from(data, 'base64');
        const fileName = (b.file_name ?? 'upload.bin').replace(/[^A-Za-z0-9._-]/g, '_');
        const id = randomUUID();
        const mime = MIME_BY_EXT[fileName.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
        const url = `${base}/uploads/${id}/${fileName}`;
        uploads.set(id, { bytes, fileName, mime, url });
        const now = Date.now();
        return {
          status: 201,
          json: {
            file_name: fileName,
            url,
            size_bytes: bytes.length,
            mime_type: mime,
            created_at: new Date(now).toISOString(),
            expires_at: new Date(now + 3_600_000).toISOString(),
          },
        };
      }),
    )
    // Account balance (providers.md §1.1, RA-CORE account.ts): free, authenticated.
    .on(
      'GET',
      '/api/v1/me/balance',
      authed(() => {
        const cents = opts.balanceCents ?? 1234;
        return { json: { balance_cents: cents, paid_balance_cents: cents, bonus_balance_cents: 0, spent_cents_today: 0, spent_cents_total: 0 } };
      }),
    )
    .on('POST', '/api/v1/:svc/:ep', authed(create))
    .on(
      'GET',
      '/api/v1/:svc/:ep/:id',
      authed((_req, p) => {
        const t = jobs.get(p['id'] ?? '');
        return status(t && t.svc === p['svc'] && t.ep === p['ep'] ? t : undefined);
      }),
    )
    // mcp-core's fallback form when the action is unknown.
    .on(
      'GET',
      '/api/v1/:svc/:id',
      authed((_req, p) => {
        const t = jobs.get(p['id'] ?? '');
        return status(t && t.svc === p['svc'] ? t : undefined);
      }),
    )
    .on('GET', '/uploads/:id/:name', (_req, p) => {
      const u = uploads.get(p['id'] ?? '');
      return u ? { status: 200, headers: { 'content-type': u.mime }, body: u.bytes } : { status: 404, json: { error: 'File not found' } };
    });

  serveVideos(router, (id) => jobs.has(id), { status: 404, json: { error: 'File not found' } });
  const server = await startFake(router);
  base = server.url;
  return Object.assign(server, { apiKey, jobs, uploads, callbacks, videoBytes: FAKE_VIDEO });
}
