// Measure 3: idle resident memory. Each server is started, answers initialize + tools/list, is left
// alone for a settle period, then its VmRSS is read from /proc. Interleaved runs, medians, ratio.
import { MINIMAL, OURS } from './cold-start.mjs';
import { median, procStatusKb, removeDir, round, serverEnv, sleep, stdioSession, tempDir } from './lib.mjs';

export async function idleMemory({ runs = 7, settleMs = 1500 } = {}) {
  const state = tempDir('videogen-bench-mem-');
  const env = serverEnv(state);
  const rss = { ours: [], minimal: [] };
  try {
    for (let i = 0; i < runs; i++) {
      const order = i % 2 ? ['minimal', 'ours'] : ['ours', 'minimal'];
      for (const who of order) {
        const r = await stdioSession(who === 'ours' ? OURS : MINIMAL, {
          env,
          afterList: async (child) => {
            await sleep(settleMs);
            return procStatusKb(child.pid, 'VmRSS');
          },
        });
        if (r.after === undefined) throw new Error('VmRSS is not readable (this measure needs Linux /proc)');
        rss[who].push(r.after / 1024);
      }
    }
  } finally {
    removeDir(state);
  }
  const ours = median(rss.ours);
  const minimal = median(rss.minimal);
  return {
    runs,
    settle_ms: settleMs,
    ours_mb_median: round(ours),
    minimal_mb_median: round(minimal),
    ratio: round(ours / minimal, 2),
    ours_mb: rss.ours.map((x) => round(x)),
    minimal_mb: rss.minimal.map((x) => round(x)),
    target_ratio_max: 1.1,
    pass: ours / minimal <= 1.1,
  };
}
