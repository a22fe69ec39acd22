/**
 * A wire-faithful fake of MiniMax's official video API (reference/providers.md §4 and §8):
 *  - every answer is HTTP 200 with `base_resp`; errors are `status_code != 0` (1004 for a wrong key,
 *    2013 for bad parameters), and `forceCode` answers every API call with a chosen code;
 *  - `POST /v1/video_generation` validates the body like MiniMax (model enum, upper-case resolution,
 *    10 s not at 1080P, `last_frame_image` on Hailuo-02 only, image URLs or data URIs);
 *  - `GET /v1/query/video_generation` walks Preparing → Queueing → Processing → Success|Fail, one step
 *    per status GET;
 *  - `GET /v1/files/retrieve` returns a download URL on this fake that expires (`expires_at_ms` query
 *    parameter checked against the fake's clock); an expired URL answers 403, so refreshes can be tested.
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
}

export interface FakeMinimaxTask {
  id: string;
  model: string;
  body: Record<string, unknown>;
  /** Status GETs answered so far. */
  polls: number;
  outcome: 'success' | 'fail';
  fileId: string;
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
