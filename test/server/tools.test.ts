import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { TOOLS } from '../../src/tools/index.js';
import { VERSION } from '../../src/version.js';
import { startHarness, structured, text, type Harness } from '../helpers.js';

const EXPECTED = ['list_models', 'generate_video', 'check_job', 'list_jobs', 'cancel_job'];
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('tool registry over the in-memory transport', () => {
  it('advertises exactly the five tools with titles, flat non-empty inputs, output schemas and all four annotations', async () => {
    h = await startHarness();
    const { tools } = await h.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...EXPECTED].sort());
    for (const t of tools) {
      expect(t.title, t.name).toBeTruthy();
      expect(t.inputSchema.type).toBe('object');
      expect(Object.keys(t.inputSchema.properties ?? {}).length, t.name).toBeGreaterThan(0);
      expect(t.outputSchema?.type, t.name).toBe('object');
      const a = t.annotations ?? {};
      for (const k of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) expect(typeof a[k], `${t.name}.${k}`).toBe('boolean');
      expect(t.description!.length, t.name).toBeLessThan(2048);
      expect(t.description, t.name).toMatch(/Example:/);
      // portable subset: unknown arguments are refused at call time, not by the advertised schema
      expect(t.inputSchema['additionalProperties'], t.name).toBeUndefined();
      // no root unions (advertised as empty objects by SDK 1.32 + zod 4)
      expect(JSON.stringify(t.inputSchema)).not.toMatch(/"anyOf":\[\{"type":"object"/);
    }
    const gen = tools.find((t) => t.name === 'generate_video')!;
    for (const f of [
      'model',
      'prompt',
      'first_frame_image_url',
      'last_frame_image_url',
      'source_video_url',
      'duration_seconds',
      'output_resolution',
      'aspect_ratio',
      'prompt_optimizer',
      'callback_url',
      'provider',
      'wait_seconds',
      'idempotency_key',
    ])
      expect(Object.keys(gen.inputSchema.properties!)).toContain(f);
    expect(gen.inputSchema.required).toEqual(['model']);
    expect(gen.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true });
    expect(tools.find((t) => t.name === 'check_job')!.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true });
    expect(tools.find((t) => t.name === 'cancel_job')!.annotations).toMatchObject({ destructiveHint: true });
    expect(tools.find((t) => t.name === 'list_models')!.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: false });
  });

  it('keeps the registry consistent with the package version and names', () => {
    expect(TOOLS.map((t) => t.name)).toEqual(EXPECTED);
    expect(JSON.parse(readFileSync('package.json', 'utf8')).version).toBe(VERSION);
  });
});

describe('the simulator flow with no key', () => {
  it('lists models with offers marked available only for the simulator', async () => {
    h = await startHarness();
    const r = await h.call('list_models', {});
    const { models } = structured<{ models: { id: string; offers: { provider: string; available: boolean }[] }[] }>(r);
    expect(models.map((m) => m.id)).toEqual(expect.arrayContaining(['hailuo-02', 'hailuo-2.3', 'hailuo-2.3-fast', 'runway', 'runway-aleph']));
    for (const m of models) for (const o of m.offers) expect(o.available, `${m.id}/${o.provider}`).toBe(o.provider === 'simulator');
    expect(text(r)).toMatch(/simulator/);
  });

  it('generate_video → check_job reaches succeeded with a saved MP4 and a resource_link, saying plainly it is simulated', async () => {
    h = await startHarness();
    const started = await h.call('generate_video', { model: 'hailuo-02', prompt: 'a red kite over the sea' });
    const job = structured<{ job_id: string; status: string; simulated: boolean; provider: string; poll_after_seconds: number; next_action: string }>(started);
    expect(job.job_id).toMatch(/^simulator_/);
    expect(job.simulated).toBe(true);
    expect(job.provider).toBe('simulator');
    expect(['queued', 'running']).toContain(job.status);
    expect(job.poll_after_seconds).toBeGreaterThan(0);
    expect(job.next_action).toMatch(/check_job/);
    expect(text(started)).toMatch(/SIMULATED/);
    const done = await h.call('check_job', { job_id: job.job_id, wait_seconds: 10 });
    const out = structured<{ status: string; local_path: string; video_url: string; next_action: string }>(done);
    expect(out.status).toBe('succeeded');
    expect(out.local_path.startsWith(h.outputDir)).toBe(true);
    expect(readFileSync(out.local_path).subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(out.next_action).toContain(out.local_path);
    const link = done.content.find((c) => c.type === 'resource_link') as { uri: string; mimeType: string } | undefined;
    expect(link?.mimeType).toBe('video/mp4');
    expect(link?.uri).toBe(`file://${out.local_path}`);
    // the same JSON as text
    expect(done.content.some((c) => c.type === 'text' && c.text === JSON.stringify(done.structuredContent))).toBe(true);
  });

  it('sends progress notifications only when a progressToken is given, increasing', async () => {
    h = await startHarness({ env: { VIDEOGEN_SIMULATOR_SECONDS: '3' } });
    const seen: number[] = [];
    const r = await h.call('generate_video', { model: 'hailuo-2.3', prompt: 'p', wait_seconds: 15 }, { onprogress: (p) => seen.push(p.progress) });
    expect(structured<{ status: string }>(r).status).toBe('succeeded');
    expect(seen.length).toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
  });

  it('refuses duration_seconds 7 for hailuo-02 as an isError result naming the allowed durations, before any job exists', async () => {
    h = await startHarness();
    const r = await h.call('generate_video', { model: 'hailuo-02', prompt: 'p', duration_seconds: 7 });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/duration/);
    expect(text(r)).toMatch(/6/);
    expect(text(r)).toMatch(/10/);
    const list = structured<{ jobs: unknown[] }>(await h.call('list_jobs', {}));
    expect(list.jobs).toHaveLength(0);
  });

  it('refuses an unknown model listing valid ones, and unknown fields', async () => {
    h = await startHarness();
    const r = await h.call('generate_video', { model: 'hailuo-99', prompt: 'p' });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/hailuo-02/);
    const r2 = await h.call('generate_video', { model: 'hailuo-02', prompt: 'p', webhook_url: 'https://x' });
    expect(r2.isError).toBe(true);
    expect(text(r2)).toMatch(/Unknown field "webhook_url": use callback_url/);
    const r3 = await h.call('generate_video', { model: 'hailuo-02', prompt: 'p', resolution: '768p' });
    expect(text(r3)).toMatch(/Unknown field "resolution": use output_resolution/);
    const r4 = await h.call('check_job', { job_id: 'x', wait: 5 });
    expect(r4.isError).toBe(true);
  });

  it('check_job on garbage is a clear isError', async () => {
    h = await startHarness();
    const r = await h.call('check_job', { job_id: 'nope' });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/not a videogen job id/);
  });

  it("a client's cancellation ends the wait without cancelling the job", async () => {
    h = await startHarness({ env: { VIDEOGEN_SIMULATOR_SECONDS: '2' } });
    const job = structured<{ job_id: string }>(await h.call('generate_video', { model: 'hailuo-02', prompt: 'keep going' }));
    const ac = new AbortController();
    const started = Date.now();
    const waiting = h.client.callTool({ name: 'check_job', arguments: { job_id: job.job_id, wait_seconds: 40 } }, undefined, { signal: ac.signal });
    setTimeout(() => ac.abort('user hit escape'), 200);
    await expect(waiting).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
    const done = structured<{ status: string }>(await h.call('check_job', { job_id: job.job_id, wait_seconds: 10 }));
    expect(done.status).toBe('succeeded');
  });

  it('a client cancelling generate_video mid-submit does not abandon the job the provider may bill', async () => {
    const { startFakeAtlas, FAKE_ATLAS_KEY } = await import('../fakes/atlascloud.js');
    const fake = await startFakeAtlas({ pollsToComplete: 1 });
    try {
      h = await startHarness({ env: { ATLASCLOUD_API_KEY: FAKE_ATLAS_KEY, ATLASCLOUD_BASE_URL: fake.url, VIDEOGEN_DOWNLOAD: 'off' } });
      fake.addFault({ method: 'POST', path: '/api/v1/model/generateVideo', action: 'delay', delayMs: 600 });
      const ac = new AbortController();
      const call = h.client.callTool(
        { name: 'generate_video', arguments: { model: 'minimax/hailuo-02/fast', prompt: 'slow', first_frame_image_url: 'https://cdn.example.com/f.jpg' } },
        undefined,
        { signal: ac.signal },
      );
      setTimeout(() => ac.abort('user hit escape'), 200);
      await expect(call).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 1000));
      expect(fake.requestsTo('POST', '/api/v1/model/generateVideo')).toHaveLength(1);
      const jobs = structured<{ jobs: { job_id: string; provider: string }[] }>(await h.call('list_jobs', {})).jobs;
      expect(jobs).toHaveLength(1);
      expect(jobs[0]!.job_id.startsWith('atlascloud_')).toBe(true);
    } finally {
      await fake.close();
    }
  });

  it('cancel_job cancels a simulated job and it stays canceled', async () => {
    h = await startHarness({ env: { VIDEOGEN_SIMULATOR_SECONDS: '30' } });
    const job = structured<{ job_id: string }>(await h.call('generate_video', { model: 'hailuo-02', prompt: 'p' }));
    const c = structured<{ status: string }>(await h.call('cancel_job', { job_id: job.job_id }));
    expect(c.status).toBe('canceled');
    const again = structured<{ status: string }>(await h.call('check_job', { job_id: job.job_id }));
    expect(again.status).toBe('canceled');
  });

  it('a second runtime on the same state dir sees the job (check_job and list_jobs)', async () => {
    h = await startHarness();
    const job = structured<{ job_id: string }>(await h.call('generate_video', { model: 'hailuo-02', prompt: 'shared' }));
    const other = await startHarness({ stateDir: h.stateDir, workDir: h.workDir });
    try {
      const listed = structured<{ jobs: { job_id: string }[] }>(await other.call('list_jobs', {}));
      expect(listed.jobs.map((j) => j.job_id)).toContain(job.job_id);
      const checked = structured<{ status: string; local_path?: string }>(await other.call('check_job', { job_id: job.job_id, wait_seconds: 10 }));
      expect(checked.status).toBe('succeeded');
      expect(existsSync(checked.local_path!)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('check_job works from a fresh state dir: the job id carries what the status call needs', async () => {
    h = await startHarness();
    const job = structured<{ job_id: string }>(await h.call('generate_video', { model: 'hailuo-02', prompt: 'portable' }));
    const other = await startHarness(); // a different, empty ledger
    try {
      const checked = structured<{ status: string; model: string; local_path?: string }>(
        await other.call('check_job', { job_id: job.job_id, wait_seconds: 10 }),
      );
      expect(checked.status).toBe('succeeded');
      expect(checked.model).toBe('hailuo-02');
      expect(existsSync(checked.local_path!)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('the background watcher records completion and saves the video without the agent asking', async () => {
    h = await startHarness();
    const job = structured<{ job_id: string }>(await h.call('generate_video', { model: 'hailuo-02', prompt: 'unattended' }));
    const { Ledger } = await import('../../src/jobs/ledger.js');
    const ledger = new Ledger(h.stateDir);
    let rec = await ledger.get(job.job_id);
    for (let i = 0; i < 100 && !rec?.local_path; i++) {
      await new Promise((r) => setTimeout(r, 100));
      rec = await ledger.get(job.job_id);
    }
    expect(rec?.status).toBe('succeeded');
    expect(existsSync(rec!.local_path!)).toBe(true);
  });

  it('reuses the job for a repeated idempotency_key and refuses the key for other parameters', async () => {
    h = await startHarness();
    const a = structured<{ job_id: string }>(await h.call('generate_video', { model: 'hailuo-02', prompt: 'same', idempotency_key: 'k-1' }));
    const b = structured<{ job_id: string; reused?: boolean }>(await h.call('generate_video', { model: 'hailuo-02', prompt: 'same', idempotency_key: 'k-1' }));
    expect(b.job_id).toBe(a.job_id);
    expect(b.reused).toBe(true);
    const c = await h.call('generate_video', { model: 'hailuo-02', prompt: 'different', idempotency_key: 'k-1' });
    expect(c.isError).toBe(true);
    expect(text(c)).toMatch(/conflict/);
  });

  it('dry_run returns the plan and creates no job', async () => {
    h = await startHarness();
    const r = structured<{ dry_run: { provider: string; native_model: string }; simulated: boolean }>(
      await h.call('generate_video', { model: 'hailuo-02', prompt: 'p', dry_run: true }),
    );
    expect(r.dry_run.provider).toBe('simulator');
    expect(structured<{ jobs: unknown[] }>(await h.call('list_jobs', {})).jobs).toHaveLength(0);
  });

  it('saves under the home directory when started in / with no roots (GUI clients)', async () => {
    const home = (await import('../helpers.js')).tempDir('videogen-home-');
    const prevHome = process.env['HOME'];
    process.env['HOME'] = home;
    try {
      h = await startHarness({ workDir: '/' });
      const job = structured<{ job_id: string }>(await h.call('generate_video', { model: 'hailuo-02', prompt: 'from root' }));
      const done = structured<{ local_path: string }>(await h.call('check_job', { job_id: job.job_id, wait_seconds: 10 }));
      expect(done.local_path.startsWith(`${home}/videogen-videos/`)).toBe(true);
    } finally {
      process.env['HOME'] = prevHome;
    }
  });

  it('sweeps stale partial downloads a killed process left behind, and keeps fresh ones', async () => {
    const { mkdirSync, writeFileSync, utimesSync, readdirSync } = await import('node:fs');
    h = await startHarness();
    mkdirSync(h.outputDir, { recursive: true });
    const stale = `${h.outputDir}/.0123abcd-old.part-a1b2c3d4e5f6`;
    const fresh = `${h.outputDir}/.89abcdef-live.part-0f0f0f0f0f0f`;
    writeFileSync(stale, 'half a video');
    writeFileSync(fresh, 'still downloading');
    const old = new Date(Date.now() - 2 * 3600_000);
    utimesSync(stale, old, old);
    const job = structured<{ job_id: string }>(await h.call('generate_video', { model: 'hailuo-02', prompt: 'sweep' }));
    structured(await h.call('check_job', { job_id: job.job_id, wait_seconds: 10 }));
    const left = readdirSync(h.outputDir);
    expect(left).not.toContain('.0123abcd-old.part-a1b2c3d4e5f6');
    expect(left).toContain('.89abcdef-live.part-0f0f0f0f0f0f');
  });

  it('saves into videos/ under the first MCP root when the client offers roots', async () => {
    const root = (await import('../helpers.js')).tempDir('videogen-root-');
    h = await startHarness({ roots: [root] });
    const job = structured<{ job_id: string }>(await h.call('generate_video', { model: 'hailuo-02', prompt: 'rooted' }));
    const done = structured<{ local_path: string }>(await h.call('check_job', { job_id: job.job_id, wait_seconds: 10 }));
    expect(done.local_path.startsWith(`${root}/videos/`)).toBe(true);
  });
});
