/**
 * The one request helper every adapter uses.
 *
 * - Every attempt has an explicit deadline (DEFAULT_TIMEOUT_MS), combined with the caller's signal.
 * - `retry: 'safe'` (status GETs, DELETE) retries 408, 429, 5xx and network errors with exponential
 *   backoff plus jitter, honouring `Retry-After` / `retry-after-ms`.
 * - `retry: 'idempotency-key'` does the same for a POST that carries an idempotency key, so a replay
 *   returns the original job (RunAPI, Apiframe).
 * - `retry: 'never'` is for submits without idempotency: the request is never sent twice. The only
 *   retry is none at all; a network error reports whether the request may have reached the provider.
 * - undici failures are matched by `error.code`, never by `instanceof`.
 * - `deadline` (absolute ms, the tool call's end; jobs/deadline.ts) bounds everything: each attempt's
 *   timeout is min(per-attempt default, time left); a retry is attempted only when its backoff plus a
 *   useful attempt (MIN_USEFUL_ATTEMPT_MS) still fit, otherwise the last answer or error is returned;
 *   a Retry-After that ends past the deadline is reported, never waited out.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import type { ProviderId } from '../catalog/types.js';
import { PROVIDER_ENV } from '../config.js';
import { VideogenError } from '../errors.js';
import { log } from '../log.js';

/** Per-attempt deadline: long enough for a slow submit, far below undici's 300 s defaults. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Retries after the first attempt for retryable requests (status calls, keyed submits). */
export const DEFAULT_MAX_RETRIES = 3;
/** Backoff base and cap; a Retry-After longer than the cap is not waited out, it is reported. */
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 8_000;
/** How long past the call's deadline an attempt's own timeout fires (see attemptTimeoutMs). */
export const DEADLINE_GRACE_MS = 100;
/** The network code of a request never sent because the call's deadline had passed. */
export const DEADLINE_CODE = 'DEADLINE_PASSED';
/** A retry with less time than this left for its attempt is not worth sending. */
export const MIN_USEFUL_ATTEMPT_MS = 1_000;
/** Response bodies above this are cut: provider error pages can be huge. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Codes that prove the request never reached the provider, so no job can exist. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL', 'UND_ERR_CONNECT_TIMEOUT']);
const NETWORK_CODES = new Set([
  ...NOT_SENT_CODES,
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
]);

export type RetryPolicy = 'safe' | 'idempotency-key' | 'never';

export interface HttpRequest {
  provider: ProviderId;
  method: 'GET' | 'POST' | 'DELETE' | 'PUT';
  url: string | URL;
  headers?: Record<string, string>;
  /** A JSON body (sets content-type). */
  json?: unknown;
  /** A raw body (FormData, bytes, text). */
  body?: FormData | Buffer | Uint8Array | string;
  retry: RetryPolicy;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** Absolute end of the tool call (ms since the epoch); see the module comment. */
  deadline?: number | undefined;
  dispatcher?: Dispatcher | undefined;
  maxRetries?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
  /** How many attempts were made. */
  attempts: number;
}

function baseUrlEnv(provider: ProviderId): string {
  return provider === 'simulator' ? 'the base URL' : PROVIDER_ENV[provider].base;
}

/** A transport-level failure; `maybeSent` says whether the provider may have received the request. */
export class NetworkError extends VideogenError {
  readonly maybeSent: boolean;
  readonly networkCode: string;
  constructor(provider: ProviderId, networkCode: string, maybeSent: boolean, cause: unknown) {
    super(
      'unavailable',
      networkCode === DEADLINE_CODE
        ? `This call's time budget ran out before the request to ${provider} could be sent; nothing was sent. Call again.`
        : maybeSent
          ? `Lost contact with ${provider} (${networkCode}) while waiting for its answer.`
          : `Could not reach ${provider} (${networkCode}); check ${baseUrlEnv(provider)} and your network.`,
      { provider, noJobCreated: !maybeSent, cause },
    );
    this.maybeSent = maybeSent;
    this.networkCode = networkCode;
  }
}

function header(res: HttpResponse | { headers: HttpResponse['headers'] }, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
export { header as getHeader };

/** Parse `retry-after-ms`, or `Retry-After` as seconds or an HTTP date. */
export function retryAfterMs(headers: HttpResponse['headers'], now = Date.now()): number | undefined {
  const ms = header({ headers }, 'retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms));
  const ra = header({ headers }, 'retry-after');
  if (ra === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra.trim())) return Math.ceil(Number(ra) * 1000);
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Full jitter on an exponential backoff. */
export function backoffMs(attempt: number): number {
  const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}

function errorCode(err: unknown): string {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return 'UNKNOWN';
}

/**
 * This attempt's timeout: the per-attempt default, cut to what is left of the call's deadline plus
 * DEADLINE_GRACE_MS, so that a caller's own deadline signal (jobs/deadline.ts), when it passes one,
 * fires first and its reason is what the caller sees; this timeout is the backstop.
 */
export function attemptTimeoutMs(req: Pick<HttpRequest, 'timeoutMs' | 'deadline'>, now = Date.now()): number {
  const per = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // AbortSignal.timeout takes whole milliseconds only.
  return Math.floor(req.deadline === undefined ? per : Math.max(1, Math.min(per, req.deadline - now + DEADLINE_GRACE_MS)));
}

/** Whether a retry after `delayMs` still leaves a useful attempt before the deadline. */
function retryFits(req: HttpRequest, delayMs: number): boolean {
  return req.deadline === undefined || req.deadline - Date.now() - delayMs >= MIN_USEFUL_ATTEMPT_MS;
}

async function attemptOnce(req: HttpRequest, attempt: number): Promise<HttpResponse> {
  if (req.deadline !== undefined && req.deadline <= Date.now()) {
    throw new NetworkError(req.provider, DEADLINE_CODE, false, new Error('the call deadline passed before the request was sent'));
  }
  const timeout = AbortSignal.timeout(attemptTimeoutMs(req));
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'videogen-mcp', ...req.headers };
  let body: Dispatcher.DispatchOptions['body'];
  if (req.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(req.json);
  } else if (req.body !== undefined) {
    body = req.body as Dispatcher.DispatchOptions['body'];
  }
  let res: Dispatcher.ResponseData;
  try {
    res = await request(req.url, {
      method: req.method,
      headers,
      body: body ?? null,
      signal,
      ...(req.dispatcher ? { dispatcher: req.dispatcher } : {}),
    });
  } catch (err) {
    if (req.signal?.aborted) throw req.signal.reason ?? err;
    const code = timeout.aborted ? 'ETIMEDOUT' : errorCode(err);
    if (!timeout.aborted && !NETWORK_CODES.has(code)) throw err;
    throw new NetworkError(req.provider, code, !NOT_SENT_CODES.has(code), err);
  }
  let text: string;
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
    }
    text = Buffer.concat(chunks).toString('utf8');
  } catch (err) {
    if (req.signal?.aborted) throw req.signal.reason ?? err;
    // Headers arrived: the provider has the request.
    throw new NetworkError(req.provider, timeout.aborted ? 'ETIMEDOUT' : errorCode(err), true, err);
  }
  let json: unknown;
  if (text.length > 0) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: res.statusCode, headers: res.headers, text, json, attempts: attempt + 1 };
}

/**
 * Send a request. Returns the final response whatever its status (adapters map statuses to the
 * taxonomy); throws NetworkError on transport failures that are not retried away.
 */
export async function requestJson(req: HttpRequest): Promise<HttpResponse> {
  const retryable = req.retry !== 'never';
  const maxRetries = retryable ? (req.maxRetries ?? DEFAULT_MAX_RETRIES) : 0;
  for (let attempt = 0; ; attempt++) {
    let res: HttpResponse;
    try {
      res = await attemptOnce(req, attempt);
    } catch (err) {
      const canRetry = err instanceof NetworkError && attempt < maxRetries && (retryable || !err.maybeSent);
      if (!canRetry) throw err;
      const delay = backoffMs(attempt);
      if (!retryFits(req, delay)) throw err; // no time left for another useful attempt
      await sleep(delay, undefined, req.signal ? { signal: req.signal } : undefined);
      continue;
    }
    if (!retryable || !isRetryableStatus(res.status) || attempt >= maxRetries) return res;
    const hinted = retryAfterMs(res.headers);
    if (hinted !== undefined && hinted > BACKOFF_CAP_MS * 4) return res; // too long to wait: report it
    const delay = hinted ?? backoffMs(attempt);
    if (!retryFits(req, delay)) return res; // the wait or the retry would outlast the call: report it
    log.info(`${req.provider} ${req.method} answered ${res.status}; retrying in ${delay} ms`);
    await sleep(delay, undefined, req.signal ? { signal: req.signal } : undefined);
  }
}

/** Pull a human message out of the usual error envelopes ({error}, {error:{message}}, {msg}, {message}). */
export function extractErrorText(json: unknown, fallback: string): string {
  if (json && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    const e = o['error'];
    if (typeof e === 'string' && e) {
      const details = o['errors'] ?? o['details'] ?? o['issues'];
      return details ? `${e}: ${JSON.stringify(details)}` : e;
    }
    if (e && typeof e === 'object') {
      const m = (e as Record<string, unknown>)['message'];
      const c = (e as Record<string, unknown>)['code'];
      if (typeof m === 'string') return typeof c === 'string' ? `${c}: ${m}` : m;
    }
    for (const k of ['msg', 'message', 'detail', 'status_msg']) {
      const v = o[k];
      if (typeof v === 'string' && v) return v;
    }
  }
  return fallback.slice(0, 1000);
}

/**
 * Map a non-2xx response to the taxonomy. `phase` matters for failover: a 503 on submit proves no job
 * was created, a 500 or 504 does not.
 */
export function httpError(provider: ProviderId, keyEnv: string, res: HttpResponse, phase: 'submit' | 'status' | 'cancel' | 'upload'): VideogenError {
  const providerText = extractErrorText(res.json, res.text);
  const s = res.status;
  const base = { provider, providerText, httpStatus: s };
  if (s === 401 || s === 403)
    return new VideogenError('auth', `${provider} rejected the API key (HTTP ${s}). Check ${keyEnv}.`, {
      ...base,
      envVar: keyEnv,
      noJobCreated: true,
    });
  if (s === 402)
    return new VideogenError(
      'insufficient_credits',
      `${provider} says the account has insufficient credits (HTTP 402). Top up the ${provider} account or use another provider.`,
      { ...base, envVar: keyEnv, noJobCreated: true },
    );
  if (s === 429) {
    const ra = retryAfterMs(res.headers);
    return new VideogenError(
      'rate_limited',
      `${provider} is rate-limiting requests (HTTP 429).${ra !== undefined ? ` Retry after ${Math.ceil(ra / 1000)} s.` : ' Wait a minute and retry.'}`,
      { ...base, noJobCreated: phase === 'submit', ...(ra !== undefined ? { retryAfterMs: ra } : {}) },
    );
  }
  if (s === 409)
    return new VideogenError(
      'conflict',
      `${provider} reports a conflict (HTTP 409): this idempotency_key was already used with different parameters. Use a new idempotency_key.`,
      { ...base, noJobCreated: true },
    );
  if (s === 404)
    return new VideogenError(
      'not_found',
      phase === 'submit'
        ? `${provider} answered 404 for the submit endpoint; check the base URL.`
        : `${provider} does not know this job (HTTP 404): it may have been canceled, deleted or expired.`,
      { ...base, noJobCreated: phase === 'submit' },
    );
  if (s === 400 || s === 413 || s === 415 || s === 422)
    return new VideogenError('validation', `${provider} rejected the request (HTTP ${s}). Fix the parameters it names and retry.`, {
      ...base,
      noJobCreated: true,
    });
  if (s >= 500)
    return new VideogenError('unavailable', `${provider} is unavailable (HTTP ${s}).${phase === 'status' || s === 503 ? ' Try again shortly.' : ''}`, {
      ...base,
      noJobCreated: phase === 'submit' ? s === 503 : true,
    });
  // Any other refusal: an error status and no job id is a definite answer (issue #10 §2), known or not.
  if (s >= 400 && s < 500)
    return new VideogenError('rejected', `${provider} refused the request (HTTP ${s}); no job was created.`, { ...base, noJobCreated: true });
  return new VideogenError('unavailable', `${provider} answered HTTP ${s} unexpectedly.`, { ...base, noJobCreated: false });
}
