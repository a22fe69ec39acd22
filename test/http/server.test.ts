import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CallToolResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, loadHttpConfig } from '../../src/config.js';
import { UrlSigner } from '../../src/http/downloads.js';
import { startHttpServer } from '../../src/http/server.js';
import { structured, text } from '../helpers.js';
import { ALICE, BOB, connect, startTestServer, type TestServer } from './support.js';

interface Job {
  job_id: string;
  status: string;
  download_url?: string;
  download_expires_at?: string;
  local_path?: string;
  next_action: string;
}

describe('videogen-mcp http with bearer tokens', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(async () => {
    await srv.close();
  });

  it('answers /healthz without a token', async () => {
    const res = await fetch(new URL('/healthz', srv.url));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', store: 'file' });
  });

  it('refuses a missing, a malformed and a wrong token with 401 and WWW-Authenticate', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    for (const auth of [undefined, 'Basic abc', `Bearer ${ALICE}x`, `Bearer ${ALICE.slice(0, -1)}`]) {
      const res = await fetch(srv.url, { method: 'POST', body, headers: { ...headers, ...(auth ? { authorization: auth } : {}) } });
      expect(res.status, auth).toBe(401);
      expect(res.headers.get('www-authenticate'), auth).toMatch(/^Bearer error="invalid_token"/);
      expect(await res.text()).not.toContain(ALICE);
    }
    // The real client transport surfaces the 401 too.
    await expect(connect(srv.url, 'not-a-token-at-all-123456')).rejects.toThrow(/invalid_token/);
  });

  it('serves the tools over the real Streamable HTTP client transport, statelessly', async () => {
    const alice = await connect(srv.url, ALICE);
    const tools = await alice.client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('generate_video');
    expect(alice.client.transport && (alice.client.transport as { sessionId?: string }).sessionId).toBeUndefined();
    await alice.close();
  });

  it("keeps each principal to its own jobs: another's job_id is not found in check_job, cancel_job and list_jobs", async () => {
    const alice = await connect(srv.url, ALICE);
    const bob = await connect(srv.url, BOB);
    const job = structured<Job>(await alice.call('generate_video', { model: 'hailuo-02', prompt: 'a red fox', idempotency_key: 'same-key' }));
    const bobCheck = await bob.call('check_job', { job_id: job.job_id });
    expect(bobCheck.isError).toBe(true);
    expect(text(bobCheck)).toMatch(/not_found/);
    const bobCancel = await bob.call('cancel_job', { job_id: job.job_id });
    expect(bobCancel.isError).toBe(true);
    expect(text(bobCancel)).toMatch(/not_found/);
    // The same message as for a job id that never existed.
    const unknown = await bob.call('check_job', { job_id: job.job_id.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) });
    expect(text(unknown).replace(/No job \S+/, 'No job X')).toBe(text(bobCheck).replace(/No job \S+/, 'No job X'));
    const bobList = structured<{ jobs: Job[] }>(await bob.call('list_jobs', {}));
    expect(bobList.jobs.map((j) => j.job_id)).not.toContain(job.job_id);
    // Bob's own key "same-key" is his own: a new job, not Alice's.
    const bobJob = structured<Job>(await bob.call('generate_video', { model: 'hailuo-02', prompt: 'a red fox', idempotency_key: 'same-key' }));
    expect(bobJob.job_id).not.toBe(job.job_id);
    const aliceList = structured<{ jobs: Job[] }>(await alice.call('list_jobs', {}));
    expect(aliceList.jobs.map((j) => j.job_id)).toEqual([job.job_id]);
    await alice.close();
    await bob.close();
  });

  it('streams progress for wait_seconds on the POST itself (no session, no sticky instance)', async () => {
    const alice = await connect(srv.url, ALICE);
    const job = structured<Job>(await alice.call('generate_video', { model: 'hailuo-02', prompt: 'progress please' }));
    const seen: number[] = [];
    const r = await alice.client.callTool({ name: 'check_job', arguments: { job_id: job.job_id, wait_seconds: 20 } }, CallToolResultSchema, {
      timeout: 30_000,
      onprogress: (p) => seen.push(p.progress),
    });
    expect(structured<Job>(r as CallToolResult).status).toBe('succeeded');
    expect(seen.length).toBeGreaterThan(0);
    expect([...seen].sort((x, y) => x - y)).toEqual(seen);
    await alice.close();
  });

  it('refuses local file paths from a remote client without reading them', async () => {
    const alice = await connect(srv.url, ALICE);
    const r = await alice.call('generate_video', { model: 'hailuo-02', prompt: 'x', first_frame_image_url: '/etc/hostname' });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/remote.*https URL.*data: URI/);
    await alice.close();
  });

  it('offers the finished video as a signed URL that works for its owner only, and not after expiry', async () => {
    const alice = await connect(srv.url, ALICE);
    const job = structured<Job>(await alice.call('generate_video', { model: 'hailuo-02', prompt: 'a blue whale' }));
    let done: Job = job;
    for (let i = 0; i < 40 && done.status !== 'succeeded'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      done = structured<Job>(await alice.call('check_job', { job_id: job.job_id }));
    }
    expect(done.status).toBe('succeeded');
    expect(done.local_path).toBeUndefined();
    expect(done.download_url).toMatch(/\/downloads\/.+\?exp=\d+&sig=/);
    const result = await alice.call('check_job', { job_id: job.job_id });
    const link = result.content.find((c) => c.type === 'resource_link') as { uri: string } | undefined;
    expect(link?.uri).toBe(structured<Job>(result).download_url);

    const url = done.download_url!;
    const ok = await fetch(url, { headers: { authorization: `Bearer ${ALICE}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('video/mp4');
    expect((await ok.arrayBuffer()).byteLength).toBeGreaterThan(100);
    expect((await fetch(url, { headers: { authorization: `Bearer ${BOB}` } })).status).toBe(404);
    expect((await fetch(url)).status).toBe(401);
    // Tampered expiry: the signature no longer matches.
    expect(
      (
        await fetch(
          url.replace(/exp=(\d+)/, (_m, e: string) => `exp=${Number(e) + 1000}`),
          { headers: { authorization: `Bearer ${ALICE}` } },
        )
      ).status,
    ).toBe(404);
    // A genuine URL signed an hour and a half ago has expired.
    const key = Buffer.from(readFileSync(path.join(srv.stateDir, 'url-signing.key'), 'utf8').trim());
    const old = new UrlSigner(key, new URL(srv.url).origin, 3600, () => Date.now() - 5400_000).sign('alice', job.job_id, 'v.mp4');
    const expired = await fetch(old.url, { headers: { authorization: `Bearer ${ALICE}` } });
    expect(expired.status).toBe(410);
    expect(await expired.text()).toMatch(/check_job/);
    await alice.close();
  });
});

describe('videogen-mcp http token rotation', () => {
  it('swaps the token set at run time: the new token works, the removed one gets 401', async () => {
    const srv = await startTestServer();
    try {
      const post = (t: string) =>
        fetch(srv.url, {
          method: 'POST',
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${t}` },
        });
      const fresh = `${ALICE}-rotated`;
      expect((await post(fresh)).status).toBe(401);
      expect(srv.reloadTokens(loadHttpConfig({ VIDEOGEN_AUTH_TOKENS: `alice:${ALICE},alice:${fresh}` }).tokens)).toBe(true);
      expect((await post(fresh)).status).toBe(200);
      expect((await post(ALICE)).status).toBe(200);
      srv.reloadTokens(loadHttpConfig({ VIDEOGEN_AUTH_TOKENS: `alice:${fresh}` }).tokens);
      expect((await post(ALICE)).status).toBe(401);
      expect((await post(BOB)).status).toBe(401);
      expect((await post(fresh)).status).toBe(200);
    } finally {
      await srv.close();
    }
  });
});

describe('videogen-mcp http start-up', () => {
  it('refuses a non-loopback host with no authentication', async () => {
    const env = { VIDEOGEN_STATE_DIR: '/tmp/unused', VIDEOGEN_LOG_LEVEL: 'silent' };
    const http = loadHttpConfig(env, { host: '0.0.0.0', port: '0' });
    await expect(startHttpServer({ config: loadConfig(env), http })).rejects.toThrow(/without authentication.*VIDEOGEN_AUTH_TOKENS/);
  });

  it('parses flags over variables, and refuses short or duplicate tokens', () => {
    expect(loadHttpConfig({ VIDEOGEN_HTTP_HOST: '0.0.0.0', VIDEOGEN_HTTP_PORT: '9000' }, { port: '9001' })).toMatchObject({ host: '0.0.0.0', port: 9001 });
    expect(loadHttpConfig({})).toMatchObject({ host: '127.0.0.1', port: 8787, publicUrl: undefined });
    expect(() => loadHttpConfig({ VIDEOGEN_AUTH_TOKENS: 'alice:short' })).toThrow(/shorter than 16/);
    expect(() => loadHttpConfig({ VIDEOGEN_AUTH_TOKENS: `alice:${ALICE},bob:${ALICE}` })).toThrow(/same token/);
    expect(() => loadHttpConfig({ VIDEOGEN_AUTH_TOKENS: `${ALICE}` })).toThrow(/principal name/);
    expect(() => loadHttpConfig({ VIDEOGEN_HTTP_PORT: 'http' })).toThrow(/VIDEOGEN_HTTP_PORT/);
    expect(() => loadHttpConfig({ VIDEOGEN_AUTH_AUDIENCE: 'x' })).toThrow(/VIDEOGEN_AUTH_ISSUER/);
    const fromFile = loadHttpConfig({ VIDEOGEN_AUTH_TOKENS_FILE: '/tokens' }, {}, () => `# team\nalice:${ALICE}\n\nbob:${BOB}\n`);
    expect([...fromFile.tokens.values()]).toEqual(['alice', 'bob']);
    // Rotation: one principal may hold two tokens at once.
    const rotating = loadHttpConfig({ VIDEOGEN_AUTH_TOKENS: `alice:${ALICE},alice:${ALICE}-new` });
    expect([...rotating.tokens.values()]).toEqual(['alice', 'alice']);
  });
});
