#!/usr/bin/env node
/**
 * The bin. With no arguments it serves MCP over stdio; `demo`, `doctor` and `models-table` are
 * human-facing commands. This is the only file that touches process.* for the server.
 */
import { Writable } from 'node:stream';
import { loadConfig } from './config.js';
import { toAgentMessage } from './errors.js';
import { VERSION } from './version.js';

const HELP = `videogen-mcp ${VERSION} — MCP server for AI video generation (Hailuo, Runway)

Usage:
  videogen-mcp                 serve MCP over stdio (what MCP clients run)
  videogen-mcp http [--host H] [--port P]
                               serve MCP over Streamable HTTP at /mcp for a team (default 127.0.0.1:8787;
                               bearer tokens or OAuth, PostgreSQL for many instances: see README "Teams")
  videogen-mcp demo [prompt]   generate one video end to end through a real MCP client
                               (the simulator when no provider key is set; --yes to spend without asking)
  videogen-mcp doctor          check configuration, directories, and each key with a free account call
                               (--offline to skip the calls)
  videogen-mcp init [client]   write this server into an MCP client's config: claude-code, cursor, vscode,
                               windsurf, claude-desktop, hermes (--project, --print, --with-keys; no client: list)
  videogen-mcp models-table    print the README model table (--write README.md to update it)
  videogen-mcp --version | --help

Configuration is read from the environment; see the README.`;

async function serve(): Promise<void> {
  // stdout belongs to the protocol: the transport gets the real stdout, everything else goes to stderr,
  // including dependencies that print with console.log or process.stdout.write.
  const realWrite = process.stdout.write.bind(process.stdout);
  const protocolOut = new Writable({
    write(chunk: Buffer, _enc, cb) {
      realWrite(chunk, (err) => cb(err ?? null));
    },
  });
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    (process.stderr.write as (...a: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stdout.write;
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;

  let config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`videogen-mcp: configuration error: ${toAgentMessage(err).message}\n`);
    process.exit(2);
  }
  const [{ createServer }, { LineTransport }] = await Promise.all([import('./server.js'), import('./stdio.js')]);
  const app = createServer({ config });
  let closing = false;
  const shutdown = (reason: string) => {
    if (closing) return;
    closing = true;
    process.stderr.write(`[videogen] info: shutting down (${reason})\n`);
    // Never linger: whatever is in flight, exit well within 2 s of stdin closing.
    setTimeout(() => process.exit(0), 1_000).unref();
    void app.close().finally(() => process.exit(0));
  };
  process.stdin.on('end', () => shutdown('stdin ended'));
  // The client closed its end of our stdout: nobody can read an answer any more.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => shutdown(err.code === 'EPIPE' ? 'stdout closed' : `stdout failed: ${err.code ?? err.message}`));
  process.stdin.on('close', () => shutdown('stdin closed'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Our own line transport: unlike the SDK's, an oversized or malformed line gets a JSON-RPC error and
  // the server keeps serving (see stdio.ts).
  await app.server.connect(new LineTransport(process.stdin, protocolOut));
  process.stderr.write(`[videogen] info: videogen-mcp ${VERSION} ready on stdio\n`);
}

async function serveHttp(args: string[]): Promise<void> {
  const flags: { host?: string; port?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (name !== '--host' && name !== '--port') {
      process.stderr.write(`videogen-mcp http: unknown option "${a}". Usage: videogen-mcp http [--host H] [--port P]\n`);
      process.exit(2);
    }
    const v = eq > 0 ? a.slice(eq + 1) : args[++i];
    if (v === undefined) {
      process.stderr.write(`videogen-mcp http: ${name} needs a value\n`);
      process.exit(2);
    }
    flags[name === '--host' ? 'host' : 'port'] = v;
  }
  let config, http;
  try {
    const { loadHttpConfig } = await import('./config.js');
    config = loadConfig();
    http = loadHttpConfig(process.env, flags);
  } catch (err) {
    process.stderr.write(`videogen-mcp: configuration error: ${toAgentMessage(err).message}\n`);
    process.exit(2);
  }
  const tokensFile = process.env['VIDEOGEN_AUTH_TOKENS_FILE']?.trim();
  if (tokensFile) {
    const { statSync } = await import('node:fs');
    const mode = statSync(tokensFile, { throwIfNoEntry: false })?.mode;
    if (mode !== undefined && mode & 0o077)
      process.stderr.write(`[videogen] warn: ${tokensFile} is readable by other users; chmod 600 it (it holds bearer tokens)\n`);
  }
  const { startHttpServer } = await import('./http/server.js');
  let running;
  try {
    running = await startHttpServer({ config, http });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const msg = code === 'EADDRINUSE' ? `port ${http.port} on ${http.host} is in use; pass --port or set VIDEOGEN_HTTP_PORT` : toAgentMessage(err).message;
    process.stderr.write(`videogen-mcp http: ${msg}\n`);
    process.exit(2);
  }
  const auth =
    [http.tokens.size ? `${http.tokens.size} bearer token(s)` : '', http.oauth ? `OAuth issuer ${http.oauth.issuer}` : ''].filter(Boolean).join(' + ') ||
    'no authentication (loopback only)';
  process.stderr.write(`[videogen] info: videogen-mcp ${VERSION} serving MCP at ${running.url} (${auth}; store: ${http.databaseUrl ? 'postgres' : 'file'})\n`);
  let closing = false;
  const shutdown = (reason: string) => {
    if (closing) return;
    closing = true;
    process.stderr.write(`[videogen] info: shutting down (${reason})\n`);
    setTimeout(() => process.exit(0), 5_000).unref();
    void running.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Token rotation without a restart: re-read VIDEOGEN_AUTH_TOKENS(_FILE) on SIGHUP.
  process.on('SIGHUP', () => {
    void import('./config.js').then(({ loadHttpConfig }) => {
      try {
        const next = loadHttpConfig(process.env, flags);
        if (running.reloadTokens(next.tokens)) process.stderr.write(`[videogen] info: reloaded ${next.tokens.size} bearer token(s)\n`);
        else process.stderr.write('[videogen] warn: SIGHUP ignored: the server started without static tokens\n');
      } catch (err) {
        process.stderr.write(`[videogen] error: tokens not reloaded, the old ones stay: ${toAgentMessage(err).message}\n`);
      }
    });
  });
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
    case 'serve':
      return serve();
    case 'http':
      return serveHttp(rest);
    case 'demo':
      return (await import('./cli/demo.js')).demo(rest);
    case 'doctor':
      return (await import('./cli/doctor.js')).doctor(rest);
    case 'init':
      return (await import('./cli/init.js')).init(rest);
    case 'models-table':
      return (await import('./cli/models-table.js')).modelsTable(rest);
    case '--version':
    case '-v':
      process.stdout.write(`${VERSION}\n`);
      return;
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(`${HELP}\n`);
      return;
    default:
      process.stderr.write(`videogen-mcp: unknown command "${cmd}".\n\n${HELP}\n`);
      process.exit(2);
  }
}

// A reader that has gone (`videogen-mcp doctor | head -1`) is not an error: stop quietly, as `git log | head`
// does. The stdio server's shutdown on a closed stdout is below (its client has gone).
const command = process.argv[2];
if (command !== undefined && command !== 'serve')
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`videogen-mcp: ${toAgentMessage(err).message}\n`);
  process.exit(1);
});
