/**
 * Configuration from the environment, parsed once. A missing key disables that provider; a malformed
 * value stops startup with a message that names the variable.
 */
import path from 'node:path';
import envPaths from 'env-paths';
import type { RealProviderId } from './catalog/types.js';
import { VideogenError, registerSecret } from './errors.js';
import { DEFAULT_CALL_BUDGET_MS } from './jobs/deadline.js';

export interface ProviderConfig {
  id: RealProviderId;
  keyEnv: string;
  baseUrlEnv: string;
  /** undefined when the key is not set (provider disabled). */
  apiKey: string | undefined;
  baseUrl: string;
}

export interface Config {
  providers: Record<RealProviderId, ProviderConfig>;
  /** Explicit provider order for routing, when VIDEOGEN_PROVIDER_ORDER is set. */
  providerOrder: RealProviderId[] | undefined;
  stateDir: string;
  /** Explicit output dir, or undefined to use `videos/` under the first MCP root or the cwd. */
  outputDir: string | undefined;
  download: boolean;
  /** Upper bound for wait_seconds. */
  maxWaitSeconds: number;
  /** Time budget of a tool call that does not wait (ms); see jobs/deadline.ts. */
  callBudgetMs: number;
  /**
   * How long after its creation a job the provider says does not exist is still given a chance
   * (providers can lag right after a submit, Atlas by ~30 s); past it the job ends as not found (ms).
   */
  notFoundGraceMs: number;
  /** Simulator job length in seconds. */
  simulatorSeconds: number;
  /** Extra allowed roots for local input files. */
  inputDirs: string[];
  /** Largest result download accepted, in bytes. */
  maxDownloadBytes: number;
  budgetUsdDaily: number | undefined;
  /** How many job records the ledger keeps before pruning the oldest finished ones. */
  ledgerMaxRecords: number;
  confirmAboveUsd: number | undefined;
  /** USD per Apiframe credit, for price estimates. */
  apiframeUsdPerCredit: number | undefined;
  cwd: string;
}

export const PROVIDER_ENV: Record<RealProviderId, { key: string; base: string; defaultBase: string; aliases?: { key?: string[]; base?: string[] } }> = {
  runapi: { key: 'RUNAPI_API_KEY', base: 'RUNAPI_BASE_URL', defaultBase: 'https://runapi.ai' },
  apiframe: { key: 'APIFRAME_API_KEY', base: 'APIFRAME_BASE_URL', defaultBase: 'https://api.apiframe.ai' },
  atlascloud: { key: 'ATLASCLOUD_API_KEY', base: 'ATLASCLOUD_BASE_URL', defaultBase: 'https://api.atlascloud.ai' },
  // MiniMax's own tools call the host MINIMAX_API_HOST; accept it as an alias.
  minimax: { key: 'MINIMAX_API_KEY', base: 'MINIMAX_BASE_URL', defaultBase: 'https://api.minimax.io', aliases: { base: ['MINIMAX_API_HOST'] } },
  runway: { key: 'RUNWAYML_API_SECRET', base: 'RUNWAYML_BASE_URL', defaultBase: 'https://api.dev.runwayml.com' },
};

export const REAL_PROVIDERS = Object.keys(PROVIDER_ENV) as RealProviderId[];

/** Default cap on wait_seconds: clients commonly time out at 60 s. */
export const DEFAULT_MAX_WAIT_SECONDS = 50;
/** Default grace for "this job does not exist" answers after a submit (see Config.notFoundGraceMs). */
export const DEFAULT_NOT_FOUND_GRACE_SECONDS = 120;
/** Default result-size cap: Hailuo and Runway clips are tens of MB at most. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 1024 * 1024 * 1024;

type Env = Record<string, string | undefined>;

function fail(variable: string, problem: string): never {
  throw new VideogenError('config', `${variable} ${problem}`, { envVar: variable });
}

/** A value is unset when empty, or when a GUI client passed an unexpanded `${VAR}` placeholder. */
function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  if (!v || /^\$\{[^}]*\}$/.test(v)) return undefined;
  return v;
}

function parseUrl(env: Env, name: string, fallback: string): string {
  const v = value(env, name);
  if (v === undefined) return fallback;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    // Never echo the value: a key pasted into the wrong variable would end up in the error (issue #10 §7).
    fail(name, `is not a valid URL (got a ${v.length}-character value that is not an http(s) URL; not shown, in case it is a key); expected e.g. ${fallback}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    fail(name, `must be an http(s) URL (got ${/^[a-z]{2,6}:$/.test(u.protocol) ? u.protocol : 'another scheme'})`);
  return u.origin + u.pathname.replace(/\/+$/, '');
}

function parseNumber(env: Env, name: string, opts: { min: number; max: number; integer?: boolean }): number | undefined {
  const v = value(env, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || n < opts.min || n > opts.max)
    fail(name, `must be ${opts.integer ? 'an integer' : 'a number'} from ${opts.min} to ${opts.max} (got "${v.slice(0, 40)}")`);
  return n;
}

function parseBool(env: Env, name: string, fallback: boolean): boolean {
  const v = value(env, name)?.toLowerCase();
  if (v === undefined) return fallback;
  if (['1', 'true', 'on', 'yes'].includes(v)) return true;
  if (['0', 'false', 'off', 'no'].includes(v)) return false;
  fail(name, `must be on or off (got "${v.slice(0, 40)}")`);
}

/**
 * A list of folders as the platform writes one (PATH style): split on the platform's delimiter (`:` on
 * POSIX, `;` on Windows, where `:` belongs to drive letters), each resolved against `cwd`.
 */
export function parsePathList(list: string, cwd: string, p: path.PlatformPath = path): string[] {
  return list
    .split(p.delimiter)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((dir) => p.resolve(cwd, dir));
}

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const providers = {} as Record<RealProviderId, ProviderConfig>;
  for (const id of REAL_PROVIDERS) {
    const spec = PROVIDER_ENV[id];
    const apiKey = value(env, spec.key);
    registerSecret(apiKey);
    const baseName = [spec.base, ...(spec.aliases?.base ?? [])].find((n) => value(env, n) !== undefined) ?? spec.base;
    providers[id] = { id, keyEnv: spec.key, baseUrlEnv: baseName, apiKey, baseUrl: parseUrl(env, baseName, spec.defaultBase) };
  }
  let providerOrder: RealProviderId[] | undefined;
  const order = value(env, 'VIDEOGEN_PROVIDER_ORDER');
  if (order !== undefined) {
    providerOrder = order
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean) as RealProviderId[];
    const bad = providerOrder.filter((p) => !REAL_PROVIDERS.includes(p));
    if (bad.length) fail('VIDEOGEN_PROVIDER_ORDER', `names unknown providers: ${bad.join(', ')}; allowed: ${REAL_PROVIDERS.join(', ')}`);
  }
  const stateDir = value(env, 'VIDEOGEN_STATE_DIR') ?? envPaths('videogen-mcp', { suffix: '' }).data;
  const outputDir = value(env, 'VIDEOGEN_OUTPUT_DIR');
  const inputDirs = parsePathList(value(env, 'VIDEOGEN_INPUT_DIRS') ?? '', cwd);
  return {
    providers,
    providerOrder,
    stateDir: path.resolve(cwd, stateDir),
    outputDir: outputDir === undefined ? undefined : path.resolve(cwd, outputDir),
    download: parseBool(env, 'VIDEOGEN_DOWNLOAD', true),
    maxWaitSeconds: parseNumber(env, 'VIDEOGEN_MAX_WAIT_SECONDS', { min: 0, max: 600 }) ?? DEFAULT_MAX_WAIT_SECONDS,
    callBudgetMs: (parseNumber(env, 'VIDEOGEN_CALL_BUDGET_SECONDS', { min: 1, max: 120 }) ?? DEFAULT_CALL_BUDGET_MS / 1000) * 1000,
    notFoundGraceMs: (parseNumber(env, 'VIDEOGEN_NOT_FOUND_GRACE_SECONDS', { min: 0, max: 86_400 }) ?? DEFAULT_NOT_FOUND_GRACE_SECONDS) * 1000,
    simulatorSeconds: parseNumber(env, 'VIDEOGEN_SIMULATOR_SECONDS', { min: 0, max: 3600 }) ?? 8,
    inputDirs,
    maxDownloadBytes:
      parseNumber(env, 'VIDEOGEN_MAX_DOWNLOAD_MB', { min: 1, max: 100_000 }) !== undefined
        ? (parseNumber(env, 'VIDEOGEN_MAX_DOWNLOAD_MB', { min: 1, max: 100_000 }) as number) * 1024 * 1024
        : DEFAULT_MAX_DOWNLOAD_BYTES,
    budgetUsdDaily: parseNumber(env, 'VIDEOGEN_BUDGET_USD_DAILY', { min: 0, max: 1_000_000 }),
    ledgerMaxRecords: parseNumber(env, 'VIDEOGEN_LEDGER_MAX_RECORDS', { min: 100, max: 10_000_000, integer: true }) ?? 5_000,
    confirmAboveUsd: parseNumber(env, 'VIDEOGEN_CONFIRM_ABOVE_USD', { min: 0, max: 1_000_000 }),
    apiframeUsdPerCredit: parseNumber(env, 'APIFRAME_USD_PER_CREDIT', { min: 0, max: 100 }),
    cwd,
  };
}

export function configuredProviders(config: Config): RealProviderId[] {
  return REAL_PROVIDERS.filter((id) => config.providers[id].apiKey !== undefined);
}
