/**
 * The documented limits on input media, as data with their sources, and the check that turns a
 * breach into an `invalid_input` error before anything is sent (or paid for).
 *
 * Limits come from two places and both apply:
 *  - the model family: what the upstream model accepts wherever it is served (Hailuo: MiniMax's
 *    `first_frame_image` rules; Runway: its asset rules, which depend on how the file reaches Runway);
 *  - the provider: how local bytes travel to it (Apiframe's upload caps, Atlas's accepted formats).
 * `mediaLimitsFor` merges every matching entry and keeps, for each limit, the strictest one together
 * with who sets it and where that is written down.
 *
 * "MB" in a source is read as 10^6 bytes unless the source says otherwise (Runway writes 1024 × 1024),
 * so a file is never accepted here and refused upstream for a unit mix-up.
 */
import type { ProviderId } from '../catalog/types.js';
import { VideogenError } from '../errors.js';
import { fieldKind, type MediaField, type MediaInfo, type MediaKind } from './types.js';

export type ModelFamily = 'hailuo' | 'runway';
/** How local bytes reach the provider: an upload endpoint, or a data URI inside the JSON request. */
export type MediaTransport = 'upload' | 'data-uri';

/** A limit, who sets it (for messages: "MiniMax needs …"), and where it is documented. */
export interface Sourced<T> {
  value: T;
  by: string;
  source: string;
}

export interface AspectBounds {
  /** Smallest width:height, as a ratio of integers so that messages can print it as written (2:5). */
  min: readonly [number, number];
  max: readonly [number, number];
}

export interface MediaLimits {
  field: MediaField;
  kind: MediaKind;
  /** Largest accepted file, in bytes (of the file, not of its base64 form). */
  max_bytes: Sourced<number>;
  /** Accepted MIME types, as sniffed. */
  mimes: Sourced<readonly string[]>;
  /** The short side must be strictly greater than this many pixels. */
  short_side_above_px?: Sourced<number>;
  /** Width:height must lie within these bounds (inclusive). */
  aspect_ratio?: Sourced<AspectBounds>;
}

/** One documented rule. Scope keys that are absent match anything. */
export interface MediaLimitEntry {
  scope: { family?: ModelFamily; providers?: readonly ProviderId[]; transport?: MediaTransport };
  kind: MediaKind;
  max_bytes?: number;
  mimes?: readonly string[];
  short_side_above_px?: number;
  aspect_ratio?: AspectBounds;
  by: string;
  source: string;
}

const MB = 1000 * 1000;
const MIB = 1024 * 1024;

/** The default cap on a local input file: Runway's upload ceiling, the largest any provider takes. */
export const DEFAULT_MAX_INPUT_BYTES = 200 * MIB;

/**
 * Runway limits a data URI by its encoded length. The largest file that fits: base64 grows 4/3, and
 * the `data:<mime>;base64,` prefix (under 32 characters for our types) counts too.
 */
function dataUriPayloadBytes(encodedLimit: number): number {
  return Math.floor((encodedLimit - 32) / 4) * 3;
}

/** Runway's data-URI cap in encoded characters, decimal (the stricter reading of "5MB"). */
const RUNWAY_DATA_URI_CHARS = 5 * MB;

const IMAGE_JPEG_PNG_WEBP = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** The limits table. README and `list_models` may render it; tests pin the numbers. */
export const MEDIA_LIMIT_TABLE: readonly MediaLimitEntry[] = [
  // ── Hailuo (MiniMax's models, wherever they are served) ──
  {
    scope: { family: 'hailuo' },
    kind: 'image',
    mimes: IMAGE_JPEG_PNG_WEBP,
    max_bytes: 20 * MB,
    short_side_above_px: 300,
    aspect_ratio: { min: [2, 5], max: [5, 2] },
    by: 'MiniMax',
    source: 'providers.md §4.2 first_frame_image: "JPG/JPEG/PNG/WebP, <20 MB, short side >300 px, aspect 2:5–5:2" (MM-CLI generate.ts, MiniMax docs mirrors)',
  },
  // ── Runway ──
  {
    scope: { family: 'runway' },
    kind: 'image',
    mimes: IMAGE_JPEG_PNG_WEBP,
    by: 'Runway',
    source: 'runwayml/skills rw-api-reference "Supported Formats: Images: JPEG, PNG, WebP (no GIF)"',
  },
  {
    scope: { family: 'runway' },
    kind: 'video',
    // Runway lists codecs, not containers; MP4 and MOV are the containers this server can verify.
    mimes: ['video/mp4', 'video/quicktime'],
    by: 'Runway',
    source: 'runwayml/skills rw-api-reference "Video codecs: H.264, H.265/HEVC, AV1, VP8/VP9, Apple ProRes" (containers: MP4/MOV as sniffed here)',
  },
  {
    scope: { family: 'runway', providers: ['runway'], transport: 'upload' },
    kind: 'image',
    max_bytes: 200 * MIB,
    by: 'Runway (ephemeral upload)',
    source: 'providers.md §5.2/§5.5; docs.dev.runwayml.com/assets/inputs size table: uploads 200 MB',
  },
  {
    scope: { family: 'runway', providers: ['runway'], transport: 'upload' },
    kind: 'video',
    max_bytes: 200 * MIB,
    by: 'Runway (ephemeral upload)',
    source: 'providers.md §5.5; docs.dev.runwayml.com/assets/inputs size table: uploads 200 MB',
  },
  // Runway's inline cap applies to whatever model Runway serves (gen4.5, Veo, Hailuo 3 …).
  {
    scope: { providers: ['runway'], transport: 'data-uri' },
    kind: 'image',
    max_bytes: dataUriPayloadBytes(RUNWAY_DATA_URI_CHARS),
    by: 'Runway (data URI, up to 5 MB encoded)',
    source: 'providers.md §9.2: @runwayml/sdk 4.17.1 "cap media data URIs at 5MB" (image-to-video.ts:88-90)',
  },
  {
    scope: { providers: ['runway'], transport: 'data-uri' },
    kind: 'video',
    max_bytes: dataUriPayloadBytes(RUNWAY_DATA_URI_CHARS),
    by: 'Runway (data URI, up to 5 MB encoded)',
    source: 'providers.md §9.2: @runwayml/sdk 4.17.1 "cap media data URIs at 5MB" for videos too (video-to-video.ts:72-76), replacing §5.2\'s 16 MB',
  },
  // Through a gateway, Runway fetches the file by URL (the gateway's hosted copy). [I]
  {
    scope: { family: 'runway', providers: ['runapi', 'apiframe'] },
    kind: 'image',
    max_bytes: 16 * MIB,
    by: 'Runway (fetching the file by URL)',
    source: 'docs.dev.runwayml.com/assets/inputs size table: image by URL 16MB (applies via gateways [I])',
  },
  {
    scope: { family: 'runway', providers: ['runapi', 'apiframe'] },
    kind: 'video',
    max_bytes: 32 * MIB,
    by: 'Runway (fetching the file by URL)',
    source: 'docs.dev.runwayml.com/assets/inputs size table: video by URL 32MB (applies via gateways [I])',
  },
  // ── Provider transports ──
  {
    scope: { providers: ['apiframe'] },
    kind: 'image',
    max_bytes: 25 * MB,
    mimes: ['image/png', 'image/jpeg', 'image/webp', 'image/gif'],
    by: 'Apiframe uploads',
    source: 'providers.md §2.6 POST /v2/uploads: "Max 25 MB for image/audio" (AF-OAS)',
  },
  {
    scope: { providers: ['apiframe'] },
    kind: 'video',
    max_bytes: 50 * MB,
    mimes: ['video/mp4', 'video/webm', 'video/quicktime'],
    by: 'Apiframe uploads',
    source: 'providers.md §2.6 POST /v2/uploads: "50 MB for video" (AF-OAS)',
  },
  {
    scope: { providers: ['atlascloud'] },
    kind: 'image',
    max_bytes: 20 * MB,
    mimes: ['image/jpeg', 'image/png'],
    by: 'Atlas Cloud',
    source: 'providers.md §3.5 Atlas Hailuo `image`: "JPG/JPEG/PNG, aspect 2:5–5:2, short side >300 px, ≤20 MB" (AT-COMFY tooltips)',
  },
  {
    scope: { providers: ['minimax'] },
    kind: 'video',
    max_bytes: 45 * MB,
    mimes: ['video/mp4', 'video/quicktime'],
    by: 'MiniMax V2 (inline reference video; request body ≤ 64 MB)',
    source: 'providers.md §9.3 media: "video 50 MB, request body 64 MB" (mmx-cli sdk.mjs:1888-1893); base64 of 45 MB fits the body',
  },
  // RunAPI (`/api/v1/files`), MiniMax (data URI in the request) and the simulator document no transport
  // limits of their own; the model family's limits and DEFAULT_MAX_INPUT_BYTES apply.
];

/** Which model family a provider serves when it serves only one (so the family can be left out). */
const ONLY_FAMILY: Partial<Record<ProviderId, ModelFamily>> = { minimax: 'hailuo', atlascloud: 'hailuo', runway: 'runway' };

const GENERIC_MIMES: Record<MediaKind, readonly string[]> = {
  image: IMAGE_JPEG_PNG_WEBP,
  video: ['video/mp4', 'video/quicktime'],
};

/**
 * The limits that apply to `field` when sending to `provider` for a model of `family` (inferred for
 * single-family providers). `transport` matters for Runway direct: an upload (the default) takes up to
 * 200 MB, a data URI about 3.7 MB.
 */
export function mediaLimitsFor(provider: ProviderId, field: MediaField, opts: { family?: ModelFamily; transport?: MediaTransport } = {}): MediaLimits {
  const kind = fieldKind(field);
  const family = opts.family ?? ONLY_FAMILY[provider];
  const transport = opts.transport ?? 'upload';
  const limits: MediaLimits = {
    field,
    kind,
    max_bytes: { value: DEFAULT_MAX_INPUT_BYTES, by: 'videogen-mcp', source: 'DEFAULT_MAX_INPUT_BYTES (Runway upload ceiling)' },
    mimes: { value: GENERIC_MIMES[kind], by: 'videogen-mcp', source: 'formats this server can identify' },
  };
  for (const e of MEDIA_LIMIT_TABLE) {
    if (e.kind !== kind) continue;
    if (e.scope.family !== undefined && e.scope.family !== family) continue;
    if (e.scope.providers !== undefined && !e.scope.providers.includes(provider)) continue;
    if (e.scope.transport !== undefined && e.scope.transport !== transport) continue;
    if (e.max_bytes !== undefined && e.max_bytes < limits.max_bytes.value) limits.max_bytes = { value: e.max_bytes, by: e.by, source: e.source };
    if (e.mimes !== undefined) {
      const allowed = new Set(e.mimes);
      const narrowed = limits.mimes.value.filter((m) => allowed.has(m));
      if (narrowed.length < limits.mimes.value.length || limits.mimes.by === 'videogen-mcp') limits.mimes = { value: narrowed, by: e.by, source: e.source };
    }
    if (e.short_side_above_px !== undefined && e.short_side_above_px > (limits.short_side_above_px?.value ?? -1))
      limits.short_side_above_px = { value: e.short_side_above_px, by: e.by, source: e.source };
    if (e.aspect_ratio !== undefined) {
      const cur = limits.aspect_ratio?.value;
      const min = !cur || ratio(e.aspect_ratio.min) > ratio(cur.min) ? e.aspect_ratio.min : cur.min;
      const max = !cur || ratio(e.aspect_ratio.max) < ratio(cur.max) ? e.aspect_ratio.max : cur.max;
      limits.aspect_ratio = { value: { min, max }, by: e.by, source: e.source };
    }
  }
  return limits;
}

function ratio([w, h]: readonly [number, number]): number {
  return w / h;
}

const MIME_NAMES: Record<string, string> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/webp': 'WebP',
  'image/gif': 'GIF',
  'video/mp4': 'MP4',
  'video/quicktime': 'MOV',
  'video/webm': 'WebM',
};
export function mimeName(mime: string): string {
  return MIME_NAMES[mime] ?? mime;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? 'nothing';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** Human size: 1.5 MB, 812 KB, 200 bytes (decimal units, as the sources write them). */
export function formatBytes(n: number): string {
  if (n >= MB) return `${(n / MB).toFixed(n >= 100 * MB ? 0 : 1)} MB`;
  if (n >= 10_000) return `${Math.round(n / 1000)} KB`;
  return `${n.toLocaleString('en-US')} bytes`;
}

/** Two sizes for a "too large" message, exact when rounding would make them look equal. */
export function formatBytesPair(actual: number, limit: number): [string, string] {
  const a = formatBytes(actual);
  const l = formatBytes(limit);
  return a === l ? [`${actual.toLocaleString('en-US')} bytes`, `${limit.toLocaleString('en-US')} bytes`] : [a, l];
}

function bad(message: string): never {
  throw new VideogenError('invalid_input', message);
}

/**
 * Throw `invalid_input` when the media breaks a limit, naming the limit and the actual value, e.g.
 * "first_frame_image_url: the image is 200×200; MiniMax needs the short side above 300 px."
 */
export function checkMediaLimits(info: MediaInfo, bytes: number, limits: MediaLimits, field: MediaField): void {
  const what = info.kind === 'image' ? 'image' : 'video';
  if (info.kind !== limits.kind) {
    bad(
      `${field}: the file is ${info.kind === 'image' ? 'an image' : 'a video'} (${mimeName(info.mime)}), but ${field} takes ${
        limits.kind === 'image' ? 'an image' : 'a video'
      } (${list(limits.mimes.value.map(mimeName))}).`,
    );
  }
  if (!limits.mimes.value.includes(info.mime)) {
    bad(
      `${field}: the ${what} is ${mimeName(info.mime)}; ${limits.mimes.by} accepts ${list(limits.mimes.value.map(mimeName))}. ` +
        `Convert it (for example to ${mimeName(limits.mimes.value[0] ?? 'image/png')}) and try again.`,
    );
  }
  if (bytes > limits.max_bytes.value) {
    const [actual, limit] = formatBytesPair(bytes, limits.max_bytes.value);
    bad(
      `${field}: the ${what} is ${actual}; ${limits.max_bytes.by} accepts at most ${limit}. ` +
        `Use a smaller file (lower resolution or stronger compression).`,
    );
  }
  if (info.kind !== 'image' || (!limits.short_side_above_px && !limits.aspect_ratio)) return;
  const { width, height } = info;
  if (width === undefined || height === undefined) {
    const by = limits.short_side_above_px?.by ?? limits.aspect_ratio?.by ?? 'the provider';
    bad(`${field}: could not read the image's dimensions (the file may be truncated or corrupt); ${by} needs them checked. Re-save the image and try again.`);
  }
  const short = Math.min(width, height);
  const min = limits.short_side_above_px;
  if (min && short <= min.value) {
    bad(
      `${field}: the image is ${width}×${height}; ${min.by} needs the short side above ${min.value} px. Use a larger image (at least ${min.value + 1} px on the short side).`,
    );
  }
  const ar = limits.aspect_ratio;
  if (ar) {
    const r = width / height;
    const lo = ratio(ar.value.min);
    const hi = ratio(ar.value.max);
    if (r < lo || r > hi) {
      const shown = r >= 1 ? `${trim(r)}:1` : `1:${trim(1 / r)}`;
      bad(
        `${field}: the image is ${width}×${height} (aspect ${shown}); ${ar.by} needs an aspect ratio between ${ar.value.min.join(':')} and ${ar.value.max.join(':')}. ` +
          `Crop or pad it to fit.`,
      );
    }
  }
}

function trim(n: number): string {
  return Number(n.toFixed(2)).toString();
}
