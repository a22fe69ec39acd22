import { VideogenError } from '../../src/errors.js';
import { getModel, requireModel, validateParams, type ModelSpec, type Offer, type VideoParams } from '../../src/catalog/index.js';

export const IMG = 'https://cdn.example.com/first.png';
export const IMG2 = 'https://cdn.example.com/last.png';
export const VID = 'https://cdn.example.com/source.mp4';

export function model(id: string): ModelSpec {
  const m = getModel(id);
  if (!m) throw new Error(`no model ${id}`);
  return m;
}

export function offer(modelId: string, provider: Offer['provider'], nativeModel?: string, endpoint?: string): Offer {
  const o = model(modelId).offers.find(
    (x) => x.provider === provider && (nativeModel === undefined || x.native_model === nativeModel) && (endpoint === undefined || x.endpoint === endpoint),
  );
  if (!o) throw new Error(`no offer ${modelId}/${provider}/${nativeModel ?? ''}`);
  return o;
}

/** The VideogenError message validation throws, or undefined when the params pass. */
export function refusal(modelValue: string, params: VideoParams | Record<string, unknown>): string | undefined {
  try {
    validateParams(requireModel(modelValue), params as VideoParams);
    return undefined;
  } catch (e) {
    if (!(e instanceof VideogenError)) throw e;
    if (e.code !== 'invalid_input') throw new Error(`unexpected code ${e.code}`);
    return e.message;
  }
}

export function accept(modelValue: string, params: VideoParams | Record<string, unknown>) {
  return validateParams(requireModel(modelValue), params as VideoParams);
}
