/**
 * Saving finished videos into the workspace: once per job per process, into the output directory
 * (VIDEOGEN_OUTPUT_DIR, else `videos/` under the client's first MCP root, else under the working
 * directory), refreshing an expired signed URL first where the provider allows it, and recording the
 * result in the ledger. A failed save never fails the job: it is retried by the next check_job.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProviderId } from '../catalog/types.js';
import type { Config } from '../config.js';
import { toAgentMessage } from '../errors.js';
import { log } from '../log.js';
import { copyLocalVideo, downloadVideo, videoFileName, type SavedVideo } from '../media/download.js';
import type { ProviderAdapter } from '../providers/types.js';
import { decodeJobId } from './job-id.js';
import type { JobRecord, JobStore, Lease } from './ledger.js';

export interface SaverDeps {
  config: Config;
  ledger: JobStore;
  adapters: Partial<Record<ProviderId, ProviderAdapter>>;
  roots: () => Promise<string[]>;
  now: () => number;
}

/** A save holds the job's lease this long at a time, renewed every third of it while it downloads. */
const SAVE_LEASE_MS = 60_000;
/** The detail of a job another process is saving. */
const SAVING_ELSEWHERE = 'The video is ready and another server process is saving it; call check_job again in a few seconds for local_path.';

/** A temporary download file this old was left by a process that died mid-download. */
const STALE_PART_MS = 60 * 60_000;

export class VideoSaver {
  private readonly saving = new Map<string, Promise<JobRecord>>();
  private readonly swept = new Set<string>();

  constructor(private readonly deps: SaverDeps) {}

  private get config(): Config {
    return this.deps.config;
  }
  private get ledger(): JobStore {
    return this.deps.ledger;
  }
  private now(): number {
    return this.deps.now();
  }

  async outputDir(): Promise<string> {
    if (this.config.outputDir) return this.config.outputDir;
    const roots = await this.deps.roots();
    if (roots[0]) return path.join(roots[0], 'videos');
    // GUI clients (Claude Desktop) may start servers in `/`, where `videos/` is neither writable nor
    // findable: use the user's home instead.
    const cwd = this.config.cwd;
    if (cwd === path.parse(cwd).root) return path.join(homedir(), 'videogen-videos');
    return path.join(cwd, 'videos');
  }

  /** Save a finished job's video (once per job per process); resolves to the updated record. */
  save(rec: JobRecord, signal?: AbortSignal): Promise<JobRecord> {
    if (rec.status !== 'succeeded' || !rec.video_url || !this.config.download) return Promise.resolve(rec);
    if (rec.local_path && existsSync(rec.local_path)) return Promise.resolve(rec);
    const inflight = this.saving.get(rec.job_id);
    if (inflight) return inflight;
    const p = this.doSave(rec, signal).finally(() => this.saving.delete(rec.job_id));
    this.saving.set(rec.job_id, p);
    return p;
  }

  /**
   * One download per job, whichever process finishes it: the saver holds the job's lease in the store
   * while it downloads (renewed as it goes), re-reads the record under it, and leaves the job alone
   * when another process holds it — that process records `local_path` when done.
   */
  private async doSave(rec: JobRecord, signal: AbortSignal | undefined): Promise<JobRecord> {
    const lease = await this.ledger.acquireLease(rec.job_id, SAVE_LEASE_MS);
    if (!lease) return { ...rec, detail: SAVING_ELSEWHERE };
    let held: Lease | undefined = lease;
    const renew = setInterval(() => {
      if (held)
        void this.ledger.renewLease(held, SAVE_LEASE_MS).then(
          (l) => (held = l),
          () => undefined,
        );
    }, SAVE_LEASE_MS / 3);
    renew.unref();
    try {
      const current = (await this.ledger.get(rec.job_id)) ?? rec;
      if (current.local_path && existsSync(current.local_path)) return current;
      return await this.download({ ...rec, ...current }, signal);
    } finally {
      clearInterval(renew);
      if (held) await this.ledger.releaseLease(held).catch(() => undefined);
    }
  }

  private async download(rec: JobRecord, signal: AbortSignal | undefined): Promise<JobRecord> {
    const dir = await this.outputDir();
    await this.sweepStaleParts(dir);
    const baseName = videoFileName(rec.job_id, rec.params.prompt);
    const existing = path.join(dir, baseName);
    // Once saved, an earlier "saving it failed" detail no longer holds.
    const { detail: _staleDetail, ...done } = rec;
    if (existsSync(existing) && statSync(existing).size > 0) {
      return this.ledger.put({ ...done, local_path: existing, local_bytes: statSync(existing).size, updated_at: new Date(this.now()).toISOString() });
    }
    let url = rec.video_url!;
    let expires = rec.video_expires_at;
    const adapter = this.deps.adapters[rec.provider];
    try {
      if (expires && Date.parse(expires) <= this.now() + 60_000 && adapter?.refreshOutputs) {
        const fresh = await adapter.refreshOutputs(decodeJobId(rec.job_id).handle, signal ? { signal } : {});
        if (fresh[0]) ({ url, expires_at: expires } = fresh[0]);
      }
      const saved: SavedVideo & { url?: string | undefined; expires?: string | undefined } = url.startsWith('file:')
        ? await copyLocalVideo(fileURLToPath(url), { dir, baseName })
        : await this.downloadWithRefresh(url, dir, baseName, rec, signal);
      log.info('video saved', { job_id: rec.job_id, path: saved.path, bytes: saved.bytes });
      return this.ledger.put({
        ...done,
        video_url: saved.url ?? url,
        ...((saved.expires ?? expires) ? { video_expires_at: (saved.expires ?? expires)! } : {}),
        local_path: saved.path,
        local_bytes: saved.bytes,
        updated_at: new Date(this.now()).toISOString(),
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      const msg = toAgentMessage(err).message;
      log.warn('saving the video failed', { job_id: rec.job_id, error: msg });
      return this.ledger.put({ ...rec, detail: `The video is ready but saving it failed: ${msg}`, updated_at: new Date(this.now()).toISOString() });
    }
  }

  private async downloadWithRefresh(url: string, dir: string, baseName: string, rec: JobRecord, signal: AbortSignal | undefined) {
    const opts = { dir, baseName, maxBytes: this.config.maxDownloadBytes, ...(signal ? { signal } : {}) };
    try {
      return { ...(await downloadVideo(url, opts)), url: undefined, expires: undefined };
    } catch (err) {
      const adapter = this.deps.adapters[rec.provider];
      if (!adapter?.refreshOutputs) throw err;
      // Signed URLs expire (MiniMax ~1 h, Runway 24–48 h): fetch a fresh one and try once more.
      const fresh = await adapter.refreshOutputs(decodeJobId(rec.job_id).handle, signal ? { signal } : {});
      const first = fresh[0];
      if (!first || first.url === url) throw err;
      return { ...(await downloadVideo(first.url, opts)), url: first.url, expires: first.expires_at };
    }
  }

  /**
   * Remove `.<name>.part-<random>` files a killed process left in the output directory (once per
   * directory per process; only files older than STALE_PART_MS, so a download in another live
   * process is never touched).
   */
  private async sweepStaleParts(dir: string): Promise<void> {
    if (this.swept.has(dir)) return;
    this.swept.add(dir);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!/^\..+\.part-[0-9a-f]+$/.test(name)) continue;
      const file = path.join(dir, name);
      const st = await stat(file).catch(() => undefined);
      if (st?.isFile() && this.now() - st.mtimeMs > STALE_PART_MS) await rm(file, { force: true }).catch(() => undefined);
    }
  }
}
