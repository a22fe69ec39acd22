/**
 * What the connected client can read, from the protocol version it negotiated. Every feature newer than
 * that version is left out or downgraded in ONE place: `downgradeToolList` for `tools/list`,
 * `downgradeResult` for every `tools/call` result, `downgradeInitialize` for the handshake, and
 * `ClientFeatures.elicitation` / `.progressMessage` for what tools may send.
 *
 * Sources (spec changelogs, `docs/specification/<rev>/changelog.mdx`):
 *  - 2025-03-26: tool `annotations`, progress `message`;
 *  - 2025-06-18: `structuredContent` + `outputSchema`, `resource_link` content, `title` on tools and
 *    `Implementation`, elicitation.
 * A TS SDK 1.11 client (2025-03-26) throws on a `resource_link` item, so the downgrade is not cosmetic.
 *
 * The version comes from the `initialize` this server object answered (stdio, stateful HTTP) or, for a
 * request that carries one, the `MCP-Protocol-Version` header (stateless HTTP); a server that saw
 * neither assumes 2025-03-26, as the spec tells HTTP servers to.
 */
import { SUPPORTED_PROTOCOL_VERSIONS, type CallToolResult, type InitializeResult, type Tool } from '@modelcontextprotocol/sdk/types.js';

/** The first protocol version that has each feature. Versions are ISO dates, so they compare as strings. */
export const FEATURE_SINCE = {
  annotations: '2025-03-26',
  progressMessage: '2025-03-26',
  structuredContent: '2025-06-18',
  resourceLink: '2025-06-18',
  title: '2025-06-18',
  elicitation: '2025-06-18',
} as const;
export type Feature = keyof typeof FEATURE_SINCE;

/** What the spec tells a server to assume when a request names no version. */
export const ASSUMED_PROTOCOL_VERSION = '2025-03-26';

export type ClientFeatures = Readonly<Record<Feature, boolean>> & { readonly protocolVersion: string };

export function featuresFor(protocolVersion: string): ClientFeatures {
  const out: Record<string, boolean | string> = { protocolVersion };
  for (const [f, since] of Object.entries(FEATURE_SINCE)) out[f] = protocolVersion >= since;
  return out as ClientFeatures;
}

/** The version of one request: the initialize this server answered, else the HTTP header, else the assumed one. */
export function requestProtocolVersion(negotiated: string | undefined, headers: Record<string, string | string[] | undefined> | undefined): string {
  if (negotiated !== undefined) return negotiated;
  const h = headers?.['mcp-protocol-version'];
  const v = Array.isArray(h) ? h[0] : h;
  return v && SUPPORTED_PROTOCOL_VERSIONS.includes(v) ? v : ASSUMED_PROTOCOL_VERSION;
}

/** The initialize answer without what an older client cannot read (`serverInfo.title`). */
export function downgradeInitialize(result: InitializeResult): InitializeResult {
  const f = featuresFor(result.protocolVersion);
  if (f.title) return result;
  const { title: _t, ...serverInfo } = result.serverInfo;
  return { ...result, serverInfo };
}

/** The tool list as the client's version defines a Tool. */
export function downgradeToolList(tools: readonly Tool[], f: ClientFeatures): Tool[] {
  return tools.map((t) => {
    const { title, outputSchema, annotations, ...rest } = t;
    const out: Tool = { ...rest };
    if (f.title && title !== undefined) out.title = title;
    if (f.structuredContent && outputSchema !== undefined) out.outputSchema = outputSchema;
    // Before 2025-06-18 the display name lived in annotations.title.
    if (f.annotations && annotations !== undefined) out.annotations = f.title || title === undefined ? annotations : { title, ...annotations };
    return out;
  });
}

/**
 * A tool result as the client's version defines one: no `structuredContent` (its JSON is already a
 * text item), and each `resource_link` turned into a text line carrying the same URI and name.
 */
export function downgradeResult(result: CallToolResult, f: ClientFeatures): CallToolResult {
  if (f.structuredContent && f.resourceLink) return result;
  const { structuredContent, ...rest } = result;
  const out: CallToolResult = { ...rest };
  if (f.structuredContent && structuredContent !== undefined) out.structuredContent = structuredContent;
  out.content = result.content.map((c) => {
    if (c.type !== 'resource_link' || f.resourceLink) return c;
    return { type: 'text' as const, text: `Video file: ${c.uri} (${c.mimeType ?? 'file'}, ${c.name})` };
  });
  return out;
}
