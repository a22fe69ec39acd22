/**
 * A tiny HTTP server kit for the provider fakes. Each fake registers routes that speak its provider's
 * documented wire format; the kit records every request and can inject faults:
 *  - `respond`: answer with a given status/body/headers instead of the route;
 *  - `drop-after`: run the route (so the job IS created upstream) and then destroy the socket without
 *    answering, which is how a lost submit response looks to a client;
 *  - `refuse`: destroy the socket before the route runs (nothing created);
 *  - `stall`: run the route (a submit IS created) and never answer: the socket stays open until the
 *    client gives up or the fake closes (a provider that stops answering);
 *  - `stall-body`: send the headers and the first `partialBytes` of the body, then never finish (a
 *    stalled download);
 *  - `slow-body`: send the body in `chunkBytes` pieces `delayMs` apart (a slow download).
 * `reply` with `respond` covers in-band codes, 5xx with a body, not-found answers and redirects
 * (a 302 with `location` pointing anywhere, file: and loopback included).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  raw: Buffer;
  /** Parsed JSON body when the body is JSON. */
  json: unknown;
  at: number;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string | Buffer;
}

export type RouteHandler = (req: RecordedRequest, params: Record<string, string>) => FakeReply | Promise<FakeReply>;

export interface Fault {
  method?: string;
  /** Regex or substring matched against the path. */
  path?: RegExp | string;
  /** `delay`: wait `delayMs`, then answer normally (a slow provider). */
  action: 'respond' | 'drop-after' | 'refuse' | 'delay' | 'stall' | 'stall-body' | 'slow-body';
  delayMs?: number;
  /** `stall-body`: bytes sent before the stall (default 1024). */
  partialBytes?: number;
  /** `slow-body`: bytes per piece (default 64 KiB). */
  chunkBytes?: number;
  reply?: FakeReply;
  /** How many matching requests it applies to (default 1; Infinity for every one). */
  times?: number;
}

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** Requests matching a method and path (substring or regex). */
  requestsTo(method: string, path: RegExp | string): RecordedRequest[];
  addFault(f: Fault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: RouteHandler;
}

export class FakeRouter {
  private routes: Route[] = [];
  on(method: string, path: string, handler: RouteHandler): this {
    const keys: string[] = [];
    const pattern = new RegExp(
      '^' +
        path.replace(/[.]/g, '\\.').replace(/:([A-Za-z_]+)/g, (_m, k: string) => {
          keys.push(k);
          return '([^/]+)';
        }) +
        '$',
    );
    this.routes.push({ method, pattern, keys, handler });
    return this;
  }
  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1] ?? '')));
      return { route, params };
    }
    return undefined;
  }
}

function matches(f: Fault, method: string, path: string): boolean {
  if (f.method && f.method !== method) return false;
  if (f.path === undefined) return true;
  return typeof f.path === 'string' ? path.includes(f.path) : f.path.test(path);
}

function encode(reply: FakeReply): { headers: Record<string, string>; body: Buffer } {
  const headers: Record<string, string> = { ...reply.headers };
  let body: string | Buffer = '';
  if (reply.json !== undefined) {
    body = JSON.stringify(reply.json);
    headers['content-type'] ??= 'application/json';
  } else if (reply.body !== undefined) {
    body = reply.body;
  }
  return { headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body) };
}

function send(res: ServerResponse, reply: FakeReply): void {
  const { headers, body } = encode(reply);
  res.writeHead(reply.status ?? 200, headers);
  res.end(body);
}

/** Headers and the first bytes, then silence (content-length announces the whole body). */
function sendPartial(res: ServerResponse, reply: FakeReply, bytes: number): void {
  const { headers, body } = encode(reply);
  res.writeHead(reply.status ?? 200, { ...headers, 'content-length': String(body.length) });
  res.write(body.subarray(0, Math.min(bytes, Math.max(0, body.length - 1))));
}

async function sendSlowly(res: ServerResponse, reply: FakeReply, chunk: number, delayMs: number): Promise<void> {
  const { headers, body } = encode(reply);
  res.writeHead(reply.status ?? 200, { ...headers, 'content-length': String(body.length) });
  for (let i = 0; i < body.length && !res.destroyed; i += chunk) {
    res.write(body.subarray(i, i + chunk));
    await new Promise((r) => setTimeout(r, delayMs));
  }
  res.end();
}

export async function startFake(router: FakeRouter): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  let faults: (Fault & { left: number })[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const raw = Buffer.concat(chunks);
        let json: unknown;
        if (raw.length && String(req.headers['content-type'] ?? '').includes('json')) {
          try {
            json = JSON.parse(raw.toString('utf8'));
          } catch {
            json = undefined;
          }
        }
        const rec: RecordedRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          raw,
          json,
          at: Date.now(),
        };
        requests.push(rec);
        const fault = faults.find((f) => f.left > 0 && matches(f, rec.method, rec.path));
        if (fault) fault.left--;
        if (fault?.action === 'refuse') {
          req.socket.destroy();
          return;
        }
        if (fault?.action === 'delay') await new Promise((r) => setTimeout(r, fault.delayMs ?? 1000));
        if (fault?.action === 'respond') {
          send(res, fault.reply ?? { status: 500, json: { error: 'injected' } });
          return;
        }
        const m = router.match(rec.method, rec.path);
        let reply: FakeReply;
        try {
          reply = m ? await m.route.handler(rec, m.params) : { status: 404, json: { error: `no route ${rec.method} ${rec.path}` } };
        } catch (err) {
          reply = { status: 500, json: { error: String(err) } };
        }
        if (fault?.action === 'drop-after') {
          req.socket.destroy();
          return;
        }
        if (fault?.action === 'stall') return; // the job exists; the answer never comes
        if (fault?.action === 'stall-body') return sendPartial(res, fault.reply ?? reply, fault.partialBytes ?? 1024);
        if (fault?.action === 'slow-body') return sendSlowly(res, fault.reply ?? reply, fault.chunkBytes ?? 64 * 1024, fault.delayMs ?? 100);
        send(res, reply);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (method, path) => requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path.includes(path) : path.test(r.path))),
    addFault: (f) => faults.push({ ...f, left: f.times ?? 1 }),
    clearFaults: () => (faults = []),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A virtual clock the fakes use to walk jobs through their states; tests advance it explicitly. */
export class FakeClock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

/** The bytes every fake serves as a finished video: the real MP4 the simulator ships. */
export const FAKE_VIDEO = readFileSync(new URL('../../assets/simulator.mp4', import.meta.url));

/** `GET /files/<id>.mp4` serving FAKE_VIDEO for the jobs `exists` knows, 404 otherwise. */
export function serveVideos(router: FakeRouter, exists: (id: string) => boolean, notFound: FakeReply): FakeRouter {
  return router.on('GET', '/files/:name', (_req, p) =>
    exists((p['name'] ?? '').replace(/\.mp4$/, '')) ? { status: 200, headers: { 'content-type': 'video/mp4' }, body: FAKE_VIDEO } : notFound,
  );
}
