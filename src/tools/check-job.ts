import * as z from 'zod';
import { callDeadline, defineTool } from './define-tool.js';
import { JobOutput, jobSummary, toJobOutput, videoLink } from './job-output.js';
import { lenientNumber } from './schema.js';
import { waitWithProgress } from './wait-with-progress.js';

export const checkJob = defineTool({
  name: 'check_job',
  title: 'Check a video job',
  description: [
    'Status of a job from generate_video; works after client time-outs and server restarts.',
    'succeeded: local_path is the saved MP4. queued/running: call again after poll_after_seconds, or pass wait_seconds (up to 50) to block.',
    'Example: {"job_id":"simulator_WyJoYWls…","wait_seconds":30}',
  ].join('\n'),
  inputSchema: z.strictObject({
    job_id: z.string().min(1).max(1024),
    wait_seconds: lenientNumber({ min: 0, max: 600, description: 'Block up to this many s (max 50)' }).optional(),
  }),
  outputSchema: JobOutput,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler({ job_id, wait_seconds }, ctx) {
    // One deadline for the whole call (issue #10 §1): the wait budget, never less than a plain call's.
    const deadline = callDeadline(ctx.config, wait_seconds);
    // Both paths return the record as the ledger now holds it (every refresh and save writes through it).
    const rec = (await waitWithProgress(job_id, wait_seconds, ctx, deadline)) ?? (await ctx.service.check(job_id, { signal: ctx.extra.signal, deadline }));
    ctx.watcher.watch(rec);
    const out = toJobOutput(rec, ctx.service);
    return { summary: jobSummary(rec, out), structured: out, links: videoLink(rec) };
  },
});
