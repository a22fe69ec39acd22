#!/usr/bin/env node
// The benchmark orchestrator (`npm run bench` builds first, then runs this). Every comparison is made
// side by side in this one run; the table gives medians and ratios, and bench/results/latest.json
// keeps every raw figure. `--quick` runs fewer repetitions and does not write latest.json.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { coldStart } from './cold-start.mjs';
import { download } from './download.mjs';
import { idleMemory } from './idle-memory.mjs';
import { serverDownload } from './server-download.mjs';
import { BENCH, ROOT, runTs } from './lib.mjs';
import { toolListWeight } from './tool-list.mjs';

const quick = process.argv.includes('--quick');
if (!existsSync(path.join(ROOT, 'dist/index.js'))) {
  console.error('dist/index.js is missing: run `npm run build` first (or `npm run bench`, which builds).');
  process.exit(1);
}

const step = (s) => process.stderr.write(`[bench] ${s}\n`);
const started = Date.now();
const meta = {
  date: new Date().toISOString(),
  commit: (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return undefined;
    }
  })(),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  cpus: os.cpus().length,
  cpu_model: os.cpus()[0]?.model,
  loadavg_at_start: os.loadavg().map((x) => Math.round(x * 100) / 100),
  quick,
};

step('1/8 cold start (interleaved spawns)…');
const cold = await coldStart(quick ? { runs: 5, warmup: 1 } : { runs: 15, warmup: 2 });
const lists = cold.toolLists;
delete cold.toolLists;
step('2/8 tool-list weight…');
const weight = toolListWeight(lists);
step('3/8 idle memory (interleaved)…');
const memory = await idleMemory(quick ? { runs: 3 } : { runs: 7 });
step('4/8 polling (simulated time, real scheduler)…');
const polling = await runTs('polling.ts');
step('5/8 scale (1,000 jobs, real timers)…');
const scale = await runTs('scale.ts', ['1000', quick ? '4' : '8'], { nodeArgs: ['--expose-gc'] });
step('6/8 download (500 MB, fresh processes)…');
const dl = await download(quick ? { rounds: 1, refRuns: 1 } : { rounds: 3, refRuns: 2 });
step('7/8 the built server saving a 500 MB result end to end…');
const srvdl = await serverDownload({ runs: quick ? 1 : 3 });
step(`8/8 the ledger at 0, 5,000 and ${quick ? '5,000 (quick)' : '50,000'} records; jobs in flight; first list_models; two processes…`);
const ledger = await runTs('ledger.ts', quick ? ['quick'] : []);

// ---- the table ---------------------------------------------------------------------------------
const rows = [];
const verdict = (ok) => (ok ? 'PASS' : 'MISS');
const x = (r) => `${r.toFixed(2)}×`;
rows.push({
  measure: `1. Cold start, spawn → tools/list (median of ${cold.runs}, interleaved)`,
  ours: `${cold.ours_ms_median} ms`,
  baseline: `${cold.minimal_ms_median} ms (minimal server)`,
  ratio: x(cold.ratio),
  target: '≤ 0.80×',
  result: verdict(cold.pass),
});
rows.push({
  measure: `2. tools/list result weight (${weight.ours.tools} tools)`,
  ours: `${weight.ours.tokens} tokens, ${weight.ours.bytes} B`,
  baseline: `${weight.minimal.tokens} tokens, ${weight.minimal.bytes} B (minimal, 1 tool)`,
  ratio: '—',
  target: '≤ 2,000 tokens (o200k)',
  result: verdict(weight.pass),
});
rows.push({
  measure: `3. Idle RSS after tools/list + ${memory.settle_ms / 1000} s (median of ${memory.runs})`,
  ours: `${memory.ours_mb_median} MB`,
  baseline: `${memory.minimal_mb_median} MB (minimal server)`,
  ratio: x(memory.ratio),
  target: '≤ 1.10×',
  result: verdict(memory.pass),
});
for (const sc of polling.scenarios) {
  const byLen = Object.fromEntries(sc.jobs.map((j) => [j.job_seconds, j]));
  const head = `4. Polling ${sc.name} (typical ${sc.typical_s} s, min interval ${sc.min_poll_interval_s} s)`;
  const j120 = byLen[120];
  if (sc.provider === 'runapi') {
    rows.push({
      measure: `${head}: 120 s job, status requests`,
      ours: `${j120.status_requests}`,
      baseline: '—',
      ratio: '—',
      target: '≤ 15',
      result: verdict(j120.status_requests <= 15),
    });
    rows.push({
      measure: `${head}: 120 s job, done → ledger knows`,
      ours: `${j120.lag_s} s`,
      baseline: '—',
      ratio: '—',
      target: '≤ 3 s',
      result: verdict(j120.lag_s <= 3),
    });
  }
  rows.push({
    measure: `${head}: requests / lag, jobs of ${sc.jobs.map((j) => j.job_seconds).join(', ')} s`,
    ours: sc.jobs.map((j) => `${j.status_requests} / ${j.lag_s} s`).join('; '),
    baseline: '—',
    ratio: '—',
    target: 'reported',
    result: 'info',
  });
  const minGap = Math.min(...sc.jobs.map((j) => j.min_gap_s));
  rows.push({
    measure: `${head}: shortest gap between polls`,
    ours: `${minGap} s`,
    baseline: '—',
    ratio: '—',
    target: `≥ ${sc.min_poll_interval_s} s (provider advice)`,
    result: verdict(minGap >= sc.min_poll_interval_s),
  });
}
rows.push({
  measure: `5. Scale: ${scale.jobs} jobs watched ${scale.seconds_watched} s (${scale.status_polls} polls, real ledger), RSS growth`,
  ours: `${scale.rss_growth_peak_mb} MB`,
  baseline: '—',
  ratio: '—',
  target: '≤ 50 MB',
  result: verdict(scale.rss_growth_peak_mb <= 50),
});
rows.push({
  measure: '5. Scale: event-loop delay p99 (max)',
  ours: `${scale.event_loop_delay_ms.p99} ms (${scale.event_loop_delay_ms.max} ms)`,
  baseline: '—',
  ratio: '—',
  target: '≤ 20 ms',
  result: verdict(scale.event_loop_delay_ms.p99 <= 20),
});
const g = dl.rss_growth_mb;
rows.push({
  measure: `6. Download ${dl.size_mb} MB: peak RSS growth, first download in a fresh process (median of ${dl.runs_each})`,
  ours: `${g.cold.ours_median} MB (max ${g.cold.ours_max})`,
  baseline: `${g.cold.bare_median} MB (bare undici → file)`,
  ratio: '—',
  target: '≤ 32 MB',
  result: verdict(dl.pass_growth_cold),
});
rows.push({
  measure: `6. Download ${dl.size_mb} MB: peak RSS growth after one ${g.warm.warmup_mb} MB warm-up download (median of ${dl.runs.warm.ours.length})`,
  ours: `${g.warm.ours_median} MB (max ${g.warm.ours_max})`,
  baseline: `${g.warm.bare_median} MB (bare undici → file)`,
  ratio: '—',
  target: '≤ 32 MB',
  result: verdict(dl.pass_growth_warm),
});
rows.push({
  measure: `6. Download: same growth at ${g.cold_reference.size_mb} MB (fresh process)?`,
  ours: `${g.cold_reference.ours_median} MB`,
  baseline: `${g.cold_reference.bare_median} MB (bare)`,
  ratio: '—',
  target: 'size-independent',
  result: 'info',
});
rows.push({
  measure: `6. Download ${dl.size_mb} MB: throughput (median of ${dl.runs_each}, interleaved)`,
  ours: `${dl.throughput.ours_mb_per_s_median} MB/s`,
  baseline: `${dl.throughput.bare_mb_per_s_median} MB/s (bare); ${dl.throughput.bare_fsync_mb_per_s_median} MB/s (bare + fsync)`,
  ratio: x(dl.throughput.ratio),
  target: '≥ 0.80×',
  result: verdict(dl.pass_throughput),
});
rows.push({
  measure: `7. The built server saves a ${srvdl.size_mb} MB result (RunAPI-wire fake → check_job → file): server peak RSS growth (median of ${srvdl.runs})`,
  ours: `${srvdl.growth_mb_median} MB (max ${srvdl.growth_mb_max})`,
  baseline: '—',
  ratio: '—',
  target: '< 64 MB (issue 5); ≤ 32 MB (issue 7)',
  result: srvdl.growth_mb_max < 64 ? (srvdl.growth_mb_median <= 32 ? 'PASS' : 'PASS (<64) / MISS (≤32)') : 'MISS',
});

{
  const empty = ledger.by_size[0];
  const big = ledger.by_size[ledger.by_size.length - 1];
  const mid = ledger.by_size.find((r) => r.records === 5_000);
  const n = big.records.toLocaleString('en-US');
  const ratio = (a, b) => a / b;
  const kg = ratio(big.keyed_generate_ms_median, empty.keyed_generate_ms_median);
  rows.push({
    measure: `8. Ledger of ${n} records vs empty: keyed generate_video (median of ${ledger.quick ? 15 : 30}, servers interleaved)`,
    ours: `${big.keyed_generate_ms_median} ms (5,000: ${mid.keyed_generate_ms_median} ms; unkeyed ${big.unkeyed_generate_ms_median} ms)`,
    baseline: `${empty.keyed_generate_ms_median} ms (empty)`,
    ratio: x(kg),
    target: '≤ 1.30×',
    result: verdict(kg <= 1.3),
  });
  const lj = ratio(big.list_jobs_20_ms_median, empty.list_jobs_20_ms_median);
  rows.push({
    measure: `8. Ledger of ${n} records vs empty: list_jobs(20), warm`,
    ours: `${big.list_jobs_20_ms_median} ms (5,000: ${mid.list_jobs_20_ms_median} ms)`,
    baseline: `${empty.list_jobs_20_ms_median} ms (empty)`,
    ratio: x(lj),
    target: '≤ 1.50×',
    result: verdict(lj <= 1.5),
  });
  rows.push({
    measure: `8. Ledger of ${n} records: first list_jobs of a fresh process (its first ledger read)`,
    ours: `${big.first_list_jobs_ms} ms (5,000: ${mid.first_list_jobs_ms} ms)`,
    baseline: `${empty.first_list_jobs_ms} ms (empty)`,
    ratio: '—',
    target: '≤ 50 ms',
    result: verdict(big.first_list_jobs_ms <= 50),
  });
  rows.push({
    measure: `8. … the same when list_jobs is the session's very first call (loads the job runtime too)`,
    ours: `${big.first_call_is_list_jobs_ms} ms`,
    baseline: `${empty.first_call_is_list_jobs_ms} ms (empty)`,
    ratio: '—',
    target: 'reported',
    result: 'info',
  });
  const drss = big.fresh_rss_mb - empty.fresh_rss_mb;
  rows.push({
    measure: `8. Ledger of ${n} records: RSS of a fresh process after list_jobs`,
    ours: `${big.fresh_rss_mb} MB (+${Math.round(drss * 10) / 10} MB)`,
    baseline: `${empty.fresh_rss_mb} MB (empty)`,
    ratio: '—',
    target: '≤ +15 MB',
    result: verdict(drss <= 15),
  });
  rows.push({
    measure: `8. Ledger of ${n} records: file reads per submitted job (readFile + open + readdir, submit → saved → check_job)`,
    ours: `${big.reads_per_job} (5,000: ${mid.reads_per_job})`,
    baseline: `${empty.reads_per_job} (empty)`,
    ratio: '—',
    target: '≤ 10',
    result: verdict(big.reads_per_job <= 10),
  });
  const f = ledger.in_flight;
  rows.push({
    measure: `8. ${f.jobs.toLocaleString('en-US')} jobs in flight in one process: generate_video p99 (p50, max)`,
    ours: `${f.generate_ms.p99} ms (${f.generate_ms.p50} ms, ${f.generate_ms.max} ms); check_job p99 ${f.check_job_ms_p99} ms`,
    baseline: '—',
    ratio: '—',
    target: '≤ 50 ms',
    result: verdict(f.generate_ms.p99 <= 50),
  });
  rows.push({
    measure: `8. ${f.jobs.toLocaleString('en-US')} jobs in flight in one process: RSS growth`,
    ours: `+${f.rss_growth_mb} MB (${f.rss_before_mb} → ${f.rss_after_mb} MB)`,
    baseline: '—',
    ratio: '—',
    target: '≤ 60 MB',
    result: verdict(f.rss_growth_mb <= 60),
  });
  const fl = ledger.first_list_models;
  rows.push({
    measure: `8. Spawn → first list_models result (median of ${fl.runs}, interleaved)`,
    ours: `${fl.ours_ms_median} ms`,
    baseline: `${fl.reference_ms_median} ms (one-tool SDK server, first tools/call)`,
    ratio: x(fl.ratio),
    target: '≤ 0.90×',
    result: verdict(fl.ratio <= 0.9),
  });
  const t = ledger.two_processes;
  rows.push({
    measure: `8. Two processes × ${t.jobs / 2} jobs sharing a ledger: downloads per job, orphaned files`,
    ours: `${t.downloaded_once}/${t.jobs} once, ${t.downloaded_more_than_once} more than once; ${t.orphaned_files} orphaned of ${t.files} files`,
    baseline: '—',
    ratio: '—',
    target: 'each exactly once, 0 orphans',
    result: verdict(t.pass),
  });
}

const cols = ['measure', 'ours', 'baseline', 'ratio', 'target', 'result'];
const titles = { measure: 'Measure', ours: 'Ours', baseline: 'Baseline / context', ratio: 'Ratio', target: 'Target', result: 'Result' };
const esc = (s) => String(s).replace(/\|/g, '\\|');
const table = [
  `| ${cols.map((c) => titles[c]).join(' | ')} |`,
  `|${cols.map((c) => (c === 'ratio' || c === 'result' ? '---:|' : '---|')).join('')}`,
  ...rows.map((r) => `| ${cols.map((c) => esc(r[c])).join(' | ')} |`),
].join('\n');
const misses = rows.filter((r) => r.result.includes('MISS')).map((r) => r.measure);
const elapsed = Math.round((Date.now() - started) / 1000);

console.log(
  `\nvideogen-mcp benchmark — ${meta.date} — node ${meta.node}, ${meta.cpus} CPU(s), load ${meta.loadavg_at_start.join(' ')}${quick ? ' — QUICK' : ''}\n`,
);
console.log(table);
console.log(`\n${misses.length ? `${misses.length} MISS: ${misses.join('; ')}` : 'All targets met.'} (${elapsed} s)`);

const out = {
  meta: { ...meta, seconds: elapsed },
  table: rows,
  misses,
  results: { cold_start: cold, tool_list: weight, idle_memory: memory, polling, scale, download: dl, server_download: srvdl, ledger },
};
if (quick) {
  step('--quick: bench/results/latest.json left unchanged');
} else {
  mkdirSync(path.join(BENCH, 'results'), { recursive: true });
  writeFileSync(path.join(BENCH, 'results', 'latest.json'), JSON.stringify(out, null, 2) + '\n');
  step('wrote bench/results/latest.json');
}
