/**
 * The OAuth 2.1 resource server: JWTs from a local identity provider (JWKS and discovery served by this
 * test), checked for signature, issuer, audience, expiry and scope; RFC 9728 metadata pointed at by 401s.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { structured } from '../helpers.js';
import { ALICE, connect, startTestServer, type TestServer } from './support.js';

let idp: Server;
let issuer: string;
let signingKey: CryptoKey;
let jwk: JWK;
let jwksHits = 0;

async function token(claims: Record<string, unknown>, opts: { key?: CryptoKey; exp?: number | string } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m')
    .sign(opts.key ?? signingKey);
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  idp = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/oauth-authorization-server') res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    else if (req.url === '/jwks') {
      jwksHits++;
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => idp.close(() => r())));

describe('videogen-mcp http as an OAuth resource server', () => {
  let srv: TestServer;
  const audience = 'https://videogen.example.com/mcp';
  beforeAll(async () => {
    // No VIDEOGEN_AUTH_JWKS_URL: found through the issuer's discovery document.
    srv = await startTestServer({ VIDEOGEN_AUTH_ISSUER: issuer, VIDEOGEN_AUTH_AUDIENCE: audience, VIDEOGEN_AUTH_SCOPES: 'videogen' });
  });
  afterAll(async () => {
    await srv.close();
  });

  const post = (auth?: string) =>
    fetch(srv.url, {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    });

  it('serves RFC 9728 protected resource metadata, and every 401 points at it', async () => {
    const prmUrl = `${new URL(srv.url).origin}/.well-known/oauth-protected-resource/mcp`;
    const prm = (await (await fetch(prmUrl)).json()) as Record<string, unknown>;
    expect(prm).toMatchObject({ resource: srv.url, authorization_servers: [issuer], scopes_supported: ['videogen'] });
    const res = await post();
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain(`resource_metadata="${prmUrl}"`);
  });

  it('accepts a valid JWT, and the principal is its subject', async () => {
    const c = await connect(srv.url, await token({ sub: 'carol', iss: issuer, aud: audience, scope: 'openid videogen' }));
    const job = structured<{ job_id: string }>(await c.call('generate_video', { model: 'hailuo-02', prompt: 'a heron' }));
    const list = structured<{ jobs: { job_id: string }[] }>(await c.call('list_jobs', {}));
    expect(list.jobs.map((j) => j.job_id)).toEqual([job.job_id]);
    await c.close();
    // Static tokens (alice, bob) keep working next to the issuer, and a near-miss of one is refused.
    expect((await post(ALICE)).status).toBe(200);
    expect((await post(`${ALICE}0`)).status).toBe(401);
    expect(jwksHits).toBeGreaterThan(0);
  });

  it('refuses the wrong audience, the wrong issuer, an expired token, a foreign signature and a missing scope', async () => {
    const other = await generateKeyPair('RS256');
    const cases: [string, string, number, RegExp][] = [
      ['wrong audience', await token({ sub: 'carol', iss: issuer, aud: 'https://other.example.com', scope: 'videogen' }), 401, /aud/],
      ['wrong issuer', await token({ sub: 'carol', iss: 'https://evil.example.com', aud: audience, scope: 'videogen' }), 401, /iss/],
      ['expired', await token({ sub: 'carol', iss: issuer, aud: audience, scope: 'videogen' }, { exp: Math.floor(Date.now() / 1000) - 120 }), 401, /expired/],
      ['foreign key', await token({ sub: 'carol', iss: issuer, aud: audience, scope: 'videogen' }, { key: other.privateKey }), 401, /could not be verified/],
      ['no scope', await token({ sub: 'carol', iss: issuer, aud: audience, scope: 'openid' }), 403, /scope/],
    ];
    for (const [name, t, status, why] of cases) {
      const res = await post(t);
      expect(res.status, name).toBe(status);
      expect(res.headers.get('www-authenticate'), name).toMatch(/^Bearer error="(invalid_token|insufficient_scope)"/);
      expect(await res.text(), name).toMatch(why);
    }
  });

  it("refuses a JWT whose sub cannot name a principal: empty (the unauthenticated user's principal), blank, control characters, overlong", async () => {
    for (const sub of ['', '   ', 'carol\nforged', 'carol\u0000', 'x'.repeat(300)]) {
      const res = await post(await token({ sub, iss: issuer, aud: audience, scope: 'videogen' }));
      expect(res.status, JSON.stringify(sub)).toBe(401);
      expect(res.headers.get('www-authenticate'), JSON.stringify(sub)).toMatch(/^Bearer error="invalid_token".*sub/);
    }
    // An IdP subject with the usual punctuation still works.
    expect((await post(await token({ sub: 'auth0|5f1c9a', iss: issuer, aud: audience, scope: 'videogen' }))).status).toBe(200);
  });
});
