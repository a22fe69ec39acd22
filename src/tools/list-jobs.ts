import * as z from 'zod';
import { PROVIDER_IDS } from '../catalog/types.js';
import { defineTool } from './define-tool.js';
import { JobListItem, PUBLIC_STATUSES, toJobOutput } from './job-output.js';

const money = z.object({ estimated_usd: z.number(), billed_usd: z.number() });

export const listJobs = defineTool({
  name: 'list_jobs',
  title: 'List video jobs',
  description: [
    'List recent jobs from the shared ledger (all server processes, across restarts), newest first, with spending today and all time.',
    'Use it to find a job_id you lost; then call check_job. Pages: pass next_cursor back as cursor for older jobs. Example: {"status":"running","limit":10}',
  ].join('\n'),
  inputSchema: z.strictObject({
    status: z.enum(PUBLIC_STATUSES).optional(),
    provider: z.enum(PROVIDER_IDS).optional(),
    model: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(100).optional().describe('Default 20'),
    cursor: z.string().max(100).optional().describe('next_cursor from the previous page, for older jobs'),
  }),
  outputSchema: z.object({
    jobs: z.array(JobListItem),
    /** Jobs in this page (the ledger is read page by page, never whole). */
    total: z.number().int(),
    next_cursor: z.string().optional(),
    spending: z.object({ today: money, all_time: money, daily_budget_usd: z.number().optional() }),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler({ status, provider, model, limit, cursor }, ctx) {
    // Reads at most `limit` records when unfiltered (a filter reads until it finds them, up to a scan limit).
    const [page, totals] = await Promise.all([
      ctx.service.ledger.listJobs({
        limit: limit ?? 20,
        cursor,
        status: status === 'failed' ? ['failed', 'unknown'] : status,
        provider,
        model,
      }),
      ctx.service.deps.guard.totals(),
    ]);
    const jobs = page.jobs.map((r) => toJobOutput(r, ctx.service));
    const more = page.next_cursor !== undefined ? ` More: call list_jobs with cursor "${page.next_cursor}".` : '';
    return {
      summary: `Showing ${jobs.length} job(s), newest first.${more} Estimated spend today $${totals.today_estimated_usd.toFixed(2)}${totals.daily_cap_usd !== undefined ? ` of a $${totals.daily_cap_usd.toFixed(2)} daily budget` : ''}.`,
      structured: {
        jobs,
        total: jobs.length,
        ...(page.next_cursor !== undefined ? { next_cursor: page.next_cursor } : {}),
        spending: {
          today: { estimated_usd: totals.today_estimated_usd, billed_usd: totals.today_billed_usd },
          all_time: { estimated_usd: totals.all_time_estimated_usd, billed_usd: totals.all_time_billed_usd },
          ...(totals.daily_cap_usd !== undefined ? { daily_budget_usd: totals.daily_cap_usd } : {}),
        },
      },
    };
  },
});
