import * as z from 'zod';
import { PROVIDER_IDS } from '../catalog/types.js';
import { VideogenError } from '../errors.js';
import type { ConfirmQuestion, GenerateInput } from '../jobs/service.js';
import { defineTool, type ToolContext } from './define-tool.js';
import { jobShape, jobSummary, toJobOutput, videoLink } from './job-output.js';
import { waitWithProgress } from './wait-with-progress.js';

// Loose at run time so that a field borrowed from a provider's docs (`resolution`, `webhook_url`,
// `image` …) reaches the catalog's validation, which refuses it naming the field to use instead; the
// advertised schema is closed (see tool-list.ts).
const input = z.looseObject({
  model: z.string().min(1).max(200).describe('Model id or provider slug from list_models, e.g. "hailuo-02"'),
  prompt: z.string().max(15000).optional(),
  first_frame_image_url: z.string().min(1).optional().describe('https URL, data: URI or local path'),
  last_frame_image_url: z.string().min(1).optional().describe('Last frame (models with first-last-frame)'),
  source_video_url: z.string().min(1).optional().describe('Video to edit (runway-aleph) or reference (hailuo-3)'),
  duration_seconds: z.number().min(1).max(60).optional(),
  output_resolution: z.string().optional().describe('e.g. 768p'),
  aspect_ratio: z.string().optional().describe('e.g. 16:9 (Runway models)'),
  prompt_optimizer: z.boolean().optional(),
  callback_url: z.string().url().optional().describe('Provider webhook on completion'),
  seed: z.number().int().min(0).optional(),
  negative_prompt: z.string().optional().describe('What to avoid (Veo)'),
  generate_audio: z.boolean().optional().describe('Audio track on/off (Veo)'),
  watermark: z.boolean().optional().describe('AI watermark on/off (MiniMax)'),
  extend_job_id: z.string().min(1).optional().describe('Continue this finished job (model runway)'),
  provider: z.enum(PROVIDER_IDS).optional().describe('Pin one backend; default routes automatically'),
  wait_seconds: z.number().min(0).max(600).optional().describe('Block up to this long (capped at 50 s) for the result'),
  idempotency_key: z.string().min(1).max(200).optional().describe('Reuse to retry safely without paying twice'),
  dry_run: z.boolean().optional().describe('Validate, route and price only; submit nothing'),
  max_cost_usd: z.number().min(0).optional().describe('Refuse if the estimate is higher or unknown'),
});

/** What a dry run would send, and to whom (provider, native_model, endpoint, mode, params, estimate, alternatives). */
const planShape = z.looseObject({ provider: z.string(), native_model: z.string() });

const output = z.object({
  ...jobShape,
  job_id: jobShape.job_id.optional(),
  status: jobShape.status.optional(),
  created_at: jobShape.created_at.optional(),
  updated_at: jobShape.updated_at.optional(),
  dry_run: planShape.optional(),
  reused: z.boolean().optional(),
});

export const generateVideo = defineTool({
  name: 'generate_video',
  title: 'Generate a video',
  description: [
    'Start an AI video generation job (Hailuo, Runway). Costs money on real providers; invalid requests are refused before anything is sent.',
    'Call list_models first to see models and their allowed durations/resolutions. Returns a job_id at once; then call check_job (or pass wait_seconds) until status is succeeded, when local_path holds the saved MP4.',
    'Frames and source video take an https URL, a data: URI or a local file path in the workspace. Use dry_run to see the price and provider without spending; pass the same idempotency_key to retry a failed call without a second charge.',
    'Example: {"model":"hailuo-02","prompt":"a paper boat on a rainy street","duration_seconds":6,"output_resolution":"768p","first_frame_image_url":"./boat.png"}',
  ].join('\n'),
  inputSchema: input,
  outputSchema: output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async handler(args, ctx) {
    const { wait_seconds, ...req } = args;
    const input = Object.fromEntries(Object.entries(req).filter(([, v]) => v !== undefined)) as unknown as GenerateInput;
    const outcome = await ctx.service.generate(input, { signal: ctx.extra.signal, confirm: confirmer(ctx) });
    if ('dry_run' in outcome) {
      const { dry_run: _d, model, simulated, estimated_cost_usd, ...plan } = outcome;
      const price = estimated_cost_usd === undefined ? 'an unknown price' : `$${estimated_cost_usd.toFixed(2)}`;
      return {
        summary: `Dry run: nothing was submitted. It would go to ${plan.provider} (${plan.native_model}) at ${price}.`,
        structured: {
          provider: plan.provider,
          model,
          simulated,
          next_action: 'Call generate_video again without dry_run to submit it.',
          ...(estimated_cost_usd !== undefined ? { estimated_cost_usd } : {}),
          dry_run: {
            ...plan,
            params: plan.params as Record<string, unknown>,
            ...(estimated_cost_usd !== undefined ? { estimated_cost_usd } : {}),
            alternatives: plan.alternatives.map((a) => ({
              provider: a.provider,
              native_model: a.native_model,
              ...(a.estimated_cost_usd !== undefined ? { estimated_cost_usd: a.estimated_cost_usd } : {}),
            })),
          },
        },
      };
    }
    let rec = outcome.record;
    if (!outcome.reused) ctx.watcher.watch(rec);
    rec = (await waitWithProgress(rec.job_id, wait_seconds, ctx)) ?? rec;
    const reusedNote = outcome.reused ? 'This idempotency_key already has a job; nothing new was submitted. ' : '';
    return {
      summary: reusedNote + jobSummary(rec),
      structured: { ...toJobOutput(rec, ctx.service), ...(outcome.reused ? { reused: true } : {}) },
      links: videoLink(rec),
    };
  },
});

/** How long the human has to answer a spending question (clients often end tool calls at 60 s). */
const CONFIRM_TIMEOUT_MS = 50_000;

/** Ask the human through form elicitation when the client supports it; undefined otherwise. */
function confirmer(ctx: ToolContext): ((q: ConfirmQuestion) => Promise<boolean>) | undefined {
  const caps = ctx.server.server.getClientCapabilities();
  if (!caps?.elicitation) return undefined;
  // SDK normalises `elicitation: {}` to form support; URL-only clients cannot answer a form.
  const el = caps.elicitation as { form?: unknown; url?: unknown };
  if (el.url !== undefined && el.form === undefined) return undefined;
  return async (q) => {
    const price = q.estimated_cost_usd === undefined ? 'an unknown price' : `about $${q.estimated_cost_usd.toFixed(2)}`;
    let r;
    try {
      r = await ctx.server.server.elicitInput(
        {
          mode: 'form',
          message: `Generate a video with ${q.model} on ${q.provider} (${q.native_model}), ${q.duration_seconds ?? '?'} s at ${q.output_resolution ?? 'default resolution'}, for ${price}?`,
          requestedSchema: {
            type: 'object',
            properties: { confirm: { type: 'boolean', title: `Spend ${price}`, default: false } },
            required: ['confirm'],
          },
        },
        { signal: ctx.extra.signal, timeout: CONFIRM_TIMEOUT_MS },
      );
    } catch (err) {
      if (ctx.extra.signal.aborted) throw err;
      throw new VideogenError(
        'declined',
        `The confirmation question got no answer (${err instanceof Error ? err.message : String(err)}); nothing was submitted. Ask the user, then call generate_video again.`,
        { noJobCreated: true },
      );
    }
    return r.action === 'accept' && r.content?.['confirm'] === true;
  };
}
