/**
 * Mutual exclusion for the file store, within a process and across processes sharing a directory.
 *
 * Within the process, callers of the same lock queue on a promise chain, so 200 concurrent calls in
 * one server never race each other for the file (the cause of "Lock file is already being held" with
 * retry-based locks). Across processes, the lock is a file created with O_EXCL holding
 * `pid host token`; a waiter retries with a short capped backoff until `waitMs`. A lock whose holder
 * process is gone (same host, pid not alive), or that is older than `staleMs`, is broken, so a
 * `kill -9` while holding it delays others by one retry, not by a timeout.
 *
 * Held sections are short (read, decide, write one small file): nothing slow runs under a lock.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';

/** A lock older than this is broken even if its holder looks alive (a reused pid, another host). */
const STALE_MS = 30_000;
/** How long a caller waits for a lock before giving up with StoreBusyError. */
const WAIT_MS = 20_000;

export class StoreBusyError extends Error {
  constructor(what: string) {
    super(`The job store stayed locked for ${WAIT_MS / 1000} s (${what}); another server process may be stuck. Try again.`);
    this.name = 'StoreBusyError';
  }
}

const HOST = hostname();

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `pid host` names a process on this machine that no longer runs. */
export function holderGone(pid: number, host: string): boolean {
  return host === HOST && pid !== process.pid && !isAlive(pid);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FileLocks {
  private readonly chains = new Map<string, Promise<void>>();

  /** Run `fn` holding the lock file `file` (its directory must exist). */
  async with<T>(file: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(file);
    let done!: () => void;
    const mine = new Promise<void>((r) => (done = r));
    const tail = prev ? prev.then(() => mine) : mine;
    this.chains.set(file, tail);
    try {
      if (prev) await prev;
      const token = await acquire(file);
      try {
        return await fn();
      } finally {
        await releaseFile(file, token);
      }
    } finally {
      done();
      if (this.chains.get(file) === tail) this.chains.delete(file);
    }
  }
}

async function acquire(file: string): Promise<string> {
  const token = `${process.pid} ${HOST} ${randomBytes(6).toString('hex')}`;
  const deadline = Date.now() + WAIT_MS;
  let delay = 1;
  // The lock file appears with its content or not at all (written aside, then hard-linked into
  // place, which fails on EEXIST): a kill -9 never leaves an empty lock nobody can judge.
  const aside = `${file}.${token.split(' ')[2]}.${process.pid}.tmp`;
  await fs.writeFile(aside, token, { mode: 0o600 });
  try {
    for (;;) {
      try {
        await fs.link(aside, file);
        return token;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      if (await breakIfStale(file)) continue;
      if (Date.now() > deadline) throw new StoreBusyError(file);
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 25);
    }
  } finally {
    await fs.rm(aside, { force: true });
  }
}

async function breakIfStale(file: string): Promise<boolean> {
  let text: string;
  let mtime: number;
  try {
    [text, mtime] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file).then((s) => s.mtimeMs)]);
  } catch {
    return true; // released meanwhile: try again at once
  }
  const [pid, host] = text.split(' ');
  // Lock files are linked into place with their content: an empty one is not a live holder's.
  const gone = text === '' || holderGone(Number(pid), host ?? '');
  if (!gone && Date.now() - mtime < STALE_MS) return false;
  // Rename first: of several processes breaking the same stale lock, exactly one wins the rename.
  const aside = `${file}.broken-${randomBytes(4).toString('hex')}`;
  try {
    await fs.rename(file, aside);
  } catch {
    return true;
  }
  const took = await fs.readFile(aside, 'utf8').catch(() => '');
  await fs.rm(aside, { force: true });
  if (took !== text) {
    // Lost a race: what we moved aside was a fresh lock another process had just taken. Its holder
    // will find its file gone at release, which is harmless; the section it guards may overlap ours
    // once, in a window of microseconds after a crash. Accepted, as every lock-file scheme does.
  }
  return true;
}

async function releaseFile(file: string, _token: string): Promise<void> {
  // Not re-read to compare tokens: a lock is only broken after its holder died or held it for
  // STALE_MS, and sections here take milliseconds.
  await fs.rm(file, { force: true });
}

/** Remove lock files whose holder process is gone (start-up sweep). */
export async function sweepDeadLocks(dir: string): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (n) => {
      const file = `${dir}/${n}`;
      if (n.includes('.broken-')) return fs.rm(file, { force: true });
      if (n.endsWith('.tmp')) {
        // `<lock>.<token>.<pid>.tmp`: the content-first original of a lock, its writer's pid in the name.
        if (holderGone(Number(n.split('.').at(-2)), HOST)) await fs.rm(file, { force: true });
        return;
      }
      // Lock files and their `.tmp` originals hold `pid host token`.
      const text = await fs.readFile(file, 'utf8').catch(() => '');
      const [pid, host] = text.split(' ');
      if (text && holderGone(Number(pid), host ?? '')) await fs.rm(file, { force: true });
    }),
  );
}
