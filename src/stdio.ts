/**
 * The stdio transport: newline-delimited JSON-RPC on stdin/stdout, as the MCP SDK's
 * StdioServerTransport, with the one thing it lacks — it survives bad input.
 *
 * The SDK's ReadBuffer throws on a line over 10 MiB and its transport then closes itself: the server
 * ends with exit code 0 and nothing logged, dropping every call in flight (a ~7.5 MB image as a data:
 * URI was enough). Here, instead:
 *  - a line longer than MAX_LINE_BYTES is skipped as it streams in (only its first and last bytes are
 *    kept, to find its id), and answered with JSON-RPC error -32600 naming the limit and what to do;
 *  - a line that is not JSON is answered with -32700 (Parse error), id null;
 *  - JSON that is not a JSON-RPC message is answered with -32600 (Invalid Request), with its id when it
 *    has one;
 * and the server keeps serving. Each is logged to stderr (never stdout: it belongs to the protocol).
 */
import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { log } from './log.js';

/**
 * Longest accepted message line: the MCP SDK's own stdio limit (STDIO_DEFAULT_MAX_BUFFER_SIZE), so a
 * message this server accepts is one any SDK peer accepts too. Inline media must fit inside it: see
 * MAX_DATA_URI_CHARS in media/local-input.ts.
 */
export const MAX_LINE_BYTES = 10 * 1024 * 1024;
/** How much of an oversized line is kept at each end to find its JSON-RPC id. */
const KEEP_BYTES = 4096;

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;

type Id = string | number | null;

export class LineTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onerror?: (error: Error) => void;
  onclose?: () => void;

  private chunks: Buffer[] = [];
  private size = 0;
  /** Set while skipping an oversized line: its first bytes, its last bytes and its length so far. */
  private skipping: { head: Buffer; tail: Buffer; bytes: number } | undefined;
  private started = false;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  private readonly onData = (chunk: Buffer) => {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(10, from);
      if (nl < 0) {
        this.append(chunk.subarray(from));
        return;
      }
      this.append(chunk.subarray(from, nl));
      this.endLine();
      from = nl + 1;
    }
  };
  private readonly onError = (err: Error) => this.onerror?.(err);

  start(): Promise<void> {
    if (this.started) throw new Error('LineTransport already started');
    this.started = true;
    this.input.on('data', this.onData);
    this.input.on('error', this.onError);
    return Promise.resolve();
  }

  private append(part: Buffer): void {
    if (part.length === 0) return;
    if (this.skipping) {
      this.skipping.bytes += part.length;
      this.skipping.tail = Buffer.concat([this.skipping.tail, part]).subarray(-KEEP_BYTES);
      return;
    }
    if (this.size + part.length > this.maxLineBytes) {
      const all = Buffer.concat([...this.chunks, part]);
      this.skipping = { head: all.subarray(0, KEEP_BYTES), tail: all.subarray(-KEEP_BYTES), bytes: all.length };
      this.chunks = [];
      this.size = 0;
      return;
    }
    this.chunks.push(part);
    this.size += part.length;
  }

  private endLine(): void {
    if (this.skipping) {
      const { head, tail, bytes } = this.skipping;
      this.skipping = undefined;
      const id = idOfOversized(head.toString('utf8'), tail.toString('utf8'));
      const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
      log.warn('refused an oversized message', { bytes, id: id ?? null });
      this.reply(
        id,
        INVALID_REQUEST,
        `Message too large: ${mib(bytes)} exceeds this server's ${mib(this.maxLineBytes)} limit per message, so it was not processed. Pass images and videos as a local file path or an https URL rather than a data: URI (data: URIs are limited to 7 MiB).`,
      );
      return;
    }
    const line = Buffer.concat(this.chunks).toString('utf8').replace(/\r$/, '');
    this.chunks = [];
    this.size = 0;
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      log.warn('refused a line that is not JSON', { bytes: line.length });
      this.reply(null, PARSE_ERROR, `Parse error: the line is not valid JSON (${err instanceof Error ? err.message.slice(0, 120) : 'unparseable'}).`);
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(json);
    if (!parsed.success) {
      const id = idOf(json);
      log.warn('refused a message that is not JSON-RPC 2.0', { id });
      // A malformed response or notification (no id) from the client needs no answer… but JSON-RPC
      // answers an invalid request with id null, and a client that sent garbage deserves to hear it.
      this.reply(id, INVALID_REQUEST, 'Invalid Request: not a JSON-RPC 2.0 message (expected {"jsonrpc":"2.0","id":…,"method":…}).');
      return;
    }
    try {
      this.onmessage?.(parsed.data);
    } catch (err) {
      this.onerror?.(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private reply(id: Id, code: number, message: string): void {
    void this.send({ jsonrpc: '2.0', id, error: { code, message } } as unknown as JSONRPCMessage).catch(() => {});
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.output.write(JSON.stringify(message) + '\n')) resolve();
      else this.output.once('drain', resolve);
    });
  }

  close(): Promise<void> {
    this.input.off('data', this.onData);
    this.input.off('error', this.onError);
    if (this.input.listenerCount('data') === 0) this.input.pause();
    this.chunks = [];
    this.skipping = undefined;
    this.onclose?.();
    return Promise.resolve();
  }
}

function idOf(json: unknown): Id {
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const id = (json as Record<string, unknown>)['id'];
    if (typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))) return id;
  }
  return null;
}

const ID_VALUE = String.raw`("(?:[^"\\]|\\.){0,200}"|-?\d{1,16})`;
/** `"id"` before any nested object opens (`{"jsonrpc":"2.0","id":7,"method":…`). */
const HEAD_ID = new RegExp(String.raw`^\s*\{[^{}\[\]]*?"id"\s*:\s*` + ID_VALUE);
/** `"id"` as the last member of the top-level object (the SDK writes `…,"jsonrpc":"2.0","id":7}`). */
const TAIL_ID = new RegExp(String.raw`[,{]\s*"id"\s*:\s*` + ID_VALUE + String.raw`\s*\}\s*$`);

/** The id of a message seen only by its ends; null when it cannot be told for sure. */
export function idOfOversized(head: string, tail: string): Id {
  const m = HEAD_ID.exec(head) ?? TAIL_ID.exec(tail.replace(/\r$/, ''));
  if (!m?.[1]) return null;
  try {
    return JSON.parse(m[1]) as string | number;
  } catch {
    return null;
  }
}
