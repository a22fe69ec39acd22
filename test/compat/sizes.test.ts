/**
 * Results sized for the client, essentials first, and schemas every client accepts.
 *
 * Limits (reference/mcp.md §4): Claude Code refuses a tool result over 25,000 tokens; Hermes Agent reads
 * only the first 1,500 characters of the text (and ignores structuredContent when there is text); the
 * whole `tools/list` stays under 2,000 o200k tokens. The ledger is filled with 100 finished jobs whose
 * signed result URLs are ~330 characters, and every tool is called with inputs that could grow.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODELS } from '../../src/catalog/index.js';
import { encodeJobId } from '../../src/jobs/job-id.js';
import { Ledger } from '../../src/jobs/ledger.js';
import { PORTABLE_KEYWORDS } from '../../src/tools/schema.js';
import { startHarness, tempDir, text, type Harness } from '../helpers.js';

const RESULT_TOKENS_MAX = 25_000;
const FIRST_TEXT_CHARS = 1_500;
const TOOL_LIST_TOKENS_MAX = 2_000;

const tokens = (v: unknown) => encode(JSON.stringify(v)).length;
const head = (r: CallToolResult) => text(r).slice(0, FIRST_TEXT_CHARS);

/** A presigned S3-style URL of about 330 characters, as RunAPI and Runway return them. */
function signedUrl(i: number): string {
  const u = `https://dnznrvs05pmza.cloudfront.net/outputs/2026-11-30/${i.toString(16).padStart(8, '0')}-7d1c-4c3e-9a57-b1f0c2d3e4f5/video.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261130%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261130T010000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=`;
  return u + 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'.slice(0, Math.max(0, 330 - u.length));
}

let h: Harness;
const jobIds: string[] = [];
const paths: string[] = [];

beforeAll(async () => {
  const stateDir = tempDir('videogen-sizes-');
  const ledger = new Ledger(stateDir);
  const t0 = Date.now();
  // Oldest first, as jobs are really created (a store may order by insertion as well as by created_at).
  const order = Array.from({ length: 100 }, (_, i) => 99 - i);
  const recs: { i: number; jobId: string; local: string }[] = [];
  for (const i of order) {
    const at = new Date(t0 - i * 60_000).toISOString();
    const jobId = encodeJobId('runapi', 'hailuo-02', { id: `task_${i.toString().padStart(4, '0')}_01JDXK9Q2W3E4R5T6Y7U8I9O0P` });
    const local = `/home/someone/projects/launch-video/videos/${jobId.slice(-12)}-a-paper-boat-drifting-down-a-rainy-street.mp4`;
    recs.push({ i, jobId, local });
    await ledger.put({
      job_id: jobId,
      provider: 'runapi',
      model: 'hailuo-02',
      native_model: 'hailuo-02-image-to-video-standard',
      params: { prompt: 'a paper boat drifting down a rainy street at dusk, cinematic, shallow depth of field '.repeat(4), duration_seconds: 6 },
      status: i % 10 === 9 ? 'failed' : 'succeeded',
      progress: 0.92,
      ...(i % 10 === 9 ? { error: { code: 'moderation', message: 'runapi said (untrusted, truncated): "x"'.repeat(4) } } : {}),
      video_url: signedUrl(i),
      video_expires_at: new Date(t0 + 86_400_000).toISOString(),
      local_path: local,
      local_bytes: 4_718_592,
      simulated: false,
      estimated_cost_usd: 0.3,
      billed_cost_usd: 0.3,
      created_at: at,
      updated_at: at,
      completed_at: at,
    });
  }
  // Newest first, as list_jobs shows them.
  for (const r of recs.sort((a, b) => a.i - b.i)) {
    jobIds.push(r.jobId);
    paths.push(r.local);
  }
  expect(signedUrl(1).length).toBeGreaterThanOrEqual(320);
  h = await startHarness({ stateDir, env: { VIDEOGEN_DOWNLOAD: 'false' } });
});
afterAll(async () => h?.close());

function withinLimits(name: string, r: CallToolResult): void {
  expect(tokens(r), `${name}: whole result (content + structuredContent) in o200k tokens`).toBeLessThan(RESULT_TOKENS_MAX);
  expect(text(r).length, `${name}: has text`).toBeGreaterThan(0);
}

describe('every tool result stays under 25,000 tokens and leads with what the agent needs', () => {
  it('list_models {}: one line per model in the first 1,500 characters (id, modes, durations, resolutions, price, providers)', async () => {
    const r = await h.call('list_models', {});
    withinLimits('list_models {}', r);
    for (const m of MODELS) {
      const line = head(r)
        .split('\n')
        .find((l) => l.startsWith(`${m.id}|`));
      expect(line, `${m.id} has a line in the first 1,500 characters`).toBeDefined();
      expect(line).toMatch(/\$|price unknown/);
      if (m.params.durations.length) expect(line).toContain(`${m.params.durations.at(-1)}s`);
      for (const res of m.params.resolutions) expect(line).toContain(res);
    }
  });

  it.each(MODELS.map((m) => m.id))('list_models {model:%s}: parameters, defaults and joint rules first; wire detail only on request', async (id) => {
    const r = await h.call('list_models', { model: id });
    withinLimits(id, r);
    const first = head(r);
    expect(first).toContain('Parameters:');
    expect(first).toMatch(/duration_seconds/);
    const model = MODELS.find((m) => m.id === id)!;
    for (const rule of model.rules) expect(first, `${id}: rule ${rule.id} in the first 1,500 characters`).toContain(rule.message.slice(0, 60));
    expect(text(r)).not.toContain('wire_fields');
    expect(JSON.stringify(r.structuredContent)).not.toContain('"endpoint"');
    const wire = await h.call('list_models', { model: id, wire_details: true });
    withinLimits(`${id} wire`, wire);
    expect(JSON.stringify(wire.structuredContent)).toContain('"endpoint"');
  });

  it('list_jobs: compact rows, any limit fits, and the cursor walks all 100 jobs exactly once', async () => {
    for (const args of [{}, { limit: 100 }, { limit: '100' }, { status: 'succeeded', limit: 100 }]) {
      const r = await h.call('list_jobs', args);
      withinLimits(`list_jobs ${JSON.stringify(args)}`, r);
      expect(head(r)).toContain(jobIds[0]);
      expect(head(r)).toContain(paths[0]);
      const row = (r.structuredContent as { jobs: Record<string, unknown>[] }).jobs[0]!;
      expect(Object.keys(row).sort()).toEqual(['created_at', 'job_id', 'local_path', 'model', 'status']);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const r = await h.call('list_jobs', { limit: 100, ...(cursor ? { cursor } : {}) });
      withinLimits(`list_jobs page ${page}`, r);
      const s = r.structuredContent as { jobs: { job_id: string }[]; next_cursor?: string };
      seen.push(...s.jobs.map((j) => j.job_id));
      cursor = s.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(jobIds);
  });

  it('check_job: the saved path in the first 1,500 characters; a failed job reports no progress', async () => {
    const ok = await h.call('check_job', { job_id: jobIds[0]! });
    withinLimits('check_job', ok);
    expect(head(ok)).toContain(paths[0]);
    const failed = await h.call('check_job', { job_id: jobIds[9]! });
    withinLimits('check_job failed', failed);
    expect(failed.structuredContent?.['status']).toBe('failed');
    expect(failed.structuredContent?.['progress']).toBeUndefined();
    expect(text(failed)).not.toMatch(/92 ?%/);
    expect(head(failed)).toMatch(/Error \(moderation\)/);
  });

  it('generate_video (dry run, job, refusal) and cancel_job stay small and lead with the next step', async () => {
    const dry = await h.call('generate_video', { model: 'hailuo-02', prompt: 'p', dry_run: true });
    withinLimits('dry run', dry);
    expect(head(dry)).toMatch(/a real video would cost .*\$/);
    const job = await h.call('generate_video', { model: 'runway-gen4.5', prompt: 'x'.repeat(1000), aspect_ratio: '9:16' });
    withinLimits('generate_video', job);
    expect(head(job)).toContain(String(job.structuredContent?.['job_id']));
    const bad = await h.call('generate_video', {
      model: 'hailuo-02',
      prompt: 'x'.repeat(5000),
      duration_seconds: 10,
      output_resolution: '1080p',
      nope: 'y'.repeat(5000),
    });
    withinLimits('refusal', bad);
    expect(bad.isError).toBe(true);
    const cancel = await h.call('cancel_job', { job_id: jobIds[0]! });
    withinLimits('cancel_job', cancel);
    expect(head(cancel)).toMatch(/^Nothing was canceled: the job had already succeeded/);
  });
});

describe('tools/list: portable, and within 2,000 o200k tokens', () => {
  it('uses only the portable JSON Schema subset (no format, no additionalProperties, no ±2^53 bounds)', async () => {
    const { tools } = await h.client.listTools();
    const walk = (schema: unknown, where: string): void => {
      expect(schema && typeof schema === 'object' && !Array.isArray(schema), where).toBe(true);
      for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
        expect(PORTABLE_KEYWORDS.has(k), `${where}: keyword "${k}"`).toBe(true);
        if ((k === 'minimum' || k === 'maximum') && typeof v === 'number') expect(Math.abs(v), `${where}.${k}`).toBeLessThan(2 ** 52);
        if (k === 'type') expect(typeof v, `${where}: type is one name, not an array`).toBe('string');
        if (k === 'properties') for (const [p, s] of Object.entries(v as Record<string, unknown>)) walk(s, `${where}.${p}`);
        if (k === 'items') walk(v, `${where}[]`);
      }
    };
    for (const t of tools) {
      walk(t.inputSchema, `${t.name}.inputSchema`);
      if (t.outputSchema) walk(t.outputSchema, `${t.name}.outputSchema`);
    }
    // exactly what the task names, in the listing a Gemini session would see
    expect(JSON.stringify(tools)).not.toMatch(/"format"|"additionalProperties"|"\$schema"|9007199254740991/);
  });

  it(`weighs at most ${TOOL_LIST_TOKENS_MAX} o200k tokens with output schemas`, async () => {
    const list = await h.client.listTools();
    expect(tokens(list)).toBeLessThanOrEqual(TOOL_LIST_TOKENS_MAX);
  });

  it('describes every generate_video field, and the model field lists every model id', async () => {
    const { tools } = await h.client.listTools();
    const gen = tools.find((t) => t.name === 'generate_video')!;
    const props = gen.inputSchema.properties as Record<string, { description?: string }>;
    for (const f of [
      'model',
      'prompt',
      'first_frame_image_url',
      'last_frame_image_url',
      'source_video_url',
      'duration_seconds',
      'output_resolution',
      'aspect_ratio',
    ])
      expect(props[f]?.description, `${f} has a description`).toBeTruthy();
    for (const m of MODELS) expect(props['model']!.description).toContain(m.id);
  });
});
