/**
 * The model registry: every model, and every name a user may pass as `model`.
 *
 * Names resolve case-insensitively. A model id or model alias resolves to the model; a provider-native
 * slug (an offer alias) also pins the offer(s) it names. A slug that equals a model id (Apiframe's
 * `hailuo-02`, RunAPI's `runway`) is the model id and pins nothing.
 */
import { VideogenError } from '../errors.js';
import { HAILUO_MODELS } from './hailuo.js';
import { HAILUO3_MODELS } from './hailuo3.js';
import { RUNWAY_MODELS } from './runway.js';
import type { ModelSpec, Offer, ResolvedModel } from './types.js';

export const MODELS: readonly ModelSpec[] = [...HAILUO_MODELS, ...HAILUO3_MODELS, ...RUNWAY_MODELS];

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

interface Index {
  /** By case-folded name. */
  folded: Map<string, AliasEntry>;
  /**
   * Provider slugs that differ only in case from another provider's slug (MiniMax's `MiniMax-H3`,
   * RunAPI's `minimax-h3`): each resolves only when written exactly, so neither steals the other.
   */
  cased: Map<string, AliasEntry>;
  /** Folded names shared by several cased slugs, with the spellings that resolve. */
  ambiguous: Map<string, string[]>;
}

function buildIndex(models: readonly ModelSpec[]): Index {
  const folded = new Map<string, AliasEntry>();
  const cased = new Map<string, AliasEntry>();
  const ambiguous = new Map<string, string[]>();
  const add = (alias: string, model: ModelSpec, offer: Offer | undefined) => {
    const k = key(alias);
    const spellings = ambiguous.get(k);
    if (spellings && offer) {
      const same = cased.get(alias.trim());
      if (same && same.model === model && same.offers.every((o) => o.provider === offer.provider))
        cased.set(alias.trim(), { ...same, offers: [...same.offers, offer] });
      else if (!same) {
        cased.set(alias.trim(), { alias, model, offers: [offer] });
        spellings.push(alias);
      } else throw new Error(`catalog: the name "${alias}" is claimed twice (${same.model.id} and ${model.id})`);
      return;
    }
    const prev = folded.get(k);
    if (!prev) {
      folded.set(k, { alias, model, offers: offer ? [offer] : [] });
      return;
    }
    // The same slug on two endpoints of one provider (Runway gen4.5) names both offers.
    const sameProvider = offer && prev.offers.length > 0 && prev.offers.every((o) => o.provider === offer.provider);
    if (prev.model === model && sameProvider) {
      folded.set(k, { ...prev, offers: [...prev.offers, offer] });
      return;
    }
    // Two providers' slugs that differ only in case: each must be written as its provider writes it.
    if (offer && prev.offers.length > 0 && prev.alias.trim() !== alias.trim()) {
      folded.delete(k);
      cased.set(prev.alias.trim(), prev);
      cased.set(alias.trim(), { alias, model, offers: [offer] });
      ambiguous.set(k, [prev.alias, alias]);
      return;
    }
    throw new Error(`catalog: the name "${alias}" is claimed twice (${prev.model.id} and ${model.id})`);
  };
  for (const m of models) add(m.id, m, undefined);
  for (const m of models) for (const a of m.aliases) add(a, m, undefined);
  for (const m of models)
    for (const o of m.offers)
      for (const a of [...(o.aliases ?? []), ...(o.retired_aliases ?? []).map((r) => r.slug)]) {
        // A provider slug equal to a model id stays the (unpinned) model id.
        if (models.some((x) => key(x.id) === key(a))) continue;
        add(a, m, o);
      }
  return { folded, cased, ambiguous };
}

const INDEX = buildIndex(MODELS);

export function getModel(id: string): ModelSpec | undefined {
  return MODELS.find((m) => m.id === id) ?? MODELS.find((m) => key(m.id) === key(id));
}

/** Every name that resolves, with what it resolves to. */
export function allAliases(): AliasEntry[] {
  return [...INDEX.folded.values(), ...INDEX.cased.values()];
}

/** By id, model alias or offer alias, case-insensitive; returns the pinned offer for provider-native slugs. */
export function resolveModel(value: string): ResolvedModel | undefined {
  const entry = INDEX.cased.get(value.trim()) ?? INDEX.folded.get(key(value));
  if (!entry) return undefined;
  if (entry.offers.length === 0) return { model: entry.model };
  const only = entry.offers.length === 1 ? entry.offers[0] : undefined;
  return only ? { model: entry.model, pinned: only, pinned_offers: entry.offers } : { model: entry.model, pinned_offers: entry.offers };
}

function resolveFolded(spellings: readonly string[]): string {
  return [...new Set(spellings.map((a) => INDEX.cased.get(a.trim())!.model.id))].join(' or ');
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
  const spellings = INDEX.ambiguous.get(k);
  if (spellings) {
    const which = spellings.map((a) => {
      const e = INDEX.cased.get(a.trim())!;
      return `"${a}" (${e.offers[0]?.provider ?? e.model.id})`;
    });
    throw new VideogenError(
      'invalid_input',
      `"${raw.trim()}" could mean ${which.join(' or ')}: provider slugs are matched exactly when two providers spell them alike. Write one as shown, or use model ${resolveFolded(spellings)} to let any provider serve it.`,
    );
  }
  const close = allAliases()
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
