/**
 * The job ledger: the store contract (src/store/types.ts) as the job machinery uses it. Records,
 * idempotency claims, pending submits, polling leases and spend all live behind `JobStore`; on one
 * machine that is the file store (src/store/file-store.ts), for a team the PostgreSQL store.
 *
 * Pending submits record an idempotency key BEFORE a paid request goes out, so a submit whose
 * response was lost can be replayed with the same key instead of paying twice.
 *
 * Secrets never enter the ledger: records hold parameters and provider handles only, and inline media
 * (data URIs) is replaced by a short description (sanitizeParams).
 */
import type { VideoParams } from '../catalog/types.js';
import { redact } from '../errors.js';
import { isAlive } from '../store/file-lock.js';
import { FileStore } from '../store/file-store.js';
import type { JobRecord } from '../store/types.js';

export { TERMINAL, MAX_AGE_DAYS, MAX_RECORDS, type LedgerStatus, type JobRecord, type PendingSubmit, type JobStore, type Lease } from '../store/types.js';

/** Whether a process with this pid exists (EPERM: it exists, owned by someone else). */
export const pidAlive = isAlive;

/** Strip inline media and anything secret-looking before a parameter set is persisted. */
export function sanitizeParams(params: VideoParams): VideoParams {
  const out: VideoParams = { ...params };
  for (const k of ['first_frame_image_url', 'last_frame_image_url', 'source_video_url'] as const) {
    const v = out[k];
    if (v && v.startsWith('data:')) out[k] = `${v.slice(0, Math.max(5, v.indexOf(',') + 1))}… (${v.length} chars inline)`;
    else if (v) out[k] = redact(v);
  }
  if (out.callback_url) out.callback_url = redact(out.callback_url);
  return out;
}

/** The file store under the ledger's historical name, with the whole-ledger reads tests and tools used before paging. */
export class Ledger extends FileStore {
  /**
   * Every record, newest first. O(history): for tests and one-off tools only; the server pages with
   * listJobs and adopts with listUnfinished.
   */
  async list(): Promise<JobRecord[]> {
    const out: JobRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.listJobs({ limit: 1000, cursor, scanLimit: Infinity });
      out.push(...page.jobs);
      cursor = page.next_cursor;
    } while (cursor);
    return out;
  }

  /** Remove temp files and locks a killed process left (the store's start-up sweep, run again). */
  async sweepTempFiles(): Promise<number> {
    await this.init();
    return this.sweep();
  }

  /** Prune with the default bounds; a number is the clock (`now`), as before. */
  override prune(opts?: number | { now?: number; maxRecords?: number; maxAgeDays?: number; batch?: number }): Promise<number> {
    return super.prune(typeof opts === 'number' ? { now: opts } : opts);
  }
}
