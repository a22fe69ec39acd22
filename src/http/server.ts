/**
 * `videogen-mcp http`: MCP over Streamable HTTP at `/mcp` (the SDK's StreamableHTTPServerTransport),
 * for a team sharing one deployment.
 *
 * Stateless by design: every POST gets a fresh McpServer and transport (no `Mcp-Session-Id`), over one
 * runtime shared by all requests. Jobs, claims, leases and spend live in the store, so ANY instance
 * answers ANY tool call and a load balancer may spread requests freely. What that gives up:
 *  - a progress stream lasts one request: `wait_seconds` streams `notifications/progress` on that
 *    POST's own SSE response, which needs no stickiness;
 *  - elicitation (the spend confirmation) needs the client's answer to reach the instance that asked;
 *    the server does not ask over HTTP: above VIDEOGEN_CONFIRM_ABOVE_USD a call is refused with a message
 *    naming the setting, exactly as for a stdio client without elicitation. Per-principal and team caps
 *    are the team's guard instead;
 *  - roots: the client's folders are on another machine; local paths are refused (see remote.ts).
 * GET and DELETE on `/mcp` (the standalone stream and session end) answer 405, as the spec allows for
 * a server without sessions.
 *
 * Other routes: `GET /healthz` (no auth; 200 once it can serve, 503 while the store is unreachable),
 * RFC 9728 metadata at `/.well-known/oauth-protected-resource[/mcp]` when an issuer is configured, and
 * signed downloads at `/downloads/<job_id>/<name>` (see downloads.ts).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { InsufficientScopeError, InvalidTokenError, OAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/sdk/server/auth/router.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { OAuthProtectedResourceMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import { Agent, setGlobalDispatcher, type Dispatcher } from 'undici';
import { isLoopbackHost, type Config, type HttpConfig } from '../config.js';
import { VideogenError, redact } from '../errors.js';
import { SpendGuard } from '../jobs/budget.js';
import { log } from '../log.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { createServer } from '../server.js';
import { PgStore } from '../store/pg-store.js';
import { VERSION } from '../version.js';
import { createVerifier, principalOf } from './auth.js';
import { UrlSigner, fileSigningKey } from './downloads.js';
import { remoteHooks } from './remote.js';
import { TeamJobService, Tenancy } from './tenancy.js';

/** Largest JSON-RPC body accepted: a data: URI input of up to ~10 MB plus the envelope. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface HttpServerOptions {
  config: Config;
  http: HttpConfig;
  dispatcher?: Dispatcher;
}

export interface RunningHttpServer {
  /** The `/mcp` endpoint as bound (not the public URL). */
  url: string;
  port: number;
  instanceId: string;
  runtime: Runtime;
  /** Replace the static tokens (on SIGHUP). False when the server started without static tokens. */
  reloadTokens(tokens: Map<string, string>): boolean;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Refuse to expose an unauthenticated server beyond this machine. */
export function checkExposure(http: HttpConfig): void {
  // Behind a reverse proxy on this machine, "loopback without authentication" is open to everyone the
  // proxy serves: a token setting that names nobody is a mistake, never a way to turn authentication off.
  const asked = http.tokenSources ?? [];
  if (http.tokens.size === 0 && asked.length && !http.oauth)
    throw new VideogenError(
      'config',
      `${asked.join(' and ')} ${asked.length > 1 ? 'are' : 'is'} set but name${asked.length > 1 ? '' : 's'} no token or issuer (empty, or an unexpanded \${...}), so the server would run without authentication. Add name:token entries (e.g. alice:$(openssl rand -hex 32)) or the issuer's URL, or unset ${asked.join(' and ')} to serve this machine alone without authentication.`,
      { envVar: asked[0]! },
    );
  if (http.tokens.size === 0 && !http.oauth && !isLoopbackHost(http.host))
    throw new VideogenError(
      'config',
      `refusing to listen on ${http.host} without authentication: anyone who reaches it could spend your provider credits. Set VIDEOGEN_AUTH_TOKENS (name:token,...), VIDEOGEN_AUTH_TOKENS_FILE or VIDEOGEN_AUTH_ISSUER, or bind to 127.0.0.1.`,
      { envVar: 'VIDEOGEN_AUTH_TOKENS' },
    );
}

export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  const { config, http } = opts;
  checkExposure(http);
  // The process-wide HTTP dispatcher must be the bundled undici's: once Node's built-in fetch has run
  // (a JWKS fetch, a library), Node's older internal undici is the global dispatcher, and the video
  // downloads, which compose undici 7 interceptors over it, fail ("invalid onError method").
  setGlobalDispatcher(new Agent());
  const instanceId = randomUUID();
  const verifier = createVerifier(http);
  const pg = http.databaseUrl
    ? new PgStore({ connectionString: http.databaseUrl, ...(http.databaseSchema ? { schema: http.databaseSchema } : {}) })
    : undefined;
  if (pg) {
    try {
      await pg.init(); // migrations, once, whichever instance starts first
    } catch (err) {
      await pg.close();
      // The operator reads this, not an agent: the driver's own words, not the tool call's advice.
      const raw = err instanceof VideogenError && err.code === 'unavailable' && err.cause !== undefined ? err.cause : err;
      const why = raw instanceof Error ? `${(raw as { code?: string }).code ? `${(raw as { code?: string }).code}: ` : ''}${raw.message}` : String(raw);
      throw new VideogenError('config', `cannot reach the database at VIDEOGEN_DATABASE_URL (${pg.id}): ${redact(why).slice(0, 300)}`, {
        envVar: 'VIDEOGEN_DATABASE_URL',
        cause: err,
      });
    }
  }
  const caps = Tenancy.caps(config, http.teamBudgetUsdDaily);
  const runtime = await createRuntime(config, {
    roots: async () => [],
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    ...(pg ? { store: pg } : {}),
    // Without authentication (loopback only) there is one anonymous user: both caps apply to it.
    guard: (store) =>
      new SpendGuard(store, {
        dailyCapUsd: minDefined(caps.teamDailyUsd, caps.principalDailyUsd),
        confirmAboveUsd: caps.confirmAboveUsd,
      }),
  });
  const store = runtime.service.ledger;
  const tenancy = new Tenancy(runtime.service, store, caps);
  const anonymous = new TeamJobService(runtime.service.deps, runtime.service);
  // Any instance takes over a dead one's jobs: re-adopt unfinished jobs every half lease period (the
  // watcher polls only those whose lease it holds or can take).
  const readopt = setInterval(() => void runtime.watcher.adopt().catch(() => {}), Math.max(1_000, config.leaseMs / 2));
  readopt.unref();
  let ready = false;
  // No request may take the process down: whatever escapes the handler becomes a 500 for that request.
  const server = createHttpServer((req, res) => void handler(req, res).catch((err: unknown) => failRequest(res, (req.url ?? '').split('?')[0]!, err)));
  // Node's requestTimeout bounds only RECEIVING a request (headers and body), not the response, so a
  // progress stream of a long wait is never cut; a client that trickles a body never finishes it and
  // would otherwise hold its connection forever. 120 s receives a 16 MiB body at ~140 kB/s.
  server.requestTimeout = 120_000;
  server.headersTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(http.port, http.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err: unknown) => {
    clearInterval(readopt);
    runtime.close();
    await pg?.close();
    throw err;
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = http.host.includes(':') && !http.host.startsWith('[') ? `[${http.host}]` : http.host;
  const publicUrl = http.publicUrl ?? `http://${hostForUrl}:${port}`;
  const key = http.urlSigningKey
    ? Buffer.from(http.urlSigningKey, 'utf8')
    : pg
      ? Buffer.from(await pg.sharedSetting('url_signing_key', () => randomBytes(32).toString('hex')), 'utf8')
      : await fileSigningKey(config.stateDir, undefined);
  const signer = new UrlSigner(key, publicUrl, http.downloadUrlTtlSeconds);
  const resourceUrl = new URL(`${publicUrl}/mcp`);
  const prmUrl = http.oauth ? getOAuthProtectedResourceMetadataUrl(resourceUrl) : undefined;
  const prm: OAuthProtectedResourceMetadata | undefined = http.oauth && {
    resource: resourceUrl.href,
    authorization_servers: [http.oauth.issuer],
    bearer_methods_supported: ['header'],
    resource_name: 'videogen-mcp',
    ...(http.oauth.scopes.length ? { scopes_supported: http.oauth.scopes } : {}),
  };
  // DNS-rebinding guard for a loopback bind: a browser page must not reach the server under another name.
  const allowedHosts = isLoopbackHost(http.host) ? new Set(['localhost', '127.0.0.1', '[::1]', new URL(publicUrl).hostname]) : undefined;

  const authenticate = async (req: IncomingMessage, res: ServerResponse): Promise<AuthInfo | null | undefined> => {
    if (!verifier) return undefined;
    try {
      const header = req.headers.authorization;
      if (!header) throw new InvalidTokenError('Missing Authorization header: send Authorization: Bearer <token>');
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw new InvalidTokenError("Invalid Authorization header format, expected 'Bearer <token>'");
      return await verifier.verifyAccessToken(m[1]!);
    } catch (err) {
      const e = err instanceof OAuthError ? err : new InvalidTokenError('The bearer token could not be verified');
      const status = e instanceof InsufficientScopeError ? 403 : e instanceof InvalidTokenError ? 401 : 503;
      if (status !== 503) {
        let challenge = `Bearer error="${e.errorCode}", error_description="${e.message.replace(/"/g, "'")}"`;
        if (http.oauth?.scopes.length) challenge += `, scope="${http.oauth.scopes.join(' ')}"`;
        if (prmUrl) challenge += `, resource_metadata="${prmUrl}"`;
        res.setHeader('WWW-Authenticate', challenge);
      }
      sendJson(res, status, e.toResponseObject());
      return null;
    }
  };

  const handleMcp = async (req: IncomingMessage, res: ServerResponse, auth: AuthInfo | undefined): Promise<void> => {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendJson(res, 405, { jsonrpc: '2.0', error: { code: -32000, message: 'This server is stateless: send JSON-RPC requests with POST /mcp.' }, id: null });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, MAX_BODY_BYTES)).toString('utf8'));
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 400;
      sendJson(res, status, {
        jsonrpc: '2.0',
        error: { code: -32700, message: err instanceof HttpError ? err.message : 'Parse error: the body is not JSON' },
        id: null,
      });
      return;
    }
    const principal = principalOf(auth);
    const service = principal !== undefined ? tenancy.service(principal) : anonymous;
    const scoped: Runtime = { service, watcher: runtime.watcher, close: () => {} };
    const app = createServer({ config, runtime: async () => scoped, remote: remoteHooks(signer, principal) });
    const transport = new StreamableHTTPServerTransport({}); // no sessionIdGenerator: stateless;
    res.on('close', () => {
      void transport.close().catch(() => {});
      void app.server.close().catch(() => {});
    });
    await app.server.connect(transport);
    await transport.handleRequest(auth ? Object.assign(req, { auth }) : req, res, body);
  };

  const handleDownload = async (req: IncomingMessage, res: ServerResponse, url: URL, auth: AuthInfo | undefined): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Use GET.');
    const parts = url.pathname.split('/');
    const jobId = decodePathSegment(parts[2] ?? '');
    const principal = principalOf(auth);
    const verdict = signer.verify(principal, jobId, url.searchParams.get('exp') ?? undefined, url.searchParams.get('sig') ?? undefined);
    // A URL signed for someone else is indistinguishable from one for a job that does not exist.
    if (verdict === 'bad') throw new HttpError(404, 'No such download for you. Call check_job for a fresh download_url.');
    if (verdict === 'expired') throw new HttpError(410, 'This download URL has expired. Call check_job with the job_id for a fresh download_url.');
    const rec = await runtime.service.ledger.get(jobId);
    if (!rec || (principal !== undefined && rec.principal !== principal)) throw new HttpError(404, 'No such download for you.');
    const file = rec.local_path;
    const st = file ? await stat(file).catch(() => undefined) : undefined;
    if (!file || !st?.isFile())
      throw new HttpError(404, 'The video is not on this instance (instances must share VIDEOGEN_OUTPUT_DIR) or is not saved yet; call check_job again.');
    res.writeHead(200, {
      'Content-Type': 'video/mp4',
      'Content-Length': String(st.size),
      'Content-Disposition': `attachment; filename="${encodeURIComponent(parts[3] ?? 'video.mp4')}"`,
      'Cache-Control': 'private, no-store',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  };

  async function handler(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Listening starts before the signing key is read (the public URL needs the bound port).
    if (!ready) {
      res.setHeader('Retry-After', '1');
      sendJson(res, 503, { status: 'starting', error: 'The server is starting; try again in a second.' });
      return;
    }
    let url: URL | undefined;
    try {
      url = requestUrl(req.url);
      if (allowedHosts) {
        const host = (req.headers.host ?? '').replace(/:\d+$/, '');
        if (!allowedHosts.has(host)) throw new HttpError(403, `Host "${host.slice(0, 100)}" is not allowed for a server bound to loopback.`);
      }
      if (url.pathname === '/healthz') {
        // Serving needs the store: a database round trip (bounded), or the state directory for the file store.
        const problem = await withTimeout(pg ? pg.ping() : store.init(), HEALTH_TIMEOUT_MS).then(
          () => undefined,
          (err: unknown) => (err instanceof Error ? err.message : String(err)),
        );
        sendJson(res, problem ? 503 : 200, {
          status: problem ? 'unavailable' : 'ok',
          version: VERSION,
          store: pg ? 'postgres' : 'file',
          instance: instanceId,
          ...(problem ? { error: redact(`the ${pg ? 'database' : 'state directory'} is unreachable: ${problem}`).slice(0, 300) } : {}),
        });
        return;
      }
      if (prm && (url.pathname === '/.well-known/oauth-protected-resource/mcp' || url.pathname === '/.well-known/oauth-protected-resource')) {
        res.setHeader('Access-Control-Allow-Origin', '*');
        sendJson(res, 200, prm);
        return;
      }
      const isMcp = url.pathname === '/mcp' || url.pathname === '/mcp/';
      const isDownload = url.pathname.startsWith('/downloads/');
      if (!isMcp && !isDownload) throw new HttpError(404, 'Not found. The MCP endpoint is /mcp.');
      const auth = await authenticate(req, res);
      if (auth === null) return;
      if (isMcp) await handleMcp(req, res, auth);
      else await handleDownload(req, res, url, auth);
    } catch (err) {
      failRequest(res, url?.pathname ?? '', err);
    }
  }

  ready = true;
  return {
    url: `http://${hostForUrl}:${port}/mcp`,
    port,
    instanceId,
    runtime,
    reloadTokens(tokens) {
      if (!verifier?.tokens) return false;
      verifier.tokens.replace(tokens);
      return true;
    },
    async close() {
      clearInterval(readopt);
      runtime.close();
      await pg?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The request target as a URL; a target that is not one (`GET http://[ HTTP/1.1`) is the client's error. */
function requestUrl(target: string | undefined): URL {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    throw new HttpError(400, 'The request target is not a valid URL path.');
  }
}

/** A percent-encoded path segment; broken encoding names nothing that exists. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(404, 'No such download.');
  }
}

/** The answer to a request that failed: its own status for an HttpError, else a logged 500. */
function failRequest(res: ServerResponse, path: string, err: unknown): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  if (err instanceof HttpError) sendJson(res, err.status, { error: err.message });
  else {
    log.error('http request failed', { path: path.slice(0, 200), error: err instanceof Error ? err.message : String(err) });
    sendJson(res, 500, { error: 'Internal error' });
  }
}

/** /healthz answers within this even when the database hangs. */
const HEALTH_TIMEOUT_MS = 2_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

const minDefined = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) throw new HttpError(413, `The request body is larger than ${max / 1024 / 1024} MiB.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new HttpError(413, `The request body is larger than ${max / 1024 / 1024} MiB.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
