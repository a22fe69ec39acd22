import * as z from 'zod';
import { callDeadline, defineTool } from './define-tool.js';
import { JobListItem, jobSummary, toJobOutput } from './job-output.js';

export const cancelJob = defineTool({
  name: 'cancel_job',
  title: 'Cancel a video job',
  description: [
    'Cancel a queued or running job upstream. Only the official Runway API (and the simulator) can cancel; other providers cannot, and the result says so plainly (the job may still be billed and stays tracked).',
    'A finished job is returned unchanged. Example: {"job_id":"runway_WyJydW53…"}',
  ].join('\n'),
  inputSchema: z.strictObject({ job_id: z.string().min(1).max(1024) }),
  outputSchema: JobListItem,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async handler({ job_id }, ctx) {
    const rec = await ctx.service.cancel(job_id, { signal: ctx.extra.signal, deadline: callDeadline(ctx.config, undefined) });
    return { summary: jobSummary(rec), structured: toJobOutput(rec, ctx.service) };
  },
});
