/**
 * Real MCP clients from npm, installed side by side through npm aliases (package.json):
 *  - `mcp-sdk-1-0`  = @modelcontextprotocol/sdk 1.0.4  (protocol 2024-11-05)
 *  - `mcp-sdk-1-11` = @modelcontextprotocol/sdk 1.11.5 (protocol 2025-03-26; throws on resource_link)
 *  - `mcp-sdk-1-17` = @modelcontextprotocol/sdk 1.17.5 (protocol 2025-06-18)
 *  - `@modelcontextprotocol/sdk` 1.32.x, the version we build with (2025-11-25)
 *  - `@modelcontextprotocol/client` 2.4.0, the v2 client (probes server/discover, falls back to initialize)
 * Each one drives the built server (dist/index.js) over stdio, as an editor would.
 */
import { Client as Client10 } from 'mcp-sdk-1-0/client/index.js';
import { StdioClientTransport as Stdio10 } from 'mcp-sdk-1-0/client/stdio.js';
import { Client as Client111 } from 'mcp-sdk-1-11/client/index.js';
import { StdioClientTransport as Stdio111 } from 'mcp-sdk-1-11/client/stdio.js';
import { Client as Client117 } from 'mcp-sdk-1-17/client/index.js';
import { StdioClientTransport as Stdio117 } from 'mcp-sdk-1-17/client/stdio.js';
import { Client as Client132 } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as Stdio132 } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Client as ClientV2 } from '@modelcontextprotocol/client';
import { StdioClientTransport as StdioV2 } from '@modelcontextprotocol/client/stdio';
import { BIN } from '../e2e/stdio-client.js';

/** What the flow reads from a tool result, whatever the client's own types say. */
export interface AnyResult {
  content: { type: string; text?: string; uri?: string; mimeType?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export interface AnyTool {
  name: string;
  title?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

export interface ConnectedClient {
  listTools(): Promise<AnyTool[]>;
  call(name: string, args: Record<string, unknown>): Promise<AnyResult>;
  setLogLevel(level: 'debug' | 'info' | 'warning' | 'error'): Promise<void>;
  /** notifications/message data received so far. */
  logs: unknown[];
  serverTitle(): string | undefined;
  close(): Promise<void>;
}

export interface ClientUnderTest {
  name: string;
  /** The protocol version this client asks for (and the server answers, since it supports them all). */
  protocol: string;
  connect(env: Record<string, string>, cwd: string): Promise<ConnectedClient>;
}

type LooseClient = {
  connect(t: unknown): Promise<void>;
  listTools(): Promise<{ tools: AnyTool[] }>;
  callTool(p: { name: string; arguments: Record<string, unknown> }, schema?: unknown, opts?: { timeout: number }): Promise<unknown>;
  setLoggingLevel?(level: string): Promise<unknown>;
  setNotificationHandler(schema: unknown, handler: (n: { params: { data: unknown } }) => void): void;
  getServerVersion(): { title?: string } | undefined;
  close(): Promise<void>;
};

async function connectV1(
  // The four SDK generations type their constructors differently; the flow uses one loose shape.
  ClientCtor: unknown,
  TransportCtor: unknown,
  loggingSchema: unknown,
  env: Record<string, string>,
  cwd: string,
): Promise<ConnectedClient> {
  const client = new (ClientCtor as new (info: object, opts: object) => LooseClient)({ name: 'compat', version: '1.0.0' }, { capabilities: {} });
  // Only what the server needs: never the developer's real keys.
  const transport = new (TransportCtor as new (p: object) => unknown)({
    command: process.execPath,
    args: [BIN],
    env: { PATH: process.env['PATH'] ?? '', HOME: cwd, ...env },
    cwd,
    stderr: 'ignore',
  });
  const logs: unknown[] = [];
  client.setNotificationHandler(loggingSchema, (n) => void logs.push(n.params.data));
  await client.connect(transport);
  return {
    logs,
    listTools: async () => (await client.listTools()).tools,
    call: async (name, args) => (await client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 })) as AnyResult,
    setLogLevel: async (level) => void (await client.setLoggingLevel?.(level)),
    serverTitle: () => client.getServerVersion()?.title,
    close: () => client.close(),
  };
}

export const CLIENTS: ClientUnderTest[] = [
  {
    name: 'sdk 1.0.4',
    protocol: '2024-11-05',
    connect: async (env, cwd) => connectV1(Client10, Stdio10, (await import('mcp-sdk-1-0/types.js')).LoggingMessageNotificationSchema, env, cwd),
  },
  {
    name: 'sdk 1.11.5',
    protocol: '2025-03-26',
    connect: async (env, cwd) => connectV1(Client111, Stdio111, (await import('mcp-sdk-1-11/types.js')).LoggingMessageNotificationSchema, env, cwd),
  },
  {
    name: 'sdk 1.17.5',
    protocol: '2025-06-18',
    connect: async (env, cwd) => connectV1(Client117, Stdio117, (await import('mcp-sdk-1-17/types.js')).LoggingMessageNotificationSchema, env, cwd),
  },
  {
    name: 'sdk 1.32 (ours)',
    protocol: '2025-11-25',
    connect: async (env, cwd) =>
      connectV1(Client132, Stdio132, (await import('@modelcontextprotocol/sdk/types.js')).LoggingMessageNotificationSchema, env, cwd),
  },
  {
    name: 'client v2.4',
    protocol: '2025-11-25',
    connect: async (env, cwd) => {
      const client = new ClientV2({ name: 'compat', version: '1.0.0' }, { capabilities: {} });
      const transport = new StdioV2({
        command: process.execPath,
        args: [BIN],
        env: { PATH: process.env['PATH'] ?? '', HOME: cwd, ...env },
        cwd,
        stderr: 'ignore',
      });
      const logs: unknown[] = [];
      client.setNotificationHandler('notifications/message', (n) => void logs.push(n.params.data));
      await client.connect(transport);
      return {
        logs,
        listTools: async () => (await client.listTools()).tools as AnyTool[],
        call: async (name, args) => (await client.callTool({ name, arguments: args }, { timeout: 60_000 })) as AnyResult,
        setLogLevel: async (level) => void (await client.setLoggingLevel(level)),
        serverTitle: () => client.getServerVersion()?.title,
        close: () => client.close(),
      };
    },
  },
];
