/**
 * Public job ids. A job id encodes the provider, the model and the provider handle (everything the
 * provider's status call needs), so `check_job` works from a fresh process even when the ledger is gone.
 *
 * Format: `<provider>_<base64url(JSON [modelId, handle])>`. Opaque to agents; stable across versions
 * because decoding tolerates unknown handle keys.
 */
import { PROVIDER_IDS, type ProviderId } from '../catalog/types.js';
import { VideogenError } from '../errors.js';
import type { JobHandle } from '../providers/types.js';

export interface DecodedJobId {
  provider: ProviderId;
  model: string;
  handle: JobHandle;
}

/** Job ids longer than this are refused before decoding (they come from agents). */
const MAX_JOB_ID_LENGTH = 1024;

/**
 * Every handle value becomes part of a request path or query on the provider's host, so each is
 * checked before use (issue #10 §3): letters, digits, `_`, `-`, `.` and `:`, never starting with a dot
 * (so `..` cannot climb a path), at most 128 characters. No `/`, `?`, `#`, `%`, spaces or control
 * characters: a crafted job id can never steer a request to another path. encodeURIComponent is applied
 * on top where the adapters build URLs.
 */
export const HANDLE_VALUE_RE = /^[A-Za-z0-9_:-][A-Za-z0-9_.:-]{0,127}$/;

/**
 * Per-provider handle rules: the fields the provider's status call needs, each with its own shape
 * (from the ids each provider issues: providers.md §1.4, §2.3, §3.2, §4.3, §5.3). A handle missing a
 * required field, or with a field of the wrong shape, is not ours.
 */
export const HANDLE_RULES: Record<ProviderId, Readonly<Record<string, RegExp>>> = {
  // RunAPI task ids are UUIDs (seed pages show `tsk_…`); svc/ep are the endpoint's two path segments.
  runapi: { id: /^[A-Za-z0-9_-]{1,128}$/, svc: /^[a-z0-9_]{1,40}$/, ep: /^[a-z0-9_]{1,40}$/ },
  // Apiframe job ids are UUIDs.
  apiframe: { id: /^[A-Za-z0-9-]{1,64}$/ },
  // Atlas prediction ids are hex strings; `t` is the submit time in epoch seconds.
  atlascloud: { id: /^[A-Za-z0-9_-]{1,128}$/ },
  // MiniMax task ids are numeric strings.
  minimax: { id: /^[A-Za-z0-9_-]{1,64}$/ },
  // Runway task ids are UUIDs.
  runway: { id: /^[A-Za-z0-9-]{1,64}$/ },
  simulator: { id: /^[A-Za-z0-9_-]{1,64}$/ },
};

export function encodeJobId(provider: ProviderId, model: string, handle: JobHandle): string {
  const payload = Buffer.from(JSON.stringify([model, handle]), 'utf8').toString('base64url');
  return `${provider}_${payload}`;
}

export function decodeJobId(jobId: string): DecodedJobId {
  const bad = (why: string) =>
    new VideogenError(
      'invalid_input',
      `job_id "${jobId.slice(0, 60)}" is not a videogen job id (${why}). Use a job_id returned by generate_video or list_jobs.`,
    );
  if (jobId.length > MAX_JOB_ID_LENGTH) throw bad('too long');
  const sep = jobId.indexOf('_');
  if (sep < 0) throw bad('no provider prefix');
  const provider = jobId.slice(0, sep) as ProviderId;
  if (!PROVIDER_IDS.includes(provider)) throw bad(`unknown provider "${provider.slice(0, 20)}"`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(jobId.slice(sep + 1), 'base64url').toString('utf8'));
  } catch {
    throw bad('undecodable');
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || !parsed[1] || typeof parsed[1] !== 'object') throw bad('malformed');
  const handle = parsed[1] as Record<string, unknown>;
  if (typeof handle['id'] !== 'string' || !handle['id']) throw bad('no upstream id');
  for (const v of Object.values(handle)) if (typeof v !== 'string') throw bad('malformed handle');
  if (Object.keys(handle).length > 8) throw bad('malformed handle');
  for (const [k, v] of Object.entries(handle as Record<string, string>)) {
    if (!/^[A-Za-z0-9_]{1,16}$/.test(k) || !HANDLE_VALUE_RE.test(v)) throw bad('malformed handle');
  }
  for (const [field, re] of Object.entries(HANDLE_RULES[provider])) {
    const v = handle[field];
    if (typeof v !== 'string' || !re.test(v)) throw bad(`its ${provider} ${field === 'id' ? 'id' : `"${field}" field`} is missing or malformed`);
  }
  return { provider, model: parsed[0], handle: handle as JobHandle };
}
