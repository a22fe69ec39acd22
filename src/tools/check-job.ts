import * as z from 'zod';
import { callDeadline, defineTool } from './define-tool.js';
import { JobOutput, jobSummary, toJobOutput, videoLink } from './job-output.js';
import { waitWithProgress } from './wait-with-progress.js';

export const checkJob = defineTool({
  name: 'check_job',
  title: 'Check a video job',
  description: [
    'Get the current status of a job started by generate_video; works after client time-outs and server restarts.',
    'When status is succeeded, local_path is the saved MP4 in the workspace. While queued/running, call again after poll_after_seconds, or pass wait_seconds (up to 50 s) to block until it finishes.',
    'Example: {"job_id":"simulator_WyJoYWls…","wait_seconds":30}',
  ].join('\n'),
  inputSchema: z.strictObject({
    job_id: z.string().min(1).max(1024),
    wait_seconds: z.number().min(0).max(600).optional().describe('Block up to this long (capped at 50 s)'),
  }),
  outputSchema: JobOutput,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler({ job_id, wait_seconds }, ctx) {
    // One deadline for the whole call (issue #10 §1): the wait budget, never less than a plain call's.
    const deadline = callDeadline(ctx.config, wait_seconds);
    // Both paths return the record as the ledger now holds it (every refresh and save writes through it).
    const rec = (await waitWithProgress(job_id, wait_seconds, ctx, deadline)) ?? (await ctx.service.check(job_id, { signal: ctx.extra.signal, deadline }));
    ctx.watcher.watch(rec);
    return { summary: jobSummary(rec), structured: toJobOutput(rec, ctx.service), links: videoLink(rec) };
  },
});
