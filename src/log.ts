/**
 * Logging goes to stderr only (stdout belongs to the JSON-RPC protocol), one line per event, with
 * secrets redacted. `VIDEOGEN_LOG_LEVEL` = debug | info | warn | error | silent (default info).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { redact } from './errors.js';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

let threshold: number = LEVELS[(process.env['VIDEOGEN_LOG_LEVEL'] as LogLevel | undefined) ?? 'info'] ?? LEVELS.info;

export function setLogLevel(level: LogLevel): void {
  threshold = LEVELS[level];
}

/** Receives the events of one tool call, for the client (server.ts forwards them as notifications/message). */
export type ClientLogSink = (level: Exclude<LogLevel, 'silent'>, msg: string, data?: Record<string, unknown>) => void;
const clientSink = new AsyncLocalStorage<ClientLogSink>();

/** Run `fn` with its log events (and those of work it starts) also offered to `sink`, redacted. */
export function withClientLog<T>(sink: ClientLogSink, fn: () => T): T {
  return clientSink.run(sink, fn);
}

function write(level: Exclude<LogLevel, 'silent'>, msg: string, data?: Record<string, unknown>): void {
  const sink = clientSink.getStore();
  if (sink) {
    try {
      sink(level, redact(msg), data ? (JSON.parse(redact(JSON.stringify(data))) as Record<string, unknown>) : undefined);
    } catch {
      // A client that went away must not break the work that logged.
    }
  }
  if (LEVELS[level] < threshold) return;
  const extra = data ? ` ${JSON.stringify(data)}` : '';
  process.stderr.write(redact(`[videogen] ${level}: ${msg}${extra}`) + '\n');
}

export const log = {
  debug: (msg: string, data?: Record<string, unknown>) => write('debug', msg, data),
  info: (msg: string, data?: Record<string, unknown>) => write('info', msg, data),
  warn: (msg: string, data?: Record<string, unknown>) => write('warn', msg, data),
  error: (msg: string, data?: Record<string, unknown>) => write('error', msg, data),
};
