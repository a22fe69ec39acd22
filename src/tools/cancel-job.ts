import * as z from 'zod';
import { callDeadline, defineTool } from './define-tool.js';
import { jobShape, jobSummary, toJobOutput } from './job-output.js';

export const cancelJob = defineTool({
  name: 'cancel_job',
  title: 'Cancel a video job',
  description: [
    'Cancel a queued or running job. Only Runway (official API) and the simulator can cancel; other providers cannot, and the result says so (the job may still be billed and stays tracked).',
    'canceled is true only if this call canceled it; a finished job is left as it is. Example: {"job_id":"runway_WyJydW53…"}',
  ].join('\n'),
  inputSchema: z.strictObject({ job_id: z.string().min(1).max(1024) }),
  outputSchema: z.looseObject({ job_id: jobShape.job_id, status: jobShape.status, canceled: z.boolean(), next_action: jobShape.next_action }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async handler({ job_id }, ctx) {
    const before = ctx.service.now();
    const rec = await ctx.service.cancel(job_id, { signal: ctx.extra.signal, deadline: callDeadline(ctx.config, undefined) });
    // The service returns a terminal record unchanged; only a cancel written by this call counts.
    const canceled =
      rec.status === 'canceled' && rec.completed_at !== undefined && Date.parse(rec.completed_at) >= before && rec.detail === 'Canceled on request.';
    const out = toJobOutput(rec, ctx.service);
    const status = rec.status === 'unknown' ? 'failed' : rec.status;
    const summary = canceled
      ? `Canceled: job ${rec.job_id} on ${rec.provider} (${rec.model}) will not run further.`
      : `Nothing was canceled: the job had already ${status === 'succeeded' ? 'succeeded' : status === 'canceled' ? 'been canceled' : 'failed'}. ${jobSummary(rec, out)}`;
    return { summary, structured: { ...out, canceled } };
  },
});
