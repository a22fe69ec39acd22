/**
 * Requests an outsider can send before any token is checked: a malformed request target, broken
 * percent-encoding in a download path. Each gets a clear 4xx; the server keeps serving everyone else.
 */
import { writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { ALICE, connect, startTestServer, type TestServer } from './support.js';

/** One raw HTTP/1.1 request; resolves to the status line (or '' when the server hung up). */
function rawRequest(port: number, head: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const s = netConnect(port, '127.0.0.1', () => s.write(head));
    s.on('data', (d) => {
      got += String(d);
      if (got.includes('\r\n')) s.end();
    });
    s.on('error', () => resolve(got.split('\r\n')[0] ?? ''));
    s.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
    s.setTimeout(5_000, () => s.destroy());
  });
}

describe('hostile requests to videogen-mcp http', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(async () => {
    await srv.close();
  });

  it('answers a request target that is not a valid URL with 400 and keeps serving (no crash before auth)', async () => {
    for (const target of ['http://[', 'http://[::1', '//[/mcp']) {
      const status = await rawRequest(srv.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      expect(status, target).toMatch(/^HTTP\/1\.1 400/);
    }
    const res = await fetch(new URL('/healthz', srv.url));
    expect(res.status).toBe(200);
  });

  it('answers broken percent-encoding in a download path with 404, not 500', async () => {
    const res = await fetch(new URL('/downloads/%E0%A4%A/x.mp4?exp=1&sig=x', srv.url), { headers: { authorization: `Bearer ${ALICE}` } });
    expect(res.status).toBe(404);
  });

  it("never shows a remote client a path on the server, in any field (the simulator's file: video_url included)", async () => {
    const alice = await connect(srv.url, ALICE);
    try {
      const job = (await alice.call('generate_video', { model: 'hailuo-02', prompt: 'a quiet harbour' })).structuredContent as { job_id: string };
      const done = await alice.call('check_job', { job_id: job.job_id, wait_seconds: 20 });
      expect((done.structuredContent as { status: string }).status).toBe('succeeded');
      const listed = await alice.call('list_jobs', {});
      for (const r of [done, listed]) {
        const all = JSON.stringify(r);
        expect(all).not.toMatch(/file:\/\//);
        expect(all).not.toContain(srv.workDir);
        expect(all).not.toContain(process.cwd());
      }
    } finally {
      await alice.close();
    }
  });
});

describe('videogen-mcp http start-up with authentication asked for but empty', () => {
  // Behind a reverse proxy on the same machine, a loopback server without auth is open to the world:
  // a tokens file that names nobody, or an unexpanded ${...}, must not quietly mean "no authentication".
  it('refuses to start when VIDEOGEN_AUTH_TOKENS_FILE or VIDEOGEN_AUTH_TOKENS is set but names no token', async () => {
    const file = path.join(tempDir('videogen-tokens-'), 'tokens');
    writeFileSync(file, '# alice:<token> lines go here\n\n', { mode: 0o600 });
    await expect(startTestServer({ VIDEOGEN_AUTH_TOKENS: '', VIDEOGEN_AUTH_TOKENS_FILE: file })).rejects.toThrow(/VIDEOGEN_AUTH_TOKENS_FILE.*no token/);
    await expect(startTestServer({ VIDEOGEN_AUTH_TOKENS: '${TEAM_TOKENS}' })).rejects.toThrow(/VIDEOGEN_AUTH_TOKENS.*no token/);
    await expect(startTestServer({ VIDEOGEN_AUTH_TOKENS: ' , ' })).rejects.toThrow(/VIDEOGEN_AUTH_TOKENS.*no token/);
    await expect(startTestServer({ VIDEOGEN_AUTH_TOKENS: '', VIDEOGEN_AUTH_ISSUER: '${IDP_URL}' })).rejects.toThrow(/VIDEOGEN_AUTH_ISSUER.*no token or issuer/);
  });
});

describe('videogen-mcp http start-up with the database down', () => {
  it("says what the operator needs (the driver's error, no tool-call advice, no password)", async () => {
    const err = await startTestServer({ VIDEOGEN_DATABASE_URL: 'postgres://videogen:s3cret-db-pass@127.0.0.1:1/videogen' }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/cannot reach the database at VIDEOGEN_DATABASE_URL .*ECONNREFUSED/);
    expect(err?.message).not.toMatch(/idempotency_key|Try again in a minute/);
    expect(err?.message).not.toContain('s3cret-db-pass');
  });
});
