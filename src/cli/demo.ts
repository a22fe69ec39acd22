/**
 * `videogen-mcp demo [prompt]`: drives the real server through a real MCP client over stdio — lists
 * models, generates a video on the default backend (the simulator when no key is set), shows a
 * progress bar on stderr and prints the saved file's path. Real providers cost money, so with a key
 * set it shows the price first and asks (or needs --yes).
 */
import { createInterface } from 'node:readline/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';

const DEFAULT_PROMPT = 'A paper boat drifting down a rain-soaked street at dusk, cinematic, slow dolly in';

type Structured = Record<string, unknown>;

/**
 * How the demo ended when it did not produce a video: said as an outcome (what happened, what to do),
 * never as an internal error. `code` is the exit status.
 */
export class DemoOutcome extends Error {
  override name = 'DemoOutcome';
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

function bar(fraction: number, width = 30): string {
  const n = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${'#'.repeat(n)}${'-'.repeat(width - n)}] ${String(Math.round(fraction * 100)).padStart(3)}%`;
}

export async function demo(args: string[]): Promise<void> {
  try {
    await run(args);
  } catch (err) {
    if (!(err instanceof DemoOutcome)) throw err;
    process.stderr.write(`\n${err.message}\n`);
    process.exitCode = err.code;
  }
}

async function run(args: string[]): Promise<void> {
  const yes = args.includes('--yes') || args.includes('-y');
  const modelArg = args.find((a) => a.startsWith('--model='))?.slice('--model='.length);
  const prompt = args.filter((a) => !a.startsWith('-')).join(' ') || DEFAULT_PROMPT;
  const model = modelArg ?? 'hailuo-02';
  const err = (s: string) => process.stderr.write(s);

  const transport = new StdioClientTransport({
    command: process.execPath,
    // The bin that is running this command (dist/index.js): the demo talks to the very same server.
    args: [process.argv[1]!],
    env: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
    stderr: 'pipe',
  });
  const client = new Client({ name: 'videogen-demo', version: '1.0.0' });
  await client.connect(transport);
  const call = async (name: string, a: Structured, onprogress?: (p: { progress: number }) => void) => {
    const r = await client.callTool({ name, arguments: a }, CallToolResultSchema, {
      timeout: 120_000,
      ...(onprogress ? { onprogress, resetTimeoutOnProgress: true } : {}),
    });
    if (r.isError) {
      // The server's own one-sentence message (what went wrong, what to do), as the agent would see it.
      const text = (r.content as { type: string; text?: string }[]).map((c) => (c.type === 'text' ? c.text : '')).join(' ');
      throw new DemoOutcome(`${name} did not succeed: ${text.replace(/^Error(?: \([a-z_]+\))?: /, '')}`);
    }
    return r.structuredContent as Structured;
  };
  try {
    const { tools } = await client.listTools();
    err(`Connected to videogen-mcp: ${tools.length} tools (${tools.map((t) => t.name).join(', ')}).\n`);
    const { models } = (await call('list_models', {})) as { models: { id: string; offers: { provider: string; available: boolean }[] }[] };
    err(`${models.length} models: ${models.map((m) => m.id).join(', ')}\n`);

    const base: Structured = { model, prompt, duration_seconds: 6, output_resolution: '768p' };
    const plan = (await call('generate_video', { ...base, dry_run: true })) as { provider: string; simulated: boolean; estimated_cost_usd?: number };
    if (!plan.simulated) {
      const price = plan.estimated_cost_usd === undefined ? 'an unknown price' : `$${plan.estimated_cost_usd.toFixed(2)}`;
      err(`This will generate a REAL video on ${plan.provider} for ${price}.\n`);
      if (!yes) {
        if (!process.stdin.isTTY)
          throw new DemoOutcome('Nothing was submitted and nothing was spent: there is no terminal to confirm the price. Run again with --yes to accept it.');
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        const answer = await rl.question('Proceed? [y/N] ');
        rl.close();
        if (!/^y(es)?$/i.test(answer.trim())) throw new DemoOutcome('Not confirmed: nothing was submitted and nothing was spent.');
      }
    } else {
      err('No provider key is set: using the built-in simulator (simulated: true, a placeholder clip).\n');
    }

    const started = await call('generate_video', base);
    const jobId = String(started['job_id']);
    err(`Job ${jobId.slice(0, 40)}… started on ${String(started['provider'])}.\n`);
    let job = started;
    let last = -1;
    const draw = (f: number) => {
      if (f <= last) return;
      last = f;
      err(`\r${bar(f)} `);
    };
    draw(0);
    const deadline = Date.now() + 30 * 60_000;
    while (!['succeeded', 'failed', 'canceled'].includes(String(job['status'])) && Date.now() < deadline) {
      job = await call('check_job', { job_id: jobId, wait_seconds: 20 }, (p) => draw(p.progress));
      if (typeof job['progress'] === 'number') draw(job['progress']);
    }
    err('\n');
    if (job['status'] !== 'succeeded') {
      const e = job['error'] as { message?: string } | undefined;
      throw new DemoOutcome(`The job ${jobId} ended ${String(job['status'])}: ${e?.message ?? String(job['next_action'] ?? 'no reason given')}`);
    }
    draw(1);
    if (job['local_path']) {
      err(`Saved${job['simulated'] ? ' (simulated)' : ''}:\n`);
      process.stdout.write(`${String(job['local_path'])}\n`);
    } else {
      err(`Finished, but not saved locally: ${String(job['detail'] ?? job['next_action'])}\n`);
      process.stdout.write(`${String(job['video_url'])}\n`);
    }
  } finally {
    await client.close();
  }
}
