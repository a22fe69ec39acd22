/**
 * A wire-faithful Apiframe v2 fake (shared/reference/providers.md §2 and §8).
 *
 * - `X-API-Key` auth; a wrong key answers 401 `{"error":"Invalid API key"}`.
 * - `POST /v2/videos/generate` applies the OpenAPI schema: `additionalProperties:false` at the top
 *   level and inside `<family>Params` (so the seed's `webhook_url` is a 400), per-model params, enums,
 *   1080p-not-10-s; violations answer 400 `{"error":"Invalid request body","details":{path:[msg]}}`.
 *   A job costs credits (§2.2 tables); above `creditsAvailable` it is a 402 with
 *   `creditsRequired`/`creditsAvailable`. Answers 202 `{jobId,status:"QUEUED"}`.
 * - `Idempotency-Key` replays the original job (with its current status); a different body is a 409.
 * - Each `GET /v2/jobs/{id}` advances the job one step: QUEUED → PROCESSING (progress) … →
 *   COMPLETED | FAILED | CANCELLED. `result` is `{videoUrl}` by default, or another documented shape.
 * - `POST /v2/uploads` takes multipart field `file`, sniffs magic bytes, answers 201 `{id,url,…}`.
 * - Videos are served at `${url}/files/<id>.mp4` from assets/simulator.mp4.
 */
import { randomUUID } from 'node:crypto';
import { FAKE_VIDEO, FakeRouter, serveVideos, startFake, type FakeReply, type FakeServer, type RouteHandler } from './base.js';

export const FAKE_APIFRAME_KEY = 'test-apiframe-key';
const UUID_RE = /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i;

export interface FakeApiframeOptions {
  /** The valid key (default FAKE_APIFRAME_KEY). */
  apiKey?: string;
  /** Status GETs until a job is terminal (default 3: QUEUED, PROCESSING, COMPLETED). */
  pollsToComplete?: number;
  /** Make every new job FAIL with this `error` text (credits are refunded: `creditCost` 0). */
  failWith?: string;
  /** Make every new job end CANCELLED. */
  cancelJobs?: boolean;
  /** Shape of `result` on COMPLETED (default `videoUrl`; `string` is the older docs' bare URL). */
  resultShape?: 'videoUrl' | 'string' | 'videos' | 'url';
  /** Team credits (default 1000); each job deducts its cost. */
  creditsAvailable?: number;
}

export interface FakeApiframeJob {
  id: string;
  model: string;
  body: Record<string, unknown>;
  polls: number;
  pollsToComplete: number;
  failWith: string | undefined;
  cancel: boolean;
  creditCost: number;
  createdAt: string;
  completedAt: string | null;
  idempotencyKey: string | undefined;
}

export interface FakeApiframeUpload {
  id: string;
  bytes: Buffer;
  filename: string;
  contentType: string;
  kind: 'image' | 'video' | 'audio';
  url: string;
}

export type FakeApiframe = FakeServer & {
  apiKey: string;
  jobs: Map<string, FakeApiframeJob>;
  uploads: Map<string, FakeApiframeUpload>;
  /** Remaining team credits. */
  credits(): number;
  videoBytes: Buffer;
};

type Details = Record<string, string[]>;
const HAILUO = ['hailuo-02', 'hailuo-2.3', 'hailuo-2.3-fast', 'hailuo-03'];
const UNRELEASED = ['hailuo-03'];
const RUNWAY = ['runway-gen4-turbo', 'runway-gen4.5'];
/** veoParams models (§2.2); veo-3.1 and veo-3.1-fast are the ones this project routes to. */
const VEO = ['veo-3.1', 'veo-3.1-fast'];
const RUNWAY_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9'];
const WEBHOOK_EVENTS = ['progress', 'completed', 'failed'];

function add(d: Details, path: string, msg: string): void {
  (d[path] ??= []).push(msg);
}
function isUri(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
function enumOf(d: Details, path: string, v: unknown, allowed: readonly (string | number)[]): void {
  if (v !== undefined && !allowed.includes(v as string | number))
    add(d, path, `Invalid enum value. Expected ${allowed.map((a) => (typeof a === 'string' ? `'${a}'` : String(a))).join(' | ')}, received '${String(v)}'`);
}
function strict(d: Details, prefix: string, obj: Record<string, unknown>, allowed: string[]): void {
  const extra = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (extra.length) add(d, prefix || extra[0]!, `Unrecognized key(s) in object: ${extra.map((k) => `'${k}'`).join(', ')}`);
}

/** The `GenerateVideoRequest` schema for the Hailuo and Runway families (§2.2). */
function validate(body: Record<string, unknown>): Details {
  const d: Details = {};
  const model = body['model'];
  const family = HAILUO.includes(model as string)
    ? 'hailuoParams'
    : RUNWAY.includes(model as string)
      ? 'runwayParams'
      : VEO.includes(model as string)
        ? 'veoParams'
        : undefined;
  if (typeof model !== 'string') add(d, 'model', 'Required');
  // Listed in the OpenAPI but "unreleased" (providers.md §9.5, §9.7): refused at model [I: wording].
  else if (UNRELEASED.includes(model)) add(d, 'model', `Model '${model}' is not released yet`);
  else if (!family) add(d, 'model', `Invalid discriminator value. Expected ${[...HAILUO, ...RUNWAY, ...VEO].map((m) => `'${m}'`).join(' | ')}`);
  strict(d, '', body, ['prompt', 'model', 'webhookUrl', 'webhookEvents', ...(family ? [family] : [])]);
  const prompt = body['prompt'];
  const max = family === 'hailuoParams' ? 2000 : 4000;
  if (typeof prompt !== 'string') add(d, 'prompt', 'Required');
  else if (prompt.length < 1 || prompt.length > max) add(d, 'prompt', `String must contain between 1 and ${max} character(s)`);
  if (body['webhookUrl'] !== undefined && !isUri(body['webhookUrl'])) add(d, 'webhookUrl', 'Invalid url');
  const ev = body['webhookEvents'];
  if (ev !== undefined && (!Array.isArray(ev) || ev.length < 1 || ev.some((e) => !WEBHOOK_EVENTS.includes(e as string))))
    add(d, 'webhookEvents', `Expected a non-empty array of ${WEBHOOK_EVENTS.join(' | ')}`);
  if (!family) return d;
  const raw = body[family];
  if (raw === undefined) return d;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    add(d, family, 'Expected object');
    return d;
  }
  const p = raw as Record<string, unknown>;
  if (family === 'hailuoParams') {
    strict(d, family, p, ['image', ...(model === 'hailuo-02' ? ['end_image'] : []), 'duration', 'resolution', 'prompt_optimizer']);
    for (const k of ['image', 'end_image']) if (p[k] !== undefined && !isUri(p[k])) add(d, `${family}.${k}`, 'Invalid url');
    enumOf(d, `${family}.duration`, p['duration'], [6, 10]);
    enumOf(d, `${family}.resolution`, p['resolution'], ['768p', '1080p']);
    if (p['prompt_optimizer'] !== undefined && typeof p['prompt_optimizer'] !== 'boolean') add(d, `${family}.prompt_optimizer`, 'Expected boolean');
    if (p['resolution'] === '1080p' && p['duration'] === 10) add(d, `${family}.duration`, '1080p does not support 10 second videos');
  } else if (family === 'veoParams') {
    strict(d, family, p, ['image', 'last_frame', 'aspect_ratio', 'duration', 'resolution', 'generate_audio', 'negative_prompt', 'reference_images', 'seed']);
    for (const k of ['image', 'last_frame']) if (p[k] !== undefined && !isUri(p[k])) add(d, `${family}.${k}`, 'Invalid url');
    if (p['last_frame'] !== undefined && p['image'] === undefined) add(d, `${family}.last_frame`, 'last_frame requires image');
    enumOf(d, `${family}.duration`, p['duration'], [4, 6, 8]);
    enumOf(d, `${family}.resolution`, p['resolution'], ['720p', '1080p']);
    enumOf(d, `${family}.aspect_ratio`, p['aspect_ratio'], ['16:9', '9:16']);
    if (p['generate_audio'] !== undefined && typeof p['generate_audio'] !== 'boolean') add(d, `${family}.generate_audio`, 'Expected boolean');
    if (p['negative_prompt'] !== undefined && (typeof p['negative_prompt'] !== 'string' || p['negative_prompt'].length > 2000))
      add(d, `${family}.negative_prompt`, 'String must contain at most 2000 character(s)');
    if (p['seed'] !== undefined && !Number.isInteger(p['seed'])) add(d, `${family}.seed`, 'Expected integer');
  } else {
    strict(d, family, p, ['image', 'duration', 'aspect_ratio', 'seed']);
    if (p['image'] !== undefined && !isUri(p['image'])) add(d, `${family}.image`, 'Invalid url');
    enumOf(d, `${family}.duration`, p['duration'], [5, 10]);
    enumOf(d, `${family}.aspect_ratio`, p['aspect_ratio'], RUNWAY_RATIOS);
    if (p['seed'] !== undefined && !Number.isInteger(p['seed'])) add(d, `${family}.seed`, 'Expected integer');
  }
  return d;
}

/** Credit cost per §2.2 (hailuo-02: 5/8/10; 2.3 family: 5/10/10; gen4: 8/15). */
function creditCost(body: Record<string, unknown>): number {
  const model = String(body['model']);
  const hp = (body['hailuoParams'] ?? {}) as Record<string, unknown>;
  const rp = (body['runwayParams'] ?? {}) as Record<string, unknown>;
  if (RUNWAY.includes(model)) return rp['duration'] === 10 ? 15 : 8;
  if (VEO.includes(model)) return 20; // no published cost: a placeholder for the fake's ledger
  if (hp['resolution'] === '1080p') return 10;
  if (hp['duration'] === 10) return model === 'hailuo-02' ? 8 : 10;
  return 5;
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

/** Magic-byte sniffing, as the real upload endpoint does. */
function sniff(b: Buffer): { contentType: string; kind: 'image' | 'video' } | undefined {
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { contentType: 'image/png', kind: 'image' };
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { contentType: 'image/jpeg', kind: 'image' };
  if (b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') return { contentType: 'image/webp', kind: 'image' };
  if (b.subarray(0, 4).toString('latin1') === 'GIF8') return { contentType: 'image/gif', kind: 'image' };
  if (b.subarray(4, 8).toString('latin1') === 'ftyp')
    return b.subarray(8, 10).toString('latin1') === 'qt' ? { contentType: 'video/quicktime', kind: 'video' } : { contentType: 'video/mp4', kind: 'video' };
  if (b.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))) return { contentType: 'video/webm', kind: 'video' };
  return undefined;
}

export async function startFakeApiframe(opts: FakeApiframeOptions = {}): Promise<FakeApiframe> {
  const apiKey = opts.apiKey ?? FAKE_APIFRAME_KEY;
  const jobs = new Map<string, FakeApiframeJob>();
  const uploads = new Map<string, FakeApiframeUpload>();
  const idem = new Map<string, { fingerprint: string; id: string }>();
  let credits = opts.creditsAvailable ?? 1000;
  let base = '';

  const authed =
    (h: RouteHandler): RouteHandler =>
    (req, params) =>
      req.headers['x-api-key'] === apiKey ? h(req, params) : { status: 401, json: { error: 'Invalid API key' } };

  function status(j: FakeApiframeJob): string {
    if (j.polls >= j.pollsToComplete) return j.cancel ? 'CANCELLED' : j.failWith !== undefined ? 'FAILED' : 'COMPLETED';
    return j.polls <= 1 ? 'QUEUED' : 'PROCESSING';
  }

  function result(j: FakeApiframeJob): unknown {
    const url = `${base}/files/${j.id}.mp4`;
    switch (opts.resultShape ?? 'videoUrl') {
      case 'string':
        return url;
      case 'videos':
        return { videos: [url] };
      case 'url':
        return { url };
      default:
        return { videoUrl: url };
    }
  }

  function view(j: FakeApiframeJob): Record<string, unknown> {
    const s = status(j);
    const terminal = s === 'COMPLETED' || s === 'FAILED' || s === 'CANCELLED';
    if (terminal) j.completedAt ??= new Date().toISOString();
    return {
      id: j.id,
      status: s,
      model: j.model,
      progress: s === 'COMPLETED' ? 100 : s === 'PROCESSING' ? Math.round((100 * (j.polls - 1)) / Math.max(1, j.pollsToComplete - 1)) : 0,
      result: s === 'COMPLETED' ? result(j) : null,
      error: s === 'FAILED' ? j.failWith : null,
      creditCost: s === 'FAILED' || s === 'CANCELLED' ? 0 : j.creditCost,
      webhookStatus: j.body['webhookUrl'] && terminal ? 'sent' : null,
      createdAt: j.createdAt,
      completedAt: terminal ? j.completedAt : null,
      ...(s === 'COMPLETED' ? { expired: false } : {}),
    };
  }

  const generate: RouteHandler = (req) => {
    if (!req.json || typeof req.json !== 'object' || Array.isArray(req.json))
      return { status: 400, json: { error: 'Invalid request body', details: { body: ['Expected object'] } } };
    const body = req.json as Record<string, unknown>;
    const details = validate(body);
    if (Object.keys(details).length) return { status: 400, json: { error: 'Invalid request body', details } };
    const ikey = req.headers['idempotency-key'];
    const idemKey = typeof ikey === 'string' ? ikey : undefined;
    const fingerprint = canonical(body);
    if (idemKey !== undefined) {
      const prior = idem.get(idemKey);
      if (prior && prior.fingerprint !== fingerprint) return { status: 409, json: { error: 'Idempotency key reused with a different request body' } };
      const j = prior && jobs.get(prior.id);
      if (j) return { status: 202, json: { jobId: j.id, status: status(j) } };
    }
    const cost = creditCost(body);
    if (cost > credits) return { status: 402, json: { error: 'Insufficient credits', creditsRequired: cost, creditsAvailable: credits } };
    credits -= cost;
    const j: FakeApiframeJob = {
      id: randomUUID(),
      model: String(body['model']),
      body,
      polls: 0,
      pollsToComplete: opts.pollsToComplete ?? 3,
      failWith: opts.failWith,
      cancel: opts.cancelJobs ?? false,
      creditCost: cost,
      createdAt: new Date().toISOString(),
      completedAt: null,
      idempotencyKey: idemKey,
    };
    jobs.set(j.id, j);
    if (idemKey !== undefined) idem.set(idemKey, { fingerprint, id: j.id });
    return { status: 202, json: { jobId: j.id, status: 'QUEUED' } };
  };

  const upload: RouteHandler = async (req) => {
    const ct = String(req.headers['content-type'] ?? '');
    if (!ct.startsWith('multipart/form-data')) return { status: 400, json: { error: 'Expected multipart/form-data with a file field' } };
    const form = await new Response(req.raw, { headers: { 'content-type': ct } }).formData().catch(() => undefined);
    if (!form) return { status: 400, json: { error: 'Malformed multipart body' } };
    const file = form.get('file');
    if (!file || typeof file === 'string') return { status: 400, json: { error: 'No file uploaded (field "file")' } };
    const bytes = Buffer.from(await file.arrayBuffer());
    const type = sniff(bytes);
    if (!type) return { status: 400, json: { error: 'Unsupported file type' } };
    const id = randomUUID();
    const url = `${base}/uploads/${id}`;
    uploads.set(id, { id, bytes, filename: file.name, contentType: type.contentType, kind: type.kind, url });
    return {
      status: 201,
      json: { id, url, kind: type.kind, contentType: type.contentType, byteSize: bytes.length, expiresAt: new Date(Date.now() + 2 * 3_600_000).toISOString() },
    };
  };

  const router = new FakeRouter()
    .on('POST', '/v2/videos/generate', authed(generate))
    .on(
      'GET',
      '/v2/jobs/:id',
      authed((_req, p): FakeReply => {
        const id = p['id'] ?? '';
        if (!UUID_RE.test(id)) return { status: 400, json: { error: 'Invalid job id', details: { id: ['Invalid uuid'] } } };
        const j = jobs.get(id);
        if (!j) return { status: 404, json: { error: 'Job not found' } };
        j.polls++;
        return { status: 200, json: view(j) };
      }),
    )
    .on('POST', '/v2/uploads', authed(upload))
    // The caller's account (providers.md §2.1, AF-OAS `GET /v2/me`).
    .on(
      'GET',
      '/v2/me',
      authed(() => ({
        json: {
          user: { id: 'u_1', email: 'dev@example.com', role: 'owner' },
          team: { id: 't_1', name: 'Test team', credits: credits, plan: 'pro', customerId: 'c_1' },
          apiKey: { id: 'k_1', name: 'test', prefix: 'afk_' },
        },
      })),
    )
    .on('GET', '/uploads/:id', (_req, p) => {
      const u = uploads.get(p['id'] ?? '');
      return u ? { status: 200, headers: { 'content-type': u.contentType }, body: u.bytes } : { status: 404, json: { error: 'File not found' } };
    });

  serveVideos(router, (id) => jobs.has(id), { status: 404, json: { error: 'File not found' } });
  const server = await startFake(router);
  base = server.url;
  return Object.assign(server, { apiKey, jobs, uploads, credits: () => credits, videoBytes: FAKE_VIDEO });
}
