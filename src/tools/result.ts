/**
 * A handler's plain data → the `tools/call` result: the summary first (what an agent that reads only the
 * first 1,500 characters of text needs next), then the same data as JSON text (for clients that do not
 * read `structuredContent`), then resource links. protocol.ts downgrades it for older clients.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type * as z from 'zod';
import type { ToolResult } from './define-tool.js';

export function toCallResult(outputSchema: z.ZodType, res: ToolResult<unknown>): CallToolResult {
  const structured = outputSchema.parse(res.structured) as Record<string, unknown>;
  return {
    content: [
      ...(res.summary ? [{ type: 'text' as const, text: res.summary }] : []),
      { type: 'text' as const, text: JSON.stringify(structured) },
      ...(res.links ?? []),
    ],
    structuredContent: structured,
  };
}
