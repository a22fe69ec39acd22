/**
 * The `tools/list` payload, built once from the registry. Every agent turn pays for it in context
 * tokens, so it is kept lean without losing what an agent needs to call the tools right:
 *  - no `$schema` line on every schema (draft-07 is the JSON Schema default the clients assume);
 *  - output schemas without `additionalProperties: false`, so a client never rejects a result for a
 *    field added later (inputs stay strict: unknown arguments are refused);
 *  - no `execution` block (tasks are not used) and no duplicate `annotations.title`;
 *  - every input is advertised closed: a tool that accepts extra keys at run time does so only to
 *    refuse them with a better message.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { TOOLS } from './index.js';

type Json = Record<string, unknown>;

function clean(schema: unknown, dropClosed: boolean): unknown {
  if (Array.isArray(schema)) return schema.map((s) => clean(s, dropClosed));
  if (!schema || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema as Json)) {
    if (k === '$schema') continue;
    if (dropClosed && k === 'additionalProperties' && v === false) continue;
    out[k] = clean(v, dropClosed);
  }
  return out;
}

export function buildToolList(): Tool[] {
  return TOOLS.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: { ...(clean(z.toJSONSchema(t.inputSchema, { target: 'draft-7', io: 'input' }), false) as Tool['inputSchema']), additionalProperties: false },
    outputSchema: clean(z.toJSONSchema(t.outputSchema, { target: 'draft-7', io: 'output' }), true) as Tool['outputSchema'],
    annotations: { ...t.annotations },
  }));
}
