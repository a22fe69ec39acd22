/**
 * Small builders shared by the model files.
 */
import type { Offer, ParamName } from './types.js';
import { PARAM_NAMES } from './types.js';

/** The simulator serves every model and every combination, for free, with the common field names. */
export function simulatorOffer(modelId: string): Offer {
  const wire: Partial<Record<ParamName, string>> = {};
  for (const f of PARAM_NAMES) wire[f] = f;
  return {
    provider: 'simulator',
    native_model: modelId,
    endpoint: 'simulator',
    wire_fields: wire,
    serves: {},
    price: { kind: 'free', note: 'The built-in simulator returns a bundled sample clip; nothing is billed.' },
    notes: 'Built-in simulator: no key, no network; returns a sample clip after a short delay.',
  };
}

/** Whole seconds from `from` to `to`, inclusive. */
export function secondsRange(from: number, to: number): number[] {
  const out: number[] = [];
  for (let s = from; s <= to; s++) out.push(s);
  return out;
}
