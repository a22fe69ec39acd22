import * as z from 'zod';
import { PROVIDER_IDS } from '../catalog/types.js';
import { localDay } from '../jobs/budget.js';
import { defineTool } from './define-tool.js';
import { JobListItem, PUBLIC_STATUSES, toJobOutput } from './job-output.js';

const money = z.object({ estimated_usd: z.number(), billed_usd: z.number() });

export const listJobs = defineTool({
  name: 'list_jobs',
  title: 'List video jobs',
  description: [
    'List recent jobs from the shared ledger (all server processes, across restarts), newest first, with spending today and all time.',
    'Use it to find a job_id you lost; then call check_job. Example: {"status":"running","limit":10}',
  ].join('\n'),
  inputSchema: z.strictObject({
    status: z.enum(PUBLIC_STATUSES).optional(),
    provider: z.enum(PROVIDER_IDS).optional(),
    model: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(100).optional().describe('Default 20'),
  }),
  outputSchema: z.object({
    jobs: z.array(JobListItem),
    total: z.number().int(),
    spending: z.object({ today: money, all_time: money, daily_budget_usd: z.number().optional() }),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler({ status, provider, model, limit }, ctx) {
    const all = await ctx.service.ledger.list();
    const matching = all.filter(
      (r) =>
        (status === undefined || (r.status === 'unknown' ? 'failed' : r.status) === status) &&
        (provider === undefined || r.provider === provider) &&
        (model === undefined || r.model === model),
    );
    const jobs = matching.slice(0, limit ?? 20).map((r) => toJobOutput(r, ctx.service));
    const totals = await ctx.service.deps.guard.totals();
    let billedToday = 0;
    let billedAll = 0;
    for (const r of all) {
      if (r.billed_cost_usd === undefined) continue;
      billedAll += r.billed_cost_usd;
      if (localDay(Date.parse(r.created_at)) === totals.day) billedToday += r.billed_cost_usd;
    }
    const round = (n: number) => Math.round(n * 10_000) / 10_000;
    return {
      summary: `${matching.length} job(s) match; showing ${jobs.length}. Estimated spend today $${totals.today_estimated_usd.toFixed(2)}${totals.daily_cap_usd !== undefined ? ` of a $${totals.daily_cap_usd.toFixed(2)} daily budget` : ''}.`,
      structured: {
        jobs,
        total: matching.length,
        spending: {
          today: { estimated_usd: totals.today_estimated_usd, billed_usd: round(billedToday) },
          all_time: { estimated_usd: totals.all_time_estimated_usd, billed_usd: round(billedAll) },
          ...(totals.daily_cap_usd !== undefined ? { daily_budget_usd: totals.daily_cap_usd } : {}),
        },
      },
    };
  },
});
