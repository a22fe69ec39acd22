/**
 * Who is calling: every request to `/mcp` (and to a download URL) carries `Authorization: Bearer <token>`,
 * and the token names a principal.
 *  - Static tokens (VIDEOGEN_AUTH_TOKENS / VIDEOGEN_AUTH_TOKENS_FILE, `name:token`): the presented token
 *    is hashed and compared with every configured token's hash in constant time (crypto.timingSafeEqual),
 *    so neither the match nor its position leaks through timing. The verifier keeps only the hashes.
 *  - OAuth 2.1 resource server (VIDEOGEN_AUTH_ISSUER, as the MCP authorization spec describes): the token
 *    is a JWT verified with `jose` against the issuer's JWKS (VIDEOGEN_AUTH_JWKS_URL, else the `jwks_uri`
 *    of the issuer's RFC 8414 / OpenID discovery document) for signature, issuer, audience, expiry and
 *    the scopes in VIDEOGEN_AUTH_SCOPES. The principal is the `sub` claim.
 * Discovery and JWKS requests go through the bundled undici (never Node's built-in fetch, whose first
 * use would install an older undici as the process-wide dispatcher under the one the downloads compose).
 * Failures are the SDK's OAuth errors, which `requireBearerAuth` turns into 401 (or 403 for scope) with a
 * `WWW-Authenticate` header pointing at the RFC 9728 metadata.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { InsufficientScopeError, InvalidTokenError, ServerError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import {
  createRemoteJWKSet,
  customFetch,
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type FetchImplementation,
  type JWTVerifyGetKey,
} from 'jose';
import { fetch as undiciFetch } from 'undici';
import type { HttpConfig } from '../config.js';
import { log } from '../log.js';

/** Static tokens never expire by themselves; the SDK middleware wants an expiry, so it gets a nominal one. */
const STATIC_TOKEN_NOMINAL_TTL_S = 3600;
/** Leeway for clock skew between the identity provider and this server. */
const JWT_CLOCK_TOLERANCE_S = 30;
/** Discovery and JWKS requests give up after this long (the client's request is waiting). */
const DISCOVERY_TIMEOUT_MS = 5_000;
/** A failed discovery is answered from memory this long: callers cannot make us call the identity provider at will. */
const DISCOVERY_RETRY_MS = 10_000;

/**
 * A JWT subject that can name a principal: 1 to 255 characters, not blank, no control characters. The
 * empty principal is the unauthenticated (loopback) user's, and a subject is written into every record,
 * log line and download signature of its principal.
 */
export const isPrincipalSubject = (sub: string): boolean => sub.length <= 255 && sub.trim() !== '' && !/[\u0000-\u001f\u007f-\u009f]/.test(sub);

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function principalOf(auth: AuthInfo | undefined): string | undefined {
  const p = auth?.extra?.['principal'];
  return typeof p === 'string' ? p : undefined;
}

export class StaticTokenVerifier implements OAuthTokenVerifier {
  private entries: { principal: string; hash: Buffer }[] = [];

  constructor(tokens: Map<string, string>) {
    this.replace(tokens);
  }

  /** Swap the token set (SIGHUP re-reads VIDEOGEN_AUTH_TOKENS_FILE): requests in flight keep their answer. */
  replace(tokens: Map<string, string>): void {
    this.entries = [...tokens].map(([token, principal]) => ({ principal, hash: sha256(token) }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The principal the token names, or undefined; compares against every entry, in constant time. */
  match(token: string): string | undefined {
    const presented = sha256(token);
    let found: string | undefined;
    for (const e of this.entries) if (timingSafeEqual(presented, e.hash) && found === undefined) found = e.principal;
    return found;
  }

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    const principal = this.match(token);
    if (principal === undefined) throw new InvalidTokenError('The bearer token is not valid for this server');
    return { token, clientId: principal, scopes: [], expiresAt: Math.floor(Date.now() / 1000) + STATIC_TOKEN_NOMINAL_TTL_S, extra: { principal } };
  }
}

export class JwtVerifier implements OAuthTokenVerifier {
  private keys: JWTVerifyGetKey | undefined;
  private discovering: Promise<JWTVerifyGetKey> | undefined;

  constructor(private readonly oauth: NonNullable<HttpConfig['oauth']>) {}

  private failed: { at: number; error: unknown } | undefined;

  private getKeys(): Promise<JWTVerifyGetKey> {
    if (this.keys) return Promise.resolve(this.keys);
    if (this.failed && Date.now() - this.failed.at < DISCOVERY_RETRY_MS) return Promise.reject(this.failed.error);
    this.discovering ??= (async () => {
      const url = this.oauth.jwksUrl ?? (await discoverJwksUrl(this.oauth.issuer));
      this.keys = createRemoteJWKSet(new URL(url), { timeoutDuration: DISCOVERY_TIMEOUT_MS, [customFetch]: undiciFetch as unknown as FetchImplementation });
      this.failed = undefined;
      return this.keys;
    })()
      .catch((error: unknown) => {
        this.failed = { at: Date.now(), error };
        throw error;
      })
      .finally(() => {
        this.discovering = undefined;
      });
    return this.discovering;
  }

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    // Decoded (no network) before any key is fetched: what is not even a JWT never reaches the identity provider.
    try {
      decodeProtectedHeader(token);
      decodeJwt(token);
    } catch {
      throw new InvalidTokenError('The bearer token is not a JWT from the configured issuer');
    }
    let keys: JWTVerifyGetKey;
    try {
      keys = await this.getKeys();
    } catch (err) {
      log.error('cannot reach the identity provider for its signing keys', { error: String(err) });
      throw new ServerError('The identity provider could not be reached to verify the token');
    }
    let payload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.oauth.issuer,
        audience: this.oauth.audience,
        clockTolerance: JWT_CLOCK_TOLERANCE_S,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new InvalidTokenError('The access token has expired');
      if (err instanceof joseErrors.JWTClaimValidationFailed) throw new InvalidTokenError(`The access token's ${err.claim} claim is not accepted here`);
      if (err instanceof joseErrors.JOSEError && !(err instanceof joseErrors.JWKSTimeout))
        throw new InvalidTokenError('The access token could not be verified');
      log.error('verifying an access token failed', { error: String(err) });
      throw new ServerError('The access token could not be verified right now');
    }
    const scopes =
      typeof payload['scope'] === 'string'
        ? payload['scope'].split(' ').filter(Boolean)
        : Array.isArray(payload['scp'])
          ? payload['scp'].filter((s): s is string => typeof s === 'string')
          : [];
    const missing = this.oauth.scopes.filter((s) => !scopes.includes(s));
    if (missing.length) throw new InsufficientScopeError(`The access token lacks the scope ${missing.join(' ')}`);
    const principal = payload.sub!;
    if (!isPrincipalSubject(principal)) throw new InvalidTokenError("The access token's sub claim is not accepted here: it must name a user");
    return {
      token,
      clientId: typeof payload['client_id'] === 'string' ? payload['client_id'] : principal,
      scopes,
      expiresAt: payload.exp!,
      extra: { principal },
    };
  }
}

/** The issuer's `jwks_uri`, from RFC 8414 metadata or, failing that, OpenID Connect discovery. */
export async function discoverJwksUrl(issuer: string): Promise<string> {
  const base = issuer.replace(/\/+$/, '');
  const u = new URL(base);
  const pathPart = u.pathname === '/' ? '' : u.pathname;
  const candidates = [
    `${u.origin}/.well-known/oauth-authorization-server${pathPart}`,
    `${base}/.well-known/openid-configuration`,
    `${u.origin}/.well-known/openid-configuration${pathPart}`,
  ];
  const problems: string[] = [];
  for (const url of candidates) {
    try {
      const res = await undiciFetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), headers: { accept: 'application/json' } });
      if (!res.ok) {
        problems.push(`${url}: HTTP ${res.status}`);
        continue;
      }
      const doc = (await res.json()) as { jwks_uri?: unknown; issuer?: unknown };
      if (typeof doc.jwks_uri === 'string') return doc.jwks_uri;
      problems.push(`${url}: no jwks_uri`);
    } catch (err) {
      problems.push(`${url}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw new Error(`no discovery document of ${issuer} gives a jwks_uri (${problems.join('; ')}); set VIDEOGEN_AUTH_JWKS_URL`);
}

/** Static tokens first (cheap, no network), then the JWT verifier when an issuer is configured. */
export class CombinedVerifier implements OAuthTokenVerifier {
  constructor(
    readonly tokens: StaticTokenVerifier | undefined,
    private readonly jwt: JwtVerifier | undefined,
  ) {}

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    if (this.tokens?.match(token) !== undefined) return this.tokens.verifyAccessToken(token);
    if (this.jwt) return this.jwt.verifyAccessToken(token);
    throw new InvalidTokenError('The bearer token is not valid for this server');
  }
}

export function createVerifier(http: HttpConfig): CombinedVerifier | undefined {
  const tokens = http.tokens.size ? new StaticTokenVerifier(http.tokens) : undefined;
  const jwt = http.oauth ? new JwtVerifier(http.oauth) : undefined;
  if (!tokens && !jwt) return undefined;
  return new CombinedVerifier(tokens, jwt);
}
