/**
 * What every HTTP adapter shares: its options, a normalized base URL, and the per-call defaults for
 * the one request helper (provider id for messages, the caller's signal, the deadline, the injected
 * dispatcher).
 */
import type * as z from 'zod';
import type { ProviderId } from '../catalog/types.js';
import { VideogenError } from '../errors.js';
import type { HttpResponse } from './http.js';
import type { AdapterOptions, CallOptions, JobStatus } from './types.js';

/** Provider failure texts that mean a content filter refused the job. */
export const MODERATION_TEXT = /moderat|content polic|nsfw|sensitive|safety|inappropriate|prohibited/i;

export abstract class HttpAdapter {
  abstract readonly id: ProviderId;
  protected readonly opts: AdapterOptions;
  protected readonly baseUrl: string;

  constructor(opts: AdapterOptions) {
    this.opts = opts;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  }

  protected url(path: string): string {
    return this.baseUrl + path;
  }

  protected callDefaults(opts: CallOptions) {
    return { provider: this.id, signal: opts.signal, deadline: opts.deadline, timeoutMs: this.opts.timeoutMs, dispatcher: this.opts.dispatcher };
  }
}

/**
 * Parse a response body with a (loose) zod schema; a body that does not fit is an `unavailable` error
 * carrying the raw text as untrusted provider text.
 */
export function parseBody<T extends z.ZodType>(label: string, provider: ProviderId, schema: T, res: HttpResponse, what: string): z.infer<T> {
  const r = schema.safeParse(res.json);
  if (!r.success)
    throw new VideogenError('unavailable', `${label} returned an unexpected ${what} response (HTTP ${res.status}).`, {
      provider,
      providerText: res.text.slice(0, 1000),
      httpStatus: res.status,
    });
  return r.data;
}

/**
 * A failed job's status carried inside an HTTP error response (issue #10 §2): when the error body
 * parses as the provider's job object and that object says the job failed, the job's outcome is that
 * failure (a terminal `failed` with the provider's reason), not a transient status error.
 */
export function failedInErrorBody<T extends z.ZodType>(schema: T, json: unknown, map: (job: z.infer<T>) => JobStatus): JobStatus | undefined {
  const r = schema.safeParse(json);
  if (!r.success) return undefined;
  try {
    const st = map(r.data);
    return st.state === 'failed' ? st : undefined;
  } catch {
    return undefined;
  }
}
