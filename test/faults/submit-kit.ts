/**
 * The five real providers as the submit-side fault tests see them: a fake speaking the provider's
 * wire format, the env pointing the server at it, one valid request pinned to it, its submit path,
 * and how many jobs exist upstream (what the provider would bill).
 */
import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FakeServer } from '../fakes/base.js';
import { FAKE_APIFRAME_KEY, startFakeApiframe } from '../fakes/apiframe.js';
import { FAKE_ATLAS_KEY, startFakeAtlas } from '../fakes/atlascloud.js';
import { FAKE_MINIMAX_KEY, startFakeMinimax } from '../fakes/minimax.js';
import { FAKE_RUNAPI_KEY, startFakeRunapi } from '../fakes/runapi.js';
import { FAKE_RUNWAY_KEY, startFakeRunway } from '../fakes/runway.js';

export const IMG = 'https://cdn.example.com/first.png';

export interface ProviderKit {
  id: 'runapi' | 'apiframe' | 'atlascloud' | 'minimax' | 'runway';
  /** Deduplicates submits by idempotency key. */
  idempotent: boolean;
  start(): Promise<{ fake: FakeServer; upstreamJobs: () => number; jobs: () => { id: string; body: Record<string, unknown> }[] }>;
  env(fake: FakeServer): Record<string, string>;
  args: Record<string, unknown>;
  submitPath: RegExp;
  /** Where a local file is uploaded, when the provider uploads (MiniMax inlines). */
  uploadPath?: RegExp;
  /** A valid request taking a first frame, when `args` does not. */
  imageArgs?: Record<string, unknown>;
}

export const PROVIDERS: ProviderKit[] = [
  {
    id: 'runapi',
    idempotent: true,
    start: async () => {
      const f = await startFakeRunapi({ pollsToComplete: 50 });
      return { fake: f, upstreamJobs: () => f.jobs.size, jobs: () => [...f.jobs.values()] };
    },
    env: (f) => ({ RUNAPI_API_KEY: FAKE_RUNAPI_KEY, RUNAPI_BASE_URL: f.url }),
    args: { model: 'hailuo-02-text-to-video-pro', prompt: 'p' },
    submitPath: /^\/api\/v1\/hailuo\/(text|image)_to_video$/,
    uploadPath: /^\/api\/v1\/files/,
    imageArgs: { model: 'hailuo-02', prompt: 'p', first_frame_image_url: IMG, provider: 'runapi' },
  },
  {
    id: 'apiframe',
    idempotent: true,
    start: async () => {
      const f = await startFakeApiframe({ pollsToComplete: 50 });
      return { fake: f, upstreamJobs: () => f.jobs.size, jobs: () => [...f.jobs.values()] };
    },
    env: (f) => ({ APIFRAME_API_KEY: FAKE_APIFRAME_KEY, APIFRAME_BASE_URL: f.url }),
    args: { model: 'runway-gen4-turbo', prompt: 'p', first_frame_image_url: IMG, provider: 'apiframe' },
    submitPath: /^\/v2\/videos\/generate$/,
    uploadPath: /^\/v2\/uploads/,
  },
  {
    id: 'atlascloud',
    idempotent: false,
    start: async () => {
      const f = await startFakeAtlas({ pollsToComplete: 50 });
      return { fake: f, upstreamJobs: () => f.jobs.size, jobs: () => [...f.jobs.values()] };
    },
    env: (f) => ({ ATLASCLOUD_API_KEY: FAKE_ATLAS_KEY, ATLASCLOUD_BASE_URL: f.url }),
    args: { model: 'minimax/hailuo-02/fast', prompt: 'p', first_frame_image_url: IMG },
    submitPath: /^\/api\/v1\/model\/generateVideo$/,
    uploadPath: /^\/api\/v1\/model\/uploadMedia/,
  },
  {
    id: 'minimax',
    idempotent: false,
    start: async () => {
      const f = await startFakeMinimax({ pollsToComplete: 50 });
      return { fake: f, upstreamJobs: () => f.tasks.size, jobs: () => [...f.tasks.values()] };
    },
    env: (f) => ({ MINIMAX_API_KEY: FAKE_MINIMAX_KEY, MINIMAX_BASE_URL: f.url }),
    args: { model: 'MiniMax-Hailuo-02', prompt: 'p', first_frame_image_url: IMG },
    submitPath: /^\/v1\/video_generation$/,
  },
  {
    id: 'runway',
    idempotent: false,
    start: async () => {
      const f = await startFakeRunway({ pollsToComplete: 50 });
      return { fake: f, upstreamJobs: () => f.tasks.size, jobs: () => [...f.tasks.values()] };
    },
    env: (f) => ({ RUNWAYML_API_SECRET: FAKE_RUNWAY_KEY, RUNWAYML_BASE_URL: f.url }),
    args: { model: 'gen4_turbo', prompt: 'p', first_frame_image_url: IMG },
    submitPath: /^\/v1\/image_to_video$/,
    // Runway inlines images under 5 MB as data URIs: a small frame makes no upload.
  },
];

/** Submit POSTs the fake received. */
export function submits(fake: FakeServer, kit: ProviderKit): number {
  return fake.requests.filter((r) => r.method === 'POST' && kit.submitPath.test(r.path)).length;
}

/**
 * Longest tool-call time per fault and provider, appended as JSON lines to a file in the temp dir
 * (for the closing table; the tests assert bounds, not speeds).
 */
export const MEASURES_FILE = path.join(tmpdir(), 'videogen-submit-fault-measures.jsonl');
export function measure(fault: string, provider: string, ms: number, extra: Record<string, unknown> = {}): void {
  appendFileSync(MEASURES_FILE, JSON.stringify({ fault, provider, ms: Math.round(ms), ...extra }) + '\n');
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}
