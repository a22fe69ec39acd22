// Measure 1: cold start. Spawn → tools/list response, for the built server and the minimal one-tool
// SDK server, interleaved (the order alternates each round so neither always runs on a warmer cache).
// The tools/list results are kept for measure 2.
import path from 'node:path';
import { ROOT, median, removeDir, round, serverEnv, stdioSession, tempDir } from './lib.mjs';

export const OURS = path.join(ROOT, 'dist/index.js');
export const MINIMAL = path.join(ROOT, 'bench/minimal-server.mjs');

export async function coldStart({ runs = 15, warmup = 2 } = {}) {
  const state = tempDir('videogen-bench-cold-');
  const env = serverEnv(state);
  const times = { ours: [], minimal: [] };
  const lists = {};
  try {
    for (let i = 0; i < warmup + runs; i++) {
      const order = i % 2 ? ['minimal', 'ours'] : ['ours', 'minimal'];
      for (const who of order) {
        const r = await stdioSession(who === 'ours' ? OURS : MINIMAL, { env });
        lists[who] = r.toolsResult;
        if (i >= warmup) times[who].push(r.ms);
      }
    }
  } finally {
    removeDir(state);
  }
  const ours = median(times.ours);
  const minimal = median(times.minimal);
  return {
    runs,
    ours_ms_median: round(ours),
    minimal_ms_median: round(minimal),
    ratio: round(ours / minimal, 2),
    ours_ms: times.ours.map((x) => round(x)),
    minimal_ms: times.minimal.map((x) => round(x)),
    target_ratio_max: 0.8,
    pass: ours / minimal <= 0.8,
    toolLists: lists,
  };
}
