/**
 * The submit path of generate_video, as named steps. Each step lives in its own file and its
 * docstring states the one guarantee it owns:
 *
 *  1. resolve and validate ....... ./resolve.ts   bad input is refused before anything is read, reserved or sent
 *     the key's earlier job ..... findExisting    "never twice": a key that already has a job (or a submit in flight) answers with it
 *  2. route ...................... ./route.ts     no configured offer → refused; a dry run stops here
 *     read and check the media .. ./media.ts     local files and data: URIs checked before any money is reserved
 *  3. guard the money ............ ./guard.ts     a reservation is held only while a request may be billed
 *  4. prepare the media .......... ./media.ts     uploads run inside the call's deadline and create no job
 *  5. claim the key + record the
 *     pending submit ............. ./claim.ts     "never twice" across processes, "never lost" across crashes
 *  6. send ....................... ./send.ts      a request that may be billed is never abandoned; the call still answers by its deadline
 *  7. record the job ............. ./record.ts    a confirmed job is recorded before its pending submit is cleared; an unknown outcome is recorded, never hidden
 *  8. failover ................... ./failover.ts  only a proven-no-job failure moves on; the first real cause is reported
 *     reconcile orphans .......... ./reconcile.ts pending submits whose sender died are replayed (keyed providers) or recorded as unknown
 */
import { randomUUID } from 'node:crypto';
import { remainingMs, type Deadline } from '../deadline.js';
import { keyReused } from './claim.js';
import { submitWithFailover } from './failover.js';
import { checkMediaFor, readLocalMedia } from './media.js';
import { isLive, reconcileOne } from './reconcile.js';
import { resolveRequest } from './resolve.js';
import { extendSource } from '../extend.js';
import { dryRunPlan, routeRequest } from './route.js';
import { awaitSend, inflight, stillSubmitting } from './send.js';
import type {
  DryRunPlan,
  GenerateContext,
  GenerateInput,
  GenerateOutcome,
  JobOutcome,
  ResolvedRequest,
  SendResult,
  StillSubmitting,
  SubmitEnv,
} from './types.js';

export type * from './types.js';
export { IDEMPOTENCY_KEY_PATTERN, checkIdempotencyKey, fingerprintOf } from './resolve.js';
export { reconcilePending, RECONCILE_INTERVAL_MS } from './reconcile.js';

/** Calls in flight per ledger and idempotency_key in this process: a retry waits for the first call. */
const SERIAL = new Map<string, Promise<unknown>>();

export async function generate(env: SubmitEnv, input: GenerateInput, ctx: GenerateContext = {}): Promise<GenerateOutcome | DryRunPlan> {
  const k = input.idempotency_key;
  if (k === undefined || input.dry_run) return generateOnce(env, input, ctx);
  // Serialize calls sharing a key, so the second sees the first's job (or pending submit) in the
  // ledger instead of submitting a second, billed job next to it.
  const slot = `${env.ledger.id}\0${k}`;
  const prev = SERIAL.get(slot) ?? Promise.resolve();
  const run = prev.then(() => generateOnce(env, input, ctx));
  const tail = run.catch(() => undefined);
  SERIAL.set(slot, tail);
  try {
    return await run;
  } finally {
    if (SERIAL.get(slot) === tail) SERIAL.delete(slot);
  }
}

async function generateOnce(env: SubmitEnv, input: GenerateInput, ctx: GenerateContext): Promise<GenerateOutcome | DryRunPlan> {
  let req = resolveRequest(input);
  if (req.callerKey !== undefined && !req.dryRun) {
    const found = await findExisting(env, req, req.callerKey, ctx.deadline);
    if (found) return found;
  }
  const plan = routeRequest(req, env.config);
  // Extending needs the source job's own task id, and a source that can be extended where this goes.
  if (req.params.extend_job_id !== undefined) {
    const extend = await extendSource(req.params.extend_job_id, plan.candidates[0]!.offer.provider, (id) => env.ledger.get(id));
    req = { ...req, wireOverrides: { extend_job_id: extend.taskId } };
  }
  const media = await readLocalMedia(env, req.params, ctx.deadline?.signal ?? ctx.signal);
  checkMediaFor(req.resolved.model, plan.candidates[0]!.offer.provider, req.params, media);
  if (req.dryRun) return dryRunPlan(req, plan);
  return submitWithFailover(env, req, plan, req.callerKey ?? randomUUID(), media, ctx);
}

/**
 * "Never twice", in sequence: a key that already has a job returns it; one whose submit is still in
 * flight (here or in a live process) waits for it until the deadline, then says it is still being
 * submitted; an orphaned one (its sender died) is reconciled now.
 */
async function findExisting(env: SubmitEnv, req: ResolvedRequest, key: string, deadline: Deadline | undefined): Promise<GenerateOutcome | undefined> {
  const existing = await env.ledger.findByIdempotencyKey(key);
  if (existing) {
    if (existing.fingerprint !== undefined && existing.fingerprint !== req.fingerprint) throw keyReused(key, existing.job_id);
    return { record: existing, reused: true };
  }
  const pending = await env.ledger.getPendingSubmit(key);
  if (!pending) return undefined;
  if (pending.fingerprint !== req.fingerprint) throw keyReused(key, 'still being submitted');
  const own = inflight(env, key);
  if (own) return settle(await awaitSend(own, pending, deadline));
  if (isLive(env, pending)) {
    const joined = await waitForOther(env, req, key, deadline);
    // 'gone': the other submit ended without a job (a definite refusal): this call makes its own attempt.
    return joined === 'gone' ? undefined : (joined ?? stillSubmitting(pending));
  }
  return settle(await reconcileOne(env, pending, deadline));
}

/** How often a call joined to another process's submit re-reads the ledger for its outcome. */
const JOIN_POLL_MS = 250;

/**
 * Another live process is sending this key: wait (within the deadline, never past it) for its job to
 * be recorded. 'gone' when its pending submit ended without a job; undefined when the deadline came first.
 */
async function waitForOther(env: SubmitEnv, req: ResolvedRequest, key: string, deadline: Deadline | undefined): Promise<JobOutcome | 'gone' | undefined> {
  while (deadline && !deadline.signal.aborted && remainingMs(deadline) > JOIN_POLL_MS) {
    await new Promise((r) => setTimeout(r, JOIN_POLL_MS));
    // Pending first: a job is recorded before its pending submit is cleared, so gone-then-no-job is final.
    const stillPending = (await env.ledger.getPendingSubmit(key)) !== undefined;
    const rec = await env.ledger.findByIdempotencyKey(key);
    if (rec) {
      if (rec.fingerprint !== undefined && rec.fingerprint !== req.fingerprint) throw keyReused(key, rec.job_id);
      return { record: rec, reused: true };
    }
    if (!stillPending) return 'gone';
  }
  return undefined;
}

/** Joined or replayed: nothing new was submitted by this call. */
function settle(r: JobOutcome | SendResult | StillSubmitting): GenerateOutcome {
  if ('submitting' in r) return r;
  if ('reused' in r) return r;
  if (r.ok) return { record: r.record, reused: true };
  throw r.error;
}
