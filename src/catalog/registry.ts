/**
 * The model registry: every model, and every name a user may pass as `model`.
 *
 * Names resolve case-insensitively. A model id or model alias resolves to the model; a provider-native
 * slug (an offer alias) also pins the offer(s) it names. A slug that equals a model id (Apiframe's
 * `hailuo-02`, RunAPI's `runway`) is the model id and pins nothing.
 */
import { VideogenError } from '../errors.js';
import { HAILUO_MODELS } from './hailuo.js';
import { RUNWAY_MODELS } from './runway.js';
import type { ModelSpec, Offer, ResolvedModel } from './types.js';

export const MODELS: readonly ModelSpec[] = [...HAILUO_MODELS, ...RUNWAY_MODELS];

export interface AliasEntry {
  /** The name as written in the catalog. */
  alias: string;
  model: ModelSpec;
  /** The offers it pins (empty for model ids and model aliases). */
  offers: readonly Offer[];
}

function key(value: string): string {
  return value.trim().toLowerCase();
}

function buildIndex(models: readonly ModelSpec[]): Map<string, AliasEntry> {
  const index = new Map<string, AliasEntry>();
  const add = (alias: string, model: ModelSpec, offer: Offer | undefined) => {
    const k = key(alias);
    const prev = index.get(k);
    if (!prev) {
      index.set(k, { alias, model, offers: offer ? [offer] : [] });
      return;
    }
    // The same slug on two endpoints of one provider (Runway gen4.5) names both offers.
    const sameProvider = offer && prev.offers.length > 0 && prev.offers.every((o) => o.provider === offer.provider);
    if (prev.model !== model || !sameProvider) throw new Error(`catalog: the name "${alias}" is claimed twice (${prev.model.id} and ${model.id})`);
    index.set(k, { ...prev, offers: [...prev.offers, offer] });
  };
  for (const m of models) add(m.id, m, undefined);
  for (const m of models) for (const a of m.aliases) add(a, m, undefined);
  for (const m of models)
    for (const o of m.offers)
      for (const a of o.aliases ?? []) {
        // A provider slug equal to a model id stays the (unpinned) model id.
        if (models.some((x) => key(x.id) === key(a))) continue;
        add(a, m, o);
      }
  return index;
}

const INDEX = buildIndex(MODELS);

export function getModel(id: string): ModelSpec | undefined {
  return MODELS.find((m) => m.id === id) ?? MODELS.find((m) => key(m.id) === key(id));
}

/** Every name that resolves, with what it resolves to. */
export function allAliases(): AliasEntry[] {
  return [...INDEX.values()];
}

/** By id, model alias or offer alias, case-insensitive; returns the pinned offer for provider-native slugs. */
export function resolveModel(value: string): ResolvedModel | undefined {
  const entry = INDEX.get(key(value));
  if (!entry) return undefined;
  if (entry.offers.length === 0) return { model: entry.model };
  const only = entry.offers.length === 1 ? entry.offers[0] : undefined;
  return only ? { model: entry.model, pinned: only, pinned_offers: entry.offers } : { model: entry.model, pinned_offers: entry.offers };
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Throws VideogenError('invalid_input') naming the value and listing up to ~10 close/valid model ids. */
export function requireModel(value: string): ResolvedModel {
  const raw = typeof value === 'string' ? value : String(value);
  const resolved = resolveModel(raw);
  if (resolved) return resolved;
  const k = key(raw);
  const close = [...INDEX.values()]
    .map((e) => ({ e, d: Math.min(distance(k, key(e.alias)), key(e.alias).includes(k) && k.length >= 3 ? 1 : Infinity) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(k.length / 3)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map(({ e }) => (key(e.alias) === key(e.model.id) ? e.model.id : `${e.alias} (${e.model.id})`));
  const shown = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
  const hint = close.length ? ` Did you mean ${[...new Set(close)].join(', ')}?` : '';
  throw new VideogenError(
    'invalid_input',
    `Unknown model "${shown}".${hint} Valid model ids: ${MODELS.map((m) => m.id).join(', ')}. Provider slugs such as hailuo-02-image-to-video-standard, minimax/hailuo-02/fast, MiniMax-Hailuo-02 or gen4_turbo also work; list_models shows them all.`,
  );
}
