/**
 * The identity provider down or slow: an unauthenticated caller must not be able to make the server
 * call the identity provider at will. Tokens that are not even JWTs are refused without any network;
 * a failed discovery is remembered for a few seconds instead of retried on every request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support.js';

describe('videogen-mcp http with its identity provider down', () => {
  let idp: Server;
  let hits = 0;
  let srv: TestServer;
  let issuer: string;
  beforeAll(async () => {
    idp = createServer((_req, res) => {
      hits++;
      res.statusCode = 503;
      res.end('{}');
    });
    await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
    issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    srv = await startTestServer({ VIDEOGEN_AUTH_ISSUER: issuer, VIDEOGEN_AUTH_AUDIENCE: 'https://videogen.test/mcp' });
  });
  afterAll(async () => {
    await srv.close();
    await new Promise<void>((r) => idp.close(() => r()));
  });

  const post = (token: string) =>
    fetch(srv.url, {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
    });

  it('refuses three-part garbage with 401 without calling the identity provider', async () => {
    for (const junk of ['a.b.c', 'eyJ.eyJ.sig', `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.not-json.x`]) {
      const res = await post(junk);
      expect(res.status, junk).toBe(401);
    }
    expect(hits).toBe(0);
  });

  it('answers 503 while the identity provider is down, and does not ask it again on every request', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const jwt = await new SignJWT({ sub: 'carol', iss: issuer, aud: 'https://videogen.test/mcp' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setExpirationTime('5m')
      .sign(privateKey);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await post(jwt)).status);
    expect(statuses).toEqual(Array(10).fill(503));
    // One discovery round (three well-known URLs), not ten.
    expect(hits).toBeLessThanOrEqual(3);
  });
});
