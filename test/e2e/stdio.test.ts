/** The built binary over real stdio, with no key (the simulator). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { BIN, startRaw, untilDone, type RawServer } from './stdio-client.js';

const running: RawServer[] = [];
afterEach(() => {
  for (const s of running.splice(0)) s.proc.kill('SIGKILL');
});
beforeAll(() => {
  if (!existsSync(BIN)) throw new Error('dist/index.js is missing: run `npm run build` (npm test does it in pretest)');
});

function start(env: Record<string, string>, cwd: string): RawServer {
  const s = startRaw(env, cwd);
  running.push(s);
  return s;
}

describe('stdio end to end, no API key', () => {
  it('serves the five tools, generates on the simulator, saves an MP4, and a second process sees the job', async () => {
    const work = tempDir('videogen-e2e-work-');
    const env = { VIDEOGEN_STATE_DIR: path.join(work, '.state'), VIDEOGEN_SIMULATOR_SECONDS: '1' };
    const a = start(env, work);
    const init = await a.init();
    expect(init.serverInfo.name).toBe('videogen-mcp');
    const list = await a.request('tools/list');
    expect(list.result.tools.map((t: { name: string }) => t.name).sort()).toEqual(['cancel_job', 'check_job', 'generate_video', 'list_jobs', 'list_models']);

    const bad = await a.call('generate_video', { model: 'hailuo-02', prompt: 'x', duration_seconds: 7 });
    expect(bad.isError).toBe(true);
    expect(bad.content[0].text).toMatch(/duration_seconds/);
    expect(bad.content[0].text).toMatch(/6.*10/);

    const gen = await a.call('generate_video', { model: 'hailuo-02', prompt: 'a lighthouse in fog' });
    expect(gen.isError).toBeFalsy();
    const jobId: string = gen.structuredContent.job_id;
    expect(jobId).toMatch(/^simulator_/);
    const done = await untilDone(a, jobId);
    expect(done.status).toBe('succeeded');
    expect(done.simulated).toBe(true);
    expect(done.local_path.startsWith(path.join(work, 'videos'))).toBe(true);
    expect(readFileSync(done.local_path).subarray(4, 8).toString('latin1')).toBe('ftyp');

    // A second server process started afterwards sees the same job.
    const b = start(env, work);
    await b.init();
    const seen = await b.call('check_job', { job_id: jobId });
    expect(seen.structuredContent.status).toBe('succeeded');
    expect(seen.structuredContent.local_path).toBe(done.local_path);
    const listed = await b.call('list_jobs', {});
    expect(listed.structuredContent.jobs.map((j: { job_id: string }) => j.job_id)).toContain(jobId);

    expect(a.junk).toEqual([]);
    expect(b.junk).toEqual([]);
  });

  it('the packed tarball installs offline with no dependency tree and serves from its bin', async () => {
    const { execFileSync } = await import('node:child_process');
    const { existsSync: exists, readdirSync, writeFileSync } = await import('node:fs');
    const dir = tempDir('videogen-e2e-packed-');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies?: unknown };
    expect(pkg.dependencies).toBeUndefined();
    // --ignore-scripts: pack what is built (prepack would rebuild dist under the other e2e tests).
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', dir], { stdio: 'ignore' });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    writeFileSync(path.join(dir, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}');
    execFileSync(npm, ['install', '--offline', '--no-audit', '--no-fund', `./${tarball}`], { cwd: dir, stdio: 'ignore' });
    const installed = path.join(dir, 'node_modules');
    expect(readdirSync(installed).filter((n) => !n.startsWith('.'))).toEqual(['videogen-mcp']);
    expect(exists(path.join(installed, 'videogen-mcp/dist/THIRD_PARTY_LICENSES.txt'))).toBe(true);
    const s = startRaw({ VIDEOGEN_STATE_DIR: path.join(dir, '.state'), VIDEOGEN_SIMULATOR_SECONDS: '1' }, dir, path.join(installed, '.bin/videogen-mcp'));
    running.push(s);
    await s.init();
    const gen = await s.call('generate_video', { model: 'hailuo-02', prompt: 'packed' });
    const done = await untilDone(s, gen.structuredContent.job_id);
    expect(done.status).toBe('succeeded');
    expect(readFileSync(done.local_path).subarray(4, 8).toString('latin1')).toBe('ftyp');
  });

  it('exits within 2 s of stdin closing, even with a job in flight', async () => {
    const work = tempDir('videogen-e2e-exit-');
    const s = start({ VIDEOGEN_STATE_DIR: path.join(work, '.state'), VIDEOGEN_SIMULATOR_SECONDS: '600' }, work);
    await s.init();
    await s.call('generate_video', { model: 'hailuo-2.3', prompt: 'long one' });
    const closedAt = Date.now();
    s.proc.stdin.end();
    const { at } = await s.exited;
    expect(at - closedAt).toBeLessThan(2000);
    expect(s.junk).toEqual([]);
  });

  it('stops at startup with a message naming a malformed variable', async () => {
    const work = tempDir('videogen-e2e-bad-');
    const s = start({ RUNAPI_BASE_URL: 'not a url', VIDEOGEN_STATE_DIR: path.join(work, '.state') }, work);
    const { code } = await s.exited;
    expect(code).not.toBe(0);
    expect(s.stderr()).toMatch(/RUNAPI_BASE_URL/);
    expect(s.junk).toEqual([]);
  });

  it('a dependency writing to stdout cannot corrupt the protocol', async () => {
    const work = tempDir('videogen-e2e-noise-');
    // NODE_OPTIONS preload that prints to stdout before and after the server starts.
    const preload = path.join(work, 'noise.mjs');
    (await import('node:fs')).writeFileSync(preload, "console.log('noise from a dependency'); setTimeout(() => process.stdout.write('late noise\\n'), 300);\n");
    const s = start({ VIDEOGEN_STATE_DIR: path.join(work, '.state'), NODE_OPTIONS: `--import ${preload}` }, work);
    await s.init();
    await new Promise((r) => setTimeout(r, 500));
    const list = await s.request('tools/list');
    expect(list.result.tools).toHaveLength(5);
    // The preload's first line runs before our bin can redirect anything; the late write is redirected.
    expect(s.junk.filter((l) => l.includes('late noise'))).toEqual([]);
  });
});
