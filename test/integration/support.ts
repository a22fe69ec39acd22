/**
 * Shared pieces for the integration tests: the MCP tool layer (test/helpers.ts harness) against the
 * local provider fakes (test/fakes). Everything runs on 127.0.0.1; nothing leaves the machine.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'vitest';
import type { RecordedRequest } from '../fakes/base.js';
import { structured, text, type Harness } from '../helpers.js';

export interface JobOut {
  job_id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
  provider: string;
  model: string;
  progress?: number;
  video_url?: string;
  video_expires_at?: string;
  local_path?: string;
  error?: { code: string; message: string };
  poll_after_seconds?: number;
  next_action: string;
  simulated: boolean;
  estimated_cost_usd?: number;
  billed_cost_usd?: number;
  detail?: string;
  reused?: boolean;
  created_at: string;
  updated_at: string;
}

/** generate_video that must succeed (not isError); returns the structured job. */
export async function generate(h: Harness, args: Record<string, unknown>): Promise<JobOut> {
  const r = await h.call('generate_video', args);
  if (r.isError) throw new Error(`generate_video failed: ${text(r)}`);
  return structured<JobOut>(r);
}

/** check_job with a bounded wait; returns the raw result (for links) and the job. */
export async function check(h: Harness, jobId: string, waitSeconds = 15): Promise<{ result: CallToolResult; job: JobOut }> {
  const result = await h.call('check_job', { job_id: jobId, wait_seconds: waitSeconds });
  if (result.isError) throw new Error(`check_job failed: ${text(result)}`);
  return { result, job: structured<JobOut>(result) };
}

/** An isError tool result: its text, with the code prefix the error boundary writes. */
export function errorText(r: CallToolResult): string {
  expect(r.isError, `expected isError, got: ${text(r).slice(0, 400)}`).toBe(true);
  expect(r.structuredContent).toBeUndefined();
  return text(r);
}

/** The resource_link items of a result. */
export function links(r: CallToolResult): { type: string; uri: string; mimeType?: string; name?: string }[] {
  return r.content.filter((c) => c.type === 'resource_link') as unknown as { type: string; uri: string; mimeType?: string; name?: string }[];
}

/** A finished job's saved file: under the output dir, linked, and byte-identical to what the fake served. */
export function expectSaved(h: Harness, result: CallToolResult, job: JobOut, videoBytes: Buffer): void {
  expect(job.status).toBe('succeeded');
  expect(job.local_path, 'local_path').toBeDefined();
  expect(job.local_path!.startsWith(`${h.outputDir}/`), `${job.local_path} under ${h.outputDir}`).toBe(true);
  expect(existsSync(job.local_path!)).toBe(true);
  expect(readFileSync(job.local_path!).equals(videoBytes)).toBe(true);
  const l = links(result);
  expect(l).toHaveLength(1);
  expect(l[0]!.uri).toBe(`file://${job.local_path}`);
  expect(l[0]!.mimeType).toBe('video/mp4');
}

/** The JSON bodies of the requests, for exact comparison. */
export function bodies(reqs: RecordedRequest[]): unknown[] {
  return reqs.map((r) => r.json);
}

/** Requests by "METHOD path", to assert the whole upstream conversation. */
export function trace(reqs: RecordedRequest[]): string[] {
  return reqs.map((r) => `${r.method} ${r.path}`);
}
