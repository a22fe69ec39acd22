/**
 * The request helper under a call deadline (issue #10 §1): a stalled provider costs the time left,
 * not 30 s per attempt plus retries; a retry that cannot fit is not attempted; a Retry-After past the
 * deadline is reported, not waited out.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEADLINE_GRACE_MS, NetworkError, attemptTimeoutMs, requestJson } from '../../src/providers/http.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: (n: number, res: import('node:http').ServerResponse) => void): Promise<{ url: string; hits: () => number }> {
  let n = 0;
  const server = createServer((_req, res) => handler(++n, res));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`, hits: () => n };
}

describe('requestJson with a deadline', () => {
  it('cuts each attempt to the time left', () => {
    expect(attemptTimeoutMs({ timeoutMs: 30_000, deadline: 1_000 + 2_500 }, 1_000)).toBe(2_500 + DEADLINE_GRACE_MS);
    expect(attemptTimeoutMs({ timeoutMs: 30_000 }, 1_000)).toBe(30_000);
    expect(attemptTimeoutMs({ timeoutMs: 500, deadline: 10_000 }, 1_000)).toBe(500);
    // Whole milliseconds (AbortSignal.timeout refuses fractions).
    expect(attemptTimeoutMs({ timeoutMs: 30_000, deadline: 1_000.5 + 2_000 }, 1_000)).toBe(2_000 + DEADLINE_GRACE_MS);
  });

  it('a provider that never answers costs the time left, not 30 s per attempt plus retries', async () => {
    const s = await serve(() => undefined);
    const t0 = Date.now();
    const err = await requestJson({ provider: 'runapi', method: 'GET', url: s.url, retry: 'safe', deadline: Date.now() + 1_500 }).catch((e: unknown) => e);
    const took = Date.now() - t0;
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).networkCode).toBe('ETIMEDOUT');
    expect(took).toBeGreaterThanOrEqual(1_400);
    expect(took).toBeLessThan(2_500);
    expect(s.hits()).toBe(1);
  });

  it('5xx: retries only while a backoff plus a useful attempt fit, then returns the last answer', async () => {
    const s = await serve((_n, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"boom"}');
    });
    const t0 = Date.now();
    const res = await requestJson({ provider: 'runapi', method: 'GET', url: s.url, retry: 'safe', deadline: Date.now() + 1_200 });
    expect(res.status).toBe(500);
    expect(Date.now() - t0).toBeLessThan(1_200);
    expect(s.hits()).toBeLessThanOrEqual(2);
  });

  it('a Retry-After that ends past the deadline is reported at once, not waited out', async () => {
    const s = await serve((_n, res) => {
      res.writeHead(429, { 'retry-after': '5', 'content-type': 'application/json' });
      res.end('{"error":"slow down"}');
    });
    const t0 = Date.now();
    const res = await requestJson({ provider: 'runapi', method: 'GET', url: s.url, retry: 'safe', deadline: Date.now() + 3_000 });
    expect(res.status).toBe(429);
    expect(Date.now() - t0).toBeLessThan(500);
    expect(s.hits()).toBe(1);
  });

  it('a deadline already passed sends nothing (and says nothing was sent)', async () => {
    const s = await serve((_n, res) => res.end('{}'));
    const err = await requestJson({ provider: 'runapi', method: 'POST', url: s.url, json: {}, retry: 'never', deadline: Date.now() - 1 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).maybeSent).toBe(false);
    expect((err as NetworkError).message).toMatch(/time budget ran out before the request .* could be sent; nothing was sent/);
    expect(s.hits()).toBe(0);
  });

  it('without a deadline, behaviour is unchanged (retries a 5xx)', async () => {
    const s = await serve((n, res) => {
      res.writeHead(n === 1 ? 503 : 200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    const res = await requestJson({ provider: 'runapi', method: 'GET', url: s.url, retry: 'safe' });
    expect(res.status).toBe(200);
    expect(s.hits()).toBe(2);
  });
});
