/**
 * `wait_seconds` for generate_video and check_job: a bounded wait, capped by VIDEOGEN_MAX_WAIT_SECONDS,
 * sending `notifications/progress` only when the call carried a progressToken (progress must increase).
 */
import type { JobRecord } from '../jobs/ledger.js';
import { waitForJob } from '../jobs/wait.js';
import type { ToolContext } from './define-tool.js';

export async function waitWithProgress(jobId: string, seconds: number | undefined, ctx: ToolContext, deadline?: number): Promise<JobRecord | undefined> {
  const capped = Math.min(seconds ?? 0, ctx.config.maxWaitSeconds);
  if (capped <= 0) return undefined;
  const token = ctx.extra._meta?.progressToken;
  let last = -1;
  return waitForJob(ctx.service, jobId, capped, {
    signal: ctx.extra.signal,
    deadline,
    onProgress:
      token === undefined
        ? undefined
        : async (rec) => {
            const value = rec.status === 'queued' ? 0 : rec.status === 'running' ? (rec.progress ?? 0) : 1;
            if (value <= last) return;
            last = value;
            await ctx.extra.sendNotification({
              method: 'notifications/progress',
              params: {
                progressToken: token,
                progress: value,
                total: 1,
                ...(ctx.client.progressMessage ? { message: `${rec.status}${rec.status === 'running' ? ` ${Math.round(value * 100)}%` : ''}` } : {}),
              },
            });
          },
  });
}
