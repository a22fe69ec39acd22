/**
 * Step 1 — resolve and validate.
 *
 * Guarantee: bad input is refused HERE, before any file is read, any money is reserved, any key is
 * claimed or any request is sent. Nothing later in the pipeline re-validates what this step proved.
 */
import { createHash } from 'node:crypto';
import { requireModel, validateParams, type ProviderId, type ResolvedModel, type VideoParams } from '../../catalog/index.js';
import { VideogenError } from '../../errors.js';
import type { GenerateInput, ResolvedRequest } from './types.js';

/**
 * The idempotency_key charset: 1–200 printable ASCII characters without spaces (0x21–0x7E), e.g. a
 * UUID or `clip-42`. Providers take the key in an HTTP header (RunAPI, Apiframe `Idempotency-Key`),
 * where anything outside Latin-1 (emoji, curly quotes) or a CR/LF cannot travel; one charset for all
 * providers keeps a key valid wherever the router sends it.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** Refuse a key outside IDEMPOTENCY_KEY_PATTERN, naming the first offending character. */
export function checkIdempotencyKey(key: string): void {
  if (IDEMPOTENCY_KEY_PATTERN.test(key)) return;
  if (key.length === 0 || key.trim() === '')
    throw new VideogenError('invalid_input', 'idempotency_key is blank: pass 1–200 printable ASCII characters (e.g. a UUID), or omit it.');
  if (key.length > 200) throw new VideogenError('invalid_input', `idempotency_key is ${key.length} characters long; the limit is 200.`);
  const bad = [...key].find((ch) => !/^[\x21-\x7e]$/.test(ch)) ?? '?';
  const cp = bad.codePointAt(0) ?? 0;
  const shown = cp >= 0x21 && cp !== 0x7f && !/\s/.test(bad) ? `"${bad}" ` : '';
  throw new VideogenError(
    'invalid_input',
    `idempotency_key contains ${shown}(U+${cp.toString(16).toUpperCase().padStart(4, '0')}), which cannot be sent in an HTTP header. Use only printable ASCII without spaces (letters, digits and !"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~), e.g. a UUID. Nothing was submitted or reserved.`,
  );
}

export function resolveRequest(input: GenerateInput): ResolvedRequest {
  const { model: _m, provider, idempotency_key, dry_run, max_cost_usd, ...raw } = input;
  if (idempotency_key !== undefined) checkIdempotencyKey(idempotency_key);
  const resolved = requireModel(input.model);
  const validated = validateParams(resolved, raw);
  const { params, mode } = validated;
  // A slug naming several offers (gen4.5: Runway's text_to_video and image_to_video) pins the one
  // that fits this request's mode.
  const routed: ResolvedModel = validated.pinned ? { ...resolved, pinned: validated.pinned } : resolved;
  return {
    resolved,
    routed,
    params,
    mode,
    // A slug that pins an offer is part of what was asked for: the same key with another tier's slug is a different request.
    fingerprint: fingerprintOf(
      routed.pinned ? `${resolved.model.id}@${routed.pinned.provider}/${routed.pinned.native_model}` : resolved.model.id,
      params,
      provider,
    ),
    provider,
    callerKey: idempotency_key,
    dryRun: dry_run === true,
    maxCostUsd: max_cost_usd,
  };
}

/** Hash of model + params + pinned provider: detects an idempotency key reused for another request. */
export function fingerprintOf(model: string, params: VideoParams, provider: ProviderId | undefined): string {
  const keys = Object.keys(params).sort() as (keyof VideoParams)[];
  const canonical = JSON.stringify([model, provider ?? null, keys.map((k) => [k, params[k]])]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}
