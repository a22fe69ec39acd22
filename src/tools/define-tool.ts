/**
 * One object per tool (after playwright-mcp and sentry-mcp): name, title, description, a flat zod input
 * object, an output shape, all four annotations, and a handler that returns plain data. The server
 * registers the registry in one loop and is the single place errors become `isError` results.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type * as z from 'zod';
import type { Config } from '../config.js';
import type { ClientFeatures } from '../protocol.js';
import type { Deadline } from '../jobs/deadline.js';
import type { JobService } from '../jobs/service.js';
import type { Watcher } from '../jobs/watcher.js';

export interface ToolContext {
  service: JobService;
  watcher: Watcher;
  config: Config;
  server: McpServer;
  extra: RequestHandlerExtra<ServerRequest, ServerNotification>;
  /** What the client's protocol version defines (elicitation, progress messages …); see protocol.ts. */
  client: ClientFeatures;
  /**
   * This call's one deadline (jobs/deadline.ts), created at the tool boundary (server.ts): its signal
   * aborts when the budget is spent or the client cancels. Pass `{ signal, deadline: at }` to every
   * request the call makes; work that outlives the call takes its own signal.
   */
  deadline: Deadline;
  /** The budget `deadline` was created with, in ms. */
  budgetMs: number;
}

/** Extra content items besides the JSON text (resource links to saved videos). */
export interface ResourceLinkItem {
  type: 'resource_link';
  uri: string;
  name: string;
  mimeType: string;
  description?: string;
  size?: number;
}

export interface ToolResult<O> {
  structured: O;
  /** A plain sentence shown before the JSON (what happened, what to do next). */
  summary?: string;
  links?: ResourceLinkItem[];
}

export interface ToolDef<I extends z.ZodObject, O extends z.ZodObject> {
  name: string;
  title: string;
  description: string;
  inputSchema: I;
  outputSchema: O;
  annotations: Required<Pick<ToolAnnotations, 'readOnlyHint' | 'destructiveHint' | 'idempotentHint' | 'openWorldHint'>> & { title?: string };
  /**
   * False for a tool that needs only the config (list_models): the server answers it without loading
   * the job runtime, so the first call is as fast as the cold start. Its ctx.service/ctx.watcher throw.
   */
  runtime?: false;
  handler(args: z.output<I>, ctx: ToolContext): Promise<ToolResult<z.input<O>>>;
}

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(def: ToolDef<I, O>): ToolDef<I, O> {
  return def;
}

/**
 * The absolute deadline (ms since the epoch) of a status-side tool call: `config.callBudgetMs`
 * (VIDEOGEN_CALL_BUDGET_SECONDS) without a wait, the capped wait with one (issue #10 §1).
 * Until the tool-boundary wiring hands every handler its deadline, check_job and cancel_job make theirs here.
 */
export function callDeadline(config: Config, waitSeconds: number | undefined, now: number = Date.now()): number {
  const waitMs = Math.min(waitSeconds ?? 0, config.maxWaitSeconds) * 1000;
  return now + Math.max(config.callBudgetMs, waitMs);
}
