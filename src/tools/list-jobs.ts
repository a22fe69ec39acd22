import * as z from 'zod';
import { PROVIDER_IDS } from '../catalog/types.js';
import type { JobRecord } from '../jobs/ledger.js';
import { defineTool } from './define-tool.js';
import { JobRow, PUBLIC_STATUSES, toJobRow } from './job-output.js';
import { lenientNumber } from './schema.js';

/** Default rows per page. */
const DEFAULT_LIMIT = 20;
/**
 * Upper bound on a result's serialized size: rows beyond it go to the next page (next_cursor). At the
 * worst ratio measured (base64 job ids, long paths: ~2.4 characters per o200k token) this stays far
 * below Claude Code's 25,000-token result limit.
 */
export const MAX_RESULT_CHARS = 40_000;
/** The summary lists rows only up to here, so the first 1,500 characters of text stay readable. */
const SUMMARY_ROWS_CHARS = 1_300;

function rowLine(r: z.infer<typeof JobRow>): string {
  return `${r.job_id} ${r.status}${r.error ? ` (${r.error.code})` : ''} ${r.model} ${r.created_at}${r.local_path ? ` ${r.local_path}` : ''}`;
}

export const listJobs = defineTool({
  name: 'list_jobs',
  title: 'List video jobs',
  description: [
    'List recent jobs from the shared ledger (all server processes, across restarts), newest first: job_id, status, model, created_at, local_path; plus spending today and all time.',
    'Use it to find a lost job_id, then check_job for details. Pass next_cursor as cursor for older jobs. Example: {"status":"running","limit":10}',
  ].join('\n'),
  inputSchema: z.strictObject({
    status: z.enum(PUBLIC_STATUSES).optional(),
    provider: z.enum(PROVIDER_IDS).optional(),
    model: z.string().max(1000).optional(),
    limit: lenientNumber({ min: 1, max: 100, int: true, description: `Default ${DEFAULT_LIMIT}` }).optional(),
    cursor: z.string().max(1000).optional().describe('next_cursor of the previous page'),
  }),
  outputSchema: z.object({
    jobs: z.array(JobRow),
    /** Jobs in this page (the ledger is read page by page, never whole). */
    total: z.number().int(),
    next_cursor: z.string().optional(),
    /** { today, all_time: { estimated_usd, billed_usd }, daily_budget_usd? } (left open in the advertised schema). */
    spending: z.looseObject({}),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler({ status, provider, model, limit, cursor }, ctx) {
    // Reads at most `limit` records when unfiltered (a filter reads until it finds them, up to a scan limit).
    const fetchPage = (n: number): Promise<{ jobs: JobRecord[]; next_cursor?: string | undefined }> =>
      ctx.service.ledger.listJobs({ limit: n, cursor, status: status === 'failed' ? ['failed', 'unknown'] : status, provider, model });
    const [first, totals] = await Promise.all([fetchPage(limit ?? DEFAULT_LIMIT), ctx.service.deps.guard.totals()]);
    // A page whose rows would not fit the result budget is asked for again, smaller: the store's cursor
    // then points after the last row shown, so nothing is skipped.
    let page = first;
    let rows = page.jobs.map(toJobRow);
    while (rows.length > 1 && 3 * JSON.stringify(rows).length > MAX_RESULT_CHARS) {
      page = await fetchPage(Math.max(1, Math.floor(rows.length * 0.8)));
      rows = page.jobs.map(toJobRow);
    }
    const { next_cursor } = page;
    const more = next_cursor !== undefined;

    const head = `Showing ${rows.length} job(s), newest first${more ? ' (more: pass next_cursor as cursor)' : ''}. Estimated spend today $${totals.today_estimated_usd.toFixed(2)}${totals.daily_cap_usd !== undefined ? ` of a $${totals.daily_cap_usd.toFixed(2)} daily budget` : ''}. Details of a job: check_job.`;
    const lines: string[] = [];
    let used = 0;
    for (const r of rows) {
      const line = rowLine(r);
      if (used + line.length > SUMMARY_ROWS_CHARS) {
        lines.push(`… ${rows.length - lines.length} more row(s) in the JSON below.`);
        break;
      }
      lines.push(line);
      used += line.length + 1;
    }
    return {
      summary: [head, ...(rows.length ? ['job_id status model created_at [local_path]:', ...lines] : [])].join('\n'),
      structured: {
        jobs: rows,
        total: rows.length,
        ...(next_cursor !== undefined ? { next_cursor } : {}),
        spending: {
          today: { estimated_usd: totals.today_estimated_usd, billed_usd: totals.today_billed_usd },
          all_time: { estimated_usd: totals.all_time_estimated_usd, billed_usd: totals.all_time_billed_usd },
          ...(totals.daily_cap_usd !== undefined ? { daily_budget_usd: totals.daily_cap_usd } : {}),
        },
      },
    };
  },
});
