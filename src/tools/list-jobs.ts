import * as z from 'zod';
import { PROVIDER_IDS } from '../catalog/types.js';
import { VideogenError } from '../errors.js';
import { localDay } from '../jobs/budget.js';
import type { JobRecord } from '../jobs/ledger.js';
import { defineTool } from './define-tool.js';
import { JobRow, PUBLIC_STATUSES, toJobRow } from './job-output.js';
import { lenientNumber } from './schema.js';

/** Default rows per page. */
const DEFAULT_LIMIT = 20;
/**
 * Upper bound on a result's serialized size: rows beyond it go to the next page (next_cursor). At the
 * worst ratio measured (base64 job ids, signed paths: ~2.5 characters per o200k token) this stays far
 * below Claude Code's 25,000-token result limit.
 */
export const MAX_RESULT_CHARS = 40_000;
/** The summary lists rows only up to here, so the first 1,500 characters of text stay readable. */
const SUMMARY_ROWS_CHARS = 1_300;

/** Opaque page cursor: the sort key of the last row shown. */
function encodeCursor(r: JobRecord): string {
  return Buffer.from(JSON.stringify([r.created_at, r.job_id]), 'utf8').toString('base64url');
}
function decodeCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    // fall through
  }
  throw new VideogenError('invalid_input', 'cursor is not a list_jobs cursor; pass next_cursor from a previous list_jobs result, or omit it.');
}

/** Newest first; ties by job_id, so pages never skip or repeat a row. */
const order = (a: JobRecord, b: JobRecord) => b.created_at.localeCompare(a.created_at) || a.job_id.localeCompare(b.job_id);

function rowLine(r: z.infer<typeof JobRow>): string {
  return `${r.job_id} ${r.status} ${r.model} ${r.created_at}${r.local_path ? ` ${r.local_path}` : ''}`;
}

export const listJobs = defineTool({
  name: 'list_jobs',
  title: 'List video jobs',
  description: [
    'List recent jobs from the shared ledger (all server processes, across restarts), newest first: job_id, status, model, created_at, local_path; plus spending today and all time.',
    'Use it to find a lost job_id, then check_job for details. Pass next_cursor as cursor for more. Example: {"status":"running","limit":10}',
  ].join('\n'),
  inputSchema: z.strictObject({
    status: z.enum(PUBLIC_STATUSES).optional(),
    provider: z.enum(PROVIDER_IDS).optional(),
    model: z.string().max(1000).optional(),
    limit: lenientNumber({ min: 1, max: 100, int: true, description: `Default ${DEFAULT_LIMIT}` }).optional(),
    cursor: z.string().max(2000).optional().describe('next_cursor of the previous page'),
  }),
  outputSchema: z.object({
    jobs: z.array(JobRow),
    total: z.number().int(),
    next_cursor: z.string().optional(),
    /** { today, all_time: { estimated_usd, billed_usd }, daily_budget_usd? } (left open in the advertised schema). */
    spending: z.looseObject({}),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler({ status, provider, model, limit, cursor }, ctx) {
    const all = await ctx.service.ledger.list();
    const matching = all
      .filter(
        (r) =>
          (status === undefined || (r.status === 'unknown' ? 'failed' : r.status) === status) &&
          (provider === undefined || r.provider === provider) &&
          (model === undefined || r.model === model),
      )
      .sort(order);
    let start = 0;
    if (cursor !== undefined) {
      const [at, id] = decodeCursor(cursor);
      start = matching.findIndex((r) => r.created_at < at || (r.created_at === at && r.job_id > id));
      if (start < 0) start = matching.length;
    }
    /** One page of at most n rows from the cursor, and the cursor after it. */
    const fetchPage = (n: number): { jobs: JobRecord[]; next_cursor?: string } => {
      const jobs = matching.slice(start, start + n);
      const last = jobs[jobs.length - 1];
      return start + jobs.length < matching.length && last ? { jobs, next_cursor: encodeCursor(last) } : { jobs };
    };
    // A page whose rows would not fit the result budget is asked for again, smaller (the cursor then
    // points after the last row shown, so nothing is skipped).
    let want = limit ?? DEFAULT_LIMIT;
    let page = fetchPage(want);
    let rows = page.jobs.map(toJobRow);
    while (rows.length > 1 && 3 * JSON.stringify(rows).length > MAX_RESULT_CHARS) {
      want = Math.max(1, Math.floor(rows.length * 0.8));
      page = fetchPage(want);
      rows = page.jobs.map(toJobRow);
    }
    const { next_cursor } = page;
    const more = next_cursor !== undefined;

    const totals = await ctx.service.deps.guard.totals();
    let billedToday = 0;
    let billedAll = 0;
    for (const r of all) {
      if (r.billed_cost_usd === undefined) continue;
      billedAll += r.billed_cost_usd;
      if (localDay(Date.parse(r.created_at)) === totals.day) billedToday += r.billed_cost_usd;
    }
    const round = (n: number) => Math.round(n * 10_000) / 10_000;

    const head = `${matching.length} job(s) match; showing ${rows.length}, newest first${more ? ' (more: pass next_cursor as cursor)' : ''}. Estimated spend today $${totals.today_estimated_usd.toFixed(2)}${totals.daily_cap_usd !== undefined ? ` of a $${totals.daily_cap_usd.toFixed(2)} daily budget` : ''}. Details of a job: check_job.`;
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
        total: matching.length,
        ...(next_cursor ? { next_cursor } : {}),
        spending: {
          today: { estimated_usd: totals.today_estimated_usd, billed_usd: round(billedToday) },
          all_time: { estimated_usd: totals.all_time_estimated_usd, billed_usd: round(billedAll) },
          ...(totals.daily_cap_usd !== undefined ? { daily_budget_usd: totals.daily_cap_usd } : {}),
        },
      },
    };
  },
});
