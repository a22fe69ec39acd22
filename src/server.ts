/**
 * createServer: registers the tool registry on an McpServer and is the single error boundary, where a
 * thrown error becomes an `isError` result written for the agent.
 */
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  ListToolsRequestSchema,
  RootsListChangedNotificationSchema,
  type CallToolResult,
  type ServerNotification,
  type ServerRequest,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { Config } from './config.js';
import { VideogenError, toAgentMessage } from './errors.js';
import { createDeadline } from './jobs/deadline.js';
import { log } from './log.js';
import type { Runtime, RuntimeOptions } from './runtime.js';
import type { ResourceLinkItem } from './tools/define-tool.js';
import { TOOLS } from './tools/index.js';
import { buildToolList } from './tools/tool-list.js';
import { VERSION } from './version.js';

export const INSTRUCTIONS =
  'AI video generation (MiniMax Hailuo, Runway). Flow: list_models → generate_video (returns job_id at once; renders take minutes) → check_job until succeeded (local_path is the saved MP4). ' +
  'Invalid requests are refused before any money is spent. With no provider key set, a simulator answers (simulated: true).';

/** How a tool call is adapted for a remote client (the HTTP server; see http/remote.ts). */
export interface RemoteHooks {
  /** Refuse arguments that only make sense on the client's own machine (local file paths). */
  precheck(tool: string, args: unknown): void;
  /** Rewrite a result for a remote client (server paths → signed download URLs). */
  view(tool: string, structured: Record<string, unknown>, links: ResourceLinkItem[]): { structured: Record<string, unknown>; links: ResourceLinkItem[] };
}

export interface ServerOptions extends Partial<Pick<RuntimeOptions, 'dispatcher'>> {
  config: Config;
  /** A runtime shared with other server instances (the HTTP server creates one McpServer per request). */
  runtime?: () => Promise<Runtime>;
  remote?: RemoteHooks;
}

export interface VideogenServer {
  server: McpServer;
  /** The runtime, created on the first tool call. */
  runtime(): Promise<Runtime>;
  close(): Promise<void>;
}

export function createServer(opts: ServerOptions): VideogenServer {
  const { config } = opts;
  const server = new McpServer(
    { name: 'videogen-mcp', version: VERSION, title: 'Video generation (Hailuo, Runway)' },
    { capabilities: { logging: {} }, instructions: INSTRUCTIONS },
  );

  let rootsCache: string[] | undefined;
  const roots = async (): Promise<string[]> => {
    if (rootsCache) return rootsCache;
    if (!server.server.getClientCapabilities()?.roots) return [];
    try {
      const r = await server.server.listRoots(undefined, { timeout: 5_000 });
      rootsCache = r.roots.filter((x) => x.uri.startsWith('file:')).map((x) => fileURLToPath(x.uri));
    } catch (err) {
      log.warn('could not list the client roots', { error: String(err) });
      rootsCache = [];
    }
    return rootsCache;
  };
  server.server.setNotificationHandler(RootsListChangedNotificationSchema, async () => {
    rootsCache = undefined;
  });

  let runtime: Promise<Runtime> | undefined;
  const getRuntime =
    opts.runtime ??
    (() => (runtime ??= import('./runtime.js').then((m) => m.createRuntime(config, { roots, ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}) }))));

  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
        annotations: tool.annotations,
      },
      (async (args: unknown, extra: RequestHandlerExtra<ServerRequest, ServerNotification>): Promise<CallToolResult> => {
        try {
          refuseBlankStrings(args);
          opts.remote?.precheck(tool.name, args);
          // One deadline per call, covering everything it does (issue #10 §1).
          const budgetMs = callBudgetMs(config, args);
          const deadline = createDeadline(budgetMs, extra.signal);
          const rt = tool.runtime === false ? undefined : await getRuntime();
          let res: { structured: unknown; summary?: string; links?: ResourceLinkItem[] } = await (
            tool.handler as (a: unknown, c: unknown) => ReturnType<typeof tool.handler>
          )(args, {
            get service() {
              if (!rt) throw new Error(`${tool.name} is declared runtime: false`);
              return rt.service;
            },
            get watcher() {
              if (!rt) throw new Error(`${tool.name} is declared runtime: false`);
              return rt.watcher;
            },
            config,
            server,
            extra,
            deadline,
            budgetMs,
          });
          // Load the runtime once the answer is out, so the next call (and adopting unfinished jobs) does not wait for it.
          if (!rt && !runtime) setTimeout(() => void getRuntime().catch(() => undefined), 50).unref();
          if (opts.remote) res = { ...res, ...opts.remote.view(tool.name, res.structured as Record<string, unknown>, res.links ?? []) };
          // Exactly the advertised keys: SDK clients reject structuredContent with extra properties.
          const structured = tool.outputSchema.parse(res.structured) as Record<string, unknown>;
          return {
            content: [
              ...(res.summary ? [{ type: 'text' as const, text: res.summary }] : []),
              { type: 'text' as const, text: JSON.stringify(structured) },
              ...(res.links ?? []),
            ],
            structuredContent: structured,
          };
        } catch (err) {
          if (extra.signal.aborted) throw err;
          const { code, message } = toAgentMessage(err);
          log.info(`${tool.name} failed`, { code });
          if (code === 'internal') log.error(`${tool.name} internal error`, { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
          return { isError: true, content: [{ type: 'text', text: `Error (${code}): ${message}` }] };
        }
      }) as never,
    );
  }

  // Serve the lean, precomputed tool list (see tool-list.ts) instead of the SDK's default rendering.
  let toolList: { tools: Tool[] } | undefined;
  server.server.setRequestHandler(ListToolsRequestSchema, async () => (toolList ??= { tools: buildToolList() }));

  return {
    server,
    runtime: getRuntime,
    async close() {
      if (runtime) (await runtime.catch(() => undefined))?.close();
      await server.close();
    },
  };
}

/**
 * A call's time budget in ms: its wait (`wait_seconds`, capped at VIDEOGEN_MAX_WAIT_SECONDS) when it
 * waits longer than VIDEOGEN_CALL_BUDGET_SECONDS, else VIDEOGEN_CALL_BUDGET_SECONDS (default 10 s).
 */
export function callBudgetMs(config: Pick<Config, 'callBudgetMs' | 'maxWaitSeconds'>, args: unknown): number {
  const wait = args && typeof args === 'object' ? (args as Record<string, unknown>)['wait_seconds'] : undefined;
  const waitMs = typeof wait === 'number' && Number.isFinite(wait) && wait > 0 ? Math.min(wait, config.maxWaitSeconds) * 1000 : 0;
  return Math.max(config.callBudgetMs, waitMs);
}

/**
 * Every string argument of every tool must say something: an empty or whitespace-only value is
 * refused naming its field, instead of being dropped or read as "absent" somewhere downstream.
 */
export function refuseBlankStrings(args: unknown): void {
  if (!args || typeof args !== 'object') return;
  for (const [field, value] of Object.entries(args as Record<string, unknown>)) {
    if (typeof value === 'string' && value.trim() === '')
      throw new VideogenError(
        'invalid_input',
        `${field} is ${value === '' ? 'empty' : 'blank (only whitespace)'}: give it a value or leave the field out. Nothing was submitted.`,
      );
  }
}
