/**
 * The file store: the store contract (types.ts) on one machine, for any number of server processes
 * sharing a state directory. Every operation costs the same whatever the history holds, because
 * everything it looks up is indexed on disk under a name it can compute:
 *
 *   jobs/<h>.json               one record per job (h = sha256(job_id)), written atomically
 *   index/order/<seq>.log       the listing order: fixed-width lines `created_at h`, appended as jobs are
 *                               first recorded; segments of ORDER_SEGMENT entries, read from the end
 *   index/keys/<k>              idempotency key → job_id (k = sha256(principal, key))
 *   index/unfinished/<h>        one empty marker per job not yet terminal (start-up reads only these)
 *   index/unsaved/<h>           one marker per succeeded job whose video is not saved yet
 *   submits/<k>.json            pending submits; the exclusive claim is a hard link to this name
 *   leases/<h>.json             polling leases
 *   spend/<day>.jsonl           spend lines (reserve +usd, release −usd, billed), additive, so totals
 *                               are read incrementally; spend/<day>.sum.json checkpoints them, and
 *                               spend/rollup.json holds every past day's sums
 *   spend/keys/<k>              a standing reservation per key until it is committed or released
 *   locks/                      O_EXCL lock files (file-lock.ts); tmp/ temp files before rename
 *
 * Crash safety: every file a reader parses is written to tmp/ and renamed into place, so `kill -9`
 * leaves the old or the new version, never a torn one; appends are single small writes of whole
 * lines, and readers ignore a partial last line. init() sweeps tmp/ and dead processes' locks.
 * A ledger written by an earlier version (jobs/ only) is indexed once, on first open.
 *
 * Costs, in files read: get 1 (a stat, when this instance last read or wrote that record); put the
 * same, plus an append and markers when a job is first recorded or changes state;
 * findByIdempotencyKey 2; listJobs(N) N + one order segment; listUnfinished = unfinished; prune reads
 * only the records it removes; a spend check reads the lines appended since the last one, and a fresh
 * process reads today's checkpoint and one roll-up for all past days.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { FileLocks, holderGone, sweepDeadLocks } from './file-lock.js';
import {
  MAX_AGE_DAYS,
  MAX_RECORDS,
  TERMINAL,
  localDay,
  mergeRecord,
  type JobPage,
  type JobRecord,
  type JobStore,
  type Lease,
  type ListJobsOptions,
  type PendingSubmit,
  type ReserveResult,
  type SpendCaps,
  type SpendReservation,
  type SpendTotals,
} from './types.js';

/** Entries per order segment: a listing reads at most one partial segment beyond what it returns. */
const ORDER_SEGMENT = 1_000;
/** `2026-01-01T00:00:00.000Z <40 hex>\n` */
const LINE = 24 + 1 + 40 + 1;
/** Write a spend checkpoint after reading this many bytes of new lines. */
const SUM_EVERY_BYTES = 8 * 1024;
/** A running process re-checks past days' spend at most this often (their files change only by a late bill or release). */
const PAST_RECHECK_MS = 10_000;
/** Records kept in an instance's read cache (a few MB at most). */
const RECORD_CACHE = 4_096;
/** A temp file older than this whose writer cannot be identified is swept. */
const STALE_TMP_MS = 60_000;

export const hashName = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 40);
/** Key names: a single user's keys hash as before (compatible with ledgers from earlier versions). */
const keyName = (key: string, principal: string | undefined) => hashName(principal === undefined ? key : `${principal}\u0000${key}`);

interface SpendLine {
  k: string;
  /** +reservation, −release (same magnitude), or a billed amount. */
  u: number;
  t: 'r' | 'x' | 'b';
  p?: string;
  at: string;
}
interface DaySums {
  offset: number;
  est: number;
  billed: number;
  /** principal ('' = none) → [est, billed] */
  by: Record<string, [number, number]>;
}
interface Marker {
  key: string;
  principal?: string;
  usd: number;
  day: string;
  at: number;
}

export interface FileStoreOptions {
  now?: () => number;
  /** fsync a job's first record before the rename (durable across power loss); default true. */
  fsync?: boolean;
  /** prune() bounds (defaults MAX_RECORDS, MAX_AGE_DAYS); a bounded prune runs every PRUNE_EVERY new jobs. */
  maxRecords?: number;
  maxAgeDays?: number;
}

/** New jobs recorded by one instance between two automatic prunes. */
const PRUNE_EVERY = 200;

export class FileStore implements JobStore {
  readonly dir: string;
  readonly id: string;
  private readonly locks = new FileLocks();
  private readonly holder = `${hostname()} ${process.pid} ${randomBytes(4).toString('hex')}`;
  private readonly now: () => number;
  private readonly fsync: boolean;
  private readonly bounds: { maxRecords: number; maxAgeDays: number };
  private newSincePrune = 0;
  private ready: Promise<void> | undefined;
  private readonly sums = new Map<string, DaySums>();
  /** Records this instance read or wrote, by hash, with the file signature they match (LRU). */
  private readonly recordCache = new Map<string, { sig: string; text: string }>();
  /** Leases this instance holds, so a poller re-taking its own lease costs no file access. */
  private readonly myLeases = new Map<string, Lease>();
  /** The newest order segment, as last seen. */
  private lastSegment: string | undefined;
  /** Past days' spend sums as last checked (see pastSums). */
  private past: { at: number; today: string; sums: Map<string, DaySums> } | undefined;
  /** Offset of the last checkpoint written or read, per day. */
  private readonly checkpointed = new Map<string, number>();
  private seq = 0;

  constructor(stateDir: string, opts: FileStoreOptions = {}) {
    this.dir = stateDir;
    this.id = `file:${path.resolve(stateDir)}`;
    this.now = opts.now ?? Date.now;
    this.fsync = opts.fsync ?? true;
    this.bounds = { maxRecords: opts.maxRecords ?? MAX_RECORDS, maxAgeDays: opts.maxAgeDays ?? MAX_AGE_DAYS };
  }

  private p(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }
  private jobFile(h: string) {
    return this.p('jobs', `${h}.json`);
  }

  init(): Promise<void> {
    this.ready ??= (async () => {
      const dirs = ['jobs', 'submits', 'leases', 'locks', 'tmp', 'spend', 'spend/keys', 'index/order', 'index/keys', 'index/unfinished', 'index/unsaved'];
      for (const d of dirs) await fs.mkdir(this.p(d), { recursive: true, mode: 0o700 });
      await this.sweep();
      if (!(await exists(this.p('index', 'version')))) await this.locks.with(this.p('locks', 'migrate'), () => this.indexLegacy());
      await this.migrateLegacySpend();
    })();
    return this.ready;
  }

  async close(): Promise<void> {}

  /** Remove temp files and locks that dead processes left (at start-up; callable any time). */
  async sweep(): Promise<number> {
    const tmp = this.p('tmp');
    const names = await fs.readdir(tmp).catch(() => [] as string[]);
    let removed = 0;
    await Promise.all(
      names.map(async (n) => {
        const pid = Number(n.split('-')[0]);
        if (pid === process.pid) return; // ours, in flight
        const file = path.join(tmp, n);
        const st = holderGone(pid, hostname()) ? undefined : await fs.stat(file).catch(() => undefined);
        if (st && this.now() - st.mtimeMs <= STALE_TMP_MS) return; // a live writer's, for milliseconds
        await fs.rm(file, { force: true });
        removed++;
      }),
    );
    await sweepDeadLocks(this.p('locks'));
    return removed;
  }

  /** A ledger from an earlier version has jobs/ but no indexes: build them once. */
  private async indexLegacy(): Promise<void> {
    if (await exists(this.p('index', 'version'))) return;
    const names = await fs.readdir(this.p('jobs')).catch(() => [] as string[]);
    const records: JobRecord[] = [];
    for (const n of names) {
      const file = this.p('jobs', n);
      if (!n.endsWith('.json')) {
        await fs.rm(file, { force: true }); // write-file-atomic temp files from earlier versions
        continue;
      }
      const r = await readJson<JobRecord>(file);
      if (r && typeof r.job_id === 'string') records.push(r);
    }
    records.sort((a, b) => a.created_at.localeCompare(b.created_at));
    for (const r of records) {
      await this.indexNew(r);
      await this.markersAfter(undefined, r);
    }
    await fs.writeFile(this.p('index', 'version'), '2\n');
  }

  private async migrateLegacySpend(): Promise<void> {
    const legacy = this.p('spend.jsonl');
    if (!(await exists(legacy))) return;
    await this.locks.with(this.p('locks', 'spend'), async () => {
      const text = await fs.readFile(legacy, 'utf8').catch(() => undefined);
      if (text === undefined) return;
      const byKey = new Map<string, { key: string; day: string; usd: number; at: string }>();
      for (const raw of text.split('\n')) {
        try {
          const l = JSON.parse(raw) as { key: string; day: string; usd: number; at: string; released?: boolean };
          if (l.released) byKey.delete(l.key);
          else byKey.set(l.key, l);
        } catch {
          /* blank or torn line */
        }
      }
      for (const l of byKey.values()) await this.appendSpend(l.day, { k: l.key, u: l.usd, t: 'r', at: l.at });
      await fs.rename(legacy, `${legacy}.migrated`);
    });
  }

  // ---- low-level files ------------------------------------------------------------------------------

  /** Write a file atomically; returns the written file's signature (see recordCache). */
  private async writeAtomic(file: string, data: string, sync = false): Promise<string> {
    const tmp = this.p('tmp', `${process.pid}-${(++this.seq).toString(36)}-${randomBytes(3).toString('hex')}`);
    const h = await fs.open(tmp, 'wx', 0o600);
    let sig: string;
    try {
      await h.writeFile(data);
      if (sync) await h.sync();
      sig = signature(await h.stat({ bigint: true }));
    } finally {
      await h.close();
    }
    try {
      await renameOver(tmp, file); // rename keeps the inode: the signature is the final file's
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    return sig;
  }

  /** Create a file with this content unless it exists (atomically: a hard link fails on EEXIST). */
  private async createExclusive(file: string, data: string): Promise<boolean> {
    const tmp = this.p('tmp', `${process.pid}-x${(++this.seq).toString(36)}-${randomBytes(3).toString('hex')}`);
    await fs.writeFile(tmp, data, { mode: 0o600, flag: 'wx' });
    try {
      await fs.link(tmp, file);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  /**
   * Read a job record, from this instance's cache when the file is still the one it read or wrote:
   * every write renames a new file into place, so (inode, mtime in ns, size) from one stat tells
   * whether anyone wrote it since. A stat instead of an open and a parse, on every poll.
   */
  private async readRecord(h: string): Promise<JobRecord | undefined> {
    const file = this.jobFile(h);
    const cached = this.recordCache.get(h);
    if (cached) {
      const st = await fs.stat(file, { bigint: true }).catch(() => undefined);
      if (st && signature(st) === cached.sig) {
        this.recordCache.delete(h);
        this.recordCache.set(h, cached);
        return JSON.parse(cached.text) as JobRecord;
      }
      this.recordCache.delete(h);
      if (!st) return undefined;
    }
    let handle;
    try {
      handle = await fs.open(file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const [st, text] = await Promise.all([handle.stat({ bigint: true }), handle.readFile('utf8')]);
      const rec = parseJson<JobRecord>(text);
      if (rec) this.remember(h, signature(st), text);
      return rec;
    } finally {
      await handle.close();
    }
  }

  private remember(h: string, sig: string, text: string): void {
    this.recordCache.delete(h);
    this.recordCache.set(h, { sig, text });
    if (this.recordCache.size > RECORD_CACHE) this.recordCache.delete(this.recordCache.keys().next().value!);
  }

  // ---- records --------------------------------------------------------------------------------------

  async get(jobId: string): Promise<JobRecord | undefined> {
    await this.init();
    return this.readRecord(hashName(jobId));
  }

  async put(record: JobRecord): Promise<JobRecord> {
    await this.init();
    const h = hashName(record.job_id);
    return this.locks.with(this.p('locks', `j-${h}`), async () => {
      const existing = await this.readRecord(h);
      const next = mergeRecord(existing, record);
      if (!existing) await this.indexNew(next);
      else await this.markersBefore(existing, next);
      const text = JSON.stringify(next);
      // A job's first record is flushed to disk before put returns (losing it to a power cut would
      // lose a billed job); later writes are status a poll can learn again, and are not (kill -9 is
      // safe either way: the rename is atomic).
      this.remember(h, await this.writeAtomic(this.jobFile(h), text, this.fsync && !existing), text);
      await this.markersAfter(existing, next);
      if (!existing && ++this.newSincePrune >= PRUNE_EVERY) {
        this.newSincePrune = 0;
        setImmediate(() => void this.prune().catch(() => undefined));
      }
      if (next.billed_cost_usd !== undefined && existing?.billed_cost_usd === undefined) {
        const at = Date.parse(next.created_at);
        await this.appendSpend(localDay(Number.isFinite(at) ? at : this.now()), {
          k: next.idempotency_key ?? next.job_id,
          u: next.billed_cost_usd,
          t: 'b',
          ...(next.principal !== undefined ? { p: next.principal } : {}),
          at: new Date(this.now()).toISOString(),
        });
      }
      return next;
    });
  }

  async update(jobId: string, patch: Partial<JobRecord>): Promise<JobRecord | undefined> {
    const existing = await this.get(jobId);
    if (!existing) return undefined;
    return this.put({ ...existing, ...patch, updated_at: new Date(this.now()).toISOString() });
  }

  /**
   * Index a job recorded for the first time: order, key, markers. Runs BEFORE the record is renamed
   * into place, so a crash leaves at most an index entry for a record that does not exist (skipped
   * by readers, replaced by the next write), never a record the indexes do not know.
   */
  private async indexNew(r: JobRecord): Promise<void> {
    const h = hashName(r.job_id);
    let created = Date.parse(r.created_at);
    if (!Number.isFinite(created)) created = this.now();
    await this.appendOrder(`${new Date(created).toISOString()} ${h}\n`);
    if (r.idempotency_key !== undefined) {
      const kf = this.p('index', 'keys', keyName(r.idempotency_key, r.principal));
      // The first job recorded for a key keeps it (a conflicting later record must not steal it),
      // unless that job's record never made it to disk.
      if (!(await this.createExclusive(kf, r.job_id))) {
        const owner = await fs.readFile(kf, 'utf8').catch(() => undefined);
        if (owner !== r.job_id && (owner === undefined || !(await exists(this.jobFile(hashName(owner)))))) await this.writeAtomic(kf, r.job_id);
      }
    }
    await this.markersBefore(undefined, r);
  }

  /** Markers a write adds go in before it (a crash leaves an extra marker, which readers filter) … */
  private async markersBefore(before: JobRecord | undefined, after: JobRecord): Promise<void> {
    const h = hashName(after.job_id);
    if (!TERMINAL.has(after.status) && (before === undefined || TERMINAL.has(before.status))) await touch(this.p('index', 'unfinished', h));
    if (isUnsaved(after) && (before === undefined || !isUnsaved(before))) await touch(this.p('index', 'unsaved', h));
  }

  /** … and markers it removes go after it (never a missing marker for a job that needs one). */
  private async markersAfter(before: JobRecord | undefined, after: JobRecord): Promise<void> {
    const h = hashName(after.job_id);
    if (TERMINAL.has(after.status) && (before === undefined || !TERMINAL.has(before.status))) await fs.rm(this.p('index', 'unfinished', h), { force: true });
    if (!isUnsaved(after) && before !== undefined && isUnsaved(before)) await fs.rm(this.p('index', 'unsaved', h), { force: true });
  }

  private async segments(): Promise<string[]> {
    const names = await fs.readdir(this.p('index', 'order')).catch(() => [] as string[]);
    return names.filter((n) => /^\d{8}\.log$/.test(n)).sort();
  }

  private async appendOrder(line: string): Promise<void> {
    if (line.length !== LINE) throw new Error('bad order line');
    const dir = this.p('index', 'order');
    const size = async (name: string) =>
      fs
        .stat(path.join(dir, name))
        .then((st) => st.size)
        .catch(() => -1);
    const segName = (n: number) => `${String(n).padStart(8, '0')}.log`;
    await this.locks.with(this.p('locks', 'order'), async () => {
      // The cached newest segment is still the newest if the next one does not exist (two stats, no listing).
      let last = this.lastSegment;
      if (last === undefined || (await size(segName(Number(last.slice(0, 8)) + 1))) >= 0) {
        const segs = await this.segments();
        last = segs[segs.length - 1];
      }
      if (last === undefined) last = segName(0);
      else if ((await size(last)) >= ORDER_SEGMENT * LINE) last = segName(Number(last.slice(0, 8)) + 1);
      await fs.appendFile(path.join(dir, last), line, { mode: 0o600 });
      this.lastSegment = last;
    });
  }

  /** Read entries [from, to) of a segment, as [created_at, hash] pairs. */
  private async readEntries(seg: string, from: number, to: number): Promise<[string, string][]> {
    if (to <= from) return [];
    const h = await fs.open(this.p('index', 'order', seg), 'r').catch(() => undefined);
    if (!h) return [];
    try {
      const buf = Buffer.alloc((to - from) * LINE);
      const { bytesRead } = await h.read(buf, 0, buf.length, from * LINE);
      const out: [string, string][] = [];
      for (let i = 0; i + LINE <= bytesRead; i += LINE) out.push([buf.toString('latin1', i, i + 24), buf.toString('latin1', i + 25, i + 65)]);
      return out;
    } finally {
      await h.close();
    }
  }

  private async entryCount(seg: string): Promise<number> {
    const st = await fs.stat(this.p('index', 'order', seg)).catch(() => undefined);
    return st ? Math.floor(st.size / LINE) : 0;
  }

  async listJobs(opts: ListJobsOptions): Promise<JobPage> {
    await this.init();
    const limit = Math.max(1, Math.min(1000, Math.floor(opts.limit)));
    const scanLimit = opts.scanLimit ?? 2_000;
    const statuses = opts.status === undefined ? undefined : new Set(typeof opts.status === 'string' ? [opts.status] : opts.status);
    const filtered = statuses !== undefined || opts.provider !== undefined || opts.model !== undefined || opts.principal !== undefined;
    const match = (r: JobRecord) =>
      (statuses === undefined || statuses.has(r.status)) &&
      (opts.provider === undefined || r.provider === opts.provider) &&
      (opts.model === undefined || r.model === opts.model) &&
      (opts.principal === undefined || r.principal === opts.principal);
    // Only unfinished statuses asked for: the unfinished index has them all, newest-first after a sort.
    if (statuses !== undefined && [...statuses].every((st) => !TERMINAL.has(st)) && (opts.cursor === undefined || opts.cursor.startsWith('u'))) {
      const all = (await this.listUnfinished()).filter(match).reverse();
      const from = opts.cursor ? Number(opts.cursor.slice(1)) || 0 : 0;
      const jobs = all.slice(from, from + limit);
      return { jobs, ...(from + limit < all.length ? { next_cursor: `u${from + limit}` } : {}) };
    }
    const segs = (await this.segments()).reverse();
    let [curSeg, curPos] = parseCursor(opts.cursor);
    const jobs: JobRecord[] = [];
    const seen = new Set<string>();
    let scanned = 0;
    for (const seg of segs) {
      if (curSeg !== undefined && seg > curSeg) continue;
      let pos = curSeg === seg && curPos !== undefined ? curPos : await this.entryCount(seg);
      curSeg = undefined;
      while (pos > 0) {
        const want = filtered ? 64 : limit - jobs.length;
        const from = Math.max(0, pos - want);
        const entries = (await this.readEntries(seg, from, pos)).reverse();
        const recs = await Promise.all(entries.map(([, h]) => this.readRecord(h)));
        for (let i = 0; i < recs.length; i++) {
          pos--;
          scanned++;
          const r = recs[i];
          // (a job re-indexed after a crash between its index entry and its record appears twice)
          if (r && match(r) && !seen.has(r.job_id)) {
            seen.add(r.job_id);
            jobs.push(r);
          }
          if (jobs.length >= limit) return { jobs, next_cursor: pos > 0 || seg !== segs[segs.length - 1] ? `${seg.slice(0, 8)}:${pos}` : undefined };
          if (scanned >= scanLimit) return { jobs, next_cursor: `${seg.slice(0, 8)}:${pos}`, truncated: true };
        }
        if (entries.length === 0) break;
      }
    }
    return { jobs };
  }

  async listUnfinished(opts: { principal?: string | undefined; sinceMs?: number | undefined } = {}): Promise<JobRecord[]> {
    return this.readMarked('unfinished', (r) => !TERMINAL.has(r.status), opts);
  }

  async listUnsaved(opts: { sinceMs?: number | undefined } = {}): Promise<JobRecord[]> {
    return this.readMarked('unsaved', (r) => r.status === 'succeeded' && r.local_path === undefined, opts);
  }

  private async readMarked(
    kind: 'unfinished' | 'unsaved',
    still: (r: JobRecord) => boolean,
    opts: { principal?: string | undefined; sinceMs?: number | undefined },
  ): Promise<JobRecord[]> {
    await this.init();
    const names = await fs.readdir(this.p('index', kind)).catch(() => [] as string[]);
    const out: JobRecord[] = [];
    for (let i = 0; i < names.length; i += 256) {
      const recs = await Promise.all(names.slice(i, i + 256).map((h) => this.readRecord(h)));
      for (const r of recs) {
        if (!r || !still(r)) continue; // a marker racing its record's change; put() keeps them in step
        if (opts.principal !== undefined && r.principal !== opts.principal) continue;
        if (opts.sinceMs !== undefined && !(Date.parse(r.created_at) >= opts.sinceMs)) continue;
        out.push(r);
      }
    }
    return out.sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async findByIdempotencyKey(key: string, principal?: string): Promise<JobRecord | undefined> {
    await this.init();
    const jobId = await fs.readFile(this.p('index', 'keys', keyName(key, principal)), 'utf8').catch(() => undefined);
    if (!jobId) return undefined;
    const r = await this.get(jobId);
    return r && r.idempotency_key === key && r.principal === principal ? r : undefined;
  }

  // ---- pending submits ------------------------------------------------------------------------------

  private submitFile(key: string, principal: string | undefined) {
    return this.p('submits', `${keyName(key, principal)}.json`);
  }

  async putPendingSubmit(p: PendingSubmit): Promise<void> {
    await this.init();
    await this.writeAtomic(this.submitFile(p.idempotency_key, p.principal), JSON.stringify(p));
  }

  async claimPendingSubmit(p: PendingSubmit): Promise<boolean> {
    await this.init();
    // link() fails with EEXIST when another process claimed the key first: exclusive, atomic.
    return this.createExclusive(this.submitFile(p.idempotency_key, p.principal), JSON.stringify(p));
  }

  async getPendingSubmit(key: string, principal?: string): Promise<PendingSubmit | undefined> {
    await this.init();
    return readJson<PendingSubmit>(this.submitFile(key, principal));
  }

  async clearPendingSubmit(key: string, principal?: string): Promise<void> {
    await this.init();
    await fs.rm(this.submitFile(key, principal), { force: true });
  }

  async listPendingSubmits(): Promise<PendingSubmit[]> {
    await this.init();
    const names = await fs.readdir(this.p('submits')).catch(() => [] as string[]);
    const all = await Promise.all(names.filter((n) => n.endsWith('.json')).map((n) => readJson<PendingSubmit>(this.p('submits', n))));
    return all.filter((x): x is PendingSubmit => x !== undefined).sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  // ---- leases ---------------------------------------------------------------------------------------

  private leaseExpired(l: Lease | undefined): boolean {
    if (!l) return true;
    if (l.until <= this.now()) return true;
    const [host, pid] = l.holder.split(' ');
    return holderGone(Number(pid), host ?? '');
  }

  private withLease<T>(jobId: string, fn: (file: string, current: Lease | undefined) => Promise<T>): Promise<T> {
    const h = hashName(jobId);
    const file = this.p('leases', `${h}.json`);
    return this.locks.with(this.p('locks', `l-${h}`), async () => fn(file, await readJson<Lease>(file)));
  }

  async acquireLease(jobId: string, ttlMs: number): Promise<Lease | undefined> {
    await this.init();
    // Ours with more than half its time left: nobody else can have taken it (only an expired lease
    // can be), so no need to look.
    const mine = this.myLeases.get(jobId);
    if (mine && mine.until - this.now() > ttlMs / 2) return { ...mine };
    return this.withLease(jobId, async (file, cur) => {
      if (cur && cur.holder !== this.holder && !this.leaseExpired(cur)) {
        this.myLeases.delete(jobId);
        return undefined;
      }
      const lease: Lease = { job_id: jobId, holder: this.holder, until: this.now() + ttlMs };
      await this.writeAtomic(file, JSON.stringify(lease));
      this.myLeases.set(jobId, lease);
      return { ...lease };
    });
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    await this.init();
    if (lease.holder !== this.holder) return undefined;
    return this.withLease(lease.job_id, async (file, cur) => {
      if (!cur || cur.holder !== this.holder) {
        this.myLeases.delete(lease.job_id);
        return undefined;
      }
      const next: Lease = { ...cur, until: this.now() + ttlMs };
      await this.writeAtomic(file, JSON.stringify(next));
      this.myLeases.set(lease.job_id, next);
      return { ...next };
    });
  }

  async releaseLease(lease: Lease): Promise<void> {
    await this.init();
    // Not ours, or no longer held by this instance (released before, or lost): nothing to give back.
    if (lease.holder !== this.holder || !this.myLeases.delete(lease.job_id)) return;
    await this.withLease(lease.job_id, async (file, cur) => {
      if (cur?.holder === this.holder) await fs.rm(file, { force: true });
    });
  }

  async getLease(jobId: string): Promise<Lease | undefined> {
    await this.init();
    const l = await readJson<Lease>(this.p('leases', `${hashName(jobId)}.json`));
    return l && !this.leaseExpired(l) ? l : undefined;
  }

  // ---- spend ----------------------------------------------------------------------------------------

  private async appendSpend(day: string, line: SpendLine): Promise<void> {
    await fs.appendFile(this.p('spend', `${day}.jsonl`), `${JSON.stringify(line)}\n`, { mode: 0o600 });
    if (this.past && day < this.past.today) this.past = undefined; // our own change to a past day shows at once
  }

  private markerFile(key: string, principal: string | undefined) {
    return this.p('spend', 'keys', keyName(key, principal));
  }

  /** The standing reservation for a key (its day is inside). */
  private async findMarker(key: string, principal: string | undefined): Promise<[string, Marker] | undefined> {
    const file = this.markerFile(key, principal);
    const m = await readJson<Marker>(file);
    return m ? [file, m] : undefined;
  }

  /** Sums of one day's spend file: from the cached offset (or checkpoint), reading only new complete lines. */
  private async daySums(day: string): Promise<DaySums> {
    const file = this.p('spend', `${day}.jsonl`);
    const size = await fs
      .stat(file)
      .then((s) => s.size)
      .catch(() => 0);
    let s = this.sums.get(day);
    if (!s) {
      const cp = await readJson<DaySums>(this.p('spend', `${day}.sum.json`));
      s = cp && cp.offset <= size ? cp : { offset: 0, est: 0, billed: 0, by: {} };
      this.checkpointed.set(day, s.offset);
      this.sums.set(day, s);
    }
    if (s.offset > size) {
      s = { offset: 0, est: 0, billed: 0, by: {} }; // the file was replaced: start over
      this.sums.set(day, s);
    }
    if (size === s.offset) return s;
    const h = await fs.open(file, 'r');
    let text: string;
    try {
      const buf = Buffer.alloc(size - s.offset);
      const { bytesRead } = await h.read(buf, 0, buf.length, s.offset);
      text = buf.toString('utf8', 0, bytesRead);
    } finally {
      await h.close();
    }
    const end = text.lastIndexOf('\n') + 1; // a partial last line is read next time
    for (const raw of text.slice(0, end).split('\n')) {
      if (!raw) continue;
      let l: SpendLine;
      try {
        l = JSON.parse(raw) as SpendLine;
      } catch {
        continue; // a torn line from a process killed mid-append (cannot recur: appends are whole lines)
      }
      const by = (s.by[l.p ?? ''] ??= [0, 0]);
      if (l.t === 'b') {
        s.billed += l.u;
        by[1] += l.u;
      } else {
        s.est += l.u;
        by[0] += l.u;
      }
    }
    s.offset += Buffer.byteLength(text.slice(0, end));
    // Checkpoint every SUM_EVERY_BYTES of lines, so a fresh process reads the sums and a short tail.
    if (s.offset - (this.checkpointed.get(day) ?? 0) >= SUM_EVERY_BYTES) {
      this.checkpointed.set(day, s.offset);
      await this.writeAtomic(this.p('spend', `${day}.sum.json`), JSON.stringify(s)).catch(() => undefined);
    }
    return s;
  }

  async reserveSpend(r: SpendReservation, caps: SpendCaps): Promise<ReserveResult> {
    await this.init();
    const at = r.at ?? this.now();
    const day = localDay(at);
    return this.locks.with(this.p('locks', 'spend'), async () => {
      if (await this.findMarker(r.key, r.principal)) return { ok: true, booked: false };
      const sums = await this.daySums(day);
      if (caps.principal_daily_usd !== undefined) {
        const spent = round(sums.by[r.principal ?? '']?.[0] ?? 0);
        if (spent + r.usd > caps.principal_daily_usd + 1e-9) return { ok: false, scope: 'principal', spent_usd: spent, cap_usd: caps.principal_daily_usd };
      }
      if (caps.daily_usd !== undefined) {
        const spent = round(sums.est);
        if (spent + r.usd > caps.daily_usd + 1e-9) return { ok: false, scope: 'total', spent_usd: spent, cap_usd: caps.daily_usd };
      }
      await this.appendSpend(day, {
        k: r.key,
        u: r.usd,
        t: 'r',
        ...(r.principal !== undefined ? { p: r.principal } : {}),
        at: new Date(at).toISOString(),
      });
      const marker: Marker = { key: r.key, usd: r.usd, day, at, ...(r.principal !== undefined ? { principal: r.principal } : {}) };
      await this.writeAtomic(this.markerFile(r.key, r.principal), JSON.stringify(marker));
      return { ok: true, booked: true };
    });
  }

  async releaseSpend(key: string, principal?: string): Promise<void> {
    await this.init();
    await this.locks.with(this.p('locks', 'spend'), async () => {
      const found = await this.findMarker(key, principal);
      if (found) await this.releaseMarker(...found);
    });
  }

  private async releaseMarker(file: string, m: Marker): Promise<void> {
    await this.appendSpend(m.day, {
      k: m.key,
      u: -m.usd,
      t: 'x',
      ...(m.principal !== undefined ? { p: m.principal } : {}),
      at: new Date(this.now()).toISOString(),
    });
    await fs.rm(file, { force: true });
  }

  async commitSpend(key: string, principal?: string): Promise<void> {
    await this.init();
    const found = await this.findMarker(key, principal);
    if (found) await fs.rm(found[0], { force: true });
  }

  async settleSpend(olderThanMs: number): Promise<number> {
    await this.init();
    return this.locks.with(this.p('locks', 'spend'), async () => {
      let released = 0;
      const dir = this.p('spend', 'keys');
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      for (const n of names) {
        const file = path.join(dir, n);
        const m = await readJson<Marker>(file);
        if (!m) continue;
        if (this.now() - m.at < olderThanMs) continue;
        if (await this.findByIdempotencyKey(m.key, m.principal)) await fs.rm(file, { force: true });
        else if (await this.getPendingSubmit(m.key, m.principal)) continue;
        else {
          await this.releaseMarker(file, m);
          released++;
        }
      }
      return released;
    });
  }

  async spendTotals(opts: { principal?: string | undefined } = {}): Promise<SpendTotals> {
    await this.init();
    const today = localDay(this.now());
    const t: SpendTotals = { day: today, today_estimated_usd: 0, all_time_estimated_usd: 0, today_billed_usd: 0, all_time_billed_usd: 0 };
    const pick = (s: Pick<DaySums, 'est' | 'billed' | 'by'>) => (opts.principal === undefined ? [s.est, s.billed] : (s.by[opts.principal] ?? [0, 0]));
    for (const past of (await this.pastSums(today)).values()) {
      const [est, billed] = pick(past);
      t.all_time_estimated_usd += est!;
      t.all_time_billed_usd += billed!;
    }
    const [est, billed] = pick(await this.daySums(today));
    t.today_estimated_usd = est!;
    t.today_billed_usd = billed!;
    t.all_time_estimated_usd += est!;
    t.all_time_billed_usd += billed!;
    for (const k of ['today_estimated_usd', 'all_time_estimated_usd', 'today_billed_usd', 'all_time_billed_usd'] as const) t[k] = round(t[k]);
    return t;
  }

  /**
   * Sums of every day before today, from one roll-up file (spend/rollup.json) checked against each
   * day file's size with a stat, so a fresh process reads one file, not one per day of history. In a
   * running process the past is re-checked at most every PAST_RECHECK_MS (today's figures are always
   * fresh, and the cap only looks at today).
   */
  private async pastSums(today: string): Promise<Map<string, DaySums>> {
    const c = this.past;
    if (c && c.today === today && this.now() - c.at < PAST_RECHECK_MS) return c.sums;
    const names = await fs.readdir(this.p('spend')).catch(() => [] as string[]);
    const days = names
      .filter((n) => n.endsWith('.jsonl'))
      .map((n) => n.slice(0, -'.jsonl'.length))
      .filter((d) => d < today);
    const rollupFile = this.p('spend', 'rollup.json');
    const rollup = c?.sums ?? new Map(Object.entries((await readJson<Record<string, DaySums>>(rollupFile)) ?? {}));
    let dirty = false;
    const out = new Map<string, DaySums>();
    for (const day of days) {
      const size = await fs
        .stat(this.p('spend', `${day}.jsonl`))
        .then((st) => st.size)
        .catch(() => 0);
      let sums = rollup.get(day);
      if (!sums || sums.offset !== size) {
        const fresh = await this.daySums(day);
        sums = { offset: fresh.offset, est: fresh.est, billed: fresh.billed, by: { ...fresh.by } };
        dirty = true;
      }
      out.set(day, sums);
    }
    if (dirty) await this.writeAtomic(rollupFile, JSON.stringify(Object.fromEntries(out))).catch(() => undefined);
    this.past = { at: this.now(), today, sums: out };
    return out;
  }

  // ---- pruning --------------------------------------------------------------------------------------

  async prune(opts: { now?: number; maxRecords?: number; maxAgeDays?: number; batch?: number } = {}): Promise<number> {
    await this.init();
    const now = opts.now ?? this.now();
    const maxRecords = opts.maxRecords ?? this.bounds.maxRecords;
    const cutoff = new Date(now - (opts.maxAgeDays ?? this.bounds.maxAgeDays) * 86_400_000).toISOString();
    const batch = opts.batch ?? 1_000;
    return this.locks.with(this.p('locks', 'prune'), async () => {
      const segs = await this.segments();
      const counts = await Promise.all(segs.map((s) => this.entryCount(s)));
      let excess = counts.reduce((a, b) => a + b, 0) - maxRecords;
      let removed = 0;
      for (let si = 0; si < segs.length && removed < batch; si++) {
        const seg = segs[si]!;
        const entries = await this.readEntries(seg, 0, counts[si]!);
        const keep: string[] = [];
        let changed = false;
        for (const [created, h] of entries) {
          const line = `${created} ${h}\n`;
          if (removed >= batch || (excess <= 0 && created >= cutoff)) {
            keep.push(line);
            continue;
          }
          if (await exists(this.p('index', 'unfinished', h))) {
            keep.push(line); // never an unfinished job (it still counts as one of the oldest)
            excess--;
            continue;
          }
          await this.removeRecord(h);
          changed = true;
          removed++;
          excess--;
        }
        if (excess <= 0 && removed === 0 && entries.every(([c]) => c >= cutoff)) break;
        if (!changed) continue;
        // Rewrite the segment without the removed entries (under the order lock: appends go to the last segment).
        await this.locks.with(this.p('locks', 'order'), async () => {
          const now = await this.segments();
          const isLast = seg === now[now.length - 1];
          const tail = await this.readEntries(seg, entries.length, await this.entryCount(seg));
          const text = keep.join('') + tail.map(([c, h]) => `${c} ${h}\n`).join('');
          const file = this.p('index', 'order', seg);
          if (text === '' && !isLast) await fs.rm(file, { force: true });
          else await this.writeAtomic(file, text);
        });
      }
      return removed;
    });
  }

  private async removeRecord(h: string): Promise<void> {
    await this.locks.with(this.p('locks', `j-${h}`), async () => {
      const r = await this.readRecord(h);
      this.recordCache.delete(h);
      if (r?.idempotency_key !== undefined) {
        const kf = this.p('index', 'keys', keyName(r.idempotency_key, r.principal));
        const owner = await fs.readFile(kf, 'utf8').catch(() => undefined);
        if (owner === r.job_id) await fs.rm(kf, { force: true });
      }
      await fs.rm(this.jobFile(h), { force: true });
      await fs.rm(this.p('index', 'unsaved', h), { force: true });
      await fs.rm(this.p('leases', `${h}.json`), { force: true });
    });
  }
}

const isUnsaved = (r: JobRecord) => r.status === 'succeeded' && r.local_path === undefined;

function parseCursor(c: string | undefined): [string | undefined, number | undefined] {
  if (!c) return [undefined, undefined];
  const m = /^(\d{8}):(\d+)$/.exec(c);
  return m ? [`${m[1]}.log`, Number(m[2])] : [undefined, undefined];
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;

/**
 * rename() over an existing file. On Windows it fails with EPERM/EACCES/EBUSY while another process
 * has the target open (a reader, an antivirus scan) for a moment: retry briefly, as graceful-fs does.
 */
async function renameOver(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fs.rename(from, to);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (process.platform !== 'win32' || attempt >= 12 || !(code === 'EPERM' || code === 'EACCES' || code === 'EBUSY')) throw err;
      await new Promise((r) => setTimeout(r, Math.min(2 ** attempt, 200)));
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

async function touch(file: string): Promise<void> {
  await fs.writeFile(file, '', { mode: 0o600 });
}

async function readJson<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return undefined;
    throw err;
  }
  return parseJson<T>(text);
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined; // cannot happen with atomic writes, but a hand-edited file must not crash us
  }
}

/** Identifies one version of a file: a rename-into-place always changes it. */
const signature = (st: { ino: bigint; mtimeNs: bigint; size: bigint }) => `${st.ino}:${st.mtimeNs}:${st.size}`;
