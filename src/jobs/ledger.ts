/**
 * The durable job ledger: one JSON file per job under `<stateDir>/jobs/`, each written atomically
 * (temp file + fsync + rename, via write-file-atomic). Why one file per job:
 *  - two server processes (two editor windows) writing different jobs never touch the same file;
 *    writing the same job is last-writer-wins of a whole, valid record, and a terminal state is never
 *    overwritten by a non-terminal one;
 *  - `kill -9` at any moment leaves at most a stray temp file: the record under its final name is
 *    always the old or the new version, never a torn one;
 *  - growth is bounded by pruning old terminal records (MAX_RECORDS, MAX_AGE_DAYS).
 *
 * Pending submits (`<stateDir>/submits/`) record an idempotency key BEFORE a paid request goes out,
 * so a submit whose response was lost can be replayed with the same key instead of paying twice.
 *
 * Secrets never enter the ledger: records hold parameters and provider handles only, and inline media
 * (data URIs) is replaced by a short description.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Mode, ProviderId, VideoParams } from '../catalog/types.js';
import type { ErrorCode } from '../errors.js';
import { redact } from '../errors.js';

import { TERMINAL, type LedgerStatus } from './status.js';

export { TERMINAL, type LedgerStatus };

export interface JobRecord {
  job_id: string;
  provider: ProviderId;
  model: string;
  native_model?: string;
  params: VideoParams;
  status: LedgerStatus;
  progress?: number;
  detail?: string;
  video_url?: string;
  video_expires_at?: string;
  local_path?: string;
  local_bytes?: number;
  error?: { code: ErrorCode; message: string };
  idempotency_key?: string;
  /** Hash of model + params + pinned provider: detects an idempotency key reused for another request. */
  fingerprint?: string;
  mode?: Mode;
  estimated_cost_usd?: number;
  billed_cost_usd?: number;
  simulated: boolean;
  /** Providers tried first that failed in a way proving no job was created. */
  failed_over_from?: ProviderId[];
  created_at: string;
  updated_at: string;
  completed_at?: string;
  /** Last upstream status call (ms since epoch), shared by every process. */
  polled_at?: number;
  /** Which process is watching this job, and until when its claim holds. */
  lease?: { pid: number; until: number };
}

export interface PendingSubmit {
  idempotency_key: string;
  provider: ProviderId;
  model: string;
  native_model: string;
  params: VideoParams;
  /** Fingerprint of the request, so a key reused with other parameters is detected locally. */
  fingerprint: string;
  created_at: string;
  /** The process sending it; absent once that process saw the send end without an answer. */
  pid?: number;
  mode?: Mode;
  estimated_cost_usd?: number;
  simulated?: boolean;
  /**
   * The exact wire parameters (uploaded media as URLs), kept only where the provider deduplicates by
   * key and nothing is inline, so a reconciliation can replay the identical request.
   */
  wire?: VideoParams;
}

/** Pruning bounds: the ledger keeps at most this many records … */
export const MAX_RECORDS = 5_000;
/** … and drops terminal records older than this. */
export const MAX_AGE_DAYS = 30;

const hashName = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 40);

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

export class Ledger {
  readonly dir: string;
  private readonly jobsDir: string;
  private readonly submitsDir: string;
  private ready: Promise<void> | undefined;
  private writesSincePrune = 0;

  /** Names the backing data: ledgers with the same id share it (the store contract's `id`). */
  get id(): string {
    return this.dir;
  }

  constructor(stateDir: string) {
    this.dir = stateDir;
    this.jobsDir = path.join(stateDir, 'jobs');
    this.submitsDir = path.join(stateDir, 'submits');
  }

  init(): Promise<void> {
    this.ready ??= (async () => {
      await fs.mkdir(this.jobsDir, { recursive: true, mode: 0o700 });
      await fs.mkdir(this.submitsDir, { recursive: true, mode: 0o700 });
    })();
    return this.ready;
  }

  private jobPath(jobId: string): string {
    return path.join(this.jobsDir, `${hashName(jobId)}.json`);
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    await this.init();
    return readJson<JobRecord>(this.jobPath(jobId));
  }

  /**
   * Write a record. The first terminal status wins (another process may have finished or canceled
   * the job first); otherwise the newest write wins.
   */
  async put(record: JobRecord): Promise<JobRecord> {
    await this.init();
    const existing = await readJson<JobRecord>(this.jobPath(record.job_id));
    let next = record;
    if (existing && TERMINAL.has(existing.status) && record.status !== existing.status) {
      // The first terminal state wins: a canceled job stays canceled even if a late poll says otherwise.
      next = { ...existing, ...(record.polled_at !== undefined ? { polled_at: record.polled_at } : {}) };
    } else if (existing) {
      // Keep facts another process learned (a saved file, a billed cost) that this writer lacks.
      next = {
        ...record,
        ...(record.local_path === undefined && existing.local_path !== undefined
          ? { local_path: existing.local_path, ...(existing.local_bytes !== undefined ? { local_bytes: existing.local_bytes } : {}) }
          : {}),
        ...(record.billed_cost_usd === undefined && existing.billed_cost_usd !== undefined ? { billed_cost_usd: existing.billed_cost_usd } : {}),
      };
    }
    await writeFileAtomic(this.jobPath(record.job_id), JSON.stringify(next), { mode: 0o600 });
    if (++this.writesSincePrune >= 200) {
      this.writesSincePrune = 0;
      void this.prune().catch(() => {});
    }
    return next;
  }

  async update(jobId: string, patch: Partial<JobRecord>): Promise<JobRecord | undefined> {
    const existing = await this.get(jobId);
    if (!existing) return undefined;
    return this.put({ ...existing, ...patch, updated_at: new Date().toISOString() });
  }

  /** Every record, newest first. */
  async list(): Promise<JobRecord[]> {
    await this.init();
    const names = await fs.readdir(this.jobsDir);
    const records = await Promise.all(names.filter((n) => n.endsWith('.json')).map((n) => readJson<JobRecord>(path.join(this.jobsDir, n))));
    return records.filter((r): r is JobRecord => r !== undefined && typeof r.job_id === 'string').sort((a, b) => b.created_at.localeCompare(a.created_at));
  }

  async findByIdempotencyKey(key: string): Promise<JobRecord | undefined> {
    return (await this.list()).find((r) => r.idempotency_key === key);
  }

  // ---- pending submits -------------------------------------------------------------------------

  async putPendingSubmit(p: PendingSubmit): Promise<void> {
    await this.init();
    await writeFileAtomic(path.join(this.submitsDir, `${hashName(p.idempotency_key)}.json`), JSON.stringify(p), { mode: 0o600 });
  }
  /**
   * Claim a key for a first submit, atomically across processes: the record is written to a temp file
   * and hard-linked to its final name, which fails if another process claimed the key first.
   */
  async claimPendingSubmit(p: PendingSubmit): Promise<boolean> {
    await this.init();
    const final = path.join(this.submitsDir, `${hashName(p.idempotency_key)}.json`);
    const tmp = `${final}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await fs.writeFile(tmp, JSON.stringify(p), { mode: 0o600 });
    try {
      await fs.link(tmp, final);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  /** Every pending submit (the reconciler's input). */
  async listPendingSubmits(): Promise<PendingSubmit[]> {
    await this.init();
    const names = (await fs.readdir(this.submitsDir)).filter((n) => n.endsWith('.json'));
    const all = await Promise.all(names.map((n) => readJson<PendingSubmit>(path.join(this.submitsDir, n))));
    return all.filter((p): p is PendingSubmit => p !== undefined && typeof p.idempotency_key === 'string');
  }

  /**
   * Remove temp files a killed process left in the ledger's directories: claim temps whose process is
   * gone, and any temp file older than `minAgeMs` (a live writer holds one for milliseconds).
   */
  async sweepTempFiles(minAgeMs = 5_000, now = Date.now()): Promise<number> {
    await this.init();
    let removed = 0;
    for (const dir of [this.jobsDir, this.submitsDir]) {
      for (const n of await fs.readdir(dir)) {
        if (n.endsWith('.json')) continue;
        const file = path.join(dir, n);
        const pid = /\.json\.(\d+)\.[a-z0-9]+$/.exec(n)?.[1];
        const st = await fs.stat(file).catch(() => undefined);
        if (!st) continue;
        if ((pid !== undefined && !pidAlive(Number(pid))) || now - st.mtimeMs > minAgeMs) {
          await fs.rm(file, { force: true });
          removed++;
        }
      }
    }
    return removed;
  }

  async getPendingSubmit(key: string): Promise<PendingSubmit | undefined> {
    await this.init();
    return readJson<PendingSubmit>(path.join(this.submitsDir, `${hashName(key)}.json`));
  }
  async clearPendingSubmit(key: string): Promise<void> {
    await fs.rm(path.join(this.submitsDir, `${hashName(key)}.json`), { force: true });
  }

  /** Drop stray temp files, terminal records past MAX_AGE_DAYS, and the oldest beyond MAX_RECORDS. */
  async prune(now = Date.now()): Promise<number> {
    await this.init();
    let removed = 0;
    const names = await fs.readdir(this.jobsDir);
    for (const n of names) {
      if (!n.endsWith('.json')) {
        const st = await fs.stat(path.join(this.jobsDir, n)).catch(() => undefined);
        if (st && now - st.mtimeMs > 60_000) {
          await fs.rm(path.join(this.jobsDir, n), { force: true });
          removed++;
        }
      }
    }
    const records = await this.list();
    const cutoff = new Date(now - MAX_AGE_DAYS * 86_400_000).toISOString();
    const doomed = records.filter((r, i) => i >= MAX_RECORDS || (TERMINAL.has(r.status) && r.updated_at < cutoff));
    for (const r of doomed) {
      await fs.rm(this.jobPath(r.job_id), { force: true });
      removed++;
    }
    return removed;
  }
}

/** Whether a process with this pid exists (EPERM: it exists, owned by someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readJson<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined; // cannot happen with atomic writes, but a hand-edited file must not crash us
  }
}
