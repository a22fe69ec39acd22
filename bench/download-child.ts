/**
 * One download in a fresh process, for measure 6 (see download.mjs): `ours` runs the server's
 * `downloadVideo` (src/media/download.ts); `bare` runs undici `request` piped straight into a file
 * with stream.pipeline, the lower bound any careful download pays; `bare-fsync` is `bare` plus the
 * fsync that downloadVideo does before publishing the file (context: what durability alone costs).
 * Every mode loads the same modules. With `warmUrl`, the same mode first downloads that (small) file, so
 * the baseline is taken in a process that has already downloaded once (code compiled, heap and
 * allocator grown to their working size), as in a server that has been running.
 *
 * Usage: node --expose-gc --import tsx bench/download-child.ts <ours|bare|bare-fsync> <url> <dir> [warmUrl]
 * Prints `RESULT {"bytes","seconds","rss_base_mb","rss_growth_peak_mb"}`.
 */
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { downloadVideo } from '../src/media/download.js';

const [mode, url, dir, warmUrl] = process.argv.slice(2);
if ((mode !== 'ours' && mode !== 'bare' && mode !== 'bare-fsync') || !url || !dir)
  throw new Error('usage: download-child.ts <ours|bare|bare-fsync> <url> <dir> [warmUrl]');
const MB = 1024 * 1024;

function hwmBytes(): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function fetchOnce(from: string, name: string): Promise<number> {
  if (mode === 'ours') return (await downloadVideo(from, { dir: dir!, baseName: `${name}.mp4`, maxBytes: 1024 * MB })).bytes;
  const file = path.join(dir!, `${name}-bare.mp4`);
  const res = await request(from, { method: 'GET' });
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
  await pipeline(res.body, createWriteStream(file));
  if (mode === 'bare-fsync') {
    const fh = await open(file, 'r+');
    await fh.sync();
    await fh.close();
  }
  return Number(res.headers['content-length']);
}

if (warmUrl) await fetchOnce(warmUrl, 'bench-warmup');
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
await sleep(100);
gc?.();
const base = process.memoryUsage.rss();
let peakReset = false;
try {
  writeFileSync('/proc/self/clear_refs', '5'); // reset VmHWM to the current RSS
  peakReset = true;
} catch {
  /* not Linux: the 10 ms samples below are the only peak */
}
let peak = base;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);

const t0 = performance.now();
const bytes = await fetchOnce(url, 'bench-download');
const seconds = (performance.now() - t0) / 1000;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage.rss());
const hwm = peakReset ? hwmBytes() : undefined;
if (hwm !== undefined) peak = Math.max(peak, hwm);

process.stdout.write(
  `RESULT ${JSON.stringify({ mode, warm: Boolean(warmUrl), bytes, seconds, rss_base_mb: base / MB, rss_growth_peak_mb: (peak - base) / MB })}\n`,
);
