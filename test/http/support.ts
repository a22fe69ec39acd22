/** Shared pieces of the HTTP tests: an in-process server and a real Streamable HTTP client. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, ElicitRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { loadConfig, loadHttpConfig } from '../../src/config.js';
import { startHttpServer, type RunningHttpServer } from '../../src/http/server.js';
import { tempDir } from '../helpers.js';

export const ALICE = 'alice-token-0123456789abcdef';
export const BOB = 'bob-token-0123456789abcdef-xyz';

export interface TestServer extends RunningHttpServer {
  stateDir: string;
  workDir: string;
}

export async function startTestServer(env: Record<string, string> = {}, dirs: { stateDir?: string; workDir?: string } = {}): Promise<TestServer> {
  const stateDir = dirs.stateDir ?? tempDir('videogen-http-state-');
  const workDir = dirs.workDir ?? tempDir('videogen-http-work-');
  const fullEnv = {
    VIDEOGEN_STATE_DIR: stateDir,
    VIDEOGEN_OUTPUT_DIR: `${workDir}/videos`,
    VIDEOGEN_SIMULATOR_SECONDS: '1',
    VIDEOGEN_LOG_LEVEL: 'silent',
    VIDEOGEN_HTTP_PORT: '0',
    VIDEOGEN_AUTH_TOKENS: `alice:${ALICE},bob:${BOB}`,
    ...env,
  };
  const config = loadConfig(fullEnv, workDir);
  const http = loadHttpConfig(fullEnv, {});
  const running = await startHttpServer({ config, http });
  return { ...running, stateDir, workDir };
}

export interface HttpClient {
  client: Client;
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export async function connect(url: string, token: string | undefined, capabilities: Record<string, unknown> = {}): Promise<HttpClient> {
  const transport = new StreamableHTTPClientTransport(new URL(url), token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : {});
  const client = new Client({ name: 'http-test', version: '1.0.0' }, { capabilities });
  if (capabilities['elicitation'])
    client.setRequestHandler(ElicitRequestSchema, async () => {
      throw new Error('the team server must not ask over HTTP');
    });
  await client.connect(transport);
  return {
    client,
    call: async (name, args) => (await client.callTool({ name, arguments: args }, CallToolResultSchema, { timeout: 30_000 })) as CallToolResult,
    close: () => client.close(),
  };
}
