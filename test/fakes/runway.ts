/**
 * A wire-faithful fake of Runway's official API (reference/providers.md §5 and §8):
 *  - requires `Authorization: Bearer <key>` (401 `{"error":"Invalid API key"}`) and
 *    `X-Runway-Version: 2024-11-06` (400 otherwise);
 *  - validates create bodies per model as @runwayml/sdk 4.20.1 types them (ratios, durations, prompt
 *    length, `promptImage` positions, `gen4_turbo` not on text_to_video, unknown keys refused; Veo 3.1,
 *    Hailuo 3, H3 Max, Aleph 2), refuses retired ids (`gen4_aleph`) at `model` naming the successor,
 *    and checks media: https:// URLs on a domain, `data:` URIs up to 5 MB for every kind,
 *    and `runway://` URIs from its own uploads; `http://` gets
 *    `400 {"error":"promptImage: Only HTTPS URLs are allowed."}`;
 *  - tasks walk PENDING → (THROTTLED) → RUNNING{progress} → SUCCEEDED{output,cost} | FAILED, one step
 *    per status GET; `DELETE /v1/tasks/{id}` answers 204 and the task then answers 404;
 *  - the uploads flow: `POST /v1/uploads` hands out an upload URL on this fake, which takes a multipart
 *    POST (policy fields, then `file`) and stores the bytes;
 *  - an optional daily generation limit answers 429 on creation.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { FAKE_VIDEO, FakeRouter, startFake, type FakeReply, type FakeServer, type RecordedRequest } from './base.js';

export const FAKE_RUNWAY_KEY = `key_${'0123456789abcdef'.repeat(8)}`;
export const RUNWAY_VERSION = '2024-11-06';

const GEN4_RATIOS = ['1280:720', '720:1280', '1104:832', '832:1104', '960:960', '1584:672'];
const VEO_RATIOS = ['1280:720', '720:1280', '1080:1920', '1920:1080'];
const H3_RATIOS = ['adaptive', '21:9', '16:9', '4:3', '1:1', '3:4', '9:16'];
/** One model on one endpoint, after @runwayml/sdk 4.20.1's `*CreateParams` (providers.md §9.1). */
interface ModelRule {
  /** Undefined: the model takes no `ratio`. */
  ratios?: readonly string[];
  ratioRequired: boolean;
  durations: readonly number[];
  promptRequired: boolean;
  durationRequired: boolean;
  /** Allowed promptImage positions beyond 'first'. */
  lastFrame: boolean;
  /** A last frame needs a first one. */
  lastNeedsFirst: boolean;
  resolutions?: readonly string[];
  /** Every other body key the model takes (unknown keys are refused, as Runway's validation does). */
  extra: readonly string[];
  /** Longest promptText (default 1000). */
  promptMax?: number;
  creditsPerSecond: number;
}
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const rule = (r: Partial<ModelRule> & Pick<ModelRule, 'durations' | 'creditsPerSecond'>): ModelRule => ({
  ratioRequired: true,
  promptRequired: false,
  durationRequired: false,
  lastFrame: false,
  lastNeedsFirst: true,
  extra: [],
  ...r,
});
const VEO = (credits: number, promptRequired: boolean) =>
  rule({
    ratios: VEO_RATIOS,
    durations: [4, 6, 8],
    promptRequired,
    lastFrame: true,
    extra: ['seed', 'negativePrompt', 'audio'],
    creditsPerSecond: credits,
  });
/** hailuo3's durations 4–15 and h3_max's 5–15 are [I] in providers.md §9.7. */
const HAILUO3 = (t2v: boolean) =>
  rule({
    ratios: H3_RATIOS,
    ratioRequired: t2v,
    durations: range(4, 15),
    promptRequired: true,
    lastFrame: true,
    lastNeedsFirst: false,
    resolutions: ['768p', '2k', '768P', '2K'],
    creditsPerSecond: 20,
  });
const H3_MAX = rule({
  durations: range(5, 15),
  ratioRequired: false,
  promptRequired: true,
  lastFrame: true,
  resolutions: ['480p', '768p'],
  extra: ['seed', 'promptExpansionMode'],
  creditsPerSecond: 20,
});
const SEEDANCE_RATIOS = [
  ...['992:432', '864:496', '752:560', '640:640', '560:752', '496:864', '1470:630', '1280:720', '1112:834', '960:960', '834:1112', '720:1280'],
  ...[
    '2206:946',
    '1920:1080',
    '1664:1248',
    '1440:1440',
    '1248:1664',
    '1080:1920',
    '3840:1646',
    '3840:2160',
    '3840:2880',
    '3840:3840',
    '2880:3840',
    '2160:3840',
  ],
];
const SEEDANCE25_RATIOS = [...['992:432', '854:480', '752:560', '640:640', '560:752', '480:854'], ...SEEDANCE_RATIOS.slice(6, 18)];
/** seedance2: durations 4–15 are [I] (the SDK types a number or `auto`); 36 credits/s (§5.6). */
const SEEDANCE2 = (t2v: boolean, ratios: readonly string[] = SEEDANCE_RATIOS) =>
  rule({
    ratios,
    ratioRequired: false,
    durations: range(4, 15),
    promptRequired: t2v,
    lastFrame: true,
    extra: ['seed', 'audio'],
    promptMax: 3500,
    creditsPerSecond: 36,
  });
const I2V: Record<string, ModelRule> = {
  seedance2: SEEDANCE2(false),
  seedance2_fast: SEEDANCE2(false, SEEDANCE_RATIOS.slice(0, 12)),
  seedance2_mini: SEEDANCE2(false, SEEDANCE_RATIOS.slice(0, 12)),
  seedance2_5: { ...SEEDANCE2(false, SEEDANCE25_RATIOS), promptMax: 15000 },
  gen4_turbo: rule({ ratios: GEN4_RATIOS, durations: range(2, 10), extra: ['seed', 'contentModeration'], creditsPerSecond: 5 }),
  'gen4.5': rule({
    ratios: GEN4_RATIOS,
    durations: range(2, 10),
    promptRequired: true,
    durationRequired: true,
    extra: ['seed', 'contentModeration'],
    creditsPerSecond: 12,
  }),
  'veo3.1': VEO(40, false),
  'veo3.1_fast': VEO(15, false),
  hailuo3: HAILUO3(false),
  h3_max: H3_MAX,
};
const T2V: Record<string, ModelRule> = {
  seedance2: SEEDANCE2(true),
  seedance2_fast: SEEDANCE2(true, SEEDANCE_RATIOS.slice(0, 12)),
  seedance2_mini: SEEDANCE2(true, SEEDANCE_RATIOS.slice(0, 12)),
  // The SDK types promptText as optional on seedance2_5 text-to-video.
  seedance2_5: { ...SEEDANCE2(false, SEEDANCE25_RATIOS), promptMax: 15000 },
  'gen4.5': rule({
    ratios: ['1280:720', '720:1280'],
    durations: range(2, 10),
    promptRequired: true,
    durationRequired: true,
    extra: ['seed', 'contentModeration'],
    creditsPerSecond: 12,
  }),
  'veo3.1': VEO(40, true),
  'veo3.1_fast': VEO(15, true),
  hailuo3: HAILUO3(true),
  h3_max: H3_MAX,
};
const V2V_CREDITS_PER_SECOND: Record<string, number> = { aleph2: 15 };
const ALEPH2_TARGET_RATIOS = ['16:9', '4:3', '3:2', '1:1', '2:3', '3:4', '9:16', '21:9'];
/** Retired ids and their successors (RW3 → RW4): refused at `model`, naming the successor (§9.7). */
const RETIRED: Record<string, string> = { gen4_aleph: 'aleph2', veo3: 'veo3.1', gen3a_turbo: 'gen4_turbo' };
/** Encoded data-URI limit: "up to 5MB" for images, videos and audio alike (RW4 CHANGELOG 4.17.1). */
const DATA_URI_MAX = 5_000_000;
const VIDEO_BYTES = FAKE_VIDEO;

export interface FakeRunwayOptions {
  /** The key the fake accepts (default FAKE_RUNWAY_KEY, `key_` + 128 hex characters). */
  apiKey?: string;
  /** Status GETs answered with a non-terminal status before the task finishes (default 3). */
  pollsToComplete?: number;
  /** Pass tasks through THROTTLED (the organization's concurrency limit) after PENDING. */
  throttled?: boolean;
  /** How tasks end (default 'success'); 'safety' fails with a SAFETY.* failureCode. */
  outcome?: 'success' | 'fail' | 'safety';
  /** Tasks the organization may create before creation answers 429 (default unlimited). */
  dailyLimit?: number;
}

export interface FakeRunwayTask {
  id: string;
  endpoint: string;
  model: string;
  body: Record<string, unknown>;
  createdAt: string;
  polls: number;
  outcome: 'success' | 'fail' | 'safety';
  /** Canceled outside the API (e.g. from the dashboard): GET shows CANCELLED. */
  cancelled: boolean;
  /** DELETEd through the API: GET answers 404. */
  deleted: boolean;
  credits: number;
}

export interface FakeRunwayUpload {
  id: string;
  filename: string;
  fields: Record<string, string>;
  runwayUri: string;
  /** Set once the multipart POST arrived. */
  bytes?: Buffer;
  contentType?: string;
}

export type FakeRunway = FakeServer & {
  readonly apiKey: string;
  readonly tasks: Map<string, FakeRunwayTask>;
  readonly uploads: Map<string, FakeRunwayUpload>;
  readonly videoBytes: Buffer;
  setOutcome(outcome: 'success' | 'fail' | 'safety'): void;
  setThrottled(on: boolean): void;
  /** Cancel a task the way the dashboard would: it stays readable with status CANCELLED. */
  cancelTask(id: string): void;
};

function error(status: number, message: string): FakeReply {
  return { status, json: { error: message } };
}
function issue(path: string, message: string, code = 'invalid_value'): FakeReply {
  return { status: 400, json: { error: 'Validation of body failed', issues: [{ code, path: [path], message }] } };
}

export async function startFakeRunway(opts: FakeRunwayOptions = {}): Promise<FakeRunway> {
  const apiKey = opts.apiKey ?? FAKE_RUNWAY_KEY;
  const pollsToComplete = opts.pollsToComplete ?? 3;
  let throttled = opts.throttled ?? false;
  let outcome = opts.outcome ?? 'success';
  const tasks = new Map<string, FakeRunwayTask>();
  const uploads = new Map<string, FakeRunwayUpload>();
  let created = 0;
  let self = '';

  function gate(req: RecordedRequest): FakeReply | undefined {
    if (req.headers['authorization'] !== `Bearer ${apiKey}`) return error(401, 'Invalid API key');
    const version = req.headers['x-runway-version'];
    if (version !== RUNWAY_VERSION)
      return error(
        400,
        version === undefined ? 'Missing X-Runway-Version header. Expected 2024-11-06.' : `Invalid X-Runway-Version header "${String(version)}".`,
      );
    return undefined;
  }

  /** Runway's asset checks: the field named in the message, as Runway's asset errors do. */
  function checkAsset(field: string, uri: unknown, kind: 'image' | 'video'): FakeReply | undefined {
    if (typeof uri !== 'string' || !uri) return issue(field, 'Expected a string URI', 'invalid_type');
    if (uri.length > 2048 && !uri.startsWith('data:')) return error(400, `${field}: URLs must be at most 2048 characters.`);
    if (uri.startsWith('data:')) {
      const m = /^data:([a-z]+)\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/]+=*$/i.exec(uri);
      if (!m || m[1]?.toLowerCase() !== kind) return error(400, `${field}: Invalid data URI.`);
      if (uri.length > DATA_URI_MAX) return error(400, `${field}: Data URI is too large (over 5MB). Use an upload for files this size.`);
      return undefined;
    }
    if (uri.startsWith('runway://')) {
      const up = [...uploads.values()].find((u) => u.runwayUri === uri);
      if (!up?.bytes) return error(400, `${field}: Invalid runway:// URI; the upload does not exist or was never completed.`);
      if (!up.contentType?.startsWith(`${kind}/`)) return error(400, `${field}: The uploaded asset is not ${kind === 'image' ? 'an image' : 'a video'}.`);
      return undefined;
    }
    let u: URL;
    try {
      u = new URL(uri);
    } catch {
      return error(400, `${field}: Invalid URL.`);
    }
    if (u.protocol !== 'https:') return error(400, `${field}: Only HTTPS URLs are allowed.`);
    if (isIP(u.hostname.replace(/^\[|\]$/g, '')) !== 0) return error(400, `${field}: URLs must use a domain name, not an IP address.`);
    return undefined;
  }

  function common(b: Record<string, unknown>, rule: ModelRule, base: readonly string[]): FakeReply | undefined {
    const known = new Set([
      ...base,
      'model',
      'promptText',
      'duration',
      ...(rule.ratios ? ['ratio'] : []),
      ...(rule.resolutions ? ['resolution'] : []),
      ...rule.extra,
    ]);
    const unknown = Object.keys(b).filter((k) => !known.has(k));
    if (unknown.length) return issue(unknown[0]!, `Unrecognized key(s) in object: ${unknown.map((k) => `'${k}'`).join(', ')}`, 'unrecognized_keys');
    const prompt = b['promptText'];
    const promptMax = rule.promptMax ?? 1000;
    if (prompt === undefined ? rule.promptRequired : typeof prompt !== 'string' || !prompt || prompt.length > promptMax)
      return issue('promptText', `promptText is required and must be 1 to ${promptMax} characters`);
    const ratio = b['ratio'];
    if (rule.ratios && (ratio === undefined ? rule.ratioRequired : typeof ratio !== 'string' || !rule.ratios.includes(ratio)))
      return issue('ratio', `Invalid enum value. Expected ${rule.ratios.map((r) => `'${r}'`).join(' | ')}, received '${String(ratio)}'`);
    if (rule.resolutions && b['resolution'] !== undefined && !rule.resolutions.includes(String(b['resolution'])))
      return issue('resolution', `Invalid enum value. Expected ${rule.resolutions.map((r) => `'${r}'`).join(' | ')}`);
    const d = b['duration'];
    if (d === undefined ? rule.durationRequired : typeof d !== 'number' || !rule.durations.includes(d))
      return issue('duration', `duration must be one of ${rule.durations.join(', ')}`);
    const seed = b['seed'];
    if (seed !== undefined && (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 4294967295))
      return issue('seed', 'seed must be an integer from 0 to 4294967295');
    if (b['audio'] !== undefined && typeof b['audio'] !== 'boolean') return issue('audio', 'Expected boolean', 'invalid_type');
    if (b['promptExpansionMode'] !== undefined && !['disabled', 'balanced', 'quality'].includes(String(b['promptExpansionMode'])))
      return issue('promptExpansionMode', "Invalid enum value. Expected 'disabled' | 'balanced' | 'quality'");
    return undefined;
  }

  function create(endpoint: string, b: Record<string, unknown>): FakeReply {
    const model = typeof b['model'] === 'string' ? b['model'] : '';
    const successor = RETIRED[model];
    if (successor) return issue('model', `Model '${model}' has been retired; use '${successor}' instead.`, 'invalid_enum_value');
    let credits: number;
    if (endpoint === 'video_to_video' && model === 'hailuo3') {
      // hailuo3 on video_to_video: promptText and promptVideo required (RW4 video-to-video.ts:231).
      const bad = common(
        b,
        rule({ ratios: H3_RATIOS, ratioRequired: false, durations: range(4, 15), promptRequired: true, resolutions: ['768p', '2k'], creditsPerSecond: 20 }),
        ['promptVideo'],
      );
      if (bad) return bad;
      const asset = checkAsset('promptVideo', b['promptVideo'], 'video');
      if (asset) return asset;
      credits = 20 * (typeof b['duration'] === 'number' ? b['duration'] : 5);
    } else if (endpoint === 'video_to_video') {
      const perSecond = V2V_CREDITS_PER_SECOND[model];
      if (perSecond === undefined) return issue('model', `Invalid enum value. Expected 'aleph2' | 'hailuo3', received '${model}'`);
      const known = new Set([
        'model',
        'videoUri',
        'promptText',
        'seed',
        'targetAspectRatio',
        'keyframes',
        'outputFormat',
        'proresProfile',
        'contentModeration',
        'ratio',
      ]);
      const unknown = Object.keys(b).filter((k) => !known.has(k));
      if (unknown.length) return issue(unknown[0]!, `Unrecognized key(s) in object: ${unknown.map((k) => `'${k}'`).join(', ')}`, 'unrecognized_keys');
      if (b['promptText'] !== undefined && (typeof b['promptText'] !== 'string' || !b['promptText'] || b['promptText'].length > 1000))
        return issue('promptText', 'promptText must be 1 to 1000 characters');
      if (b['targetAspectRatio'] !== undefined && !ALEPH2_TARGET_RATIOS.includes(String(b['targetAspectRatio'])))
        return issue('targetAspectRatio', `Invalid enum value. Expected ${ALEPH2_TARGET_RATIOS.map((r) => `'${r}'`).join(' | ')}`);
      const bad = checkAsset('videoUri', b['videoUri'], 'video');
      if (bad) return bad;
      credits = perSecond * 5; // the fake's source clips are 5 s
    } else {
      const rules = endpoint === 'image_to_video' ? I2V : T2V;
      const rule = rules[model];
      if (!rule)
        return issue(
          'model',
          `Invalid enum value. Expected ${Object.keys(rules)
            .map((m) => `'${m}'`)
            .join(' | ')}, received '${model}'`,
        );
      if (endpoint === 'image_to_video') {
        const pi = b['promptImage'];
        const entries: { uri: unknown; position: unknown }[] =
          typeof pi === 'string' ? [{ uri: pi, position: 'first' }] : Array.isArray(pi) ? (pi as { uri: unknown; position: unknown }[]) : [];
        if (entries.length === 0) return issue('promptImage', 'promptImage is required', 'invalid_type');
        const positions = entries.map((e) => e?.position);
        if (
          positions.some((p) => p !== 'first' && p !== (rule.lastFrame ? 'last' : 'first')) ||
          new Set(positions).size !== positions.length ||
          (rule.lastNeedsFirst && !positions.includes('first'))
        )
          return issue('promptImage', `${model} takes ${rule.lastFrame ? "one 'first' and at most one 'last'" : "a single 'first'"} promptImage position`);
        for (const e of entries) {
          const bad = checkAsset('promptImage', e?.uri, 'image');
          if (bad) return bad;
        }
      } else if (b['promptImage'] !== undefined) {
        return issue('promptImage', 'promptImage is not accepted by text_to_video', 'unrecognized_keys');
      }
      if (endpoint === 'text_to_video' && model === 'hailuo3' && b['ratio'] === 'adaptive')
        return issue('ratio', 'adaptive needs image or video references; text-only requests require a concrete ratio');
      const bad = common(b, rule, endpoint === 'image_to_video' ? ['promptImage'] : []);
      if (bad) return bad;
      credits = rule.creditsPerSecond * (typeof b['duration'] === 'number' ? b['duration'] : 5);
    }
    if (opts.dailyLimit !== undefined && created >= opts.dailyLimit) return error(429, 'You have exceeded your daily generation limit');
    created++;
    const id = randomUUID();
    tasks.set(id, { id, endpoint, model, body: b, createdAt: new Date().toISOString(), polls: 0, outcome, cancelled: false, deleted: false, credits });
    return { status: 200, json: { id, estimatedCost: { credits } } };
  }

  function taskJson(t: FakeRunwayTask): Record<string, unknown> {
    const base = { id: t.id, createdAt: t.createdAt };
    if (t.cancelled) return { ...base, status: 'CANCELLED' };
    const pending = ['PENDING', ...(throttled ? ['THROTTLED'] : []), 'RUNNING'];
    const step = t.polls++;
    if (step < pollsToComplete) {
      // With fewer polls than statuses the earliest are skipped, so RUNNING is always seen.
      const i = Math.min(step + Math.max(0, pending.length - pollsToComplete), pending.length - 1);
      const status = pending[i];
      if (status !== 'RUNNING') return { ...base, status, estimatedCost: { credits: t.credits } };
      const runningSteps = Math.max(1, pollsToComplete - (pending.length - 1));
      const k = step - (pollsToComplete - runningSteps);
      return { ...base, status, progress: Math.round(((k + 1) / (runningSteps + 1)) * 100) / 100, estimatedCost: { credits: t.credits } };
    }
    if (t.outcome === 'fail')
      return { ...base, status: 'FAILED', failure: 'An unexpected error occurred.', failureCode: 'INTERNAL.BAD_OUTPUT.CODE01', cost: { credits: 0 } };
    if (t.outcome === 'safety')
      return {
        ...base,
        status: 'FAILED',
        failure: 'The input text was flagged by content moderation.',
        failureCode: 'SAFETY.INPUT.TEXT',
        cost: { credits: 0 },
      };
    return { ...base, status: 'SUCCEEDED', output: [`${self}/files/${t.id}.mp4?_jwt=${randomBytes(8).toString('hex')}`], cost: { credits: t.credits } };
  }

  const router = new FakeRouter();
  for (const endpoint of ['image_to_video', 'text_to_video', 'video_to_video']) {
    router.on('POST', `/v1/${endpoint}`, (req) => {
      const denied = gate(req);
      if (denied) return denied;
      if (!req.json || typeof req.json !== 'object' || Array.isArray(req.json)) return error(400, 'Request body must be a JSON object.');
      return create(endpoint, req.json as Record<string, unknown>);
    });
  }
  router
    // The organization: credit balance and tier (providers.md §5.1, RW-SDK `organization.retrieve`).
    .on(
      'GET',
      '/v1/organization',
      (req) => gate(req) ?? { json: { creditBalance: 5000, tier: { maxMonthlyCreditSpend: 10000, models: {} }, usage: { models: {} } } },
    )
    .on('GET', '/v1/tasks/:id', (req, params) => {
      const denied = gate(req);
      if (denied) return denied;
      const t = tasks.get(params['id'] ?? '');
      if (!t || t.deleted) return error(404, 'Task not found');
      return { status: 200, json: taskJson(t) };
    })
    .on('DELETE', '/v1/tasks/:id', (req, params) => {
      const denied = gate(req);
      if (denied) return denied;
      const t = tasks.get(params['id'] ?? '');
      if (!t || t.deleted) return error(404, 'Task not found');
      t.deleted = true;
      return { status: 204 };
    })
    .on('POST', '/v1/uploads', (req) => {
      const denied = gate(req);
      if (denied) return denied;
      const b = (req.json ?? {}) as Record<string, unknown>;
      if (typeof b['filename'] !== 'string' || !b['filename']) return issue('filename', 'filename is required', 'invalid_type');
      if (b['type'] !== 'ephemeral') return issue('type', "Invalid enum value. Expected 'ephemeral'");
      const id = randomUUID();
      const fields = {
        key: `uploads/${id}/${b['filename']}`,
        policy: Buffer.from(JSON.stringify({ expiration: new Date(Date.now() + 3_600_000).toISOString() })).toString('base64'),
        'x-amz-algorithm': 'AWS4-HMAC-SHA256',
        'x-amz-signature': randomBytes(32).toString('hex'),
      };
      const upload: FakeRunwayUpload = { id, filename: b['filename'], fields, runwayUri: `runway://uploads/${id}` };
      uploads.set(id, upload);
      return { status: 200, json: { uploadUrl: `${self}/upload-bucket`, fields, runwayUri: upload.runwayUri } };
    })
    // Presigned storage, not Runway's API: it must not be sent the API key.
    .on('POST', '/upload-bucket', async (req) => {
      const xml = (code: string, msg: string): FakeReply => ({
        status: 400,
        headers: { 'content-type': 'application/xml' },
        body: `<Error><Code>${code}</Code><Message>${msg}</Message></Error>`,
      });
      if (req.headers['authorization'] !== undefined) return xml('InvalidArgument', 'Only one auth mechanism allowed');
      const ct = String(req.headers['content-type'] ?? '');
      if (!ct.startsWith('multipart/form-data')) return xml('PreconditionFailed', 'Bucket POST must be of the enclosure-type multipart/form-data');
      const form = await new Response(new Uint8Array(req.raw), { headers: { 'content-type': ct } }).formData();
      const names = [...form.keys()];
      if (names[names.length - 1] !== 'file') return xml('InvalidArgument', 'The file must be the last field in the form');
      const key = form.get('key');
      const upload = [...uploads.values()].find((u) => u.fields['key'] === key);
      if (!upload) return xml('AccessDenied', 'Invalid according to Policy: unknown key');
      for (const [k, v] of Object.entries(upload.fields))
        if (form.get(k) !== v) return xml('AccessDenied', `Invalid according to Policy: field ${k} missing or changed`);
      const file = form.get('file');
      if (!file || typeof file === 'string') return xml('InvalidArgument', 'POST requires exactly one file upload per request');
      upload.bytes = Buffer.from(await file.arrayBuffer());
      upload.contentType = file.type;
      return { status: 204 };
    })
    .on('GET', '/files/:name', (_req, params) => {
      const id = (params['name'] ?? '').replace(/\.mp4$/, '');
      if (!tasks.has(id)) return error(404, 'Not found');
      return { status: 200, headers: { 'content-type': 'video/mp4' }, body: VIDEO_BYTES };
    });

  const server = await startFake(router);
  self = server.url;
  return Object.assign(server, {
    apiKey,
    tasks,
    uploads,
    videoBytes: VIDEO_BYTES,
    setOutcome(o: 'success' | 'fail' | 'safety') {
      outcome = o;
    },
    setThrottled(on: boolean) {
      throttled = on;
    },
    cancelTask(id: string) {
      const t = tasks.get(id);
      if (t) t.cancelled = true;
    },
  });
}
