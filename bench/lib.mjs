// Shared helpers for the benchmark: statistics, a minimal stdio MCP client, /proc readings, and
// running the TypeScript measures in a child process through tsx.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCH = fileURLToPath(new URL('.', import.meta.url));

export function median(xs) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const round = (x, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);

/** One field of /proc/<pid>/status in kB (VmRSS, VmHWM…), or undefined off Linux. */
export function procStatusKb(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A clean environment for a server under test: no provider keys (the simulator answers), a throwaway
 * state directory, quiet logs. Both servers get the same one.
 */
export function serverEnv(stateDir) {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), VIDEOGEN_STATE_DIR: stateDir, VIDEOGEN_LOG_LEVEL: 'warn' };
}

export function tempDir(prefix) {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Spawn a stdio MCP server, run initialize → notifications/initialized → tools/list as a client
 * does, and time spawn → tools/list response. `afterList(child)` runs before stdin is closed (to read
 * memory). Resolves with { ms, toolsResult, after }.
 */
export async function stdioSession(script, { env, cwd = ROOT, afterList, timeoutMs = 20_000 } = {}) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [script], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const send = (msg) => child.stdin.write(JSON.stringify(msg) + '\n');
  try {
    const listed = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script}: no tools/list answer within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
      exited.then(({ code, signal }) => reject(new Error(`${script} exited early (${code ?? signal})\n${stderr}`)));
      let buf = '';
      child.stdout.on('data', (d) => {
        buf += d;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (!line) continue;
          const msg = JSON.parse(line);
          if (msg.id === 1) {
            send({ jsonrpc: '2.0', method: 'notifications/initialized' });
            send({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
          } else if (msg.id === 2) {
            const ms = performance.now() - t0;
            clearTimeout(timer);
            if (msg.error) reject(new Error(`${script}: tools/list failed: ${JSON.stringify(msg.error)}`));
            else resolve({ ms, toolsResult: msg.result });
          }
        }
      });
      send({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'videogen-bench', version: '1.0.0' } },
      });
    });
    const after = afterList ? await afterList(child) : undefined;
    return { ...listed, after };
  } finally {
    child.stdin.end();
    const killer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(killer);
  }
}

/**
 * Run a TypeScript measure (`bench/<file>.ts`) in its own Node process through tsx; it prints one JSON
 * line prefixed with `RESULT ` on stdout.
 */
export async function runTs(file, args = [], { nodeArgs = [], env = {} } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(BENCH, file), ...args], {
    cwd: ROOT,
    env: { ...process.env, VIDEOGEN_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err = (err + d).slice(-8000)));
  const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? s)));
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (code !== 0 || !line) throw new Error(`${file} ${args.join(' ')} failed (exit ${code})\n${err}\n${out.slice(-2000)}`);
  return JSON.parse(line.slice('RESULT '.length));
}
