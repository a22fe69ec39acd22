/**
 * A raw JSON-RPC client over the built binary's stdio: every stdout line must parse as JSON-RPC.
 * Used by the e2e tests (no SDK on the client side, so nothing hides a stray byte on stdout).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

export const BIN = path.resolve('dist/index.js');

export interface RawServer {
  proc: ChildProcessWithoutNullStreams;
  /** Lines on stdout that were not JSON-RPC messages (must stay empty). */
  junk: string[];
  stderr: () => string;
  request(method: string, params?: unknown, timeoutMs?: number): Promise<{ result?: any; error?: any }>;
  notify(method: string, params?: unknown): void;
  call(name: string, args: Record<string, unknown>): Promise<any>;
  init(): Promise<any>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

export function startRaw(env: Record<string, string>, cwd: string, bin: string = BIN): RawServer {
  return startCommand(process.execPath, [bin], env, cwd);
}

/** Any command that should serve MCP on stdio (an installed bin, npx, a client config's command). */
export function startCommand(command: string, args: string[], env: Record<string, string>, cwd: string): RawServer {
  // Only what the server needs: never the developer's real keys.
  const proc = spawn(command, args, {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? cwd, VIDEOGEN_LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const junk: string[] = [];
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const pending = new Map<number, (m: any) => void>();
  let buf = '';
  proc.stdout.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      let msg: any;
      try {
        msg = JSON.parse(line);
      } catch {
        junk.push(line);
        continue;
      }
      if (msg?.jsonrpc !== '2.0') junk.push(line);
      else if (msg.id !== undefined && pending.has(msg.id)) {
        pending.get(msg.id)!(msg);
        pending.delete(msg.id);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  let nextId = 1;
  const request = (method: string, params?: unknown, timeoutMs = 30_000) =>
    new Promise<{ result?: any; error?: any }>((resolve, reject) => {
      const id = nextId++;
      const t = setTimeout(() => reject(new Error(`timeout waiting for ${method}; stderr:\n${err}`)), timeoutMs);
      pending.set(id, (m) => {
        clearTimeout(t);
        resolve(m);
      });
      proc.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }) + '\n');
    });
  const notify = (method: string, params?: unknown) =>
    proc.stdin.write(JSON.stringify({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) }) + '\n');
  return {
    proc,
    junk,
    stderr: () => err,
    request,
    notify,
    exited,
    async init() {
      const r = await request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } });
      notify('notifications/initialized');
      return r.result;
    },
    async call(name, args) {
      const r = await request('tools/call', { name, arguments: args }, 60_000);
      if (r.error) throw new Error(`JSON-RPC error: ${JSON.stringify(r.error)}`);
      return r.result;
    },
  };
}

/** Poll check_job until the job is terminal. */
export async function untilDone(s: RawServer, jobId: string, maxCalls = 30): Promise<any> {
  for (let i = 0; i < maxCalls; i++) {
    const r = await s.call('check_job', { job_id: jobId, wait_seconds: 5 });
    const sc = r.structuredContent;
    if (['succeeded', 'failed', 'canceled'].includes(sc?.status)) return sc;
  }
  throw new Error('job did not finish');
}
