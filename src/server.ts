/**
 * createServer: registers the tool registry on an McpServer and is the single error boundary, where a
 * thrown error becomes an `isError` result written for the agent.
 */
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  InitializeRequestSchema,
  ListToolsRequestSchema,
  RootsListChangedNotificationSchema,
  SetLevelRequestSchema,
  type CallToolResult,
  type InitializeRequest,
  type InitializeResult,
  type LoggingLevel,
  type ServerNotification,
  type ServerRequest,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import type { Config } from './config.js';
import { VideogenError, toAgentMessage } from './errors.js';
import { createDeadline } from './jobs/deadline.js';
import { log, withClientLog } from './log.js';
import { downgradeInitialize, downgradeResult, downgradeToolList, featuresFor, requestProtocolVersion, type ClientFeatures } from './protocol.js';
import type { Runtime, RuntimeOptions } from './runtime.js';
import type { ResourceLinkItem } from './tools/define-tool.js';
import { TOOLS } from './tools/index.js';
import { parseToolInput } from './tools/input.js';
import { toCallResult } from './tools/result.js';
import { buildToolList } from './tools/tool-list.js';
import { VERSION } from './version.js';

/** What the SDK validates before our handler: nothing (parseToolInput validates, with better messages). */
const ANY_ARGUMENTS = z.looseObject({});

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** RFC 5424 order, as `logging/setLevel` uses it. */
const LOG_ORDER: readonly LoggingLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

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

  // The client's protocol version and chosen log level, for this server object's session.
  let negotiated: string | undefined;
  let clientLogLevel: LoggingLevel = 'info';
  const features = (extra: Extra): ClientFeatures => featuresFor(requestProtocolVersion(negotiated, extra.requestInfo?.headers));
  // The SDK answers initialize in Server._oninitialize and keeps the negotiated version to itself: wrap
  // it to learn the version (and to drop tools.listChanged). Should a later SDK rename it, the server
  // keeps the SDK's own handler and treats every client as 2025-03-26 (the conservative downgrade).
  const sdkServer = server.server as unknown as { _oninitialize?: (r: InitializeRequest) => Promise<InitializeResult> };
  const sdkInitialize = sdkServer._oninitialize?.bind(server.server);
  if (sdkInitialize)
    server.server.setRequestHandler(InitializeRequestSchema, async (req) => {
      const result = await sdkInitialize(req);
      negotiated = result.protocolVersion;
      // The tool list never changes while the server runs: do not promise list_changed notifications.
      return downgradeInitialize({ ...result, capabilities: { ...result.capabilities, tools: {} } });
    });
  else log.warn('this MCP SDK hides how it answers initialize; every client is served as protocol 2025-03-26');
  server.server.setRequestHandler(SetLevelRequestSchema, async (req) => {
    clientLogLevel = req.params.level;
    return {};
  });

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
        inputSchema: ANY_ARGUMENTS,
        annotations: tool.annotations,
      },
      (async (rawArgs: unknown, extra: Extra): Promise<CallToolResult> => {
        const client = features(extra);
        // Job events reach the client as notifications/message while this call runs (see clientLogSink).
        const sink = clientLogSink(extra, rawArgs, (level) => LOG_ORDER.indexOf(level) >= LOG_ORDER.indexOf(clientLogLevel));
        try {
          const args = parseToolInput(tool.name, tool.inputSchema, rawArgs);
          refuseBlankStrings(args);
          opts.remote?.precheck(tool.name, args);
          // One deadline per call, covering everything it does (issue #10 §1).
          const budgetMs = callBudgetMs(config, args);
          const deadline = createDeadline(budgetMs, extra.signal);
          const rt = tool.runtime === false ? undefined : await getRuntime();
          let res: { structured: unknown; summary?: string; links?: ResourceLinkItem[] } = await withClientLog(sink.send, () =>
            (tool.handler as (a: unknown, c: unknown) => ReturnType<typeof tool.handler>)(args, {
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
              client,
              deadline,
              budgetMs,
            }),
          );
          // Load the runtime once the answer is out, so the next call (and adopting unfinished jobs) does not wait for it.
          if (!rt && !runtime && !opts.runtime) setTimeout(() => void getRuntime().catch(() => undefined), 50).unref();
          if (opts.remote) {
            const viewed = opts.remote.view(tool.name, res.structured as Record<string, unknown>, res.links ?? []);
            // The summary is what some agents read alone: it must not point at a path on the server either.
            res = {
              ...res,
              ...viewed,
              ...(res.summary ? { summary: remoteSummary(res.summary, res.structured as Record<string, unknown>, viewed.structured) } : {}),
            };
          }
          return downgradeResult(toCallResult(tool.outputSchema, res), client);
        } catch (err) {
          if (extra.signal.aborted) throw err;
          const { code, message } = toAgentMessage(err);
          log.info(`${tool.name} failed`, { code });
          if (code === 'internal') log.error(`${tool.name} internal error`, { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
          return { isError: true, content: [{ type: 'text', text: `Error (${code}): ${message}` }] };
        } finally {
          sink.close();
        }
      }) as never,
    );
  }

  // Serve the lean, precomputed tool list (see tool-list.ts) instead of the SDK's default rendering.
  let toolList: { tools: Tool[] } | undefined;
  server.server.setRequestHandler(ListToolsRequestSchema, async (_req, extra) => ({
    tools: downgradeToolList((toolList ??= { tools: buildToolList() }).tools, features(extra)),
  }));

  return {
    server,
    runtime: getRuntime,
    async close() {
      if (runtime) (await runtime.catch(() => undefined))?.close();
      await server.close();
    },
  };
}

const MCP_LEVEL = { debug: 'debug', info: 'info', warn: 'warning', error: 'error' } as const;

/**
 * Forwards the server's own log events (job submitted, failover, saved, failed …) to the client as
 * `notifications/message`, on the request's own stream, at or above the level the client chose with
 * `logging/setLevel` (default info). Only while the call runs, and only events about the job the call
 * names (or no job), so one client never sees another's jobs in a shared process.
 */
function clientLogSink(extra: Extra, rawArgs: unknown, wanted: (level: LoggingLevel) => boolean) {
  let open = true;
  const named = rawArgs && typeof rawArgs === 'object' ? (rawArgs as Record<string, unknown>)['job_id'] : undefined;
  const created = new Set<string>();
  return {
    send(level: keyof typeof MCP_LEVEL, message: string, data?: Record<string, unknown>): void {
      const mcpLevel = MCP_LEVEL[level];
      if (!open || !wanted(mcpLevel) || extra.signal.aborted) return;
      const jobId = data?.['job_id'];
      if (typeof jobId === 'string' && named === undefined && message === 'job submitted') created.add(jobId);
      if (typeof jobId === 'string' && jobId !== named && !created.has(jobId)) return;
      extra.sendNotification({ method: 'notifications/message', params: { level: mcpLevel, logger: 'videogen', data: { message, ...data } } }).catch(() => {});
    },
    close(): void {
      open = false;
    },
  };
}

/**
 * The summary as a remote client must read it: each server path the view replaced by a signed
 * download_url is replaced in the text too (and a job's next_action by the view's).
 */
function remoteSummary(summary: string, before: Record<string, unknown>, after: Record<string, unknown>): string {
  let out = summary;
  const pairs: [Record<string, unknown>, Record<string, unknown>][] = Array.isArray(before['jobs'])
    ? (before['jobs'] as Record<string, unknown>[]).map((j, i) => [j, ((after['jobs'] as Record<string, unknown>[] | undefined) ?? [])[i] ?? {}])
    : [[before, after]];
  for (const [b, a] of pairs) {
    if (typeof b['next_action'] === 'string' && typeof a['next_action'] === 'string' && b['next_action'] !== a['next_action'])
      out = out.split(b['next_action']).join(a['next_action']);
    if (typeof b['local_path'] === 'string' && a['local_path'] === undefined)
      out = out.split(b['local_path']).join(typeof a['download_url'] === 'string' ? a['download_url'] : '(saved on the server: see download_url)');
  }
  return out;
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
