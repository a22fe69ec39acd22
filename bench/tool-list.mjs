// Measure 2: tool-list weight. Bytes of the tools/list result as JSON and its o200k tokens (what an
// agent pays in context for the tool surface), ours and the minimal server's for context.
import { encode } from 'gpt-tokenizer/encoding/o200k_base';

export function weigh(result) {
  const json = JSON.stringify(result);
  return { bytes: Buffer.byteLength(json, 'utf8'), tokens: encode(json).length, tools: result.tools?.length ?? 0 };
}

export function toolListWeight(lists) {
  const ours = weigh(lists.ours);
  const minimal = weigh(lists.minimal);
  return { ours, minimal, target_tokens_max: 2000, pass: ours.tokens <= 2000 };
}
