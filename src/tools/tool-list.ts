/**
 * The `tools/list` payload, built once from the registry. Every agent turn pays for it in context
 * tokens, and every client and model API must accept it, so:
 *  - schemas use only the portable JSON Schema subset (schema.ts): no `$schema`, `format`,
 *    `additionalProperties` or ±2⁵³ bounds; unknown arguments are still refused at call time;
 *  - output schemas name the fields an agent acts on and stay open, so a field added later never makes a
 *    client reject a result;
 *  - no `execution` block (tasks are not used) and no duplicate `annotations.title`.
 * protocol.ts then removes what the client's protocol version does not define (titles, output schemas).
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { TOOLS } from './index.js';
import { advertisedSchema } from './schema.js';

export function buildToolList(): Tool[] {
  return TOOLS.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: advertisedSchema(t.inputSchema, 'input', `${t.name}.inputSchema`) as Tool['inputSchema'],
    outputSchema: advertisedSchema(t.outputSchema, 'output', `${t.name}.outputSchema`) as Tool['outputSchema'],
    annotations: { ...t.annotations },
  }));
}
