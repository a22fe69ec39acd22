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
  videogen-mcp demo [prompt]   generate one video end to end through a real MCP client
                               (the simulator when no provider key is set; --yes to spend without asking)
  videogen-mcp doctor          check configuration, directories, and each key with a free account call
                               (--offline to skip the calls)
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
  process.stdin.on('close', () => shutdown('stdin closed'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Our own line transport: unlike the SDK's, an oversized or malformed line gets a JSON-RPC error and
  // the server keeps serving (see stdio.ts).
  await app.server.connect(new LineTransport(process.stdin, protocolOut));
  process.stderr.write(`[videogen] info: videogen-mcp ${VERSION} ready on stdio\n`);
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
    case 'serve':
      return serve();
    case 'demo':
      return (await import('./cli/demo.js')).demo(rest);
    case 'doctor':
      return (await import('./cli/doctor.js')).doctor(rest);
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

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`videogen-mcp: ${toAgentMessage(err).message}\n`);
  process.exit(1);
});
