/**
 * Tool schemas that every client and model API accepts, with lenient parsing behind them.
 *
 * The advertised JSON Schema uses only the portable subset (PORTABLE_KEYWORDS): Gemini's function
 * declarations refuse `format`, `additionalProperties` and type arrays, proxies pass schemas through
 * unchanged, and one refused tool breaks the whole session. Stricter checks run at call time, in
 * `parseToolInput` and the catalog's validation.
 *
 * Agents send numbers and booleans as strings ("6", "10s", "true"): the call-time schema accepts them and
 * normalises; the advertised schema says `number`/`boolean` so a model produces the right type.
 */
import * as z from 'zod';

/** Keywords `tools/list` may use; a test refuses any other. */
export const PORTABLE_KEYWORDS = new Set([
  'type',
  'description',
  'enum',
  'properties',
  'required',
  'items',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'default',
  'title',
]);
/** Keywords zod emits that carry nothing a caller needs: dropped (the call-time check still applies). */
const DROPPED = new Set(['$schema', 'format', 'additionalProperties', 'pattern']);

type Json = Record<string, unknown>;

/** The JSON Schema to advertise for a call-time schema that is wider than what the agent should send. */
const ADVERTISED = new WeakMap<object, Json>();

function advertise<T extends z.ZodType>(schema: T, json: Json): T {
  ADVERTISED.set(schema, json);
  return schema;
}

/** "10s", " 6 ", "6 seconds", "0.5" → number; undefined when it is not a number. */
export function parseNumeric(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const text = v
    .trim()
    .toLowerCase()
    .replace(/^\$/, '')
    .replace(/\s*(s|sec|secs|seconds?|usd)$/, '');
  if (text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** A number that may arrive as a numeric string; advertised as `number` (or `integer`) with its bounds. */
export function lenientNumber(opts: { min: number; max?: number; int?: boolean; description: string }) {
  const { min, max, int, description } = opts;
  const range = max === undefined ? `at least ${min}` : `from ${min} to ${max}`;
  const schema = z.union([z.number(), z.string()]).transform((v, ctx) => {
    const n = parseNumeric(v);
    if (n === undefined || (int && !Number.isInteger(n)) || n < min || (max !== undefined && n > max)) {
      ctx.addIssue({ code: 'custom', message: `must be ${int ? 'a whole number' : 'a number'} ${range}` });
      return z.NEVER;
    }
    return n;
  });
  return advertise(schema, { type: int ? 'integer' : 'number', minimum: min, ...(max !== undefined ? { maximum: max } : {}), description });
}

/** A number passed through untouched to a validator that understands "10s" (the catalog's). */
export function numericPassThrough(description: string) {
  return advertise(z.union([z.number(), z.string().max(40)]), { type: 'number', description });
}

/** A boolean that may arrive as "true"/"false". */
export function lenientBoolean(description?: string) {
  const schema = z
    .union([z.boolean(), z.enum(['true', 'false', 'True', 'False', 'TRUE', 'FALSE'])])
    .transform((v) => v === true || String(v).toLowerCase() === 'true');
  return advertise(schema, { type: 'boolean', ...(description ? { description } : {}) });
}

/** The largest integer bound worth advertising: zod's ±2⁵³ safe-integer bounds are noise. */
const MAX_USEFUL_BOUND = 2 ** 52;
/**
 * Length limits at or above this are guards against abuse (job ids, URLs, cursors), not guidance an agent
 * needs; they still hold at call time. `minLength: 1` likewise: an empty value is refused with a message.
 */
const GUARD_LENGTH = 1000;

/**
 * Reduce a JSON Schema to the portable subset. Throws on a keyword that would change meaning if dropped
 * (anyOf, oneOf, allOf, $ref, …), so a schema change that needs one fails the build, not a client.
 */
export function portable(schema: unknown, where = 'schema'): Json {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) throw new Error(`${where}: not a schema object`);
  const out: Json = {};
  for (const [k, v] of Object.entries(schema as Json)) {
    if (DROPPED.has(k)) continue;
    if (!PORTABLE_KEYWORDS.has(k)) throw new Error(`${where}: keyword "${k}" is not in the portable subset`);
    if ((k === 'minimum' || k === 'maximum') && typeof v === 'number' && Math.abs(v) >= MAX_USEFUL_BOUND) continue;
    if (k === 'maxLength' && typeof v === 'number' && v >= GUARD_LENGTH) continue;
    if (k === 'minLength' && v === 1) continue;
    if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, portable(s, `${where}.${p}`)]));
    else if (k === 'items') out[k] = portable(v, `${where}[]`);
    else out[k] = v;
  }
  return out;
}

/** JSON Schema of a tool's input or output as clients see it: advertised overrides, then the portable subset. */
export function advertisedSchema(schema: z.ZodType, io: 'input' | 'output', where: string): Json {
  const json = z.toJSONSchema(schema, {
    target: 'draft-7',
    io,
    override: (ctx) => {
      const adv = ADVERTISED.get(ctx.zodSchema);
      if (!adv) return;
      const js = ctx.jsonSchema as Json;
      const description = js['description'];
      for (const k of Object.keys(js)) delete js[k];
      Object.assign(js, adv, description !== undefined ? { description } : {});
    },
  });
  return portable(json, where);
}
