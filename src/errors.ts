/**
 * The error taxonomy. Everything thrown inside a tool is a VideogenError (or is wrapped into one at the
 * server boundary), and `toAgentMessage` is the one function that turns it into text for the agent.
 *
 * Provider text is untrusted: it is kept apart in `providerText`, and only ever shown quoted, labelled and
 * truncated. Secrets never enter an error: callers pass redacted values, and `redact()` scrubs anyway.
 */
import type { ProviderId } from './catalog/types.js';

export type ErrorCode =
  | 'invalid_input' // the request breaks the model's rules; nothing was sent
  | 'not_configured' // the provider's key is not set
  | 'config' // a malformed setting
  | 'auth' // 401/403, wrong key or wrong region
  | 'insufficient_credits' // 402 or balance codes
  | 'quota' // plan or daily quota exhausted
  | 'rate_limited' // 429
  | 'validation' // provider rejected the parameters (400/422)
  | 'moderation' // content policy
  | 'conflict' // 409, idempotency key reuse
  | 'rejected' // the provider refused the submit for a reason we have no name for; no job was created
  | 'not_found' // unknown job
  | 'unavailable' // 5xx, network, timeout
  | 'unknown_outcome' // a submit may or may not have created a job; never resubmitted
  | 'budget' // a spending guard refused the call
  | 'declined' // the human declined the confirmation
  | 'job_failed' // the provider reports the job failed
  | 'unsupported' // the provider cannot do this (e.g. cancel)
  | 'internal';

export interface VideogenErrorOptions {
  provider?: ProviderId;
  /** The environment variable the user should fix, when there is one. */
  envVar?: string;
  /** Raw provider text (untrusted). Shown quoted and truncated only. */
  providerText?: string;
  httpStatus?: number;
  retryAfterMs?: number;
  /**
   * True when the failure proves no job was created upstream (missing key, 401, 402, 503 on submit,
   * connection refused). Only such failures may fail over to another provider.
   */
  noJobCreated?: boolean;
  cause?: unknown;
}

export class VideogenError extends Error {
  readonly code: ErrorCode;
  readonly provider: ProviderId | undefined;
  readonly envVar: string | undefined;
  readonly providerText: string | undefined;
  readonly httpStatus: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly noJobCreated: boolean;

  constructor(code: ErrorCode, message: string, opts: VideogenErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'VideogenError';
    this.code = code;
    this.provider = opts.provider;
    this.envVar = opts.envVar;
    this.providerText = opts.providerText;
    this.httpStatus = opts.httpStatus;
    this.retryAfterMs = opts.retryAfterMs;
    this.noJobCreated = opts.noJobCreated ?? false;
  }
}

/** Provider text shown to an agent is cut to this many characters (prompt-injection surface). */
export const PROVIDER_TEXT_MAX_CHARS = 300;

/** Quote, label and truncate untrusted provider text. */
export function quoteProviderText(provider: string, text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const cut = flat.length > PROVIDER_TEXT_MAX_CHARS ? `${flat.slice(0, PROVIDER_TEXT_MAX_CHARS)}…` : flat;
  return `${provider} said (untrusted, truncated): "${cut.replace(/"/g, "'")}"`;
}

const secrets = new Set<string>();
/** `secrets`, longest first (a whole encoding is replaced before a core inside it); rebuilt on registration. */
let ordered: string[] = [];

/**
 * The stable cores of a secret's base64 and base64url encodings at each of the three byte alignments
 * it can have inside a longer encoded string (a Basic auth header `user:key`, a JSON blob echoed back
 * base64-encoded): the characters that depend only on the secret's own bytes.
 */
function base64Cores(value: string): string[] {
  const out: string[] = [];
  const bytes = Buffer.from(value, 'utf8');
  for (let k = 0; k < 3; k++) {
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    // Drop the group mixing in the prefix bytes, and the last group (partial bytes and padding).
    const core = enc.slice(k === 0 ? 0 : 4, enc.length - 4);
    if (core.length >= 8) out.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  // The whole encodings too (a secret encoded on its own), with and without padding.
  const whole = bytes.toString('base64');
  out.push(whole, whole.replace(/=+$/, ''), bytes.toString('base64url'));
  return out;
}

/**
 * Register a secret so that `redact` scrubs it from any text that might leave the process, as is and
 * in its encoded forms: base64, base64url, URL-encoded (issue #10 §7).
 */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 6) return;
  secrets.add(value);
  const forms = [encodeURIComponent(value), encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()), ...base64Cores(value)];
  for (const f of forms) if (f !== value && f.length >= 8) secrets.add(f);
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}
export function redact(text: string): string {
  let out = text;
  for (const s of ordered) {
    if (out.includes(s)) out = out.split(s).join('[redacted]');
    // Provider text is cut to a length before it gets here: a secret cut in half at the end is
    // still a secret's beginning.
    for (let n = Math.min(s.length - 1, out.length); n >= 8; n--)
      if (out.endsWith(s.slice(0, n))) {
        out = `${out.slice(0, out.length - n)}[redacted]`;
        break;
      }
  }
  // Bearer tokens and well-known key shapes, even if never registered. Public job ids look like
  // `runapi_WyJ…` (base64url of a JSON array) and must stay readable, so that prefix is not a key.
  return out
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1[redacted]')
    .replace(/\b(key_[0-9a-f]{16,}|runapi_(?!WyJ)[A-Za-z0-9]{8,}|afk_[A-Za-z0-9]{8,})\b/g, '[redacted]');
}

/** A file-system failure's cause in a few words (`permission denied`), never the raw `EACCES: …` text. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'ENOTDIR':
      return 'part of its path is a file, not a folder';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'ELOOP':
      return 'it is a symbolic link that loops';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    default:
      return code ?? 'unexpected error';
  }
}

const FS_VERBS: Record<string, string> = {
  mkdir: 'create the folder',
  open: 'write',
  write: 'write',
  rename: 'write',
  unlink: 'remove',
  rmdir: 'remove',
  access: 'write',
};

/** A Node file-system error (it has an errno code, a syscall and a path), as one sentence. */
function fsErrorMessage(err: NodeJS.ErrnoException): string {
  const verb = FS_VERBS[err.syscall ?? ''] ?? 'use';
  return (
    `The server could not ${verb} ${err.path} (${describeFsError(err)}). Fix that folder's permissions, or point ` +
    `VIDEOGEN_STATE_DIR (the job ledger) or VIDEOGEN_OUTPUT_DIR (saved videos) at a folder you can write.`
  );
}

/** The one place an error becomes agent-facing text. */
export function toAgentMessage(err: unknown): { code: ErrorCode; message: string } {
  if (err instanceof VideogenError) {
    let message = err.message;
    // Redact before truncating: a secret cut in half by the truncation would no longer match.
    if (err.providerText && err.provider) message += ` ${quoteProviderText(err.provider, redact(err.providerText))}`;
    // The agent cannot change the server's environment; say who can.
    if (err.envVar && !/ask the user/i.test(message)) message += ` ${err.envVar} is a server setting only the user can change: ask them.`;
    // Nor can it open a provider's dashboard or console.
    if (err.code === 'unknown_outcome' && !/ask the user/i.test(message)) message += ' Only the user can look at that account: ask them before any retry.';
    return { code: err.code, message: redact(message) };
  }
  const fsErr = err as NodeJS.ErrnoException | undefined;
  if (fsErr instanceof Error && typeof fsErr.code === 'string' && typeof fsErr.syscall === 'string' && typeof fsErr.path === 'string')
    return { code: 'internal', message: redact(fsErrorMessage(fsErr)) };
  const text = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: redact(`Internal error: ${text.slice(0, PROVIDER_TEXT_MAX_CHARS)}`) };
}
