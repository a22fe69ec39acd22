/**
 * Result-side faults (issue #10 §1, §7) for every provider, through the MCP tools: a result URL that
 * is a local file, a redirect to one, a download that stalls or trickles. Nothing outside the output
 * directory is ever read, the call answers within its budget with the video URL while a save goes on
 * in the background, and a failing save backs off instead of refetching in a loop.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FAKE_VIDEO } from '../fakes/base.js';
import { tempDir } from '../helpers.js';
import { CALL_BUDGET_SECONDS, PROFILES, SLACK_MS, job, printRows, resultAt, scenario } from './support.js';

// Every scenario mostly waits on its own fake and budget: run them side by side.
vi.setConfig({ maxConcurrency: 40 });
afterAll(printRows);

const NO_WAIT_MS = CALL_BUDGET_SECONDS * 1000 + SLACK_MS;

/** A real MP4 outside the workspace, so only the URL policy (not the container check) can stop it. */
function privateVideo(): string {
  const dir = tempDir('videogen-private-');
  const file = path.join(dir, 'private.mp4');
  writeFileSync(file, FAKE_VIDEO);
  return file;
}

function savedFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('.')) : [];
}

describe.concurrent.each(PROFILES)('$provider result faults', (p) => {
  it.concurrent('a result URL naming a local file (file:///…/private.mp4) is never copied into the workspace', async () => {
    const row = await scenario('result URL is file:', p, async (s) => {
      const j = await s.generate();
      const secret = privateVideo();
      s.fake.addFault(resultAt(p, s.fake, `file://${secret}`));
      const a = job(await s.call('check_job', { job_id: j.job_id }));
      expect(a.status).toBe('succeeded');
      expect(a.local_path).toBeUndefined();
      expect(a.detail).toMatch(/file: .*only https|was not fetched|only https/);
      expect(savedFiles(s.h.outputDir)).toEqual([]);
    });
    expect(row).toMatchObject({ duplicates: 0, jobsLost: 0 });
  });

  it.concurrent('a result URL redirecting to file: is refused, and the save backs off instead of refetching', async () => {
    const row = await scenario('result redirects to file:', p, async (s) => {
      const j = await s.generate();
      const secret = privateVideo();
      s.fake.addFault({ method: 'GET', path: '/redir', action: 'respond', reply: { status: 302, headers: { location: `file://${secret}` } }, times: Infinity });
      s.fake.addFault(resultAt(p, s.fake, `${s.fake.url}/redir`));
      const a = job(await s.call('check_job', { job_id: j.job_id }));
      expect(a.status).toBe('succeeded');
      expect(a.local_path).toBeUndefined();
      expect(a.detail).toMatch(/redirect/);
      expect(a.detail).toMatch(/next try in/);
      // Four seconds of an agent polling hard: at most one more fetch (the backoff starts at 2 s).
      const until = Date.now() + 4_000;
      while (Date.now() < until) await s.call('check_job', { job_id: j.job_id, wait_seconds: 1 });
      expect(s.fake.requestsTo('GET', '/redir').length).toBeLessThanOrEqual(3);
      expect(savedFiles(s.h.outputDir)).toEqual([]);
    });
    expect(row).toMatchObject({ duplicates: 0, jobsLost: 0 });
  });

  it.concurrent('a download that stalls: check_job answers within its budget with video_url, saving continues in the background', async () => {
    const row = await scenario('download stalls', p, async (s) => {
      const j = await s.generate();
      s.fake.addFault({ method: 'GET', path: /^\/files\//, action: 'stall-body', partialBytes: 4096, times: Infinity });
      const t0 = performance.now();
      const a = job(await s.call('check_job', { job_id: j.job_id }));
      expect(performance.now() - t0).toBeLessThan(NO_WAIT_MS);
      expect(a.status).toBe('succeeded');
      expect(a.video_url).toMatch(/^http/);
      expect(a.local_path).toBeUndefined();
      expect(a.detail).toMatch(/continues in the background.*check_job again/);
      expect(a.next_action).toMatch(/saving the video.*check_job again/);
    });
    expect(row).toMatchObject({ duplicates: 0, jobsLost: 0 });
  });

  it.concurrent('a slow download: answered within budget while saving, then saved for a later check_job', async () => {
    const row = await scenario('download slow (3 s)', p, async (s) => {
      const j = await s.generate();
      s.fake.addFault({ method: 'GET', path: /^\/files\//, action: 'slow-body', chunkBytes: 1200, delayMs: 100, times: 1 });
      const a = job(await s.call('check_job', { job_id: j.job_id }));
      expect(a.status).toBe('succeeded');
      expect(a.local_path).toBeUndefined();
      expect(a.detail).toMatch(/continues in the background/);
      let b = a;
      for (let i = 0; i < 10 && !b.local_path; i++) {
        await new Promise((r) => setTimeout(r, 500));
        b = job(await s.call('check_job', { job_id: j.job_id }));
      }
      expect(b.local_path).toBeDefined();
      expect(b.detail).toBeUndefined();
      // One download, not one per check_job.
      expect(s.fake.requestsTo('GET', /^\/files\//)).toHaveLength(1);
      expect(s.longestMs).toBeLessThan(NO_WAIT_MS);
    });
    expect(row).toMatchObject({ duplicates: 0, jobsLost: 0 });
  });
});
