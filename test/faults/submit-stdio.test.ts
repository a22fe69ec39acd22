/**
 * Hostile stdio input (issue #10 §6), against the built binary: a line over the 10 MiB message limit,
 * a line that is not JSON, and JSON that is not JSON-RPC each get a JSON-RPC error, and the server
 * keeps serving — including a call that was waiting when the bad line arrived. A data: URI over its
 * documented limit is refused before any upstream request.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfOversized } from '../../src/stdio.js';
import { FAKE_RUNAPI_KEY, startFakeRunapi, type FakeRunapi } from '../fakes/runapi.js';
import { startHarness, text } from '../helpers.js';
import { tempDir } from '../helpers.js';

const BIN = path.resolve('dist/index.js');

let fake: FakeRunapi;
beforeAll(async () => {
  fake = await startFakeRunapi();
});
afterAll(async () => {
  await fake.close();
});

describe('stdio survives bad lines', () => {
  it('oversized, non-JSON and non-JSON-RPC lines get -32600/-32700; the server keeps serving, in-flight calls included', async () => {
    expect(existsSync(BIN), 'dist/index.js (run npm run build)').toBe(true);
    const dir = tempDir('videogen-stdio-');
    const proc = spawn(process.execPath, [BIN], {
      cwd: dir,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: dir,
        VIDEOGEN_STATE_DIR: path.join(dir, 'state'),
        VIDEOGEN_SIMULATOR_SECONDS: '2',
        VIDEOGEN_DOWNLOAD: 'off',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const messages: any[] = [];
    const waiters: { match: (m: any) => boolean; resolve: (m: any) => void }[] = [];
    let buf = '';
    proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const m = JSON.parse(buf.slice(0, i)); // every stdout line is JSON-RPC
        buf = buf.slice(i + 1);
        messages.push(m);
        for (const w of waiters.filter((w) => w.match(m))) w.resolve(m);
      }
    });
    let exitCode: number | null | undefined;
    proc.on('exit', (c) => (exitCode = c));
    const next = (match: (m: any) => boolean) =>
      new Promise<any>((resolve, reject) => {
        const found = messages.find(match);
        if (found) return resolve(found);
        waiters.push({ match, resolve });
        setTimeout(() => reject(new Error(`no such message; stderr:\n${stderr.slice(-2000)}`)), 20_000).unref();
      });
    const send = (o: unknown) => proc.stdin.write(JSON.stringify(o) + '\n');
    try {
      send({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      });
      await next((m) => m.id === 1);
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      // A call that is waiting when the bad lines arrive.
      send({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'generate_video', arguments: { model: 'hailuo-02', prompt: 'p', wait_seconds: 4 } },
      });
      // 11 MiB, written the way SDK clients serialize (id last).
      const big = 'data:image/png;base64,' + 'A'.repeat(11 * 1024 * 1024);
      proc.stdin.write(
        JSON.stringify({
          method: 'tools/call',
          params: { name: 'generate_video', arguments: { model: 'hailuo-02', first_frame_image_url: big } },
          jsonrpc: '2.0',
          id: 'big',
        }) + '\n',
      );
      proc.stdin.write('{"jsonrpc":"2.0","id":3,"method":\n');
      send({ hello: 'world', id: 4 });
      const tooBig = await next((m) => m.id === 'big');
      expect(tooBig.error.code).toBe(-32600);
      expect(tooBig.error.message).toMatch(/too large.*10\.0 MiB/);
      expect(tooBig.error.message).toMatch(/local file path or an https URL/);
      const parse = await next((m) => m.error?.code === -32700);
      expect(parse.id).toBeNull();
      const invalid = await next((m) => m.id === 4);
      expect(invalid.error.code).toBe(-32600);
      // Still serving: the waiting call completes, and new calls are answered.
      const waited = await next((m) => m.id === 2);
      expect(waited.result.isError).toBeFalsy();
      expect(waited.result.structuredContent.job_id).toBeTruthy();
      send({ jsonrpc: '2.0', id: 5, method: 'tools/list' });
      expect((await next((m) => m.id === 5)).result.tools.length).toBeGreaterThan(3);
      expect(exitCode).toBeUndefined();
      expect(stderr).toMatch(/refused an oversized message/);
      expect(stderr).toMatch(/refused a line that is not JSON/);
    } finally {
      proc.kill('SIGKILL');
    }
  }, 60_000);

  it('finds the id of an oversized message at either end, and only at the top level', () => {
    expect(idOfOversized('{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"a', 'AAAA"}}}')).toBe(7);
    expect(idOfOversized('{"method":"tools/call","params":{"arguments":{"x":"AAA', 'AAA"}},"jsonrpc":"2.0","id":"abc"}')).toBe('abc');
    expect(idOfOversized('{"method":"x","params":{"id":9,"data":"AAA', 'AAA","id":9}}')).toBeNull();
    expect(idOfOversized('garbage', 'more garbage')).toBeNull();
  });
});

describe('data: URI limit', () => {
  it('a data: URI over 7 MiB (a ~7.5 MB image) is refused naming the limit, with no upstream request', async () => {
    const h = await startHarness({ env: { RUNAPI_API_KEY: FAKE_RUNAPI_KEY, RUNAPI_BASE_URL: fake.url, VIDEOGEN_BUDGET_USD_DAILY: '10' } });
    try {
      const uri = 'data:image/png;base64,' + 'A'.repeat(10_000_000); // 7.5 MB of bytes, 9.5 MiB of text
      const r = await h.call('generate_video', { model: 'hailuo-02', prompt: 'p', first_frame_image_url: uri, provider: 'runapi' });
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/first_frame_image_url: the data: URI is 9\.5 MiB long; data: URIs are limited to 7 MiB/);
      expect(fake.requests).toHaveLength(0);
      expect(existsSync(path.join(h.stateDir, 'spend.jsonl'))).toBe(false);
    } finally {
      await h.close();
    }
  });
});
