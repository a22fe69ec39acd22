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
export type JobOutput = Omit<z.infer<z.ZodObject<typeof jobShape>>, 'provider'> & { provider: ProviderId };

/**
 * The advertised output of check_job and cancel_job: the fields an agent acts on, open to the rest of
 * `jobShape` (every advertised field costs context tokens on every turn; see tool-list.ts).
 */
export const JobOutput = z.looseObject({
  job_id: jobShape.job_id,
  status: jobShape.status,
  model: jobShape.model,
  next_action: jobShape.next_action,
  local_path: jobShape.local_path,
  poll_after_seconds: jobShape.poll_after_seconds,
});

/** One list_jobs row: what identifies a job and where its video is; details are check_job's. */
export const JobRow = z.object({
  job_id: jobShape.job_id,
  /** One of PUBLIC_STATUSES (a plain string in the advertised schema: every token there is paid each turn). */
  status: z.string(),
  model: jobShape.model,
  created_at: jobShape.created_at,
  local_path: jobShape.local_path,
  /** Team server only: the signed URL that replaces local_path for a remote client. */
  download_url: z.string().optional(),
  /** Why a job failed, by code only (`unknown_outcome`: it may exist upstream and be billed; check_job says what to do). */
  error: z.object({ code: z.string() }).optional(),
});
export type JobRow = z.infer<typeof JobRow>;

export function toJobRow(rec: JobRecord): JobRow {
  return {
    job_id: rec.job_id,
    status: rec.status === 'unknown' ? 'failed' : rec.status,
    model: rec.model,
    created_at: rec.created_at,
    ...(rec.local_path ? { local_path: rec.local_path } : {}),
    // An unknown outcome is shown as failed (nothing to wait for) but never hidden: its code says it may exist upstream.
    ...(rec.error ? { error: { code: rec.error.code } } : {}),
  };
}

function nextAction(rec: JobRecord, pollAfter: number | undefined, saving: boolean): string {
  switch (rec.status) {
    case 'queued':
    case 'running':
      return `Call check_job with this job_id in about ${pollAfter ?? 10} s (or pass wait_seconds to block up to 50 s).`;
    case 'succeeded':
      if (rec.local_path) return `Done: the video is saved at ${rec.local_path}.`;
      if (saving && rec.video_url)
        return 'Done: saving the video into the workspace; call check_job again in a few seconds for local_path (video_url works now).';
      return rec.video_url
        ? `Done: download video_url${rec.video_expires_at ? ` before ${rec.video_expires_at}` : ' soon (provider URLs expire)'}; call check_job again to retry saving it locally.`
        : `Done, but ${rec.provider} returned no video URL; ask the user to look for it in their ${rec.provider} account.`;
    case 'failed':
      if (rec.error?.code === 'moderation')
        return 'The provider refused the content: rephrase the prompt or use another image, then call generate_video again.';
      if (rec.error?.code === 'unknown_outcome')
        return `Ask the user to look for this job in their ${rec.provider} account before calling generate_video again (it may exist and be billed).`;
      return 'Fix what the error names, then call generate_video again (a new job).';
    case 'canceled':
      return 'The job was canceled; call generate_video to start a new one.';
    case 'unknown':
      return `Ask the user to look for this job in their ${rec.provider} account before calling generate_video again (it may exist and be billed).`;
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
    next_action: nextAction(rec, pollAfter, service.isSaving(rec.job_id)),
    simulated: rec.simulated,
    created_at: rec.created_at,
    updated_at: rec.updated_at,
  };
  // Progress means "how far along": only for a job still in flight (a failed job is not 92% done).
  if (rec.progress !== undefined && !terminal) out.progress = Math.round(rec.progress * 1000) / 1000;
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

/**
 * The first line of a job result: status, then what to do next (with local_path when saved), then the
 * error. An agent that reads only the first 1,500 characters of text has all it needs here.
 */
export function jobSummary(rec: JobRecord, out: Pick<JobOutput, 'next_action'>): string {
  const sim = rec.simulated ? 'SIMULATED (built-in simulator, no provider key used; the video is a placeholder clip). ' : '';
  const pct = rec.progress !== undefined && rec.status === 'running' ? ` ${Math.round(rec.progress * 100)}%` : '';
  const status = rec.status === 'unknown' ? 'failed (outcome unknown)' : rec.status;
  const err = rec.error ? ` Error (${rec.error.code}): ${rec.error.message}` : '';
  return `${sim}Job ${status}${pct} on ${rec.provider} (${rec.model}).${err} ${out.next_action}`;
}
