/**
 * Logging goes to stderr only (stdout belongs to the JSON-RPC protocol), one line per event, with
 * secrets redacted. `VIDEOGEN_LOG_LEVEL` = debug | info | warn | error | silent (default info).
 */
import { redact } from './errors.js';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

let threshold: number = LEVELS[(process.env['VIDEOGEN_LOG_LEVEL'] as LogLevel | undefined) ?? 'info'] ?? LEVELS.info;

export function setLogLevel(level: LogLevel): void {
  threshold = LEVELS[level];
}

function write(level: LogLevel, msg: string, data?: Record<string, unknown>): void {
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
