/**
 * The whole agent flow — list, generate, wait, check, list_jobs, cancel — through every real client in
 * clients.ts, against the built server over stdio with the simulator. Each client gets only what its
 * protocol version defines: an SDK 1.11 client throws on a `resource_link` item or an unknown content
 * type, so a passing flow here is the proof, not the absence of a field in our own output.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MODELS } from '../../src/catalog/index.js';
import { BIN } from '../e2e/stdio-client.js';
import { tempDir } from '../helpers.js';
import { CLIENTS, type AnyResult } from './clients.js';

const text = (r: AnyResult) => r.content.map((c) => (c.type === 'text' ? (c.text ?? '') : '')).join('\n');
/** The JSON text item every result carries (old clients have no structuredContent). */
const json = (r: AnyResult): Record<string, unknown> => {
  for (const c of r.content) if (c.type === 'text' && c.text?.startsWith('{')) return JSON.parse(c.text) as Record<string, unknown>;
  throw new Error(`no JSON text item in ${JSON.stringify(r).slice(0, 500)}`);
};

describe('real MCP clients drive the built server (simulator)', () => {
  if (!existsSync(BIN)) throw new Error('dist/index.js is missing: run `npm run build` (npm test does it in pretest)');

  it.concurrent.each(CLIENTS)('$name ($protocol): list, generate, wait, check, list_jobs, cancel', async (c) => {
    const work = tempDir('videogen-compat-');
    // VIDEOGEN_OUTPUT_DIR: SDK 1.0's stdio transport has no cwd option.
    const client = await c.connect(
      { VIDEOGEN_STATE_DIR: `${work}/.state`, VIDEOGEN_OUTPUT_DIR: `${work}/videos`, VIDEOGEN_SIMULATOR_SECONDS: '3', VIDEOGEN_LOG_LEVEL: 'error' },
      work,
    );
    try {
      const modern = c.protocol >= '2025-06-18';
      // tools/list as this protocol version defines a Tool
      const tools = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(['cancel_job', 'check_job', 'generate_video', 'list_jobs', 'list_models']);
      for (const t of tools) {
        expect(Boolean(t.title), `${t.name}.title`).toBe(modern);
        expect(Boolean(t.outputSchema), `${t.name}.outputSchema`).toBe(modern);
        expect(Boolean(t.annotations), `${t.name}.annotations`).toBe(c.protocol >= '2025-03-26');
        if (c.protocol === '2025-03-26') expect(t.annotations?.['title'], `${t.name}: display name in annotations.title`).toBeTruthy();
      }
      expect(Boolean(client.serverTitle())).toBe(modern);
      await client.setLogLevel('info');

      // list_models {}: every model id in the first 1,500 characters
      const models = await client.call('list_models', {});
      for (const m of MODELS) expect(text(models).slice(0, 1500)).toContain(m.id);

      // generate (a numeric string, as agents send it) and wait
      const started = await client.call('generate_video', { model: 'hailuo-02', prompt: 'a paper boat', duration_seconds: '6' });
      expect(started.isError, text(started)).toBeFalsy();
      const jobId = String(json(started)['job_id']);
      expect(jobId).toMatch(/^simulator_/);
      expect(client.logs.map((l) => (l as { message?: string }).message)).toContain('job submitted');

      let done: AnyResult | undefined;
      for (let i = 0; i < 5 && !done; i++) {
        const r = await client.call('check_job', { job_id: jobId, wait_seconds: 10 });
        if (json(r)['status'] === 'succeeded') done = r;
      }
      expect(done, 'job succeeded').toBeDefined();
      const localPath = String(json(done!)['local_path']);
      expect(localPath.startsWith(work)).toBe(true);
      // what an agent that reads only the first 1,500 characters of text needs: the saved path
      expect(text(done!).slice(0, 1500)).toContain(localPath);
      const link = done!.content.find((x) => x.type === 'resource_link');
      if (modern) {
        expect(link?.mimeType).toBe('video/mp4');
        expect(done!.structuredContent?.['local_path']).toBe(localPath);
      } else {
        expect(link).toBeUndefined();
        expect(done!.structuredContent).toBeUndefined();
        expect(text(done!)).toContain('Video file: file://');
      }

      // list_jobs: compact rows, the job in the first 1,500 characters
      const list = await client.call('list_jobs', {});
      expect(text(list).slice(0, 1500)).toContain(jobId);
      expect(text(list).slice(0, 1500)).toContain(localPath);

      // cancel a running job, then cancel it again (nothing left to cancel)
      const second = await client.call('generate_video', { model: 'hailuo-2.3', prompt: 'a kite' });
      const secondId = String(json(second)['job_id']);
      const canceled = await client.call('cancel_job', { job_id: secondId });
      expect(canceled.isError, text(canceled)).toBeFalsy();
      expect(json(canceled)).toMatchObject({ status: 'canceled', canceled: true });
      const again = await client.call('cancel_job', { job_id: done ? jobId : secondId });
      expect(json(again)['canceled']).toBe(false);
      expect(text(again)).toMatch(/^Nothing was canceled: the job had already succeeded/);

      // a refusal is an isError result naming the field and the allowed values, for every client
      const bad = await client.call('check_job', { job_id: jobId, wait_seconds: 'soon' });
      expect(bad.isError).toBe(true);
      expect(text(bad)).toMatch(/wait_seconds got "soon"; allowed: a number from 0 to 600/);
    } finally {
      await client.close();
    }
  });
});
