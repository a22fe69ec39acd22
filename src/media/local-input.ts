/**
 * Media inputs: an agent may pass a URL, a data URI, or a local path ("animate ./hero.png").
 *
 * Local paths are confined. The target is resolved against the working directory, its REAL path
 * (every symlink followed) must lie inside one of the allowed roots, and it must be a regular file of
 * bounded size. The confinement check happens before the file is opened, and the file that is opened
 * is the checked real path (opened without following a final symlink, then re-verified by inode), so
 * a prompt-injected agent cannot turn "first frame" into "send ~/.ssh/id_ed25519 to a third party".
 * Only bytes that sniff as an image or video ever leave this module.
 */
import { constants as fsc } from 'node:fs';
import { lstat, open, realpath, stat, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VideogenError } from '../errors.js';
import type { LocalMedia } from '../providers/types.js';
import { checkMediaLimits, DEFAULT_MAX_INPUT_BYTES, formatBytes, formatBytesPair, mimeName, type MediaLimits } from './limits.js';
import { sniffMedia } from './sniff.js';
import { fieldKind, type MediaField, type MediaInfo } from './types.js';

export type { MediaField } from './types.js';

export type ResolvedInput =
  | { kind: 'url'; url: string; /** Set for http:// URLs, which some providers refuse. */ note?: string }
  | {
      kind: 'local';
      media: LocalMedia;
      source: 'path' | 'data-uri';
      /** The real path that was read (for local files). */
      path?: string;
      /** What the bytes are, with image dimensions, for `checkMediaLimits`. */
      info: MediaInfo;
    };

export interface ResolveOptions {
  /** Allowed roots, as returned by `allowedRoots` (already realpath'd). */
  roots: string[];
  cwd: string;
  /** Largest accepted file in bytes (default DEFAULT_MAX_INPUT_BYTES). */
  maxBytes?: number;
  /** When given, the media is also checked against these limits. */
  limits?: MediaLimits;
}

const ACCEPTED_FORMATS = 'PNG, JPEG or WebP images and MP4 or MOV videos';

function invalid(message: string): never {
  throw new VideogenError('invalid_input', message);
}

/**
 * An https URL passes through (an http URL too, with a note – some providers refuse it); a data: URI is
 * decoded and sniffed; anything else is a local path, confined to roots.
 */
export async function resolveMediaInput(value: string, field: MediaField, opts: ResolveOptions): Promise<ResolvedInput> {
  const raw = value.trim();
  if (raw === '') invalid(`${field} is empty: pass an https URL, a data: URI, or a path to a local file.`);

  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (scheme === 'https' || scheme === 'http') {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      invalid(`${field}: "${clip(raw)}" is not a valid URL.`);
    }
    if (scheme === 'http') {
      return {
        kind: 'url',
        url: url.href,
        note: `${field} is a plain http:// URL; some providers (Runway) accept only https. Prefer an https URL or a local file.`,
      };
    }
    return { kind: 'url', url: url.href };
  }
  if (scheme === 'data') return decodeDataUri(raw, field, opts);

  let target: string;
  if (scheme === 'file') {
    try {
      target = fileURLToPath(raw);
    } catch {
      invalid(`${field}: "${clip(raw)}" is not a local file URL (file:///absolute/path).`);
    }
  } else if (scheme !== undefined && scheme.length > 1 && /^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    // Single letters are Windows drive letters (C:\...), not schemes.
    invalid(`${field}: the URL scheme "${scheme}:" is not supported. Pass an https URL, a data: URI, or a path to a local file.`);
  } else if (raw === '~' || raw.startsWith('~/') || raw.startsWith(`~${path.sep}`)) {
    target = path.join(os.homedir(), raw.slice(1));
  } else if (raw.startsWith('~')) {
    invalid(`${field}: "${clip(raw)}": ~user paths are not supported; give the path relative to the project or absolute.`);
  } else {
    target = raw;
  }
  return readLocalFile(path.resolve(opts.cwd, target), raw, field, opts);
}

async function readLocalFile(abs: string, shown: string, field: MediaField, opts: ResolveOptions): Promise<ResolvedInput> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const real = await confine(abs, shown, field, opts.roots);

  // stat, not open: a FIFO or device is refused without ever blocking on it.
  const st = await stat(real);
  if (st.isDirectory()) invalid(`${field}: "${clip(shown)}" is a directory; pass a path to an image or video file inside it.`);
  if (!st.isFile()) invalid(`${field}: "${clip(shown)}" is not a regular file (a pipe, socket or device); pass an image or video file.`);
  if (st.size === 0) invalid(`${field}: "${clip(shown)}" is empty.`);
  if (st.size > maxBytes) tooBig(field, shown, st.size, maxBytes);

  // O_NOFOLLOW: if the checked path was swapped for a symlink since, the open fails rather than follows.
  // O_NONBLOCK: if it was swapped for a FIFO, the open does not hang (the inode check below refuses it).
  const handle = await open(real, fsc.O_RDONLY | (fsc.O_NOFOLLOW ?? 0) | (fsc.O_NONBLOCK ?? 0)).catch((err: unknown) => {
    throw new VideogenError('invalid_input', `${field}: "${clip(shown)}" could not be opened (${errCode(err)}).`, { cause: err });
  });
  let bytes: Buffer;
  try {
    const fst = await handle.stat();
    if (!fst.isFile() || fst.ino !== st.ino || fst.dev !== st.dev) invalid(`${field}: "${clip(shown)}" changed while it was being checked; try again.`);
    if (fst.size > maxBytes) tooBig(field, shown, fst.size, maxBytes);
    bytes = await readAtMost(handle, fst.size, maxBytes, field);
  } finally {
    await handle.close();
  }

  const info = sniffMedia(bytes);
  if (!info) invalid(`${field}: "${clip(shown)}" is not a recognised image or video (the contents are checked, not the name; accepted: ${ACCEPTED_FORMATS}).`);
  checkKind(info, field);
  if (opts.limits) checkMediaLimits(info, bytes.length, opts.limits, field);
  return {
    kind: 'local',
    source: 'path',
    path: real,
    info,
    media: { bytes, mime: info.mime, filename: safeFileName(path.basename(real), info.ext, field), kind: info.kind },
  };
}

/** Read up to the expected size; a file that grew meanwhile is refused above the cap, never loaded whole. */
async function readAtMost(handle: FileHandle, expected: number, maxBytes: number, field: MediaField): Promise<Buffer> {
  const buf = Buffer.alloc(Math.min(expected, maxBytes) + 1);
  let filled = 0;
  while (filled < buf.length) {
    const { bytesRead } = await handle.read(buf, filled, buf.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  if (filled > maxBytes) invalid(`${field}: the file grew beyond the ${formatBytes(maxBytes)} limit while it was being read.`);
  return buf.subarray(0, filled);
}

/**
 * The real path of `abs`, or an `invalid_input` error when it lies outside every root. A missing file
 * gets the same refusal as an existing one when it would be outside, so existence outside the roots
 * cannot be probed.
 */
async function confine(abs: string, shown: string, field: MediaField, roots: string[]): Promise<string> {
  let real: string;
  try {
    real = await realpath(abs);
  } catch (err) {
    // Judge the path by where its deepest existing ancestor really is, before saying anything about
    // it: "does not exist" or "permission denied" outside the roots would let an agent probe the disk.
    const parentReal = await realpathOfExistingAncestor(abs);
    if (!roots.some((r) => isInside(r, parentReal))) refuseOutside(shown, field, roots);
    const code = errCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      const link = await lstat(abs).catch(() => undefined);
      if (link?.isSymbolicLink()) invalid(`${field}: "${clip(shown)}" is a broken symbolic link (its target does not exist).`);
      invalid(
        `${field}: "${clip(shown)}" does not exist (resolved against ${path.dirname(abs)}). Check the path; relative paths are resolved against the working directory.`,
      );
    }
    throw new VideogenError('invalid_input', `${field}: "${clip(shown)}" could not be read (${code}).`, { cause: err });
  }
  if (!roots.some((r) => isInside(r, real))) refuseOutside(shown, field, roots);
  return real;
}

async function realpathOfExistingAncestor(abs: string): Promise<string> {
  let cur = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(await realpath(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

function tooBig(field: MediaField, shown: string, size: number, maxBytes: number): never {
  const [actual, limit] = formatBytesPair(size, maxBytes);
  const what = shown === 'the data: URI' ? 'the data: URI' : `"${clip(shown)}"`;
  invalid(`${field}: ${what} is ${actual}; the limit for input files is ${limit}. Use a smaller file.`);
}

function refuseOutside(shown: string, field: MediaField, roots: string[]): never {
  const allowed = roots.length ? roots.join(', ') : '(none: the client offered no roots and the working directory is not usable)';
  invalid(
    `${field}: "${clip(shown)}" is outside the folders this server may read. Allowed: ${allowed}. ` +
      `Move or copy the file into one of them, or add its folder to VIDEOGEN_INPUT_DIRS (several folders separated by "${path.delimiter}") and restart the server.`,
  );
}

/**
 * Path-segment aware containment: /work/a contains /work/a/x but not /work/ab. `p` is the platform's
 * path module (a parameter so Windows rules — drive letters, case-insensitive names, UNC — are tested anywhere).
 */
export function isInside(root: string, candidate: string, p: path.PlatformPath = path): boolean {
  const rel = p.relative(root, candidate);
  return rel === '' || (!p.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${p.sep}`));
}

/**
 * Longest data: URI accepted, in characters: 7 MiB (about 5.2 MB of base64-encoded bytes). A stdio
 * message is at most 10 MiB (the MCP SDK's line limit, stdio.ts MAX_LINE_BYTES); this leaves room for
 * the rest of the call. Larger media: pass a local file path or an https URL.
 */
export const MAX_DATA_URI_CHARS = 7 * 1024 * 1024;

function decodeDataUri(raw: string, field: MediaField, opts: ResolveOptions): ResolvedInput {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  if (raw.length > MAX_DATA_URI_CHARS)
    invalid(
      `${field}: the data: URI is ${(raw.length / 1024 / 1024).toFixed(1)} MiB long; data: URIs are limited to 7 MiB (about 5 MB of image). Pass the file as a local path or an https URL instead.`,
    );
  const comma = raw.indexOf(',');
  if (comma < 0) invalid(`${field}: the data: URI has no comma; expected data:<type>;base64,<data>.`);
  const header = raw.slice(5, comma);
  const payload = raw.slice(comma + 1);
  const isBase64 = header.split(';').some((p) => p.trim().toLowerCase() === 'base64');
  let bytes: Buffer;
  if (isBase64) {
    const clean = payload.replace(/\s+/g, '');
    if (Math.floor((clean.length * 3) / 4) > maxBytes + 2)
      invalid(`${field}: the data: URI holds more than the ${formatBytes(maxBytes)} limit for input files. Use a smaller file.`);
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) invalid(`${field}: the data: URI is not valid base64.`);
    bytes = Buffer.from(clean, clean.includes('-') || clean.includes('_') ? 'base64url' : 'base64');
  } else {
    if (payload.length > maxBytes * 3) invalid(`${field}: the data: URI is larger than the ${formatBytes(maxBytes)} limit.`);
    bytes = percentDecode(payload);
  }
  if (bytes.length === 0) invalid(`${field}: the data: URI is empty.`);
  if (bytes.length > maxBytes) tooBig(field, 'the data: URI', bytes.length, maxBytes);
  // The declared type is ignored: the bytes decide (and the provider is told what they really are).
  const info = sniffMedia(bytes);
  if (!info) invalid(`${field}: the data: URI does not contain a recognised image or video (accepted: ${ACCEPTED_FORMATS}).`);
  checkKind(info, field);
  if (opts.limits) checkMediaLimits(info, bytes.length, opts.limits, field);
  const stem = fieldStem(field);
  return { kind: 'local', source: 'data-uri', info, media: { bytes, mime: info.mime, filename: `${stem}.${info.ext}`, kind: info.kind } };
}

/** A default file stem per field: first-frame, last-frame, source-video. */
function fieldStem(field: MediaField): string {
  return field.replace(/_image_url$|_url$/, '').replace(/_/g, '-');
}

function percentDecode(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(...Buffer.from(s[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(out);
}

function checkKind(info: MediaInfo, field: MediaField): void {
  const want = fieldKind(field);
  if (info.kind !== want) {
    invalid(
      `${field}: the file is ${info.kind === 'image' ? 'an image' : 'a video'} (${mimeName(info.mime)}), but ${field} takes ${want === 'image' ? 'an image (PNG, JPEG or WebP)' : 'a video (MP4 or MOV)'}.`,
    );
  }
}

/**
 * A file name safe to hand to a provider: the basename only, reduced to letters, digits, dot, dash and
 * underscore, with the extension of what the bytes really are.
 */
export function safeFileName(name: string, ext: string, field?: MediaField): string {
  const base = path.basename(name.replace(/\\/g, '/'));
  const stem = base
    .replace(/\.[^.]*$/, '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .replace(/_+/g, '_')
    .slice(0, 80)
    .replace(/[._-]+$/, '');
  const fallback = field ? fieldStem(field) : 'media';
  return `${stem || fallback}.${ext}`;
}

/**
 * The roots local inputs may come from: the client's MCP roots when it offers any, else the working
 * directory; plus VIDEOGEN_INPUT_DIRS. Each is realpath'd; missing ones are dropped. A working
 * directory that is the filesystem root (GUI clients often start servers in "/") is never used as a
 * fallback root: it would admit every file on the machine.
 */
export async function allowedRoots(mcpRoots: string[], cwd: string, inputDirs: string[]): Promise<string[]> {
  const fromClient: string[] = [];
  for (const r of mcpRoots) {
    const v = r.trim();
    if (!v) continue;
    if (/^file:/i.test(v)) {
      try {
        fromClient.push(fileURLToPath(v));
      } catch {
        // A file URI for another host: not ours to read.
      }
    } else if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
      fromClient.push(path.resolve(cwd, v));
    }
  }
  const base = fromClient.length ? fromClient : path.parse(path.resolve(cwd)).root === path.resolve(cwd) ? [] : [path.resolve(cwd)];
  const out: string[] = [];
  for (const dir of [...base, ...inputDirs.map((d) => path.resolve(cwd, d))]) {
    try {
      const real = await realpath(dir);
      if ((await stat(real)).isDirectory() && !out.includes(real)) out.push(real);
    } catch {
      // A root that does not exist admits nothing.
    }
  }
  return out;
}

function errCode(err: unknown): string {
  return (err as { code?: string } | null)?.code ?? 'error';
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
