// Measure 7 (issue 5's figure): the BUILT SERVER saves a 500 MB result end to end. A minimal
// RunAPI-wire fake (POST /api/v1/hailuo/image_to_video → {id,status}; GET …/{id} → processing, then
// completed with videos[0].url) points at a generated 500 MB MP4. After generate_video returns, the
// server's peak-RSS counter is reset (/proc/<pid>/clear_refs) and check_job waits for the job, which
// downloads and saves the video; the growth is VmHWM − VmRSS-at-reset of the server process itself.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { startVideoServer } from './download.mjs';
import { median, procStatusKb, removeDir, round, ROOT, sleep, tempDir } from './lib.mjs';

const MB = 1024 * 1024;

function startRunapiFake(videoUrl) {
  const polls = new Map();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const send = (status, json) => (res.writeHead(status, { 'content-type': 'application/json' }), res.end(JSON.stringify(json)));
      if (req.method === 'POST' && req.url === '/api/v1/hailuo/image_to_video') {
        const id = randomUUID();
        polls.set(id, 0);
        return send(200, { id, status: 'pending' });
      }
      const m = /^\/api\/v1\/hailuo\/image_to_video\/([0-9a-f-]+)$/.exec(req.url ?? '');
      if (req.method === 'GET' && m && polls.has(m[1])) {
        const n = polls.get(m[1]) + 1;
        polls.set(m[1], n);
        return send(200, n < 2 ? { id: m[1], status: 'processing' } : { id: m[1], status: 'completed', videos: [{ url: videoUrl }] });
      }
      send(404, { error: 'not found' });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) }),
    ),
  );
}

function rpc(child) {
  let buf = '';
  let id = 0;
  const waiting = new Map();
  child.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const msg = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      waiting.get(msg.id)?.(msg);
    }
  });
  return (method, params) =>
    new Promise((resolve) => {
      const n = ++id;
      waiting.set(n, resolve);
      child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: n, method, params }) + '\n');
    });
}

async function once(fakeUrl) {
  const dir = tempDir('videogen-bench-srvdl-');
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/index.js')], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      RUNAPI_API_KEY: 'bench-key',
      RUNAPI_BASE_URL: fakeUrl,
      VIDEOGEN_STATE_DIR: path.join(dir, 'state'),
      VIDEOGEN_OUTPUT_DIR: path.join(dir, 'videos'),
      VIDEOGEN_LOG_LEVEL: 'warn',
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const call = rpc(child);
    await call('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } });
    child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
    const gen = await call('tools/call', {
      name: 'generate_video',
      arguments: {
        model: 'hailuo-02-image-to-video-standard',
        prompt: 'bench',
        first_frame_image_url: 'https://cdn.example.com/f.jpg',
        duration_seconds: 6,
        output_resolution: '512p',
      },
    });
    const jobId = gen.result.structuredContent.job_id;
    await sleep(300);
    writeFileSync(`/proc/${child.pid}/clear_refs`, '5'); // reset the server's VmHWM to its current RSS
    const base = procStatusKb(child.pid, 'VmRSS');
    let done;
    for (let i = 0; i < 20 && done?.status !== 'succeeded'; i++)
      done = (await call('tools/call', { name: 'check_job', arguments: { job_id: jobId, wait_seconds: 30 } })).result.structuredContent;
    const peak = procStatusKb(child.pid, 'VmHWM');
    if (done?.status !== 'succeeded' || !done.local_path) throw new Error(`server download failed: ${JSON.stringify(done)}`);
    const bytes = statSync(done.local_path).size;
    return { growth_mb: (peak - base) / 1024, bytes };
  } finally {
    child.kill('SIGKILL');
    removeDir(dir);
  }
}

export async function serverDownload({ runs = 3, sizeMb = 500 } = {}) {
  const video = await startVideoServer(sizeMb * MB);
  const fake = await startRunapiFake(video.url);
  try {
    const results = [];
    for (let i = 0; i < runs; i++) {
      const r = await once(fake.url);
      if (r.bytes !== sizeMb * MB) throw new Error(`saved ${r.bytes} of ${sizeMb * MB} bytes`);
      results.push(r.growth_mb);
    }
    const med = median(results);
    return {
      size_mb: sizeMb,
      runs,
      growth_mb: results.map((x) => round(x)),
      growth_mb_median: round(med),
      growth_mb_max: round(Math.max(...results)),
      pass: Math.max(...results) < 64,
    };
  } finally {
    await fake.close();
    await video.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await serverDownload({ runs: Number(process.argv[2] ?? 3) }));
