/**
 * The job output shared by generate_video, check_job and list_jobs, and the one sentence that tells the
 * agent what to do next. Field names are part of the public contract.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as z from 'zod';
import type { ProviderId } from '../catalog/types.js';
import type { JobRecord } from '../jobs/ledger.js';
import { pollAfterSeconds } from '../jobs/schedule.js';
import type { JobService } from '../jobs/service.js';
import type { ResourceLinkItem } from './define-tool.js';

export const PUBLIC_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;

export const jobShape = {
  job_id: z.string(),
  status: z.enum(PUBLIC_STATUSES),
  provider: z.string(),
  model: z.string(),
  progress: z.number().optional(),
  video_url: z.string().optional(),
  video_expires_at: z.string().optional(),
  local_path: z.string().optional(),
  /** Team server only: a signed, expiring URL of the saved video on this server (send the bearer token). */
  download_url: z.string().optional(),
  download_expires_at: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  poll_after_seconds: z.number().optional(),
  next_action: z.string(),
  simulated: z.boolean(),
  estimated_cost_usd: z.number().optional(),
  billed_cost_usd: z.number().optional(),
  detail: z.string().optional(),
  created_at: z.string(),
  updated_at: z.string(),
};
export const JobOutput = z.object(jobShape);
export type JobOutput = Omit<z.infer<typeof JobOutput>, 'provider'> & { provider: ProviderId };

/** list_jobs elements and cancel_job: the same job objects, with only the always-present fields spelled out (leaner tool list). */
export const JobListItem = z.looseObject({
  job_id: jobShape.job_id,
  status: jobShape.status,
  provider: jobShape.provider,
  model: jobShape.model,
  next_action: jobShape.next_action,
  simulated: jobShape.simulated,
  created_at: jobShape.created_at,
  updated_at: jobShape.updated_at,
});

function nextAction(rec: JobRecord, pollAfter: number | undefined): string {
  switch (rec.status) {
    case 'queued':
    case 'running':
      return `Call check_job with this job_id in about ${pollAfter ?? 10} s (or pass wait_seconds to block up to 50 s).`;
    case 'succeeded':
      if (rec.local_path) return `Done: the video is saved at ${rec.local_path}.`;
      return rec.video_url
        ? `Done: download video_url${rec.video_expires_at ? ` before ${rec.video_expires_at}` : ' soon (provider URLs expire)'}; call check_job again to retry saving it locally.`
        : 'Done, but the provider returned no video URL; check the provider dashboard.';
    case 'failed':
      if (rec.error?.code === 'moderation')
        return 'The provider refused the content: rephrase the prompt or use another image, then call generate_video again.';
      if (rec.error?.code === 'unknown_outcome') return "Check the provider's dashboard for this job before calling generate_video again.";
      return 'Fix what the error names, then call generate_video again (a new job).';
    case 'canceled':
      return 'The job was canceled; call generate_video to start a new one.';
    case 'unknown':
      return "Check the provider's dashboard for this job before calling generate_video again.";
  }
}

export function toJobOutput(rec: JobRecord, service: JobService): JobOutput {
  const terminal = ['succeeded', 'failed', 'canceled', 'unknown'].includes(rec.status);
  const adapter = service.deps.adapters[rec.provider];
  const pollAfter = terminal
    ? undefined
    : pollAfterSeconds({
        elapsedMs: service.now() - Date.parse(rec.created_at),
        typicalMs: service.typicalMs(rec),
        minIntervalMs: (adapter?.minPollIntervalSeconds ?? 2) * 1000,
        progress: rec.progress,
        // After a 429 with Retry-After the next poll is deferred (polled_at lies in the future): say so.
        retryAfterMs: rec.polled_at !== undefined && rec.polled_at > service.now() ? rec.polled_at - service.now() : undefined,
      });
  const out: JobOutput = {
    job_id: rec.job_id,
    status: rec.status === 'unknown' ? 'failed' : rec.status,
    provider: rec.provider,
    model: rec.model,
    next_action: nextAction(rec, pollAfter),
    simulated: rec.simulated,
    created_at: rec.created_at,
    updated_at: rec.updated_at,
  };
  if (rec.progress !== undefined) out.progress = Math.round(rec.progress * 1000) / 1000;
  if (rec.video_url) out.video_url = rec.video_url;
  if (rec.video_expires_at) out.video_expires_at = rec.video_expires_at;
  if (rec.local_path) out.local_path = rec.local_path;
  if (rec.error) out.error = rec.error;
  if (pollAfter !== undefined) out.poll_after_seconds = pollAfter;
  if (rec.estimated_cost_usd !== undefined) out.estimated_cost_usd = rec.estimated_cost_usd;
  if (rec.billed_cost_usd !== undefined) out.billed_cost_usd = rec.billed_cost_usd;
  if (rec.detail) out.detail = rec.detail;
  return out;
}

export function videoLink(rec: JobRecord): ResourceLinkItem[] {
  if (!rec.local_path) return [];
  return [
    {
      type: 'resource_link',
      uri: pathToFileURL(rec.local_path).href,
      name: path.basename(rec.local_path),
      mimeType: 'video/mp4',
      description: rec.simulated ? 'Simulated video (placeholder clip)' : `Video generated by ${rec.model} on ${rec.provider}`,
      ...(rec.local_bytes !== undefined ? { size: rec.local_bytes } : {}),
    },
  ];
}

export function jobSummary(rec: JobRecord): string {
  const sim = rec.simulated ? 'SIMULATED (built-in simulator, no provider key used; the video is a placeholder clip). ' : '';
  const pct = rec.progress !== undefined && rec.status === 'running' ? ` ${Math.round(rec.progress * 100)}%` : '';
  return `${sim}Job ${rec.status}${pct} on ${rec.provider} (${rec.model}).`;
}
