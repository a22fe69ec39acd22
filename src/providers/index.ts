/** Build the adapters for every configured provider (plus the simulator, always). */
import type { Dispatcher } from 'undici';
import type { ProviderId } from '../catalog/types.js';
import type { Config } from '../config.js';
import { ApiframeAdapter } from './apiframe.js';
import { AtlasCloudAdapter } from './atlascloud.js';
import { MinimaxAdapter } from './minimax.js';
import { RunapiAdapter } from './runapi.js';
import { RunwayAdapter } from './runway.js';
import { SimulatorAdapter } from './simulator.js';
import type { AdapterOptions, ProviderAdapter } from './types.js';

const CONSTRUCTORS = {
  runapi: RunapiAdapter,
  apiframe: ApiframeAdapter,
  atlascloud: AtlasCloudAdapter,
  minimax: MinimaxAdapter,
  runway: RunwayAdapter,
} as const;

export function createAdapters(config: Config, opts: { dispatcher?: Dispatcher } = {}): Partial<Record<ProviderId, ProviderAdapter>> {
  const out: Partial<Record<ProviderId, ProviderAdapter>> = {
    simulator: new SimulatorAdapter(config.simulatorSeconds * 1000),
  };
  for (const [id, Ctor] of Object.entries(CONSTRUCTORS) as [keyof typeof CONSTRUCTORS, new (o: AdapterOptions) => ProviderAdapter][]) {
    const p = config.providers[id];
    if (p.apiKey === undefined) continue;
    out[id] = new Ctor({ apiKey: p.apiKey, baseUrl: p.baseUrl, ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}) });
  }
  return out;
}
