import * as z from 'zod';
import {
  MODELS,
  MODES,
  PROVIDER_IDS,
  compactListing,
  describeModel,
  modelParamsText,
  modelView,
  requireModel,
  summarizeModel,
  type ProviderId,
} from '../catalog/index.js';
import { PROVIDER_ENV, type Config } from '../config.js';
import { defineTool } from './define-tool.js';
import { lenientBoolean } from './schema.js';

const modelOut = z.looseObject({ id: z.string() });

function usableFn(config: Config): (p: ProviderId) => boolean {
  const none = noKeys(config);
  return (p) => (p === 'simulator' ? none : config.providers[p].apiKey !== undefined);
}

export const listModels = defineTool({
  name: 'list_models',
  title: 'List video models',
  description: [
    'List the video models: modes, durations, resolutions, aspect ratios, USD price range and providers (* = usable now). Call it before generate_video.',
    'Pass model for its parameters, defaults, joint rules (e.g. no 10 s at 1080p) and per-provider prices. Example: {"model":"hailuo-02"}',
  ].join('\n'),
  inputSchema: z.strictObject({
    model: z.string().max(1000).optional().describe('Model id or alias: its parameters and rules'),
    provider: z.enum(PROVIDER_IDS).optional(),
    mode: z.enum(MODES).optional(),
    available_only: lenientBoolean('Only models usable now').optional(),
    wire_details: lenientBoolean('With model: endpoints, wire fields, price sources').optional(),
  }),
  outputSchema: z.object({ models: z.array(modelOut) }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  // The catalog is in the main bundle: answering never loads the job runtime (undici, adapters, ledger).
  runtime: false,
  async handler({ model, provider, mode, available_only, wire_details }, ctx) {
    const cfg = ctx.config;
    const rate = { apiframeUsdPerCredit: cfg.apiframeUsdPerCredit };
    const usable = usableFn(cfg);
    const specs = (model !== undefined ? [requireModel(model).model] : MODELS)
      .filter((m) => mode === undefined || m.modes.includes(mode))
      .filter((m) => provider === undefined || m.offers.some((o) => o.provider === provider))
      .filter((m) => !available_only || m.offers.some((o) => usable(o.provider)));
    const models = specs.map((m) => {
      const base = model === undefined ? summarizeModel(m, rate) : wire_details ? describeModel(m, rate) : modelView(m, rate);
      const offers = (base.offers as { provider: ProviderId }[])
        .filter((o) => provider === undefined || o.provider === provider)
        .map((o) => ({ ...o, available: o.provider === 'simulator' ? true : usable(o.provider) }));
      return { ...base, offers };
    });
    const configured = Object.values(cfg.providers)
      .filter((p) => p.apiKey !== undefined)
      .map((p) => p.id);
    const keys = configured.length
      ? `Configured providers: ${configured.join(', ')}.`
      : `No provider key is set: generate_video uses the built-in simulator (simulated: true, placeholder clips). Set e.g. ${PROVIDER_ENV.runapi.key} or ${PROVIDER_ENV.runway.key} for real videos.`;
    let summary: string;
    if (model !== undefined) {
      summary = specs.length
        ? `${specs.map((m) => modelParamsText(m, usable, rate)).join('\n')}\n${keys}${wire_details ? '' : ` Wire detail (endpoints, field names, price sources): add "wire_details":true.`}`
        : `${model} does not match the provider or mode filter.`;
    } else {
      // The header and model lines come first: they must fit in the first 1,500 characters (tested for the
      // whole catalog with every provider usable, in test/catalog).
      const listing = compactListing(specs, usable, rate);
      summary = [...listing.header, ...listing.lines, keys, 'Next: list_models {"model":"<id>"} for parameters, defaults and rules, or generate_video.'].join(
        '\n',
      );
    }
    return { summary, structured: { models: models as unknown as z.input<typeof modelOut>[] } };
  },
});

function noKeys(cfg: Config): boolean {
  return Object.values(cfg.providers).every((p) => p.apiKey === undefined);
}
