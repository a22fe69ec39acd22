/** /healthz follows the database: 503 while it is unreachable, 200 again once it is back. */
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { text } from '../helpers.js';
import { ALICE, connect, startTestServer, type TestServer } from '../http/support.js';
import { databaseUrl, dropSchema, freshSchema } from './support.js';

/** A TCP proxy to the test database that can be cut and restored. */
async function proxy(target: URL): Promise<{ port: number; cut(): void; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server;
  const open = (port = 0) =>
    new Promise<number>((resolve) => {
      server = createServer((s) => {
        const up = netConnect(Number(target.port), target.hostname);
        sockets.add(s).add(up);
        s.pipe(up).pipe(s);
        const end = () => {
          s.destroy();
          up.destroy();
        };
        s.on('error', end).on('close', end);
        up.on('error', end).on('close', end);
      });
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  const port = await open();
  return {
    port,
    cut() {
      server.close();
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore: async () => void (await open(port)),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      }),
  };
}

describe('/healthz with PostgreSQL', () => {
  const schema = freshSchema();
  let srv: TestServer | undefined;
  afterAll(async () => {
    await srv?.close();
    await dropSchema(schema);
  });

  it('answers 503 while the database is unreachable and 200 once it is back', async () => {
    const target = new URL(databaseUrl());
    const p = await proxy(target);
    const viaProxy = new URL(databaseUrl());
    viaProxy.port = String(p.port);
    srv = await startTestServer({ VIDEOGEN_DATABASE_URL: viaProxy.href, VIDEOGEN_DATABASE_SCHEMA: schema });
    const health = async () => {
      const res = await fetch(new URL('/healthz', srv!.url), { signal: AbortSignal.timeout(10_000) });
      return { status: res.status, body: (await res.json()) as { status: string; store: string; error?: string } };
    };
    expect(await health()).toMatchObject({ status: 200, body: { status: 'ok', store: 'postgres' } });
    p.cut();
    const down = await health();
    // A tool call meanwhile gets a clear, retryable error, not an internal one.
    const alice = await connect(srv.url, ALICE);
    const listed = await alice.call('list_jobs', {});
    expect(listed.isError).toBe(true);
    expect(text(listed)).toMatch(/^Error \(unavailable\): The team server's database is unreachable/);
    expect(text(listed)).not.toContain(target.password);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('unavailable');
    expect(down.body.error).toMatch(/database is unreachable/);
    expect(JSON.stringify(down.body)).not.toContain(target.password);
    await p.restore();
    let up = await health();
    for (let i = 0; i < 20 && up.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      up = await health();
    }
    expect(up.status).toBe(200);
    expect((await alice.call('list_jobs', {})).isError).toBeFalsy();
    await alice.close();
    await srv.close();
    srv = undefined;
    await p.close();
  });
});
