/**
 * A wire-faithful Atlas Cloud fake (shared/reference/providers.md §3 and §8).
 *
 * - Bearer auth; a wrong key answers 401 `{"code":401,"msg":"Invalid API key"}`.
 * - `POST /api/v1/model/generateVideo` takes a flat body and validates it against the §3.5 table for
 *   the Hailuo ids (fields per id, required image on i2v/fast ids, duration enums); violations answer
 *   400 `{"code":400,"msg":…}`. Unknown keys are refused too (stricter than the real service, so an
 *   adapter sending `resolution`, `input` or common-vocabulary names fails). MiniMax H3 and H3 Max ids
 *   (§9.5) validate resolution (2K; 480P|768P), 5–15 s and a concrete ratio for text. A price above
 *   `balanceUsd` answers 402 `{"code":402,"msg":"Insufficient balance"}`.
 * - Success: `{"code":200,"message":"success","data":{id (32 hex),status:"created",outputs:[],urls:{get},…}}`.
 * - With `errorsAsHttp200`, every error is HTTP 200 with `code != 200` in the body.
 * - No idempotency: every submit creates a prediction.
 * - Status: the first `warmupPolls` GETs of a prediction answer 404 (or `warmupStatus`) without
 *   advancing; then each GET advances one step: starting → processing … → completed | succeeded |
 *   failed. Outputs are in `outputs` (default) or `output` (array or bare string); failures in `error`
 *   or `logs`.
 * - `POST /api/v1/model/uploadMedia` (multipart `file`) → `data.download_url`.
 * - Videos are served at `${url}/files/<id>.mp4` from assets/simulator.mp4.
 */
import { randomUUID } from 'node:crypto';
import { FAKE_VIDEO, FakeRouter, serveVideos, startFake, type FakeReply, type FakeServer, type RouteHandler } from './base.js';

export const FAKE_ATLAS_KEY = 'test-atlas-key';

export interface FakeAtlasOptions {
  /** The valid key (default FAKE_ATLAS_KEY). */
  apiKey?: string;
  /** Status GETs (after warm-up) until terminal (default 3: starting, processing, completed). */
  pollsToComplete?: number;
  /** Make every new prediction fail with this text. */
  failWith?: string;
  /** Where the failure text goes (default `error`). */
  failureField?: 'error' | 'logs';
  /** Terminal success status (default `completed`). */
  completedStatus?: 'completed' | 'succeeded';
  /** Where output URLs go (default `outputs`; `output` is an array, `output-string` a bare string). */
  outputField?: 'outputs' | 'output' | 'output-string';
  /** How many status GETs per prediction answer the warm-up error first (default 0). */
  warmupPolls?: number;
  /** The warm-up error status (default 404). */
  warmupStatus?: 400 | 404;
  /** Answer every error as HTTP 200 with `code != 200` in the body. */
  errorsAsHttp200?: boolean;
  /** Account balance in USD; a prediction priced above it answers 402 (default: unlimited). */
  balanceUsd?: number;
}

export interface FakeAtlasPrediction {
  id: string;
  model: string;
  body: Record<string, unknown>;
  warmupLeft: number;
  polls: number;
  pollsToComplete: number;
  failWith: string | undefined;
  createdAt: string;
  completedAt: string | undefined;
}

export interface FakeAtlasUpload {
  id: string;
  bytes: Buffer;
  filename: string;
  contentType: string;
  url: string;
}

export type FakeAtlas = FakeServer & {
  apiKey: string;
  jobs: Map<string, FakeAtlasPrediction>;
  uploads: Map<string, FakeAtlasUpload>;
  videoBytes: Buffer;
};

interface ModelRule {
  fields: string[];
  imageRequired?: boolean;
  promptRequired?: boolean;
  durations?: number[];
  resolutions?: string[];
  ratios?: string[];
  /** Text-only requests must give a concrete ratio. */
  ratioRequired?: boolean;
  /** `refers: [{url, type}]` with at least one item (reference-to-video). */
  refersRequired?: boolean;
  promptMax?: number;
  usd: number;
}
const H3_D = Array.from({ length: 11 }, (_, i) => i + 5);
const H3_CONCRETE = ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16'];
/** H3 Developer: 4–15 s (§9.5). */
const H3_DEV_D = Array.from({ length: 12 }, (_, i) => i + 4);
/** MiniMax H3 ids (providers.md §9.5; field names from Atlas's ComfyUI nodes [I]). */
const H3: Record<string, ModelRule> = {
  'minimax/h3/text-to-video': {
    fields: ['prompt', 'duration', 'resolution', 'aspect_ratio'],
    ...{ promptRequired: true },
    durations: H3_D,
    resolutions: ['2K'],
    ratios: H3_CONCRETE,
    ratioRequired: true,
    promptMax: 7000,
    usd: 1,
  },
  'minimax/h3/image-to-video': {
    fields: ['prompt', 'image', 'end_image', 'duration', 'resolution', 'aspect_ratio'],
    imageRequired: true,
    promptRequired: true,
    durations: H3_D,
    resolutions: ['2K'],
    ratios: ['adaptive', ...H3_CONCRETE],
    promptMax: 7000,
    usd: 1,
  },
  'minimax/h3/reference-to-video': {
    fields: ['prompt', 'refers', 'duration', 'resolution', 'aspect_ratio'],
    promptRequired: true,
    refersRequired: true,
    durations: H3_D,
    resolutions: ['2K'],
    ratios: ['adaptive', ...H3_CONCRETE],
    promptMax: 7000,
    usd: 1,
  },
  'minimax/h3-max-turbo/text-to-video': {
    fields: ['prompt', 'duration', 'resolution'],
    promptRequired: true,
    durations: H3_D,
    resolutions: ['480P', '768P'],
    promptMax: 7000,
    usd: 1,
  },
  'minimax/h3-max-turbo/image-to-video': {
    fields: ['prompt', 'image', 'end_image', 'duration', 'resolution'],
    imageRequired: true,
    promptRequired: true,
    durations: H3_D,
    resolutions: ['480P', '768P'],
    promptMax: 7000,
    usd: 1,
  },
  'minimax/h3-developer/text-to-video': {
    fields: ['prompt', 'duration', 'resolution', 'aspect_ratio', 'prompt_expansion'],
    promptRequired: true,
    durations: H3_DEV_D,
    resolutions: ['480P', '768P'],
    ratios: H3_CONCRETE,
    ratioRequired: true,
    promptMax: 7000,
    usd: 1,
  },
  'minimax/h3-developer/image-to-video': {
    fields: ['prompt', 'image', 'end_image', 'duration', 'resolution', 'prompt_expansion'],
    imageRequired: true,
    promptRequired: true,
    durations: H3_DEV_D,
    resolutions: ['480P', '768P'],
    promptMax: 7000,
    usd: 1,
  },
  'minimax/h3-developer/reference-to-video': {
    fields: ['prompt', 'refers', 'duration', 'resolution', 'aspect_ratio', 'prompt_expansion'],
    promptRequired: true,
    refersRequired: true,
    durations: H3_DEV_D,
    resolutions: ['480P', '768P'],
    ratios: ['adaptive', ...H3_CONCRETE],
    promptMax: 7000,
    usd: 1,
  },
  'minimax/h3-max/text-to-video': {
    fields: ['prompt', 'duration', 'resolution', 'prompt_expansion'],
    promptRequired: true,
    durations: H3_D,
    resolutions: ['480P', '768P'],
    promptMax: 7000,
    usd: 1,
  },
  'minimax/h3-max/image-to-video': {
    fields: ['prompt', 'image', 'end_image', 'duration', 'resolution', 'prompt_expansion'],
    imageRequired: true,
    promptRequired: true,
    durations: H3_D,
    resolutions: ['480P', '768P'],
    promptMax: 7000,
    usd: 1,
  },
};
const I2V = { imageRequired: true };
const T2V = { promptRequired: true };
/** §3.5, for the Hailuo ids this project uses. Prices: SEED-4 / AT-DOCS where known, else a guess. */
const MODELS: Record<string, ModelRule> = {
  'minimax/hailuo-02/fast': { fields: ['prompt', 'image', 'duration', 'enable_prompt_expansion', 'go_fast'], ...I2V, durations: [6, 10], usd: 0.1 },
  'minimax/hailuo-02/standard': { fields: ['prompt', 'image', 'end_image', 'duration', 'enable_prompt_expansion'], durations: [6, 10], usd: 0.23 },
  'minimax/hailuo-02/pro': { fields: ['prompt', 'image', 'end_image', 'duration', 'enable_prompt_expansion'], durations: [6], usd: 0.49 },
  'minimax/hailuo-02/t2v-standard': { fields: ['prompt', 'duration', 'enable_prompt_expansion'], ...T2V, durations: [6, 10], usd: 0.23 },
  'minimax/hailuo-02/t2v-pro': { fields: ['prompt', 'enable_prompt_expansion'], ...T2V, usd: 0.49 },
  'minimax/hailuo-02/i2v-standard': { fields: ['prompt', 'image', 'duration', 'enable_prompt_expansion'], ...I2V, durations: [6, 10], usd: 0.23 },
  'minimax/hailuo-02/i2v-pro': { fields: ['prompt', 'image', 'enable_prompt_expansion'], ...I2V, usd: 0.49 },
  'minimax/hailuo-2.3/fast': { fields: ['prompt', 'image', 'duration', 'enable_prompt_expansion', 'go_fast'], ...I2V, durations: [6, 10], usd: 0.19 },
  'minimax/hailuo-2.3/i2v-standard': { fields: ['prompt', 'image', 'duration', 'enable_prompt_expansion'], ...I2V, durations: [6, 10], usd: 0.28 },
  'minimax/hailuo-2.3/i2v-pro': { fields: ['prompt', 'image', 'enable_prompt_expansion'], ...I2V, usd: 0.49 },
  'minimax/hailuo-2.3/t2v-standard': { fields: ['prompt', 'duration', 'enable_prompt_expansion'], ...T2V, durations: [6, 10], usd: 0.28 },
  'minimax/hailuo-2.3/t2v-pro': { fields: ['prompt', 'enable_prompt_expansion'], ...T2V, usd: 0.49 },
  ...H3,
};

function isMedia(v: unknown): boolean {
  return typeof v === 'string' && (/^https?:\/\/\S+$/.test(v) || /^data:image\/[a-z+.-]+;base64,/.test(v));
}

/** The first problem with a body, as Atlas reports one message (null when valid). */
function validate(body: Record<string, unknown>): string | null {
  const model = body['model'];
  if (typeof model !== 'string' || !model) return 'model is required';
  const rule = MODELS[model];
  if (!rule) return `model ${model} not found`;
  const extra = Object.keys(body).filter((k) => k !== 'model' && !rule.fields.includes(k));
  if (extra.length) return `unsupported parameter(s) for ${model}: ${extra.join(', ')}`;
  const prompt = body['prompt'];
  const max = rule.promptMax ?? 2000;
  if (prompt !== undefined && (typeof prompt !== 'string' || prompt.length > max)) return `prompt must be a string of at most ${max} characters`;
  if ((rule.promptRequired || body['image'] === undefined) && (typeof prompt !== 'string' || !prompt)) return 'prompt is required';
  if (rule.imageRequired && body['image'] === undefined) return 'image is required';
  for (const k of ['image', 'end_image']) if (body[k] !== undefined && !isMedia(body[k])) return `${k} must be an http(s) URL or a base64 data URI`;
  if (body['end_image'] !== undefined && body['image'] === undefined) return 'end_image requires image';
  const d = body['duration'];
  if (d !== undefined && rule.durations && !rule.durations.includes(d as number)) return `duration must be one of [${rule.durations.join(', ')}]`;
  for (const k of ['enable_prompt_expansion', 'go_fast', 'prompt_expansion'])
    if (body[k] !== undefined && typeof body[k] !== 'boolean') return `${k} must be a boolean`;
  if (body['resolution'] !== undefined && rule.resolutions && !rule.resolutions.includes(String(body['resolution'])))
    return `resolution must be one of [${rule.resolutions.join(', ')}]`;
  const ratio = body['aspect_ratio'];
  if (ratio !== undefined && rule.ratios && !rule.ratios.includes(String(ratio))) return `aspect_ratio must be one of [${rule.ratios.join(', ')}]`;
  if (rule.ratioRequired && ratio === undefined) return 'aspect_ratio is required';
  const refers = body['refers'];
  if (rule.refersRequired) {
    if (!Array.isArray(refers) || refers.length === 0) return 'refers must be a non-empty array';
    for (const r of refers as { url?: unknown; type?: unknown }[]) {
      if (!isMedia(r?.url) && !(typeof r?.url === 'string' && /^data:video\//.test(r.url))) return 'refers[].url must be an http(s) URL or a data URI';
      if (r?.type !== undefined && !['image', 'video', 'audio'].includes(String(r.type))) return 'refers[].type must be image, video or audio';
    }
    if ((refers as { type?: unknown }[]).every((r) => r?.type === 'audio')) return 'audio references need an image or video reference';
  }
  return null;
}

export async function startFakeAtlas(opts: FakeAtlasOptions = {}): Promise<FakeAtlas> {
  const apiKey = opts.apiKey ?? FAKE_ATLAS_KEY;
  const jobs = new Map<string, FakeAtlasPrediction>();
  const uploads = new Map<string, FakeAtlasUpload>();
  let balance = opts.balanceUsd ?? Infinity;
  let base = '';

  const fail = (code: number, msg: string): FakeReply => ({ status: opts.errorsAsHttp200 ? 200 : code, json: { code, msg } });
  const ok = (data: unknown): FakeReply => ({ status: 200, json: { code: 200, message: 'success', data } });
  const authed =
    (h: RouteHandler): RouteHandler =>
    (req, params) =>
      req.headers['authorization'] === `Bearer ${apiKey}` ? h(req, params) : fail(401, 'Invalid API key');

  function view(p: FakeAtlasPrediction): Record<string, unknown> {
    const out: Record<string, unknown> = {
      id: p.id,
      model: p.model,
      urls: { get: `${base}/api/v1/model/prediction/${p.id}` },
      created_at: p.createdAt,
      has_nsfw_contents: [],
    };
    if (p.polls < p.pollsToComplete) return { ...out, status: p.polls === 0 ? 'created' : p.polls === 1 ? 'starting' : 'processing', outputs: [] };
    p.completedAt ??= new Date().toISOString();
    if (p.failWith !== undefined) {
      const field = opts.failureField ?? 'error';
      return { ...out, status: 'failed', outputs: [], [field]: p.failWith, completed_at: p.completedAt };
    }
    const url = `${base}/files/${p.id}.mp4`;
    const outputs = opts.outputField === 'output' ? { output: [url] } : opts.outputField === 'output-string' ? { output: url } : { outputs: [url] };
    return { ...out, status: opts.completedStatus ?? 'completed', ...outputs, metrics: { predict_time: 1.5 }, completed_at: p.completedAt };
  }

  const generate: RouteHandler = (req) => {
    if (!req.json || typeof req.json !== 'object' || Array.isArray(req.json)) return fail(400, 'request body must be a JSON object');
    const body = req.json as Record<string, unknown>;
    const problem = validate(body);
    if (problem) return fail(400, problem);
    const usd = MODELS[String(body['model'])]?.usd ?? 0.5;
    if (usd > balance) return fail(402, 'Insufficient balance');
    balance -= usd;
    const p: FakeAtlasPrediction = {
      id: randomUUID().replace(/-/g, ''),
      model: String(body['model']),
      body,
      warmupLeft: opts.warmupPolls ?? 0,
      polls: 0,
      pollsToComplete: opts.pollsToComplete ?? 3,
      failWith: opts.failWith,
      createdAt: new Date().toISOString(),
      completedAt: undefined,
    };
    jobs.set(p.id, p);
    return ok(view(p));
  };

  const upload: RouteHandler = async (req) => {
    const ct = String(req.headers['content-type'] ?? '');
    if (!ct.startsWith('multipart/form-data')) return fail(400, 'expected multipart/form-data with a file field');
    const form = await new Response(req.raw, { headers: { 'content-type': ct } }).formData().catch(() => undefined);
    const file = form?.get('file');
    if (!file || typeof file === 'string') return fail(400, 'file is required');
    const bytes = Buffer.from(await file.arrayBuffer());
    const id = randomUUID().replace(/-/g, '');
    const filename = file.name.replace(/[^A-Za-z0-9._-]/g, '_') || 'upload.bin';
    const contentType = file.type || 'application/octet-stream';
    const url = `${base}/media/${id}/${filename}`;
    uploads.set(id, { id, bytes, filename, contentType, url });
    return ok({ type: contentType.split('/')[0], download_url: url, filename, size: bytes.length });
  };

  const router = new FakeRouter()
    .on('POST', '/api/v1/model/generateVideo', authed(generate))
    .on(
      'GET',
      '/api/v1/model/prediction/:id',
      authed((_req, params) => {
        const p = jobs.get(params['id'] ?? '');
        if (!p) return fail(404, 'prediction not found');
        if (p.warmupLeft > 0) {
          p.warmupLeft--;
          return opts.warmupStatus === 400 ? fail(400, 'invalid prediction id') : fail(404, 'prediction not found');
        }
        p.polls++;
        return ok(view(p));
      }),
    )
    .on('POST', '/api/v1/model/uploadMedia', authed(upload))
    .on('GET', '/media/:id/:name', (_req, p) => {
      const u = uploads.get(p['id'] ?? '');
      return u ? { status: 200, headers: { 'content-type': u.contentType }, body: u.bytes } : { status: 404, body: 'not found' };
    });

  serveVideos(router, (id) => jobs.has(id), { status: 404, body: 'not found' });
  const server = await startFake(router);
  base = server.url;
  return Object.assign(server, { apiKey, jobs, uploads, videoBytes: FAKE_VIDEO });
}
