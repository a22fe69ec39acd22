import * as z from 'zod';
import { MODELS, MODES, PROVIDER_IDS, describeModel, requireModel, summarizeModel, type Offer } from '../catalog/index.js';
import type { Config } from '../config.js';
import { defineTool } from './define-tool.js';

const offerOut = z.looseObject({ provider: z.enum(PROVIDER_IDS), native_model: z.string(), available: z.boolean() });
/** Each model also carries title, modes, aliases and (with a model filter) its full parameter table. */
const modelOut = z.looseObject({
  id: z.string(),
  durations: z.array(z.number()),
  resolutions: z.array(z.string()),
  aspect_ratios: z.array(z.string()),
  offers: z.array(offerOut),
});

function available(config: Config, offer: Pick<Offer, 'provider'>): boolean {
  if (offer.provider === 'simulator') return true;
  return config.providers[offer.provider as keyof Config['providers']].apiKey !== undefined;
}

export const listModels = defineTool({
  name: 'list_models',
  title: 'List video models',
  description: [
    "List the video models, their allowed durations, resolutions and aspect ratios, and which providers offer them (available = that provider's key is set) with USD prices.",
    'Call it before generate_video. Pass model to get that model\'s full parameter table, joint rules (e.g. no 10 s at 1080p) and per-provider prices. Example: {"model":"hailuo-02"}',
  ].join('\n'),
  inputSchema: z.strictObject({
    model: z.string().max(200).optional().describe('A model id or alias: returns its full parameter table'),
    provider: z.enum(PROVIDER_IDS).optional(),
    mode: z.enum(MODES).optional(),
    available_only: z.boolean().optional().describe('Only models a configured provider (or the simulator) serves'),
  }),
  outputSchema: z.object({ models: z.array(modelOut) }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  // The catalog is in the main bundle: answering never loads the job runtime (undici, adapters, ledger).
  runtime: false,
  async handler({ model, provider, mode, available_only }, ctx) {
    const cfg = ctx.config;
    const rate = { apiframeUsdPerCredit: cfg.apiframeUsdPerCredit };
    const specs = model !== undefined ? [requireModel(model).model] : MODELS;
    const models = specs
      .filter((m) => mode === undefined || m.modes.includes(mode))
      .filter((m) => provider === undefined || m.offers.some((o) => o.provider === provider))
      .map((m) => {
        const base = model !== undefined ? describeModel(m, rate) : summarizeModel(m, rate);
        const offers = (base.offers as { provider: Offer['provider'] }[])
          .filter((o) => provider === undefined || o.provider === provider)
          .map((o) => ({ ...o, available: available(cfg, o) }));
        return { ...base, offers };
      })
      .filter((m) => !available_only || m.offers.some((o) => o.available && (o.provider !== 'simulator' || noKeys(cfg))));
    const configured = Object.values(cfg.providers)
      .filter((p) => p.apiKey !== undefined)
      .map((p) => p.id);
    return {
      summary: configured.length
        ? `${models.length} model(s). Configured providers: ${configured.join(', ')}.`
        : `${models.length} model(s). No provider key is set, so generate_video uses the built-in simulator (simulated: true). Set e.g. RUNAPI_API_KEY to generate real videos.`,
      structured: { models: models as unknown as z.input<typeof modelOut>[] },
    };
  },
});

function noKeys(cfg: Config): boolean {
  return Object.values(cfg.providers).every((p) => p.apiKey === undefined);
}
