/**
 * The team server end to end: two built `videogen-mcp http` processes share one PostgreSQL database
 * (the run's embedded cluster, a schema of their own) and the MiniMax fake (no idempotency keys: a
 * second submit would be a second bill), reached over the SDK's real Streamable HTTP client transport.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UrlSigner } from '../../src/http/downloads.js';
import { FAKE_MINIMAX_KEY, startFakeMinimax, type FakeMinimax } from '../fakes/minimax.js';
import { structured, tempDir, text } from '../helpers.js';
import { ALICE, BOB, connect, type HttpClient } from '../http/support.js';
import { databaseUrl, dropSchema, freshSchema } from '../pg/support.js';

const BIN = path.resolve('dist/index.js');
const SUBMIT = '/v1/video_generation';
const AUDIENCE = 'https://videogen.test/mcp';

interface Instance {
  proc: ChildProcessWithoutNullStreams;
  url: string;
  stderr: () => string;
}

interface Job {
  job_id: string;
  status: string;
  download_url?: string;
  estimated_cost_usd?: number;
}

function startInstance(env: Record<string, string>, cwd: string): Promise<Instance> {
  const proc = spawn(process.execPath, [BIN, 'http', '--port', '0'], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: cwd, VIDEOGEN_LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance did not start:\n${err}`)), 20_000);
    proc.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /serving MCP at (http:\/\/\S+\/mcp)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1]!, stderr: () => err });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`instance exited (${code}):\n${err}`));
    });
  });
}

async function sql<T extends pg.QueryResultRow>(schema: string, q: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: databaseUrl() });
  await c.connect();
  try {
    await c.query(`SET search_path = ${schema}`);
    return (await c.query<T>(q, values)).rows;
  } finally {
    await c.end();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let idp: Server;
let issuer: string;
let idpKey: CryptoKey;
let jwk: JWK;

async function jwt(claims: Record<string, unknown>, exp: number | string = '5m'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'e2e' }).setIssuedAt().setExpirationTime(exp).sign(idpKey);
}

describe('two team-server instances on one PostgreSQL', () => {
  const schema = freshSchema();
  const work = tempDir('videogen-teams-');
  let fake: FakeMinimax;
  let a: Instance;
  let b: Instance;
  const clients: HttpClient[] = [];
  const client = async (inst: Instance, token: string) => {
    const c = await connect(inst.url, token);
    clients.push(c);
    return c;
  };
  const env = () => ({
    MINIMAX_API_KEY: FAKE_MINIMAX_KEY,
    MINIMAX_BASE_URL: fake.url,
    VIDEOGEN_STATE_DIR: path.join(work, 'state-of-its-own'),
    VIDEOGEN_OUTPUT_DIR: path.join(work, 'shared-videos'),
    VIDEOGEN_DATABASE_URL: databaseUrl(),
    VIDEOGEN_DATABASE_SCHEMA: schema,
    VIDEOGEN_AUTH_TOKENS: `alice:${ALICE},bob:${BOB}`,
    VIDEOGEN_AUTH_ISSUER: issuer,
    VIDEOGEN_AUTH_AUDIENCE: AUDIENCE,
    VIDEOGEN_AUTH_JWKS_URL: `${issuer}/jwks`,
    VIDEOGEN_LEASE_SECONDS: '2',
  });

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    idpKey = pair.privateKey;
    jwk = { ...(await exportJWK(pair.publicKey)), kid: 'e2e', alg: 'RS256', use: 'sig' };
    idp = createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
    issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    fake = await startFakeMinimax({ pollsToComplete: 1 });
    // Each instance has its own state directory: everything shared goes through the database.
    [a, b] = await Promise.all([
      startInstance({ ...env(), VIDEOGEN_STATE_DIR: path.join(work, 'a') }, work),
      startInstance({ ...env(), VIDEOGEN_STATE_DIR: path.join(work, 'b') }, work),
    ]);
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    for (const i of [a, b]) i?.proc.kill('SIGKILL');
    await fake?.close();
    await new Promise<void>((r) => idp.close(() => r()));
    await dropSchema(schema);
  });

  it('refuses missing, wrong and expired tokens and a JWT for another audience with 401', async () => {
    const post = (auth?: string) =>
      fetch(b.url, {
        method: 'POST',
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      });
    const good = await jwt({ sub: 'carol', iss: issuer, aud: AUDIENCE });
    expect((await post(good)).status).toBe(200);
    for (const [name, token] of [
      ['missing', undefined],
      ['wrong', `${BOB}x`],
      ['expired', await jwt({ sub: 'carol', iss: issuer, aud: AUDIENCE }, Math.floor(Date.now() / 1000) - 300)],
      ['wrong audience', await jwt({ sub: 'carol', iss: issuer, aud: 'https://elsewhere.test/mcp' })],
    ] as const) {
      const res = await post(token);
      expect(res.status, name).toBe(401);
      expect(res.headers.get('www-authenticate'), name).toMatch(/^Bearer error="invalid_token".*resource_metadata="/);
    }
  });

  it('answers /healthz with the database as its store', async () => {
    const res = await fetch(new URL('/healthz', a.url));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', store: 'postgres' });
  });

  let shared: Job;
  it('a job submitted through one instance is checked and saved through the other', async () => {
    const onA = await client(a, ALICE);
    const onB = await client(b, ALICE);
    const job = structured<Job>(await onA.call('generate_video', { model: 'hailuo-02', provider: 'minimax', prompt: 'a lighthouse at dusk' }));
    let seen = job;
    for (let i = 0; i < 40 && (seen.status !== 'succeeded' || !seen.download_url); i++) {
      await sleep(500);
      seen = structured<Job>(await onB.call('check_job', { job_id: job.job_id }));
    }
    expect(seen.status).toBe('succeeded');
    expect(seen.download_url).toMatch(/\/downloads\//);
    // Signed by B, fetched from A: the signing key is shared through the database.
    const viaA = seen.download_url!.replace(new URL(b.url).origin, new URL(a.url).origin);
    const res = await fetch(viaA, { headers: { authorization: `Bearer ${ALICE}` } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(fake.videoBytes)).toBe(true);
    expect(fake.requestsTo('POST', SUBMIT)).toHaveLength(1);
    shared = seen;
  });

  it('keeps principals apart across instances, and the download URL works for its owner only and not after expiry', async () => {
    const bob = await client(a, BOB);
    const r = await bob.call('check_job', { job_id: shared.job_id });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/not_found/);
    expect(text(await bob.call('cancel_job', { job_id: shared.job_id }))).toMatch(/not_found/);
    expect(structured<{ jobs: Job[] }>(await bob.call('list_jobs', {})).jobs).toEqual([]);
    expect((await fetch(shared.download_url!, { headers: { authorization: `Bearer ${BOB}` } })).status).toBe(404);
    const [row] = await sql<{ value: string }>(schema, "SELECT value FROM videogen_settings WHERE name = 'url_signing_key'");
    const old = new UrlSigner(Buffer.from(row!.value), new URL(a.url).origin, 60, () => Date.now() - 3_600_000).sign('alice', shared.job_id, 'v.mp4');
    expect((await fetch(old.url, { headers: { authorization: `Bearer ${ALICE}` } })).status).toBe(410);
  });

  it('the same idempotency_key sent to both instances at once makes one upstream submit and one job_id', async () => {
    const before = fake.requestsTo('POST', SUBMIT).length;
    const [ca, cb] = [await client(a, ALICE), await client(b, ALICE)];
    const args = { model: 'hailuo-02', provider: 'minimax', prompt: 'one and only', idempotency_key: 'team-order-7' };
    const results = await Promise.all([
      ca.call('generate_video', args),
      cb.call('generate_video', args),
      ca.call('generate_video', args),
      cb.call('generate_video', args),
    ]);
    for (const r of results) expect(r.isError, text(r)).toBeFalsy();
    expect(new Set(results.map((r) => structured<Job>(r).job_id)).size).toBe(1);
    expect(fake.requestsTo('POST', SUBMIT).length - before).toBe(1);
  });

  it('never writes a token to the database or the logs', async () => {
    const dump = await sql<{ t: string }>(
      schema,
      `SELECT coalesce((SELECT string_agg(record::text, ' ') FROM videogen_jobs), '') || coalesce((SELECT string_agg(submit::text, ' ') FROM videogen_pending_submits), '')
         || coalesce((SELECT string_agg(name || value, ' ') FROM videogen_settings), '') AS t`,
    );
    const logs = a.stderr() + b.stderr();
    expect(dump[0]!.t.length).toBeGreaterThan(100);
    for (const secret of [ALICE, BOB, FAKE_MINIMAX_KEY]) {
      expect(dump[0]!.t).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });

  it('kill -9 of the polling instance mid-job: the other finishes the job within a lease period', async () => {
    const onA = await client(a, ALICE);
    const job = structured<Job>(await onA.call('generate_video', { model: 'hailuo-02', provider: 'minimax', prompt: 'a storm over the sea' }));
    // A polls once (it now holds the job's lease); the task is not finished yet.
    const polled = structured<Job>(await onA.call('check_job', { job_id: job.job_id }));
    expect(polled.status).not.toBe('succeeded');
    const [lease] = await sql<{ holder: string }>(schema, 'SELECT holder FROM videogen_leases WHERE job_id = $1', [job.job_id]);
    expect(lease?.holder).toContain(` ${a.proc.pid} `);
    a.proc.kill('SIGKILL');
    const onB = await client(b, ALICE);
    let seen = polled;
    const t0 = Date.now();
    for (let i = 0; i < 60 && (seen.status !== 'succeeded' || !seen.download_url); i++) {
      await sleep(500);
      seen = structured<Job>(await onB.call('check_job', { job_id: job.job_id }));
    }
    expect(seen.status).toBe('succeeded');
    expect(seen.download_url).toBeDefined();
    expect(Date.now() - t0).toBeLessThan(20_000);
    const [after] = await sql<{ holder: string }>(schema, 'SELECT holder FROM videogen_leases WHERE job_id = $1', [job.job_id]);
    expect(after === undefined || after.holder.includes(` ${b.proc.pid} `)).toBe(true);
    const res = await fetch(seen.download_url!, { headers: { authorization: `Bearer ${ALICE}` } });
    expect(res.status).toBe(200);
  });
});

describe('a team budget across two instances', () => {
  const schema = freshSchema();
  const work = tempDir('videogen-teams-cap-');
  let fake: FakeMinimax;
  const procs: Instance[] = [];
  afterAll(async () => {
    for (const i of procs) i.proc.kill('SIGKILL');
    await fake?.close();
    await dropSchema(schema);
  });

  it('ten parallel jobs across both instances against a cap of four land exactly four', async () => {
    fake = await startFakeMinimax();
    const base = {
      MINIMAX_API_KEY: FAKE_MINIMAX_KEY,
      MINIMAX_BASE_URL: fake.url,
      VIDEOGEN_OUTPUT_DIR: path.join(work, 'videos'),
      VIDEOGEN_DATABASE_URL: databaseUrl(),
      VIDEOGEN_DATABASE_SCHEMA: schema,
      VIDEOGEN_AUTH_TOKENS: `alice:${ALICE},bob:${BOB}`,
      VIDEOGEN_DOWNLOAD: 'off',
    };
    // The price of one job, from a dry run (nothing is sent).
    const probe = await startInstance({ ...base, VIDEOGEN_STATE_DIR: path.join(work, 'p') }, work);
    procs.push(probe);
    const pc = await connect(probe.url, ALICE);
    const plan = structured<{ estimated_cost_usd: number }>(
      await pc.call('generate_video', { model: 'hailuo-02', provider: 'minimax', prompt: 'x', dry_run: true }),
    );
    await pc.close();
    probe.proc.kill('SIGKILL');
    expect(plan.estimated_cost_usd).toBeGreaterThan(0);
    const cap = String(plan.estimated_cost_usd * 4);
    const [a, b] = await Promise.all([
      startInstance({ ...base, VIDEOGEN_STATE_DIR: path.join(work, 'a'), VIDEOGEN_TEAM_BUDGET_USD_DAILY: cap }, work),
      startInstance({ ...base, VIDEOGEN_STATE_DIR: path.join(work, 'b'), VIDEOGEN_TEAM_BUDGET_USD_DAILY: cap }, work),
    ]);
    procs.push(a!, b!);
    const cs = await Promise.all([connect(a!.url, ALICE), connect(b!.url, BOB), connect(a!.url, BOB), connect(b!.url, ALICE)]);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => cs[i % 4]!.call('generate_video', { model: 'hailuo-02', provider: 'minimax', prompt: `job ${i}` })),
    );
    for (const c of cs) await c.close();
    const ok = results.filter((r) => !r.isError);
    expect(ok).toHaveLength(4);
    for (const r of results.filter((x) => x.isError)) expect(text(r)).toMatch(/budget.*VIDEOGEN_TEAM_BUDGET_USD_DAILY/s);
    expect(fake.requestsTo('POST', SUBMIT)).toHaveLength(4);
  });
});

describe('videogen-mcp http start-up refusals (the built binary)', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const work = tempDir('videogen-http-cli-');
      const p = spawn(process.execPath, [BIN, 'http', ...args], {
        cwd: work,
        env: { PATH: process.env['PATH'] ?? '', HOME: work, VIDEOGEN_STATE_DIR: path.join(work, 's'), ...env },
      });
      let stderr = '';
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const t = setTimeout(() => p.kill('SIGKILL'), 15_000);
      p.on('exit', (code) => {
        clearTimeout(t);
        resolve({ code, stderr });
      });
    });

  it('refuses a public address without authentication, a bad port, an unknown option and an unreachable database', async () => {
    const open = await run(['--host', '0.0.0.0', '--port', '0']);
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without authentication.*VIDEOGEN_AUTH_TOKENS/);
    const port = await run(['--port', 'eighty']);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port must be a port number/);
    const opt = await run(['--hots', 'x']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toMatch(/unknown option "--hots"/);
    const db = await run(['--port', '0'], { VIDEOGEN_DATABASE_URL: 'postgres://u:sekrit-password@127.0.0.1:1/none' });
    expect(db.code).toBe(2);
    expect(db.stderr).toMatch(/cannot reach the database at VIDEOGEN_DATABASE_URL/);
    expect(db.stderr).not.toContain('sekrit-password');
  });
});
