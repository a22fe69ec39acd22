/** Shared test helpers: temp dirs, an in-memory MCP client on a real server, result parsing. */
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema, ElicitRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { loadConfig } from '../src/config.js';
import { createServer, type VideogenServer } from '../src/server.js';

export function tempDir(prefix = 'videogen-test-'): string {
  return realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
}

export interface Harness {
  client: Client;
  app: VideogenServer;
  stateDir: string;
  outputDir: string;
  workDir: string;
  call(name: string, args: Record<string, unknown>, opts?: { onprogress?: (p: { progress: number }) => void }): Promise<CallToolResult>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  stateDir?: string;
  workDir?: string;
  /** Answer to elicitation requests; undefined → the client does not declare elicitation. */
  elicit?: (message: string) => { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> };
  roots?: string[];
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const stateDir = opts.stateDir ?? tempDir('videogen-state-');
  const workDir = opts.workDir ?? tempDir('videogen-work-');
  const outputDir = path.join(workDir, 'videos');
  const env: Record<string, string> = {
    VIDEOGEN_STATE_DIR: stateDir,
    VIDEOGEN_SIMULATOR_SECONDS: '1',
    VIDEOGEN_LOG_LEVEL: 'silent',
    ...opts.env,
  };
  const config = loadConfig(env, workDir);
  const app = createServer({ config });
  const caps: Record<string, unknown> = {};
  if (opts.elicit) caps['elicitation'] = { form: {} };
  if (opts.roots) caps['roots'] = { listChanged: true };
  const client = new Client({ name: 'test', version: '1.0.0' }, { capabilities: caps });
  if (opts.elicit) {
    const answer = opts.elicit;
    client.setRequestHandler(ElicitRequestSchema, async (req) => answer(String(req.params.message)));
  }
  if (opts.roots) {
    const { ListRootsRequestSchema } = await import('@modelcontextprotocol/sdk/types.js');
    const roots = opts.roots;
    client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: roots.map((r) => ({ uri: `file://${r}`, name: path.basename(r) })) }));
  }
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([app.server.connect(serverSide), client.connect(clientSide)]);
  await client.listTools(); // caches output validators, as real clients do
  return {
    client,
    app,
    stateDir,
    outputDir,
    workDir,
    call: async (name, args, o) =>
      (await client.callTool({ name, arguments: args }, CallToolResultSchema, {
        timeout: 60_000,
        ...(o?.onprogress ? { onprogress: o.onprogress } : {}),
      })) as CallToolResult,
    close: async () => {
      await client.close();
      await app.close();
    },
  };
}

export function text(r: CallToolResult): string {
  return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

export function structured<T = Record<string, unknown>>(r: CallToolResult): T {
  if (r.isError) throw new Error(`tool error: ${text(r)}`);
  return r.structuredContent as T;
}
