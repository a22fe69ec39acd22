/**
 * Saving finished videos into the workspace: once per job per process, into the output directory
 * (VIDEOGEN_OUTPUT_DIR, else `videos/` under the client's first MCP root, else under the working
 * directory), refreshing an expired signed URL first where the provider allows it, and recording the
 * result in the ledger. A failed save never fails the job.
 *
 * Saves run in the background, never tied to a tool call's signal: check_job waits for one only as
 * long as its deadline allows. A failed save is retried with backoff (doubling from SAVE_RETRY_BASE_MS,
 * never sooner than the provider's poll interval), whoever asks (check_job, waits, the watcher); after
 * MAX_SAVE_ATTEMPTS failures this process stops trying and the record's `detail` says so and points at
 * the video URL (issue #10 §1: a redirect we will not follow was fetched 800–1,100 times in 15 s).
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
import { assetPath } from '../assets.js';
import { copyLocalVideo, downloadVideo, videoFileName, type SavedVideo } from '../media/download.js';
import { STRICT_POLICY, policyFor, type FetchPolicy } from '../media/url-safety.js';
import { SIMULATOR_VIDEO } from '../providers/simulator.js';
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

/** A background save's total time bound (a host trickling bytes never holds a save forever). */
export const SAVE_MAX_MS = 30 * 60_000;
/** Tries per job before this process gives up saving it. */
export const MAX_SAVE_ATTEMPTS = 6;
/** Gap after the first failed save; doubles with each further failure, up to SAVE_RETRY_CAP_MS. */
export const SAVE_RETRY_BASE_MS = 2_000;
const SAVE_RETRY_CAP_MS = 5 * 60_000;

interface SaveFailure {
  count: number;
  /** Not before this time (ms). */
  nextAt: number;
  message: string;
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
  private readonly failures = new Map<string, SaveFailure>();

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

  /** Which result URLs of this provider may be fetched: https, public, unless its own base URL is not. */
  private policy(provider: ProviderId): FetchPolicy {
    return provider === 'simulator' ? STRICT_POLICY : policyFor(this.config.providers[provider].baseUrl);
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

  /**
   * Save a finished job's video (once per job per process at a time); resolves to the updated record.
   * While a failed save is backing off (or has given up), resolves at once to the record as it is.
   */
  save(rec: JobRecord, signal?: AbortSignal): Promise<JobRecord> {
    if (rec.status !== 'succeeded' || !rec.video_url || !this.config.download) return Promise.resolve(rec);
    if (rec.local_path && existsSync(rec.local_path)) return Promise.resolve(rec);
    const inflight = this.saving.get(rec.job_id);
    if (inflight) return inflight;
    const failed = this.failures.get(rec.job_id);
    if (failed && (failed.count >= MAX_SAVE_ATTEMPTS || this.now() < failed.nextAt)) return Promise.resolve(rec);
    const p = this.doSave(rec, signal).finally(() => this.saving.delete(rec.job_id));
    this.saving.set(rec.job_id, p);
    return p;
  }

  isSaving(jobId: string): boolean {
    return this.saving.has(jobId);
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
      // A local file is copied only for the simulator, and only its own bundled clip: a provider's
      // status naming file:///… never reads the user's files (issue #10 §7).
      const saved: SavedVideo & { url?: string | undefined; expires?: string | undefined } =
        rec.provider === 'simulator' && url.startsWith('file:') && path.resolve(fileURLToPath(url)) === assetPath(SIMULATOR_VIDEO)
          ? await copyLocalVideo(fileURLToPath(url), { dir, baseName })
          : await this.downloadWithRefresh(url, dir, baseName, rec, signal);
      log.info('video saved', { job_id: rec.job_id, path: saved.path, bytes: saved.bytes });
      this.failures.delete(rec.job_id);
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
      const count = (this.failures.get(rec.job_id)?.count ?? 0) + 1;
      const minGap = (adapter?.minPollIntervalSeconds ?? 0) * 1000;
      const gap = Math.min(SAVE_RETRY_CAP_MS, Math.max(minGap, SAVE_RETRY_BASE_MS * 2 ** (count - 1)));
      this.failures.set(rec.job_id, { count, nextAt: this.now() + gap, message: msg });
      log.warn('saving the video failed', { job_id: rec.job_id, attempt: count, error: msg });
      const detail =
        count >= MAX_SAVE_ATTEMPTS
          ? `The video is ready at video_url, but saving it into the workspace failed ${count} times, so this server stopped trying (last: ${msg}). Download it from video_url instead.`
          : `The video is ready at video_url, but saving it failed (attempt ${count} of ${MAX_SAVE_ATTEMPTS}; next try in ${Math.ceil(gap / 1000)} s): ${msg}`;
      return this.ledger.put({ ...rec, detail, updated_at: new Date(this.now()).toISOString() });
    }
  }

  private async downloadWithRefresh(url: string, dir: string, baseName: string, rec: JobRecord, signal: AbortSignal | undefined) {
    const opts = {
      dir,
      baseName,
      maxBytes: this.config.maxDownloadBytes,
      policy: this.policy(rec.provider),
      maxTotalMs: SAVE_MAX_MS,
      ...(signal ? { signal } : {}),
    };
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
