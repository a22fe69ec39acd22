/** The human-facing commands of the built bin: demo and doctor. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { BIN } from './stdio-client.js';

describe('videogen-mcp demo', () => {
  it('drives the real server over stdio to a playable MP4 on the simulator and prints its path', () => {
    const work = tempDir('videogen-demo-');
    const r = spawnSync(process.execPath, [BIN, 'demo', 'a tiny test clip'], {
      cwd: work,
      env: { PATH: process.env['PATH'] ?? '', HOME: work, VIDEOGEN_STATE_DIR: path.join(work, '.state'), VIDEOGEN_SIMULATOR_SECONDS: '2' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const printed = r.stdout.trim().split('\n').pop()!;
    expect(printed.startsWith(path.join(work, 'videos'))).toBe(true);
    expect(readFileSync(printed).subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(r.stderr).toMatch(/simulator/);
    expect(r.stderr).toMatch(/100%/);
  });
});

describe('videogen-mcp doctor', () => {
  it('reports configured providers and writable directories, never the key', () => {
    const work = tempDir('videogen-doctor-');
    const r = spawnSync(process.execPath, [BIN, 'doctor', '--offline'], {
      cwd: work,
      env: { PATH: process.env['PATH'] ?? '', HOME: work, VIDEOGEN_STATE_DIR: path.join(work, '.state'), RUNAPI_API_KEY: 'runapi_secretsecret' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/✓ runapi\s+key set \(RUNAPI_API_KEY\)/);
    expect(r.stdout).toMatch(/not configured: set RUNWAYML_API_SECRET/);
    expect(r.stdout).toMatch(/✓ state dir/);
    expect(r.stdout).not.toContain('secretsecret');
    expect(r.stdout).toMatch(/Clients: no MCP client config starts videogen yet; run `videogen-mcp init`/);
    // After init, doctor names the client and its file.
    expect(spawnSync(process.execPath, [BIN, 'init', 'cursor'], { cwd: work, env: { PATH: process.env['PATH'] ?? '', HOME: work } }).status).toBe(0);
    const again = spawnSync(process.execPath, [BIN, 'doctor', '--offline'], {
      cwd: work,
      env: { PATH: process.env['PATH'] ?? '', HOME: work, VIDEOGEN_STATE_DIR: path.join(work, '.state') },
      encoding: 'utf8',
    });
    expect(again.stdout).toContain(`Clients: cursor (${path.join(work, '.cursor', 'mcp.json')})`);
  });

  it('checks each key with a free account call, naming what to fix and creating nothing', async () => {
    const [{ startFakeRunapi, FAKE_RUNAPI_KEY }, { startFakeApiframe, FAKE_APIFRAME_KEY }, { startFakeRunway }] = await Promise.all([
      import('../fakes/runapi.js'),
      import('../fakes/apiframe.js'),
      import('../fakes/runway.js'),
    ]);
    const [ra, af, rw] = await Promise.all([startFakeRunapi({ balanceCents: 4321 }), startFakeApiframe({ creditsAvailable: 77 }), startFakeRunway()]);
    try {
      const work = tempDir('videogen-doctor-keys-');
      const r = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'doctor'], {
          cwd: work,
          env: {
            PATH: process.env['PATH'] ?? '',
            HOME: work,
            VIDEOGEN_STATE_DIR: path.join(work, '.state'),
            RUNAPI_API_KEY: FAKE_RUNAPI_KEY,
            RUNAPI_BASE_URL: ra.url,
            APIFRAME_API_KEY: FAKE_APIFRAME_KEY,
            APIFRAME_BASE_URL: af.url,
            RUNWAYML_API_SECRET: 'key_wrongwrongwrong',
            RUNWAYML_BASE_URL: rw.url,
            MINIMAX_API_KEY: 'mm-key-123456',
          },
        });
        let stdout = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.on('exit', (status) => resolve({ status, stdout }));
      });
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/✓ runapi\s+key accepted, balance \$43\.21/);
      expect(r.stdout).toMatch(/✓ apiframe\s+key accepted, 77 credits/);
      expect(r.stdout).toMatch(/✗ runway\s+Runway rejected the API key \(HTTP 401\)\. Check RUNWAYML_API_SECRET/);
      expect(r.stdout).toMatch(/· minimax\s+not checked/);
      expect(r.stdout).not.toContain('wrongwrongwrong');
      expect(ra.requestsTo('GET', '/api/v1/me/balance')).toHaveLength(1);
      expect(ra.requests.filter((q) => q.method === 'POST')).toHaveLength(0);
      expect(existsSync(path.join(work, 'videos'))).toBe(false);
    } finally {
      await Promise.all([ra.close(), af.close(), rw.close()]);
    }
  });

  it('names a malformed variable', () => {
    const r = spawnSync(process.execPath, [BIN, 'doctor'], { env: { PATH: process.env['PATH'] ?? '', VIDEOGEN_BUDGET_USD_DAILY: 'lots' }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/VIDEOGEN_BUDGET_USD_DAILY/);
  });
});

describe('demo and doctor report outcomes, not internal errors', () => {
  const closedPort = 'http://127.0.0.1:9';
  const base = (work: string) => ({ PATH: process.env['PATH'] ?? '', HOME: work, VIDEOGEN_STATE_DIR: path.join(work, '.state') });

  it('demo without a terminal to confirm a real spend: nothing submitted, says how to proceed', () => {
    const work = tempDir('videogen-demo-noconfirm-');
    const r = spawnSync(process.execPath, [BIN, 'demo'], {
      cwd: work,
      env: { ...base(work), RUNAPI_API_KEY: 'runapi_k', RUNAPI_BASE_URL: closedPort },
      input: '',
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/\nNothing was submitted and nothing was spent: there is no terminal to confirm the price\. Run again with --yes/);
    expect(r.stderr).not.toMatch(/Internal error/);
  });

  it('demo declined at the prompt (a real terminal): nothing submitted', () => {
    const work = tempDir('videogen-demo-decline-');
    // `script` gives the demo a pseudo-terminal, so it asks; the answer is "n".
    const r = spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} demo`, '/dev/null'], {
      cwd: work,
      env: { ...base(work), RUNAPI_API_KEY: 'runapi_k', RUNAPI_BASE_URL: closedPort },
      input: 'n\n',
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.error).toBeUndefined();
    expect(r.stdout).toMatch(/Proceed\? \[y\/N\]/);
    expect(r.stdout).toMatch(/Not confirmed: nothing was submitted and nothing was spent\./);
    expect(r.stdout).not.toMatch(/Internal error/);
  });

  it('demo --yes with an unreachable provider: the server’s one-sentence reason', () => {
    const work = tempDir('videogen-demo-unreachable-');
    const r = spawnSync(process.execPath, [BIN, 'demo', '--yes'], {
      cwd: work,
      env: { ...base(work), RUNAPI_API_KEY: 'runapi_k', RUNAPI_BASE_URL: closedPort },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/\ngenerate_video did not succeed: Could not reach runapi \(ECONNREFUSED\); check RUNAPI_BASE_URL/);
    expect(r.stderr).not.toMatch(/Internal error|Error \(/);
  });

  it('doctor: a provider that never answers, and a base URL without the account endpoint', async () => {
    const { createServer } = await import('node:http');
    const silent = createServer(() => undefined); // accepts, never answers
    const notFound = createServer((_q, res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}'));
    await Promise.all([silent, notFound].map((s) => new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok))));
    const url = (s: typeof silent) => `http://127.0.0.1:${(s.address() as { port: number }).port}`;
    try {
      const work = tempDir('videogen-doctor-outcomes-');
      const r = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'doctor'], {
          cwd: work,
          env: {
            ...base(work),
            VIDEOGEN_CALL_BUDGET_SECONDS: '1',
            RUNAPI_API_KEY: 'runapi_k',
            RUNAPI_BASE_URL: url(silent),
            APIFRAME_API_KEY: 'apiframe_k',
            APIFRAME_BASE_URL: url(notFound),
          },
        });
        let stdout = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.on('exit', (status) => resolve({ status, stdout }));
      });
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/✗ runapi\s+no answer from http:\/\/127\.0\.0\.1:\d+ within 1 s; check RUNAPI_BASE_URL and your network\./);
      expect(r.stdout).toMatch(/✗ apiframe\s+http:\/\/127\.0\.0\.1:\d+ has no apiframe account endpoint \(HTTP 404\); check APIFRAME_BASE_URL\./);
      expect(r.stdout).not.toMatch(/Internal error|does not know this job/);
    } finally {
      silent.closeAllConnections();
      await Promise.all([silent, notFound].map((s) => new Promise((ok) => s.close(ok))));
    }
  });
});
