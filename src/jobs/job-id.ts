/**
 * Public job ids. A job id encodes the provider, the model and the provider handle (everything the
 * provider's status call needs), so `check_job` works from a fresh process even when the ledger is gone.
 *
 * Format: `<provider>_<base64url(JSON [modelId, handle])>`. Opaque to agents; stable across versions
 * because decoding tolerates unknown handle keys.
 */
import { PROVIDER_IDS, type ProviderId } from '../catalog/types.js';
import { VideogenError } from '../errors.js';
import { HANDLE_RULES, HANDLE_VALUE_RE, handleProblem } from '../providers/handles.js';
import type { JobHandle } from '../providers/types.js';

export { HANDLE_RULES, HANDLE_VALUE_RE };

export interface DecodedJobId {
  provider: ProviderId;
  model: string;
  handle: JobHandle;
}

/** Job ids longer than this are refused before decoding (they come from agents). */
const MAX_JOB_ID_LENGTH = 1024;

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
  const problem = handleProblem(provider, handle);
  if (problem) throw bad(problem);
  return { provider, model: parsed[0], handle: handle as JobHandle };
}
