/**
 * Merging one server entry into a client's config text, keeping everything else as it was.
 * - JSON and JSONC through `jsonc-parser`'s `modify`/`applyEdits`: only the edited property is
 *   rewritten, so comments, formatting and other servers elsewhere in the file survive.
 * - YAML through the `yaml` library's Document API, which keeps comments.
 * A file that does not parse is refused with the reason and position, never overwritten.
 */
import { isDeepStrictEqual } from 'node:util';
import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { isMap, parseDocument } from 'yaml';

/** A config file init will not touch, and why (shown to the user as is). */
export class RefusedConfigError extends Error {
  override name = 'RefusedConfigError';
}

export interface MergeRequest {
  serversKey: string;
  name: string;
  entry: Record<string, unknown>;
  /** VS Code: inputs to add to the top-level `inputs` array when no input has their id. */
  inputs?: Record<string, unknown>[];
}

export interface MergeResult {
  text: string;
  changed: boolean;
  /** Whether an entry with this name was already there (then it was updated in place). */
  existed: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The entry to write over an existing one: ours wins for what we manage (command, args, type and the
 * variables we set); anything the user added (other variables, `disabled`, time-outs) is kept.
 */
export function mergedEntry(existing: unknown, entry: Obj): Obj {
  if (!isObj(existing)) return entry;
  const env = isObj(existing['env']) || isObj(entry['env']) ? { ...(existing['env'] as Obj | undefined), ...(entry['env'] as Obj | undefined) } : undefined;
  return { ...existing, ...entry, ...(env ? { env } : {}) };
}

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

function detectIndent(text: string): { insertSpaces: boolean; tabSize: number } {
  const m = /^([ \t]+)\S/m.exec(text);
  if (!m) return { insertSpaces: true, tabSize: 2 };
  return m[1]!.startsWith('\t') ? { insertSpaces: false, tabSize: 1 } : { insertSpaces: true, tabSize: m[1]!.length };
}

/** Merge into JSON or JSONC text (`undefined` or blank: a new file). */
export function mergeJson(text: string | undefined, file: string, req: MergeRequest): MergeResult {
  // Editors on Windows may save a byte-order mark: keep it, but parse what follows.
  const bom = text?.startsWith('\uFEFF') ? '\uFEFF' : '';
  const r = mergeJsonText(bom ? text!.slice(1) : text, file, req);
  return { ...r, text: bom + r.text };
}

function mergeJsonText(text: string | undefined, file: string, req: MergeRequest): MergeResult {
  const source = text === undefined || text.trim() === '' ? '{}\n' : text;
  const errors: ParseError[] = [];
  const root: unknown = parse(source, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    const e = errors[0]!;
    throw new RefusedConfigError(
      `${file} does not parse as JSON (${printParseErrorCode(e.error)} at ${lineCol(source, e.offset)}); nothing was written. Fix the file, or move it aside, and run init again.`,
    );
  }
  if (!isObj(root)) throw new RefusedConfigError(`${file} holds JSON that is not an object; nothing was written. Fix or move the file, and run init again.`);
  const servers = root[req.serversKey];
  if (servers !== undefined && !isObj(servers))
    throw new RefusedConfigError(`${file}: "${req.serversKey}" is not an object; nothing was written. Fix that key, and run init again.`);
  const existing = servers?.[req.name];
  const desired = mergedEntry(existing, req.entry);
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const formattingOptions = { ...detectIndent(source), eol };
  let out = source;
  if (!isDeepStrictEqual(existing, desired)) out = applyEdits(out, modify(out, [req.serversKey, req.name], desired, { formattingOptions }));
  if (req.inputs?.length) {
    const current = root['inputs'];
    if (current !== undefined && !Array.isArray(current))
      throw new RefusedConfigError(`${file}: "inputs" is not an array; nothing was written. Fix that key, and run init again.`);
    const have = new Set((current ?? []).map((i) => (isObj(i) ? i['id'] : undefined)));
    let index = current?.length ?? 0;
    for (const input of req.inputs) {
      if (have.has(input['id'])) continue;
      out = applyEdits(out, modify(out, ['inputs', index++], input, { formattingOptions, isArrayInsertion: true }));
    }
  }
  // A new file starts as `{}`: put our first property on its own lines like any editor would.
  return { text: out, changed: out !== source || text === undefined || text.trim() === '', existed: existing !== undefined };
}

/** Merge into YAML text (Hermes), keeping comments and the rest of the document. */
export function mergeYaml(text: string | undefined, file: string, req: MergeRequest): MergeResult {
  const source = text ?? '';
  const doc = parseDocument(source);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const where = e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : 'an unknown position';
    throw new RefusedConfigError(
      `${file} does not parse as YAML (${e.code} at ${where}); nothing was written. Fix the file, or move it aside, and run init again.`,
    );
  }
  if (doc.contents === null) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  if (!isMap(doc.contents))
    throw new RefusedConfigError(`${file} holds YAML that is not a mapping; nothing was written. Fix or move the file, and run init again.`);
  const servers: unknown = doc.get(req.serversKey);
  if (servers !== undefined && servers !== null && !isMap(servers))
    throw new RefusedConfigError(`${file}: "${req.serversKey}" is not a mapping; nothing was written. Fix that key, and run init again.`);
  const existingNode: unknown = doc.getIn([req.serversKey, req.name]);
  const existing: unknown =
    existingNode && typeof existingNode === 'object' && 'toJSON' in existingNode ? (existingNode as { toJSON(): unknown }).toJSON() : existingNode;
  const desired = mergedEntry(existing, req.entry);
  if (isDeepStrictEqual(existing, desired) && text !== undefined) return { text: source, changed: false, existed: true };
  if (servers === undefined || servers === null) doc.set(req.serversKey, doc.createNode({}));
  doc.setIn([req.serversKey, req.name], doc.createNode(desired, { flow: false }));
  return { text: doc.toString(), changed: true, existed: existing !== undefined };
}
