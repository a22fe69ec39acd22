/**
 * `videogen-mcp doctor`: which providers are configured, whether each key works (a free account call
 * where the provider documents one), and whether the state and output directories are writable.
 */
import { constants as fsConstants, promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { loadConfig, REAL_PROVIDERS, type Config } from '../config.js';
import { toAgentMessage } from '../errors.js';

/** Whether `dir` is writable, or can be created: checked without creating anything. */
async function writable(dir: string): Promise<string | undefined> {
  let probe = path.resolve(dir);
  for (;;) {
    try {
      const st = await fs.stat(probe);
      if (!st.isDirectory()) return `${probe} is not a directory`;
      await fs.access(probe, fsConstants.W_OK);
      return undefined;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') return (err as Error).message;
      const parent = path.dirname(probe);
      if (parent === probe) return 'no existing parent directory';
      probe = parent; // not there yet: it will be created under the nearest existing parent
    }
  }
}

/** A free account call per configured provider: does the key actually work? */
async function checkKeys(config: Config, out: (s: string) => void): Promise<boolean> {
  const { createAdapters } = await import('../providers/index.js');
  const adapters = createAdapters(config);
  let ok = true;
  const ids = REAL_PROVIDERS.filter((id) => config.providers[id].apiKey);
  if (ids.length) out('Keys (a free account call each; nothing is generated or billed):');
  await Promise.all(
    ids.map(async (id) => {
      const adapter = adapters[id];
      let line: string;
      if (!adapter?.checkAccount) line = `  · ${id.padEnd(11)} not checked: ${id} documents no free account endpoint; the first generate_video will tell`;
      else {
        const signal = AbortSignal.timeout(config.callBudgetMs);
        try {
          line = `  ✓ ${id.padEnd(11)} ${await adapter.checkAccount({ signal })}`;
        } catch (err) {
          ok = false;
          line = `  ✗ ${id.padEnd(11)} ${accountCheckFailure(config, id, err, signal)}`;
        }
      }
      out(line);
    }),
  );
  return ok;
}

/**
 * What a failed account check means, as an outcome: no answer in time, or an account endpoint the
 * base URL does not serve (a 404 here is not "unknown job", which is what the adapters' status
 * classification would say), else the adapter's own one-sentence message.
 */
function accountCheckFailure(config: Config, id: (typeof REAL_PROVIDERS)[number], err: unknown, signal: AbortSignal): string {
  const p = config.providers[id];
  if (signal.aborted) return `no answer from ${p.baseUrl} within ${config.callBudgetMs / 1000} s; check ${p.baseUrlEnv} and your network.`;
  const { code, message } = toAgentMessage(err);
  if (code === 'not_found') return `${p.baseUrl} has no ${id} account endpoint (HTTP 404); check ${p.baseUrlEnv}.`;
  return message;
}

export async function doctor(args: string[] = []): Promise<void> {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    out(`✗ configuration: ${toAgentMessage(err).message}`);
    process.exitCode = 1;
    return;
  }
  out('Providers:');
  let any = false;
  for (const id of REAL_PROVIDERS) {
    const p = config.providers[id];
    if (p.apiKey) any = true;
    out(`  ${p.apiKey ? '✓' : '·'} ${id.padEnd(11)} ${p.apiKey ? `key set (${p.keyEnv})` : `not configured: set ${p.keyEnv}`}  ${p.baseUrl}`);
  }
  out(`  ✓ simulator   ${any ? 'available with provider: "simulator"' : 'serves every model (no key is set)'}`);
  let ok = true;
  for (const [label, dir] of [
    ['state dir (job ledger)', config.stateDir],
    ['output dir (videos)', config.outputDir ?? path.join(config.cwd, 'videos') + ' (default: videos/ under the first MCP root, else here)'],
  ] as const) {
    const real = dir.split(' (')[0]!;
    const problem = await writable(real);
    if (problem) ok = false;
    out(`${problem ? '✗' : '✓'} ${label}: ${dir}${problem ? ` — not writable: ${problem}` : ''}`);
  }
  if (!args.includes('--offline') && !(await checkKeys(config, out))) ok = false;
  out(
    `Downloads: ${config.download ? 'on' : 'off (VIDEOGEN_DOWNLOAD=off)'}; wait cap ${config.maxWaitSeconds} s; daily budget ${config.budgetUsdDaily ?? 'none'}; confirm above ${config.confirmAboveUsd ?? 'never'}`,
  );
  const { configuredClients } = await import('./init.js');
  const clients = await configuredClients({ platform: process.platform, home: homedir(), env: process.env }, config.cwd);
  out(
    clients.length
      ? `Clients: ${clients.map((c) => `${c.id} (${c.file})`).join(', ')}`
      : 'Clients: no MCP client config starts videogen yet; run `videogen-mcp init` to see them, `videogen-mcp init <client>` to add it.',
  );
  out(ok ? 'All good.' : 'Fix the items marked ✗.');
  if (!ok) process.exitCode = 1;
}
