/** `videogen-mcp doctor`: which providers are configured, and whether the state and output dirs are writable. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadConfig, REAL_PROVIDERS } from '../config.js';
import { toAgentMessage } from '../errors.js';

async function writable(dir: string): Promise<string | undefined> {
  try {
    await fs.mkdir(dir, { recursive: true });
    const probe = path.join(dir, `.videogen-doctor-${process.pid}`);
    await fs.writeFile(probe, 'ok');
    await fs.rm(probe);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export async function doctor(): Promise<void> {
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
  out(
    `Downloads: ${config.download ? 'on' : 'off (VIDEOGEN_DOWNLOAD=off)'}; wait cap ${config.maxWaitSeconds} s; daily budget ${config.budgetUsdDaily ?? 'none'}; confirm above ${config.confirmAboveUsd ?? 'never'}`,
  );
  out(ok ? 'All good.' : 'Fix the items marked ✗.');
  if (!ok) process.exitCode = 1;
}
