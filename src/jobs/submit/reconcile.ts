/**
 * Reconciliation of pending submits: the other half of "never lost".
 *
 * A pending submit is written just before a paid request leaves (./claim.ts) and cleared once its
 * outcome is recorded (./record.ts). One that outlives its sender — the process was killed, or the
 * answer never came — is an ORPHAN, and is settled here, at start-up, periodically, and whenever a
 * call brings the same idempotency_key:
 *  - a job already recorded under the key: the pending entry is just cleared;
 *  - a provider that deduplicates by key (RunAPI, Apiframe: `adapter.idempotentSubmit`) and a stored
 *    wire request: the identical request is replayed with the same key, which returns the original
 *    job (or creates it, if the first never arrived), and the job is recorded;
 *  - everywhere else: an `unknown` job carrying the key is recorded — visible in list_jobs, never
 *    hidden, never resubmitted.
 * A pending submit whose sender is alive and still waiting is left alone (`isLive`).
 */
import { hostname } from 'node:os';
import { getModel } from '../../catalog/index.js';
import { VideogenError } from '../../errors.js';
import { log } from '../../log.js';
import type { Deadline } from '../deadline.js';
import { pidAlive, type PendingSubmit } from '../ledger.js';
import { recordUnknown, unknownOutcome } from './record.js';
import { awaitSend, inflight, startSubmit } from './send.js';
import type { JobOutcome, SendResult, StillSubmitting, SubmitEnv } from './types.js';

/** A sender older than this is presumed gone even if its pid is alive (pid reuse). */
export const PENDING_STALE_MS = 5 * 60_000;
/**
 * Replays of an orphan keep failing this long: it is recorded as unknown instead. Apiframe keeps a key
 * 24 h ("replaying the same key within 24 hours returns the original job", providers.md §2): a replay
 * after that could create a second job, so replays stop well before.
 */
export const REPLAY_GIVE_UP_MS = 20 * 3600_000;
/** How often a running server looks for orphans. */
export const RECONCILE_INTERVAL_MS = 60_000;

/** Whether the pending submit's sender is still waiting for its answer. */
export function isLive(env: SubmitEnv, p: PendingSubmit): boolean {
  if (p.pid === undefined) return false;
  const fresh = env.now() - Date.parse(p.created_at) < PENDING_STALE_MS;
  // Another host's process (a team deployment sharing one database): its pid cannot be checked from here.
  if (p.host !== undefined && p.host !== hostname()) return fresh;
  if (p.pid === process.pid) return inflight(env, p.idempotency_key) !== undefined;
  return pidAlive(p.pid) && fresh;
}

/** Settle one orphan (see the module comment). */
export async function reconcileOne(env: SubmitEnv, p: PendingSubmit, deadline?: Deadline): Promise<JobOutcome | SendResult | StillSubmitting> {
  const key = p.idempotency_key;
  const existing = await env.ledger.findByIdempotencyKey(key);
  if (existing) {
    await env.ledger.clearPendingSubmit(key);
    return { record: existing, reused: true };
  }
  const adapter = env.adapters[p.provider];
  const model = getModel(p.model);
  const offer = model?.offers.find((o) => o.provider === p.provider && o.native_model === p.native_model);
  const tooOld = env.now() - Date.parse(p.created_at) > REPLAY_GIVE_UP_MS;
  // This server has no key for that provider (processes may differ in configuration): leave it to
  // one that has, unless it has waited too long.
  if (!adapter && !tooOld) return { ok: false, error: unknownOutcome(p.provider, key, 'A submit') };
  if (adapter?.idempotentSubmit && p.wire && model && offer && !tooOld) {
    log.info('replaying a pending submit with its idempotency key', { provider: p.provider, idempotency_key: key });
    const owned: PendingSubmit = { ...p, pid: process.pid, host: hostname() };
    await env.ledger.putPendingSubmit(owned);
    const run = startSubmit(env, adapter, owned, { model, offer, params: p.wire, idempotencyKey: key });
    return awaitSend(run, owned, deadline);
  }
  const why = !adapter
    ? `no server with a ${p.provider} key settled it in time`
    : adapter.idempotentSubmit
      ? tooOld
        ? 'its replays kept failing until the key was about to expire'
        : 'it carried inline media that was not kept for a replay'
      : `${p.provider} has no idempotency keys`;
  const err = unknownOutcome(p.provider, key, 'A submit');
  const rec = await recordUnknown(
    env,
    p,
    err,
    `The server stopped or lost the answer while this submit was in flight, and ${why}, so it was not resent. It may have created a job.`,
  );
  log.warn('pending submit recorded as unknown', { provider: p.provider, idempotency_key: key });
  return { record: rec, reused: true };
}

export interface ReconcileReport {
  orphans: number;
  recorded: number;
  unknown: number;
  kept: number;
}

const running = new Map<string, Promise<ReconcileReport>>();

/** Settle every orphaned pending submit in the ledger (one run at a time per ledger and process). */
export function reconcilePending(env: SubmitEnv): Promise<ReconcileReport> {
  const dir = env.ledger.id;
  const current = running.get(dir);
  if (current) return current;
  const run = (async () => {
    const report: ReconcileReport = { orphans: 0, recorded: 0, unknown: 0, kept: 0 };
    for (const p of await env.ledger.listPendingSubmits()) {
      if (isLive(env, p)) continue;
      report.orphans++;
      try {
        const r = await reconcileOne(env, p);
        if ('submitting' in r) report.kept++;
        else if ('record' in r) r.record.status === 'unknown' ? report.unknown++ : report.recorded++;
        else report.kept++;
      } catch (err) {
        report.kept++;
        log.warn('could not reconcile a pending submit', {
          idempotency_key: p.idempotency_key,
          error: err instanceof VideogenError ? err.message : String(err),
        });
      }
    }
    if (report.orphans) log.info('reconciled pending submits', { ...report });
    return report;
  })().finally(() => running.delete(dir));
  running.set(dir, run);
  return run;
}
