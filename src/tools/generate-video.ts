import * as z from 'zod';
import { MODELS, MODE_SHORT, PROVIDER_IDS, estimateUsd, offerServes, requireModel, validateParams, type Mode, type VideoParams } from '../catalog/index.js';
import type { Config } from '../config.js';
import { VideogenError } from '../errors.js';
import type { ConfirmQuestion, GenerateContext, GenerateInput } from '../jobs/service.js';
import { defineTool, type ToolContext } from './define-tool.js';
import { jobSummary, toJobOutput, videoLink } from './job-output.js';
import { lenientBoolean, lenientNumber, numericPassThrough } from './schema.js';
import { waitWithProgress } from './wait-with-progress.js';

/**
 * Which models take a field of one mode, for the field descriptions: their ids while that is short, else
 * the mode's code in the list_models {} lines (data-driven: a new model appears by itself, and the
 * description stops growing once a mode is common; tools/list has a token budget).
 */
const withMode = (mode: Mode) => {
  const ids = MODELS.filter((m) => m.modes.includes(mode)).map((m) => m.id);
  return ids.length <= 3 ? ids.join(', ') : `models with ${MODE_SHORT[mode]} in list_models`;
};

// Loose at run time so that a field borrowed from a provider's docs (`resolution`, `webhook_url`,
// `image` …) reaches the catalog's validation, which refuses it naming the field to use instead; the
// advertised schema lists only these fields.
const input = z.looseObject({
  model: z
    .string()
    .min(1)
    .max(1000)
    .describe(`One of: ${MODELS.map((m) => m.id).join(', ')} (or a provider slug from list_models)`),
  prompt: z.string().max(15000).optional().describe('What the video shows; required by most models'),
  first_frame_image_url: z.string().min(1).optional().describe('Start image to animate'),
  last_frame_image_url: z
    .string()
    .min(1)
    .optional()
    .describe(`End frame, with a first frame (${withMode('first-last-frame')})`),
  source_video_url: z
    .string()
    .min(1)
    .optional()
    .describe(`Video to edit or follow (${withMode('video-to-video')})`),
  duration_seconds: numericPassThrough('Seconds, e.g. 6 (allowed values: list_models)').optional(),
  output_resolution: z.string().max(1000).optional().describe('e.g. 768p'),
  aspect_ratio: z.string().max(1000).optional().describe('e.g. 16:9, 9:16'),
  prompt_optimizer: lenientBoolean(
    `Let the provider rewrite the prompt (${MODELS.filter((m) => m.params.prompt_optimizer)
      .map((m) => m.id)
      .join(', ')})`,
  ).optional(),
  callback_url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional()
    .describe('https URL the provider calls when done'),
  seed: lenientNumber({ min: 0, max: 4294967295, int: true, description: 'Repeatable result (models that take it)' }).optional(),
  negative_prompt: z.string().max(2000).optional().describe('What to avoid (Veo)'),
  generate_audio: lenientBoolean('Audio track on/off (Veo)').optional(),
  watermark: lenientBoolean('AI watermark on/off (MiniMax)').optional(),
  extend_job_id: z.string().min(1).max(1024).optional().describe('Continue this finished job (model runway)'),
  provider: z.enum(PROVIDER_IDS).optional().describe('Pin one backend; default: cheapest configured'),
  wait_seconds: lenientNumber({ min: 0, max: 600, description: 'Block up to this many s (max 50) for the result' }).optional(),
  idempotency_key: z.string().min(1).max(200).optional().describe('Reuse to retry without paying twice'),
  dry_run: lenientBoolean('Validate and price only; submits nothing').optional(),
  max_cost_usd: lenientNumber({ min: 0, description: 'Refuse if the estimate is higher or unknown' }).optional(),
});

/** What a dry run would send, and to whom: { provider, native_model, endpoint, mode, params, estimated_cost_usd?, alternatives }. */
const planShape = z.looseObject({});

const output = z.looseObject({
  job_id: z.string().optional(),
  status: z.string().optional(),
  model: z.string(),
  next_action: z.string(),
  local_path: z.string().optional(),
  estimated_cost_usd: z.number().optional(),
  dry_run: planShape.optional(),
  /** Set when the submit's answer had not arrived by the deadline: call again with this key. */
  idempotency_key: z.string().optional(),
});

export const generateVideo = defineTool({
  name: 'generate_video',
  title: 'Generate a video',
  description: [
    'Start a video job; returns job_id at once (renders take minutes). Costs money on real providers; invalid requests are refused before anything is sent.',
    "Call list_models first for each model's durations, resolutions and rules. Then check_job (or wait_seconds) until succeeded: local_path is the saved MP4.",
    'Images/video: https URL, data: URI or local file path. dry_run: price and provider, no spend.',
    'Example: {"model":"hailuo-02","prompt":"a paper boat on a rainy street","duration_seconds":6,"output_resolution":"768p","first_frame_image_url":"./boat.png"}',
  ].join('\n'),
  inputSchema: input,
  outputSchema: output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async handler(args, ctx) {
    const { wait_seconds, ...req } = args;
    const input = Object.fromEntries(Object.entries(req).filter(([, v]) => v !== undefined)) as unknown as GenerateInput;
    const gctx: GenerateContext = { signal: ctx.extra.signal, deadline: ctx.deadline, budgetMs: ctx.budgetMs, confirm: confirmer(ctx) };
    const outcome = await ctx.service.generate(input, gctx).catch((err: unknown) => {
      throw withAlternatives(err, input);
    });
    if ('dry_run' in outcome) {
      const { dry_run: _d, model, simulated, estimated_cost_usd, ...plan } = outcome;
      const price = estimated_cost_usd === undefined ? 'an unknown price' : `$${estimated_cost_usd.toFixed(2)}`;
      const real = simulated ? realPrices(input.model, plan.params, plan.mode, ctx.config) : '';
      return {
        summary: `Dry run: nothing was submitted. It would go to ${plan.provider} (${plan.native_model}) at ${price}.${real}`,
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
    if ('submitting' in outcome) {
      const key = outcome.idempotency_key;
      return {
        summary: `Submitted to ${outcome.provider}, whose answer has not arrived within this call's time budget. The submit continues in the background and its outcome is recorded; nothing will be sent twice.`,
        structured: {
          provider: outcome.provider,
          model: outcome.model,
          simulated: outcome.simulated,
          idempotency_key: key,
          detail: `Waiting for ${outcome.provider} to confirm the submit (since ${outcome.since}).`,
          next_action: `Call generate_video again in about 10 s with the same arguments and idempotency_key "${key}": it returns this job once ${outcome.provider} answers, and never submits it twice. list_jobs also shows it then.`,
          ...(outcome.estimated_cost_usd !== undefined ? { estimated_cost_usd: outcome.estimated_cost_usd } : {}),
        },
      };
    }
    let rec = outcome.record;
    if (!outcome.reused) ctx.watcher.watch(rec);
    // The wait fits inside what is left of the call's deadline (gctx.deadline restarts after a confirmation).
    const left = Math.max(0, ((gctx.deadline?.at ?? Date.now()) - Date.now()) / 1000);
    rec = (await waitWithProgress(rec.job_id, wait_seconds === undefined ? undefined : Math.min(wait_seconds, left), ctx)) ?? rec;
    const reusedNote = outcome.reused ? 'This idempotency_key already has a job; nothing new was submitted. ' : '';
    const out = toJobOutput(rec, ctx.service);
    return {
      summary: `${reusedNote}job_id: ${rec.job_id}. ${jobSummary(rec, out)}`,
      structured: { ...out, ...(outcome.reused ? { reused: true } : {}) },
      links: videoLink(rec),
    };
  },
});

/**
 * For a simulated dry run: what the real providers would charge for the same request, so "$0.00" is
 * never mistaken for the price of a real video.
 */
function realPrices(modelName: string, params: VideoParams, mode: Mode, config: Config): string {
  const model = requireModel(modelName).model;
  const byProvider = new Map<string, number[]>();
  for (const o of model.offers) {
    if (o.provider === 'simulator' || offerServes(model, o, params, mode) !== undefined) continue;
    const usd = estimateUsd(o, params, mode, { apiframeUsdPerCredit: config.apiframeUsdPerCredit });
    const seen = byProvider.get(o.provider) ?? [];
    if (usd !== undefined) seen.push(usd);
    byProvider.set(o.provider, seen);
  }
  const list = [...byProvider].map(([p, v]) => {
    if (!v.length) return `${p} price unknown`;
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    return `${p} $${lo.toFixed(2)}${hi > lo ? `–${hi.toFixed(2)}` : ''}`;
  });
  return list.length
    ? ` This is the simulator (no provider key set): a real video would cost ${list.join(', ')}.`
    : ' This is the simulator (no provider key set); no real provider serves this exact request.';
}

/** The fields whose values decide which model can serve a request (what "10 s at 1080p" is made of). */
const VALUE_FIELDS = ['duration_seconds', 'output_resolution', 'aspect_ratio'] as const;

/**
 * A refusal of the request's values on one model also says which other models accept the same request
 * as is, or that none does, so an agent does not try model after model.
 */
function withAlternatives(err: unknown, input: GenerateInput): unknown {
  if (!(err instanceof VideogenError) || err.code !== 'invalid_input') return err;
  const set = VALUE_FIELDS.filter((f) => input[f] !== undefined);
  // Only a refusal about those values (not a missing prompt or an unreadable file).
  if (!set.some((f) => err.message.includes(f)) || / must be /.test(err.message)) return err;
  let current;
  try {
    current = requireModel(input.model).model;
  } catch {
    return err;
  }
  const { model: _m, provider: _p, idempotency_key: _k, dry_run: _d, max_cost_usd: _c, ...params } = input;
  // Another model accepts these values when validating the same request there raises nothing about
  // them (a missing aspect_ratio or image is another matter, which the agent can add).
  const fits = MODELS.filter((m) => {
    if (m === current) return false;
    try {
      validateParams({ model: m }, params);
      return true;
    } catch (e) {
      return e instanceof VideogenError && !set.some((f) => e.message.includes(f));
    }
  }).map((m) => m.id);
  const what = set.map((f) => `${f} ${String(input[f])}`).join(', ');
  const note = fits.length ? ` Models that accept ${what}: ${fits.join(', ')} (see list_models for their other fields).` : ` No model here offers ${what}.`;
  return new VideogenError('invalid_input', err.message + note, { noJobCreated: true, cause: err });
}

/** How long the human has to answer a spending question (clients often end tool calls at 60 s). */
const CONFIRM_TIMEOUT_MS = 50_000;

/** Ask the human through form elicitation when the client supports it; undefined otherwise. */
function confirmer(ctx: ToolContext): ((q: ConfirmQuestion) => Promise<boolean>) | undefined {
  const caps = ctx.server.server.getClientCapabilities();
  if (!caps?.elicitation || !ctx.client.elicitation) return undefined;
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
