/**
 * Result URLs pointing into the user's network (issue #10 §7), through the MCP tools, for every
 * provider: the provider's base URL names this machine by its host name (not an IP literal, not
 * `localhost`), so the strict address policy applies while the API calls still reach the local fake.
 * A result URL on a loopback/link-local literal, a redirect to one, or a host name resolving to one is
 * never fetched. Needs a host name that resolves to 127.0.0.1 (as on most machines); skipped otherwise.
 */
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { PROFILES, job, printRows, resultAt, scenario } from './support.js';

afterAll(printRows);

const host = hostname();
const resolvesToLoopback = await lookup(host).then(
  (a) => a.address === '127.0.0.1',
  () => false,
);

describe.skipIf(!resolvesToLoopback).concurrent.each(PROFILES)('$provider: result URLs into the local network', (p) => {
  const viaHost = (url: string) => url.replace('127.0.0.1', host);

  it('a result on a loopback address, or on a name resolving to one, is never fetched', async () => {
    const row = await scenario(
      'result URL on a private address',
      p,
      async (s) => {
        const cases: [string, RegExp][] = [
          ['127.0.0.1', /points to a local or private address/],
          [host, /resolves to a local or private address/],
        ];
        for (const [at, why] of cases) {
          // A fresh job per case: a failed save backs off per job.
          const j = await s.generate();
          const id = p.upstreamIds(s.fake).at(-1)!;
          s.fake.clearFaults();
          s.fake.addFault(resultAt(p, s.fake, `${s.fake.url.replace('127.0.0.1', at)}/files/${id}.mp4`));
          const a = job(await s.call('check_job', { job_id: j.job_id }));
          expect(a.status).toBe('succeeded');
          expect(a.local_path).toBeUndefined();
          expect(a.detail).toMatch(why);
        }
        expect(s.fake.requestsTo('GET', /^\/files\//)).toEqual([]);
      },
      // The API is reached by host name, so the strict result policy (no private addresses) applies.
      { env: (fake) => Object.fromEntries(Object.entries(p.env(fake)).map(([k, v]) => [k, k.endsWith('_BASE_URL') ? viaHost(v) : v])) },
    );
    expect(row).toMatchObject({ duplicates: 0, jobsLost: 0 });
  });
});
