/**
 * Shared machinery for the fault suite (issue #10): one profile per provider that knows how to start
 * its fake, configure a server for it, make a job, and speak its wire format for injected answers
 * (a succeeded status with a chosen result URL, a "this job does not exist" answer, an in-band
 * rejection, a failed status carried inside an HTTP error). Tests drive everything through the MCP
 * tools (in-memory client on a real server) with short deadlines set by environment.
 *
 * Timing: `timed()` measures each tool call, and `record()` keeps one row per fault × provider
 * (duplicates, jobs lost, longest call) that the suite prints at the end for the closing note.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ProviderId } from '../../src/catalog/types.js';
import { startFakeApiframe, FAKE_APIFRAME_KEY } from '../fakes/apiframe.js';
import { startFakeAtlas, FAKE_ATLAS_KEY } from '../fakes/atlascloud.js';
import type { Fault, FakeReply, FakeServer } from '../fakes/base.js';
import { startFakeMinimax, FAKE_MINIMAX_KEY } from '../fakes/minimax.js';
import { startFakeRunapi, FAKE_RUNAPI_KEY } from '../fakes/runapi.js';
import { startFakeRunway, FAKE_RUNWAY_KEY } from '../fakes/runway.js';
import { startHarness, structured, text, type Harness } from '../helpers.js';

export const IMG = 'https://cdn.example.com/first.png';

/** A tool call's budget without a wait, and the wait cap, both short so stalls cost seconds. */
export const CALL_BUDGET_SECONDS = 2;
export const MAX_WAIT_SECONDS = 3;
/** Allowed slack over a budget (event loop, ledger writes, a loaded 2-core machine running seven test suites). */
export const SLACK_MS = 3_000;

export type AnyFake = FakeServer & { readonly videoBytes: Buffer };

export interface FaultProfile {
  provider: Exclude<ProviderId, 'simulator'>;
  start(): Promise<AnyFake>;
  env(fake: AnyFake): Record<string, string>;
  /** generate_video arguments that route to this provider. */
  args: Record<string, unknown>;
  submitPath: RegExp;
  statusPath: RegExp;
  /** Upstream job ids the fake has created (for "jobs lost" and "duplicates"). */
  upstreamIds(fake: AnyFake): string[];
  /** A finished status whose (first) result URL is `url`. */
  succeededWith(id: string, url: string): FakeReply;
  /** The provider's "this job does not exist" answer to a status call. */
  notFound: FakeReply;
  /** A failed job's status carried inside an HTTP error response, when the provider does that. */
  failedInError?: FakeReply;
  /** A submit answered with an error code (in band or HTTP) and no job id that our table may not know. */
  unknownRejection: FakeReply;
  /** A successful submit answer carrying this job id. */
  createdWithId(id: string): FakeReply;
}

const mapKeys = (m: Map<string, unknown>) => [...m.keys()];

export const PROFILES: readonly FaultProfile[] = [
  {
    provider: 'runapi',
    start: () => startFakeRunapi({ pollsToComplete: 0 }) as Promise<AnyFake>,
    env: (f) => ({ RUNAPI_API_KEY: FAKE_RUNAPI_KEY, RUNAPI_BASE_URL: f.url }),
    args: { model: 'hailuo-02-text-to-video-standard', prompt: 'p', provider: 'runapi' },
    submitPath: /^\/api\/v1\/hailuo\/text_to_video$/,
    statusPath: /^\/api\/v1\/hailuo\/text_to_video\/[^/]+$/,
    upstreamIds: (f) => mapKeys((f as unknown as { jobs: Map<string, unknown> }).jobs),
    succeededWith: (id, url) => ({ status: 200, json: { id, status: 'completed', videos: [{ url }] } }),
    notFound: { status: 404, json: { error: 'Task not found' } },
    failedInError: { status: 422, json: { error: { code: 'source_task_unusable', message: 'generation failed' }, status: 'failed' } },
    unknownRejection: { status: 418, json: { error: { code: 'teapot_quota', message: 'quota for this variant is exhausted' } } },
    createdWithId: (id) => ({ status: 200, json: { id, status: 'pending' } }),
  },
  {
    provider: 'apiframe',
    start: () => startFakeApiframe({ pollsToComplete: 0 }) as Promise<AnyFake>,
    env: (f) => ({ APIFRAME_API_KEY: FAKE_APIFRAME_KEY, APIFRAME_BASE_URL: f.url }),
    args: { model: 'hailuo-02', prompt: 'p', first_frame_image_url: IMG, provider: 'apiframe' },
    submitPath: /^\/v2\/videos\/generate$/,
    statusPath: /^\/v2\/jobs\/[^/]+$/,
    upstreamIds: (f) => mapKeys((f as unknown as { jobs: Map<string, unknown> }).jobs),
    succeededWith: (id, url) => ({
      status: 200,
      json: {
        id,
        status: 'COMPLETED',
        model: 'hailuo-02',
        progress: 100,
        result: { videoUrl: url },
        error: null,
        creditCost: 5,
        webhookStatus: null,
        createdAt: new Date().toISOString(),
        completedAt: new Date().toISOString(),
      },
    }),
    notFound: { status: 404, json: { error: 'Job not found' } },
    failedInError: {
      status: 400,
      json: { error: 'Provider returned an error: worker crashed', id: 'x', status: 'FAILED', progress: 0, result: null, creditCost: 0 },
    },
    unknownRejection: { status: 418, json: { error: 'Team is suspended' } },
    createdWithId: (id) => ({ status: 202, json: { jobId: id, status: 'QUEUED' } }),
  },
  {
    provider: 'atlascloud',
    start: () => startFakeAtlas({ pollsToComplete: 0 }) as Promise<AnyFake>,
    env: (f) => ({ ATLASCLOUD_API_KEY: FAKE_ATLAS_KEY, ATLASCLOUD_BASE_URL: f.url }),
    args: { model: 'minimax/hailuo-02/fast', prompt: 'p', first_frame_image_url: IMG },
    submitPath: /^\/api\/v1\/model\/generateVideo$/,
    statusPath: /^\/api\/v1\/model\/prediction\/[^/]+$/,
    upstreamIds: (f) => mapKeys((f as unknown as { jobs: Map<string, unknown> }).jobs),
    succeededWith: (id, url) => ({ status: 200, json: { code: 200, data: { id, status: 'completed', outputs: [url] } } }),
    notFound: { status: 404, json: { code: 404, msg: 'prediction not found' } },
    failedInError: { status: 500, json: { code: 500, data: { id: 'x', status: 'failed', error: 'worker crashed', outputs: [] } } },
    unknownRejection: { status: 200, json: { code: 4031, msg: 'account frozen' } },
    createdWithId: (id) => ({ status: 200, json: { code: 200, message: 'success', data: { id, status: 'created', outputs: [] } } }),
  },
  {
    provider: 'minimax',
    start: () => startFakeMinimax({ pollsToComplete: 0 }) as Promise<AnyFake>,
    env: (f) => ({ MINIMAX_API_KEY: FAKE_MINIMAX_KEY, MINIMAX_BASE_URL: f.url }),
    args: { model: 'MiniMax-Hailuo-02', prompt: 'p', first_frame_image_url: IMG },
    submitPath: /^\/v1\/video_generation$/,
    statusPath: /^\/v1\/query\/video_generation$/,
    upstreamIds: (f) => mapKeys((f as unknown as { tasks: Map<string, unknown> }).tasks),
    // MiniMax's success names a file_id; the URL comes from files/retrieve (injected separately).
    succeededWith: (id, url) => ({
      status: 200,
      json: { task_id: id, status: 'Success', file_id: '9', download_url: url, base_resp: { status_code: 0, status_msg: 'success' } },
    }),
    notFound: { status: 200, json: { base_resp: { status_code: 2013, status_msg: 'task not found' } } },
    unknownRejection: { status: 200, json: { task_id: '', base_resp: { status_code: 2056, status_msg: 'usage limit exceeded, resets at 2026-12-01 00:00' } } },
    createdWithId: (id) => ({ status: 200, json: { task_id: id, base_resp: { status_code: 0, status_msg: 'success' } } }),
  },
  {
    provider: 'runway',
    start: () => startFakeRunway({ pollsToComplete: 0 }) as Promise<AnyFake>,
    env: (f) => ({ RUNWAYML_API_SECRET: FAKE_RUNWAY_KEY, RUNWAYML_BASE_URL: f.url }),
    args: { model: 'gen4_turbo', prompt: 'p', first_frame_image_url: IMG },
    submitPath: /^\/v1\/image_to_video$/,
    statusPath: /^\/v1\/tasks\/[^/]+$/,
    upstreamIds: (f) => mapKeys((f as unknown as { tasks: Map<string, unknown> }).tasks),
    succeededWith: (id, url) => ({ status: 200, json: { id, status: 'SUCCEEDED', createdAt: new Date().toISOString(), output: [url] } }),
    notFound: { status: 404, json: { error: 'Task not found' } },
    failedInError: {
      status: 400,
      json: { error: 'Task failed', id: 'x', status: 'FAILED', failure: 'An unexpected error occurred.', failureCode: 'INTERNAL.BAD_OUTPUT.CODE01' },
    },
    unknownRejection: { status: 418, json: { error: 'Organization is suspended' } },
    createdWithId: (id) => ({ status: 200, json: { id } }),
  },
];

/** A fault that makes the provider report `url` as the finished video of the fake's first job. */
export function resultAt(p: FaultProfile, fake: AnyFake, url: string): Fault {
  if (p.provider === 'minimax')
    // MiniMax's status names a file_id; the URL comes from files/retrieve.
    return {
      method: 'GET',
      path: '/v1/files/retrieve',
      action: 'respond',
      reply: { status: 200, json: { file: { file_id: 9, download_url: url }, base_resp: { status_code: 0, status_msg: 'success' } } },
      times: Infinity,
    };
  return { method: 'GET', path: p.statusPath, action: 'respond', reply: p.succeededWith(p.upstreamIds(fake)[0]!, url), times: Infinity };
}

export function profile(p: FaultProfile['provider']): FaultProfile {
  return PROFILES.find((x) => x.provider === p)!;
}

/** A server on the fake with short deadlines (no wait: CALL_BUDGET_SECONDS; waits: MAX_WAIT_SECONDS). */
export function faultHarness(p: FaultProfile, fake: AnyFake, env: Record<string, string> = {}): Promise<Harness> {
  return startHarness({
    env: {
      ...p.env(fake),
      VIDEOGEN_CALL_BUDGET_SECONDS: String(CALL_BUDGET_SECONDS),
      VIDEOGEN_MAX_WAIT_SECONDS: String(MAX_WAIT_SECONDS),
      ...env,
    },
  });
}

/** A tool call and how long it took. */
export async function timed(h: Harness, name: string, args: Record<string, unknown>): Promise<{ r: CallToolResult; ms: number }> {
  const t0 = performance.now();
  const r = await h.call(name, args);
  return { r, ms: Math.round(performance.now() - t0) };
}

export interface JobView {
  job_id: string;
  status: string;
  video_url?: string;
  local_path?: string;
  detail?: string;
  error?: { code: string; message: string };
  next_action?: string;
}

export function job(r: CallToolResult): JobView {
  return structured<JobView>(r);
}

export { text };

/** One row of the closing note's table. */
export interface FaultRow {
  fault: string;
  provider: string;
  duplicates: number;
  jobsLost: number;
  longestMs: number;
}
export const ROWS: FaultRow[] = [];
export function record(row: FaultRow): void {
  const i = ROWS.findIndex((r) => r.fault === row.fault && r.provider === row.provider);
  if (i >= 0) ROWS[i] = { ...row, longestMs: Math.max(row.longestMs, ROWS[i]!.longestMs) };
  else ROWS.push(row);
}

export interface Scenario {
  fake: AnyFake;
  h: Harness;
  /** A timed tool call; the longest is kept for the table. */
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  /** generate_video that must succeed; counts the jobs this scenario meant to create. */
  generate(args?: Record<string, unknown>): Promise<JobView>;
  longestMs: number;
}

/**
 * Run one fault scenario against a fresh fake and server, then record its row: duplicates (upstream
 * jobs beyond the ones the scenario created), jobs lost (upstream jobs missing from list_jobs), and
 * the longest tool call.
 */
export async function scenario(
  fault: string,
  p: FaultProfile,
  fn: (s: Scenario) => Promise<void>,
  opts: { env?: Record<string, string> | ((fake: AnyFake) => Record<string, string>) } = {},
): Promise<FaultRow> {
  const fake = await p.start();
  const h = await faultHarness(p, fake, typeof opts.env === 'function' ? opts.env(fake) : opts.env);
  let made = 0;
  const s: Scenario = {
    fake,
    h,
    longestMs: 0,
    async call(name, args) {
      const { r, ms } = await timed(h, name, args);
      s.longestMs = Math.max(s.longestMs, ms);
      return r;
    },
    async generate(args = p.args) {
      const r = await s.call('generate_video', args);
      if (r.isError) throw new Error(`generate_video failed: ${text(r)}`);
      made++;
      return job(r);
    },
  };
  try {
    await fn(s);
    const upstream = p.upstreamIds(fake);
    const listed = structured<{ jobs: { job_id: string }[] }>(await h.call('list_jobs', { limit: 100 })).jobs.map((j) => upstreamIdOf(j.job_id));
    const row: FaultRow = {
      fault,
      provider: p.provider,
      duplicates: Math.max(0, upstream.length - made),
      jobsLost: upstream.filter((id) => !listed.includes(id)).length,
      longestMs: s.longestMs,
    };
    record(row);
    return row;
  } finally {
    await h.close();
    await fake.close();
  }
}

function upstreamIdOf(jobId: string): string {
  try {
    const [, handle] = JSON.parse(Buffer.from(jobId.slice(jobId.indexOf('_') + 1), 'base64url').toString('utf8')) as [string, { id: string }];
    return handle.id;
  } catch {
    return jobId;
  }
}

/** Print the rows (VIDEOGEN_FAULT_TABLE=1) for the closing note. */
export function printRows(): void {
  if (!process.env['VIDEOGEN_FAULT_TABLE']) return;
  for (const r of ROWS) process.stderr.write(`FAULTROW\t${r.fault}\t${r.provider}\t${r.duplicates}\t${r.jobsLost}\t${r.longestMs}\n`);
}
