/**
 * Configuration from the environment, parsed once. A missing key disables that provider; a malformed
 * value stops startup with a message that names the variable.
 */
import { readFileSync } from 'node:fs';
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
  /** How long a polling lease holds (ms): another instance takes over a dead one's jobs after at most this. */
  leaseMs: number;
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

/** Default polling lease: a dead instance's jobs are taken over within this (the holder renews on every poll). */
export const DEFAULT_LEASE_SECONDS = 300;
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
    leaseMs: (parseNumber(env, 'VIDEOGEN_LEASE_SECONDS', { min: 1, max: 3600 }) ?? DEFAULT_LEASE_SECONDS) * 1000,
    ledgerMaxRecords: parseNumber(env, 'VIDEOGEN_LEDGER_MAX_RECORDS', { min: 100, max: 10_000_000, integer: true }) ?? 5_000,
    confirmAboveUsd: parseNumber(env, 'VIDEOGEN_CONFIRM_ABOVE_USD', { min: 0, max: 1_000_000 }),
    apiframeUsdPerCredit: parseNumber(env, 'APIFRAME_USD_PER_CREDIT', { min: 0, max: 100 }),
    cwd,
  };
}

export function configuredProviders(config: Config): RealProviderId[] {
  return REAL_PROVIDERS.filter((id) => config.providers[id].apiKey !== undefined);
}

// ---- videogen-mcp http ---------------------------------------------------------------------------

/** Default bind address of `videogen-mcp http`: loopback, so nothing is exposed by accident. */
export const DEFAULT_HTTP_HOST = '127.0.0.1';
export const DEFAULT_HTTP_PORT = 8787;
/** Signed download URLs live this long by default (an agent hands them to a human, who clicks later). */
export const DEFAULT_DOWNLOAD_URL_TTL_SECONDS = 3600;

export interface HttpConfig {
  host: string;
  port: number;
  /** VIDEOGEN_PUBLIC_URL: the URL clients reach the server at (behind a proxy: its public https URL); else the bound address. */
  publicUrl: string | undefined;
  /** Static bearer tokens: token → principal name (a principal may have several, for rotation). Empty when none are configured. */
  tokens: Map<string, string>;
  /**
   * The settings that asked for authentication (VIDEOGEN_AUTH_TOKENS, VIDEOGEN_AUTH_TOKENS_FILE, an unexpanded
   * VIDEOGEN_AUTH_ISSUER), even when they named none: asked-for authentication that comes out empty must
   * never mean "no authentication".
   */
  tokenSources?: string[];
  /** OAuth 2.1 resource server settings, when VIDEOGEN_AUTH_ISSUER is set. */
  oauth: { issuer: string; audience: string; jwksUrl: string | undefined; scopes: string[] } | undefined;
  databaseUrl: string | undefined;
  /** VIDEOGEN_DATABASE_SCHEMA: keep the tables in this schema (several deployments on one database). */
  databaseSchema: string | undefined;
  teamBudgetUsdDaily: number | undefined;
  downloadUrlTtlSeconds: number;
  /** Key for signing download URLs; shared by every instance (else generated once per store). */
  urlSigningKey: string | undefined;
}

export const isLoopbackHost = (host: string): boolean => ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host) || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * `name:token` pairs, comma- or newline-separated, as a map token → principal. A name may appear with
 * several tokens (rotation: add the new one, roll it out, remove the old one). Names are principals:
 * letters, digits, . _ @ -
 */
export function parseTokens(text: string, source: string, into: Map<string, string> = new Map()): Map<string, string> {
  for (const raw of text.split(/[,\n]/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    const name = i > 0 ? line.slice(0, i).trim() : '';
    const token = i > 0 ? line.slice(i + 1).trim() : '';
    if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name))
      fail(source, `has an entry without a valid principal name before ":" (expected name:token, name of letters, digits, . _ @ -)`);
    if (token.length < 16) fail(source, `gives ${name} a token shorter than 16 characters; use a long random one (e.g. openssl rand -hex 32)`);
    const owner = into.get(token);
    if (owner !== undefined && owner !== name) fail(source, `gives two principals (${owner}, ${name}) the same token`);
    registerSecret(token);
    into.set(token, name);
  }
  return into;
}

export interface HttpFlags {
  host?: string | undefined;
  port?: string | undefined;
}

/** Settings of `videogen-mcp http`: flags win over VIDEOGEN_HTTP_HOST / VIDEOGEN_HTTP_PORT. */
export function loadHttpConfig(env: Env = process.env, flags: HttpFlags = {}, readFile: (p: string) => string = defaultReadFile): HttpConfig {
  const host = flags.host?.trim() || value(env, 'VIDEOGEN_HTTP_HOST') || DEFAULT_HTTP_HOST;
  const portText = flags.port?.trim() ?? value(env, 'VIDEOGEN_HTTP_PORT');
  let port = DEFAULT_HTTP_PORT;
  if (portText !== undefined) {
    const n = Number(portText);
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      fail(flags.port ? '--port' : 'VIDEOGEN_HTTP_PORT', `must be a port number from 0 to 65535 (got "${portText.slice(0, 20)}")`);
    port = n;
  }
  const tokens = new Map<string, string>();
  const tokenSources: string[] = [];
  // Raw, not value(): an unexpanded ${...} or a bare comma asks for tokens as surely as a real list.
  if (env['VIDEOGEN_AUTH_TOKENS']?.trim()) tokenSources.push('VIDEOGEN_AUTH_TOKENS');
  const inline = value(env, 'VIDEOGEN_AUTH_TOKENS');
  if (inline !== undefined) parseTokens(inline, 'VIDEOGEN_AUTH_TOKENS', tokens);
  const file = value(env, 'VIDEOGEN_AUTH_TOKENS_FILE');
  if (file !== undefined) tokenSources.push('VIDEOGEN_AUTH_TOKENS_FILE');
  if (file !== undefined) {
    let text: string;
    try {
      text = readFile(file);
    } catch (err) {
      fail('VIDEOGEN_AUTH_TOKENS_FILE', `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}: ${file})`);
    }
    parseTokens(text, 'VIDEOGEN_AUTH_TOKENS_FILE', tokens);
  }
  const issuer = value(env, 'VIDEOGEN_AUTH_ISSUER');
  // An unexpanded ${...} issuer asks for authentication too (checkExposure refuses to run without it).
  if (issuer === undefined && env['VIDEOGEN_AUTH_ISSUER']?.trim()) tokenSources.push('VIDEOGEN_AUTH_ISSUER');
  const audience = value(env, 'VIDEOGEN_AUTH_AUDIENCE');
  let oauth: HttpConfig['oauth'];
  if (issuer !== undefined) {
    parseUrl(env, 'VIDEOGEN_AUTH_ISSUER', 'https://idp.example.com');
    if (audience === undefined)
      fail('VIDEOGEN_AUTH_AUDIENCE', 'must be set with VIDEOGEN_AUTH_ISSUER: the audience access tokens for this server carry (usually its public URL)');
    const jwks = value(env, 'VIDEOGEN_AUTH_JWKS_URL');
    if (jwks !== undefined) parseUrl(env, 'VIDEOGEN_AUTH_JWKS_URL', 'https://idp.example.com/.well-known/jwks.json');
    const scopes = (value(env, 'VIDEOGEN_AUTH_SCOPES') ?? '').split(/[\s,]+/).filter(Boolean);
    oauth = { issuer, audience, jwksUrl: jwks, scopes };
  } else if (audience !== undefined || value(env, 'VIDEOGEN_AUTH_JWKS_URL') !== undefined) {
    fail('VIDEOGEN_AUTH_ISSUER', 'must be set when VIDEOGEN_AUTH_AUDIENCE or VIDEOGEN_AUTH_JWKS_URL is');
  }
  const databaseUrl = value(env, 'VIDEOGEN_DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) fail('VIDEOGEN_DATABASE_URL', 'must be a postgres:// URL');
  if (databaseUrl) {
    try {
      const pw = new URL(databaseUrl).password;
      registerSecret(pw ? decodeURIComponent(pw) : undefined);
      registerSecret(databaseUrl);
    } catch {
      fail('VIDEOGEN_DATABASE_URL', 'is not a valid URL');
    }
  }
  const databaseSchema = value(env, 'VIDEOGEN_DATABASE_SCHEMA');
  if (databaseSchema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema))
    fail('VIDEOGEN_DATABASE_SCHEMA', 'must be a lower-case SQL identifier (letters, digits, _)');
  const urlSigningKey = value(env, 'VIDEOGEN_URL_SIGNING_KEY');
  if (urlSigningKey !== undefined && urlSigningKey.length < 32) fail('VIDEOGEN_URL_SIGNING_KEY', 'must be at least 32 characters (e.g. openssl rand -hex 32)');
  registerSecret(urlSigningKey);
  const publicUrl = value(env, 'VIDEOGEN_PUBLIC_URL') === undefined ? undefined : parseUrl(env, 'VIDEOGEN_PUBLIC_URL', 'https://videogen.example.com');
  return {
    host,
    port,
    publicUrl,
    tokens,
    tokenSources,
    oauth,
    databaseUrl,
    databaseSchema,
    teamBudgetUsdDaily: parseNumber(env, 'VIDEOGEN_TEAM_BUDGET_USD_DAILY', { min: 0, max: 1_000_000 }),
    downloadUrlTtlSeconds:
      parseNumber(env, 'VIDEOGEN_DOWNLOAD_URL_TTL_SECONDS', { min: 10, max: 7 * 86_400, integer: true }) ?? DEFAULT_DOWNLOAD_URL_TTL_SECONDS,
    urlSigningKey,
  };
}

function defaultReadFile(p: string): string {
  return readFileSync(p, 'utf8');
}
