// Measure 6: downloading a 500 MB result. A local HTTP server generates the bytes on the fly (an
// `ftyp` box, then filler; nothing is stored), and a fresh child process per run downloads it,
// alternating between the server's downloadVideo, a bare undici request piped to a file, and that
// bare pipe plus an fsync (see download-child.ts). Each child reports its peak RSS growth over its
// own post-GC baseline and its time; every written file is removed after each run.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { median, removeDir, round, runTs, tempDir } from './lib.mjs';

const MB = 1024 * 1024;

/** A valid MP4 start: a 32-byte ftyp box (isom, compatible isom/iso2/avc1/mp41). */
function ftyp() {
  const b = Buffer.alloc(32);
  b.writeUInt32BE(32, 0);
  b.write('ftypisom', 4, 'latin1');
  b.writeUInt32BE(0x200, 12);
  b.write('isomiso2avc1mp41', 16, 'latin1');
  return b;
}

export function startVideoServer(size) {
  const filler = randomBytes(MB);
  const head = ftyp();
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(size) });
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        let chunk = sent === 0 ? Buffer.concat([head, filler.subarray(head.length)]) : filler;
        if (chunk.length > size - sent) chunk = chunk.subarray(0, size - sent);
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}/result.mp4`,
        close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
      }),
    ),
  );
}

async function runOnce(mode, url, size, warmUrl) {
  const dir = tempDir('videogen-bench-dl-');
  try {
    const r = await runTs('download-child.ts', [mode, url, dir, ...(warmUrl ? [warmUrl] : [])], { nodeArgs: ['--expose-gc'] });
    if (r.bytes !== size) throw new Error(`${mode}: got ${r.bytes} of ${size} bytes`);
    return { mb_per_s: size / MB / r.seconds, growth_mb: r.rss_growth_peak_mb, seconds: r.seconds };
  } finally {
    removeDir(dir);
  }
}

/**
 * At `sizeMb`, in fresh processes:
 *  - cold: `rounds` × (ours, bare, bare-fsync, bare-fsync, bare, ours), the first download the process makes;
 *  - warm: `rounds` × (ours, bare, bare, ours), after a `warmMb` download in the same mode;
 * then `refRuns` cold runs each of ours and bare at `refMb`, to show whether the growth depends on the
 * size (streaming in constant memory: it should not).
 */
export async function download({ sizeMb = 500, rounds = 2, warmMb = 8, refMb = 50, refRuns = 2 } = {}) {
  const size = sizeMb * MB;
  const refSize = refMb * MB;
  const [srv, warm, ref] = await Promise.all([startVideoServer(size), startVideoServer(warmMb * MB), startVideoServer(refSize)]);
  const cold = { ours: [], bare: [], 'bare-fsync': [] };
  const warmed = { ours: [], bare: [] };
  const small = { ours: [], bare: [] };
  try {
    for (let i = 0; i < rounds; i++) {
      for (const mode of ['ours', 'bare', 'bare-fsync', 'bare-fsync', 'bare', 'ours']) cold[mode].push(await runOnce(mode, srv.url, size));
      for (const mode of ['ours', 'bare', 'bare', 'ours']) warmed[mode].push(await runOnce(mode, srv.url, size, warm.url));
    }
    for (let i = 0; i < refRuns; i++) for (const mode of i % 2 ? ['bare', 'ours'] : ['ours', 'bare']) small[mode].push(await runOnce(mode, ref.url, refSize));
  } finally {
    await Promise.all([srv.close(), warm.close(), ref.close()]);
  }
  const tput = (set, m) => median(set[m].map((x) => x.mb_per_s));
  const growth = (set, m) => median(set[m].map((x) => x.growth_mb));
  const ratio = tput(cold, 'ours') / tput(cold, 'bare');
  const shown = (set) =>
    Object.fromEntries(
      Object.entries(set).map(([k, v]) => [k, v.map((x) => ({ mb_per_s: round(x.mb_per_s), growth_mb: round(x.growth_mb), seconds: round(x.seconds, 2) }))]),
    );
  return {
    size_mb: sizeMb,
    runs_each: cold.ours.length,
    throughput: {
      ours_mb_per_s_median: round(tput(cold, 'ours')),
      bare_mb_per_s_median: round(tput(cold, 'bare')),
      bare_fsync_mb_per_s_median: round(tput(cold, 'bare-fsync')),
      ratio: round(ratio, 2),
      ratio_vs_bare_fsync: round(tput(cold, 'ours') / tput(cold, 'bare-fsync'), 2),
      warm_ratio: round(tput(warmed, 'ours') / tput(warmed, 'bare'), 2),
    },
    rss_growth_mb: {
      cold: {
        ours_median: round(growth(cold, 'ours')),
        ours_max: round(Math.max(...cold.ours.map((x) => x.growth_mb))),
        bare_median: round(growth(cold, 'bare')),
        bare_fsync_median: round(growth(cold, 'bare-fsync')),
      },
      warm: {
        warmup_mb: warmMb,
        ours_median: round(growth(warmed, 'ours')),
        ours_max: round(Math.max(...warmed.ours.map((x) => x.growth_mb))),
        bare_median: round(growth(warmed, 'bare')),
      },
      cold_reference: { size_mb: refMb, ours_median: round(growth(small, 'ours')), bare_median: round(growth(small, 'bare')) },
    },
    runs: { cold: shown(cold), warm: shown(warmed), cold_reference: shown(small) },
    target_growth_mb_max: 32,
    target_ratio_min: 0.8,
    pass_growth_cold: growth(cold, 'ours') <= 32,
    pass_growth_warm: growth(warmed, 'ours') <= 32,
    pass_throughput: ratio >= 0.8,
  };
}
