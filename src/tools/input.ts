/**
 * Call-time input validation for every tool, in one place. The SDK is handed a permissive schema and
 * this parses with the tool's own, so a refusal is an `invalid_input` result written for the agent:
 * each problem names the field, what was wrong (with the value received), and what is allowed (taken
 * from the advertised schema, so the message and `tools/list` cannot disagree).
 */
import type * as z from 'zod';
import { VideogenError } from '../errors.js';
import { advertisedSchema } from './schema.js';

type Json = Record<string, unknown>;

/** One phrase for what a property allows, from its advertised JSON Schema. */
export function allowedText(prop: Json | undefined): string {
  if (!prop) return 'see tools/list';
  if (Array.isArray(prop['enum'])) return `one of ${(prop['enum'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  const min = prop['minimum'];
  const max = prop['maximum'];
  switch (prop['type']) {
    case 'integer':
    case 'number': {
      const kind = prop['type'] === 'integer' ? 'a whole number' : 'a number';
      if (min !== undefined && max !== undefined) return `${kind} from ${String(min)} to ${String(max)}`;
      if (min !== undefined) return `${kind}, at least ${String(min)}`;
      return kind;
    }
    case 'boolean':
      return 'true or false';
    case 'string': {
      const lo = prop['minLength'];
      const hi = prop['maxLength'];
      const what = hi !== undefined ? `a ${lo ? 'non-empty ' : ''}string of at most ${String(hi)} characters` : lo ? 'a non-empty string' : 'a string';
      return typeof prop['description'] === 'string' ? `${what} (${prop['description']})` : what;
    }
    default:
      return prop['type'] ? `a value of type ${String(prop['type'])}` : 'see tools/list';
  }
}

function received(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

const cache = new Map<z.ZodType, Json>();

/** Parse a tool's arguments; throws one `invalid_input` error naming every bad field. */
export function parseToolInput<T extends z.ZodType>(toolName: string, schema: T, args: unknown): z.output<T> {
  const r = schema.safeParse(args ?? {});
  if (r.success) return r.data;
  let json = cache.get(schema);
  if (!json) cache.set(schema, (json = advertisedSchema(schema, 'input', toolName)));
  const props = (json['properties'] ?? {}) as Record<string, Json>;
  const fields = Object.keys(props).join(', ');
  const raw = (args && typeof args === 'object' ? args : {}) as Json;
  const problems: string[] = [];
  for (const issue of r.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) problems.push(`Unknown field "${k}"; ${toolName} takes: ${fields}.`);
      continue;
    }
    const field = String(issue.path[0] ?? '');
    if (!field) {
      problems.push(`The arguments must be a JSON object; ${toolName} takes: ${fields}.`);
      continue;
    }
    const v = raw[field];
    const what = v === undefined ? 'is required' : `got ${received(v)}`;
    problems.push(`${field} ${what}; allowed: ${allowedText(props[field])}.`);
  }
  throw new VideogenError('invalid_input', `${toolName} was not run: ${[...new Set(problems)].join(' ')}`, { noJobCreated: true });
}
