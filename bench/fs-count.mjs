// Preloaded into a server under benchmark (NODE_OPTIONS=--import=…/fs-count.mjs): counts the file
// reads the process makes — readFile, open for reading, readdir, read through a file handle — and
// writes the counts to $VIDEOGEN_BENCH_FS_COUNT_FILE on SIGUSR2. stdin/stdout (the protocol) are not
// files and are not counted.
import fs from 'node:fs';

const counts = { readFile: 0, open: 0, readdir: 0, stat: 0 };
/** With VIDEOGEN_BENCH_FS_PATHS set: reads by kind and directory (the two path parts before the file). */
const byDir = {};
const where = (p) => String(p).split('/').slice(-3, -1).join('/');
const isRead = (flags) => flags === undefined || flags === 'r' || flags === fs.constants.O_RDONLY;
const wrap = (obj, name, key, pred = () => true) => {
  const orig = obj[name];
  if (typeof orig !== 'function') return;
  obj[name] = function (...args) {
    if (pred(args)) {
      counts[key]++;
      if (process.env.VIDEOGEN_BENCH_FS_PATHS) byDir[`${key} ${where(args[0])}`] = (byDir[`${key} ${where(args[0])}`] ?? 0) + 1;
    }
    return orig.apply(this, args);
  };
};
for (const o of [fs.promises, fs]) {
  wrap(o, 'readFile', 'readFile');
  wrap(o, 'open', 'open', (a) => isRead(a[1]));
  wrap(o, 'readdir', 'readdir');
  wrap(o, 'stat', 'stat');
}
wrap(fs, 'readFileSync', 'readFile');
wrap(fs, 'readdirSync', 'readdir');
wrap(fs, 'statSync', 'stat');
wrap(fs, 'openSync', 'open', (a) => isRead(a[1]));
const writeFileSync = fs.writeFileSync;
process.on('SIGUSR2', () => {
  const out = process.env.VIDEOGEN_BENCH_FS_COUNT_FILE;
  // With --expose-gc, also the heap after a full GC (what the process really retains).
  globalThis.gc?.();
  if (out) writeFileSync(out, JSON.stringify({ ...counts, byDir, memory: process.memoryUsage() }));
});
