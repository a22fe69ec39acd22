/**
 * Saving finished videos next to the user's code.
 *
 * - Streamed in constant memory: the response body is piped through a byte counter into a file, never
 *   buffered whole (a 500 MB clip costs one chunk of memory at a time).
 * - Capped: a `content-length` above the cap is refused before reading; without one (or with a lying
 *   one) the running count aborts the transfer as soon as it passes the cap.
 * - Atomic: bytes go to `.<name>.part-<random>` in the target directory and are linked to the final
 *   name only when complete, so a half-written file never appears under the final name; any failure
 *   removes the temporary file. An existing file is never overwritten (a `-2`, `-3`… suffix is added).
 * - Checked: the first bytes must be an MP4/MOV container; an HTML error page served with 200 is
 *   deleted and reported.
 * - The file name is ours (`videoFileName`), never one a provider supplies.
 */
import { randomBytes, createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { getGlobalDispatcher, request, type Dispatcher } from 'undici';
import { VideogenError } from '../errors.js';
import { formatBytes } from './limits.js';
import { CONTAINER_HEAD_BYTES, isMp4Container, sniffMedia } from './sniff.js';
import { PRIVATE_ADDRESS_CODE, STRICT_POLICY, checkFetchUrl, safeDispatcher, type FetchPolicy } from './url-safety.js';

export interface SavedVideo {
  path: string;
  bytes: number;
  mime: string;
}

export interface DownloadOptions {
  dir: string;
  /** The file name to save under (see `videoFileName`); sanitised again here, extension set from the bytes. */
  baseName: string;
  maxBytes: number;
  dispatcher?: Dispatcher;
  /**
   * Which URLs may be fetched, the first and every redirect hop (url-safety.ts). Default: https
   * only, public addresses only. The saver passes `policyFor(<provider's base URL>)`.
   */
  policy?: FetchPolicy;
  signal?: AbortSignal;
  /**
   * Inactivity deadline in ms: for the response headers, and between body chunks. Not a total
   * deadline (a large clip on a slow link may take minutes); pass `signal` for that.
   */
  timeoutMs?: number;
  /**
   * Total deadline in ms for the whole transfer. The idle timeout alone lets a host that trickles a
   * byte a minute hold a download forever; background saves pass SAVE_MAX_MS (jobs/saver.ts).
   */
  maxTotalMs?: number;
}

/** Default inactivity deadline: CDNs answer in seconds; a stall this long means the transfer is dead. */
export const DOWNLOAD_IDLE_TIMEOUT_MS = 60_000;
/** CDNs and signed-URL services redirect once or twice; more than this is a loop. */
export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Suffixes tried before giving up on finding a free name. */
const MAX_NAME_ATTEMPTS = 1000;

/** Codes for "the transfer broke", matched by `code` (undici errors doc), not by class. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_ABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** The URL without its query (signed URLs carry tokens) for messages. */
function shownUrl(u: URL): string {
  const s = `${u.origin}${u.pathname}`;
  return s.length > 120 ? `${s.slice(0, 120)}…` : s;
}

function errCode(err: unknown): string | undefined {
  return (err as { code?: string } | null)?.code;
}

/** Stream a finished video from `url` into `dir`. See the module comment for the guarantees. */
export async function downloadVideo(url: string, opts: DownloadOptions): Promise<SavedVideo> {
  if (opts.maxTotalMs === undefined) return downloadOnce(url, opts);
  // A plain timer and controller (not AbortSignal.timeout through any(), which Node 20 may collect).
  const total = new AbortController();
  const limit = opts.maxTotalMs;
  const timer = setTimeout(() => total.abort(new Error('total download time exceeded')), limit);
  timer.unref();
  const parent = opts.signal;
  const onParent = () => total.abort(parent?.reason);
  if (parent?.aborted) onParent();
  else parent?.addEventListener('abort', onParent, { once: true });
  try {
    return await downloadOnce(url, { ...opts, signal: total.signal });
  } catch (err) {
    if (total.signal.aborted && !parent?.aborted)
      throw new VideogenError(
        'unavailable',
        `The download did not finish within ${limit >= 120_000 ? `${Math.round(limit / 60_000)} min` : `${Math.round(limit / 1000)} s`}; nothing was saved. Try again later.`,
        {
          cause: err,
        },
      );
    throw err;
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onParent);
  }
}

async function downloadOnce(url: string, opts: DownloadOptions): Promise<SavedVideo> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new VideogenError('unavailable', 'The provider returned a video URL that is not a valid URL; nothing was saved.');
  }
  const policy = opts.policy ?? STRICT_POLICY;
  checkFetchUrl(u, policy);
  let shown = shownUrl(u);
  const timeout = opts.timeoutMs ?? DOWNLOAD_IDLE_TIMEOUT_MS;
  await mkdir(opts.dir, { recursive: true });

  // Redirects are followed here, one hop at a time, so every hop is checked against the policy; the
  // dispatcher checks the address each host name resolves to.
  const dispatcher = opts.dispatcher ?? safeDispatcher(policy, getGlobalDispatcher);
  let res: Dispatcher.ResponseData;
  for (let hop = 0; ; hop++) {
    try {
      res = await request(u, {
        method: 'GET',
        dispatcher,
        headers: { accept: 'video/mp4,video/*;q=0.9,*/*;q=0.5' },
        headersTimeout: timeout,
        bodyTimeout: timeout,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (err) {
      throw transferError(err, shown, opts.signal);
    }
    const location = res.headers['location'];
    if (!REDIRECT_STATUSES.has(res.statusCode) || typeof location !== 'string' || hop >= MAX_REDIRECTS) break;
    discard(res.body);
    let next: URL;
    try {
      next = new URL(location, u);
    } catch {
      throw new VideogenError('unavailable', `Downloading ${shown} was redirected to an invalid address; nothing was saved.`);
    }
    checkFetchUrl(next, policy, `The video URL's redirect from ${shown}`);
    u = next;
    shown = shownUrl(u);
  }

  const status = res.statusCode;
  if (status < 200 || status >= 300) {
    discard(res.body);
    if (status >= 300 && status < 400) {
      throw new VideogenError('unavailable', `Downloading ${shown} was redirected more than ${MAX_REDIRECTS} times (HTTP ${status}); nothing was saved.`, {
        httpStatus: status,
      });
    }
    const expired =
      status === 403 || status === 404 || status === 410
        ? ' Result URLs are signed and expire (Runway: 24–48 h, RunAPI: 7 days); call check_job again to get a fresh URL.'
        : status >= 500 || status === 429
          ? ' The file host is having trouble; try again shortly.'
          : '';
    throw new VideogenError('unavailable', `Downloading the video failed: ${shown} answered HTTP ${status}.${expired} Nothing was saved.`, {
      httpStatus: status,
    });
  }

  const lengthHeader = res.headers['content-length'];
  const declared = typeof lengthHeader === 'string' && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  if (declared !== undefined && declared > opts.maxBytes) {
    discard(res.body);
    throw tooLarge(declared, opts.maxBytes, 'declares');
  }

  return saveStream(res.body, {
    dir: opts.dir,
    baseName: opts.baseName,
    maxBytes: opts.maxBytes,
    ...(declared !== undefined ? { expectedBytes: declared } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    shown,
  });
}

/**
 * Copy a local video (the simulator's bundled clip) into `dir` under the same rules: temp file, container
 * check, no overwrite.
 */
export async function copyLocalVideo(src: string, opts: { dir: string; baseName: string }): Promise<SavedVideo> {
  const st = await stat(src);
  if (!st.isFile()) throw new VideogenError('internal', `${src} is not a regular file.`);
  await mkdir(opts.dir, { recursive: true });
  return saveStream(createReadStream(src), { dir: opts.dir, baseName: opts.baseName, maxBytes: st.size, expectedBytes: st.size, shown: path.basename(src) });
}

/** Drop a body we will not read. Destroying emits an error; with no listener that would crash the process. */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

function tooLarge(bytes: number, maxBytes: number, how: 'declares' | 'exceeds'): VideogenError {
  const size = how === 'declares' ? `is ${formatBytes(bytes)}` : `is larger than ${formatBytes(maxBytes)}`;
  return new VideogenError(
    'unavailable',
    `The video ${size}, above the download cap of ${formatBytes(maxBytes)}, so it was not saved. ` +
      `Raise VIDEOGEN_MAX_DOWNLOAD_MB to save it, or use the video URL directly.`,
    { envVar: 'VIDEOGEN_MAX_DOWNLOAD_MB' },
  );
}

function transferError(err: unknown, shown: string, signal: AbortSignal | undefined): unknown {
  if (err instanceof VideogenError) return err;
  if (signal?.aborted) return new VideogenError('unavailable', `The download of ${shown} was cancelled; nothing was saved.`, { cause: err });
  const code = errCode(err) ?? errCode((err as { cause?: unknown } | null)?.cause);
  if (code === PRIVATE_ADDRESS_CODE) {
    return new VideogenError('unavailable', `${shown} resolves to a local or private address, so it was not fetched; nothing was saved.`, { cause: err });
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new VideogenError('unavailable', `The download of ${shown} stalled (${code}); nothing was saved. Try again.`, { cause: err });
  }
  if (code !== undefined && NETWORK_CODES.has(code)) {
    return new VideogenError('unavailable', `The download of ${shown} was interrupted (${code}); nothing was saved. Try again.`, { cause: err });
  }
  const text = err instanceof Error ? err.message : String(err);
  return new VideogenError('unavailable', `The download of ${shown} failed (${code ?? text.slice(0, 120)}); nothing was saved.`, { cause: err });
}

interface SaveOptions {
  dir: string;
  baseName: string;
  maxBytes: number;
  expectedBytes?: number;
  signal?: AbortSignal;
  shown: string;
}

/**
 * A download churns through one fresh 64 KiB socket buffer per read, and V8 frees those only when a GC
 * runs; an otherwise idle server lets 30–60 MB of dead buffers pile up before its external-memory
 * heuristics collect them. A minor GC (a scavenge, well under a millisecond on this small heap) every
 * GC_EVERY_BYTES keeps a 500 MB download's peak RSS growth near 13 MB instead of 28–38 MB (bench
 * measure 7). `gc` is exposed at run time the way the `expose-gc` package does it; if that is not
 * possible, downloads simply run without it.
 */
const GC_EVERY_BYTES = 8 * 1024 * 1024;
let minorGc: (() => void) | null | undefined;
function collectDeadBuffers(): void {
  if (minorGc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      const gc = vm.runInNewContext('gc') as (options: { type: 'minor' | 'major' }) => void;
      minorGc = () => gc({ type: 'minor' });
    } catch {
      minorGc = null;
    }
  }
  minorGc?.();
}

async function saveStream(source: Readable, opts: SaveOptions): Promise<SavedVideo> {
  const stem = fileStem(opts.baseName);
  const tmp = path.join(opts.dir, `.${stem}.part-${randomBytes(6).toString('hex')}`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(tmp, 'wx', 0o644);
  } catch (err) {
    discard(source);
    throw new VideogenError('unavailable', `Could not write into ${opts.dir} (${errCode(err) ?? 'error'}); nothing was saved. Check VIDEOGEN_OUTPUT_DIR.`, {
      cause: err,
      envVar: 'VIDEOGEN_OUTPUT_DIR',
    });
  }

  let count = 0;
  const headParts: Buffer[] = [];
  let headLen = 0;
  let headChecked = false;
  let head: Buffer | undefined;
  const notVideo = (): VideogenError =>
    new VideogenError(
      'unavailable',
      `${opts.shown} did not return a video (its first bytes are not an MP4/MOV container; perhaps an error page); nothing was saved.`,
    );

  let sinceGc = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _enc, done) {
      count += chunk.length;
      sinceGc += chunk.length;
      if (sinceGc >= GC_EVERY_BYTES) {
        sinceGc = 0;
        collectDeadBuffers();
      }
      if (count > opts.maxBytes) {
        done(tooLarge(count, opts.maxBytes, 'exceeds'));
        return;
      }
      if (!headChecked) {
        headParts.push(chunk);
        headLen += chunk.length;
        if (headLen >= CONTAINER_HEAD_BYTES) {
          head = Buffer.concat(headParts, headLen).subarray(0, CONTAINER_HEAD_BYTES);
          headParts.length = 0;
          if (!isMp4Container(head)) {
            done(notVideo());
            return;
          }
          headChecked = true;
        }
      }
      done(null, chunk);
    },
  });

  try {
    const fh = handle;
    const sink = new Writable({
      // Backpressure: the next chunk is not accepted until this one is on disk, so memory stays at
      // about one chunk whatever the file size.
      write(chunk: Buffer, _enc, done) {
        writeFully(fh, chunk).then(() => done(), done);
      },
    });
    await pipeline(source, guard, sink, ...(opts.signal ? [{ signal: opts.signal }] : []));
    if (!headChecked) {
      // A file shorter than the head window: decide on what there is.
      head = Buffer.concat(headParts, headLen);
      if (!isMp4Container(head)) throw notVideo();
    }
    if (opts.expectedBytes !== undefined && count !== opts.expectedBytes) {
      throw new VideogenError(
        'unavailable',
        `The download of ${opts.shown} ended early (${count} of ${opts.expectedBytes} bytes); nothing was saved. Try again.`,
      );
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    const mime = (head && sniffMedia(head)?.mime) || 'video/mp4';
    const finalPath = await publish(tmp, opts.dir, stem, mime === 'video/quicktime' ? 'mov' : 'mp4');
    return { path: finalPath, bytes: count, mime };
  } catch (err) {
    discard(source);
    await handle?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw transferError(err, opts.shown, opts.signal);
  }
}

async function writeFully(fh: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

/**
 * Give the finished temp file its final name without ever replacing an existing file: `link` fails
 * with EEXIST instead of overwriting, atomically. Filesystems without hard links fall back to
 * check-then-rename (a narrow race, on exotic filesystems only).
 */
async function publish(tmp: string, dir: string, stem: string, ext: string): Promise<string> {
  for (let i = 1; i <= MAX_NAME_ATTEMPTS; i++) {
    const candidate = path.join(dir, i === 1 ? `${stem}.${ext}` : `${stem}-${i}.${ext}`);
    try {
      await link(tmp, candidate);
      await unlink(tmp).catch(() => undefined);
      return candidate;
    } catch (err) {
      const code = errCode(err);
      if (code === 'EEXIST') continue;
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS' || code === 'EMLINK') {
        const taken = await stat(candidate).then(
          () => true,
          (e: unknown) => errCode(e) !== 'ENOENT',
        );
        if (taken) continue;
        await rename(tmp, candidate);
        return candidate;
      }
      throw err;
    }
  }
  throw new VideogenError('unavailable', `Could not find a free file name for ${stem}.${ext} in ${dir}; nothing was saved.`);
}

/** A safe stem from a caller-supplied name: no directories, no leading dots, no extension. */
function fileStem(baseName: string): string {
  const base = path.basename(baseName.replace(/\\/g, '/'));
  const stem = base
    .replace(/\.(mp4|mov|m4v)$/i, '')
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, '-')
    .replace(/^[.\s-]+/, '')
    .replace(/[.\s]+$/, '')
    .slice(0, 120);
  return stem || 'video';
}

/** Longest prompt slug, in characters. */
const SLUG_MAX_CHARS = 40;

/**
 * A readable, safe file name for a job's video: `<8-char id>-<prompt slug>.mp4`, e.g.
 * `3f0c2a9e-a-marble-rolls-off-a-desk.mp4`. The id part is a hash of the job id (job ids are long
 * encoded handles), stable for the job. The slug keeps letters and digits of any script, lower-cased.
 */
export function videoFileName(jobId: string, prompt: string | undefined): string {
  const short = createHash('sha256').update(jobId).digest('hex').slice(0, 8);
  const words = (prompt ?? '')
    // Strip accents from Latin letters (é → e) but keep other scripts intact (が stays が).
    .normalize('NFKD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  let slug = '';
  for (const w of words) {
    const next = slug ? `${slug}-${w}` : w;
    if ([...next].length > SLUG_MAX_CHARS) {
      if (!slug) slug = [...w].slice(0, SLUG_MAX_CHARS).join('');
      break;
    }
    slug = next;
  }
  return slug ? `${short}-${slug}.mp4` : `${short}-video.mp4`;
}
