/**
 * The shape of each provider's job handle (the ids and fields its status call needs), checked both
 * ways (issue #10 §3, §7): a job id an agent sends is decoded and checked before any request
 * (jobs/job-id.ts), and an id a provider returns at submit is checked before it is recorded, so
 * neither side can steer a request to another path on the provider's host.
 */
import type { ProviderId } from '../catalog/types.js';
import { VideogenError } from '../errors.js';
import type { JobHandle } from './types.js';

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
 * (from the ids each provider issues: providers.md §1.4, §2.3, §3.2, §4.3, §5.3). Each is a little
 * wider than the documented format (a UUID rule would strand every job if a provider changed its id
 * style) but never admits a path, query or escape character. A handle missing a required field, or
 * with a field of the wrong shape, is not ours.
 */
export const HANDLE_RULES: Record<ProviderId, Readonly<Record<string, RegExp>>> = {
  // RunAPI task ids are UUIDs (seed pages show `tsk_…`); svc/ep are the endpoint's two path segments,
  // spelled as parseRunapiEndpoint accepts them (e.g. minimax_h3/text_to_video).
  runapi: { id: /^[A-Za-z0-9_-]{1,128}$/, svc: /^[A-Za-z0-9_]{1,40}$/, ep: /^[A-Za-z0-9_]{1,40}$/ },
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

/** The first problem with a handle for `provider`, or undefined when it is well-formed. */
export function handleProblem(provider: ProviderId, handle: Record<string, unknown>): string | undefined {
  if (Object.keys(handle).length > 8) return 'too many fields';
  for (const [k, v] of Object.entries(handle)) {
    if (!/^[A-Za-z0-9_]{1,16}$/.test(k) || typeof v !== 'string' || !HANDLE_VALUE_RE.test(v)) return 'malformed handle';
  }
  for (const [field, re] of Object.entries(HANDLE_RULES[provider])) {
    const v = handle[field];
    if (typeof v !== 'string' || !re.test(v)) return `its ${provider} ${field === 'id' ? 'id' : `"${field}" field`} is missing or malformed`;
  }
  return undefined;
}

/**
 * A submit answer's job id, checked: an id the provider returned that this server could not safely
 * put in a status URL means the job exists upstream but cannot be tracked, an unknown outcome.
 */
export function checkedHandle(provider: ProviderId, handle: JobHandle): JobHandle {
  const problem = handleProblem(provider, handle);
  if (problem)
    throw new VideogenError(
      'unknown_outcome',
      `${provider} accepted the request but returned a job id this server cannot use safely (${problem}), so the job cannot be tracked. Nothing was resubmitted; check the ${provider} dashboard before trying again, or you may pay twice.`,
      { provider, providerText: JSON.stringify(handle).slice(0, 200), noJobCreated: false },
    );
  return handle;
}
