/**
 * Step 5 — prepare the media: local files and data: URIs are read and checked against the provider's
 * limits, then turned into what the chosen provider accepts (an upload, or a data URI).
 *
 * Guarantees:
 *  - media is read and checked before any money is reserved (`readLocalMedia`, `checkMediaFor`);
 *  - uploads run inside the tool call's deadline (`{ signal, deadline }`) and never create a job, so a
 *    failed or timed-out upload ends the attempt with nothing submitted.
 */
import type { ModelSpec, ProviderId, VideoParams } from '../../catalog/index.js';
import { VideogenError } from '../../errors.js';
import { checkMediaLimits, mediaLimitsFor } from '../../media/limits.js';
import { resolveMediaInput, type MediaField } from '../../media/local-input.js';
import { sniffMedia } from '../../media/sniff.js';
import type { CallOptions, LocalMedia, ProviderAdapter } from '../../providers/types.js';
import type { SubmitEnv } from './types.js';

export const MEDIA_FIELDS: readonly MediaField[] = ['first_frame_image_url', 'last_frame_image_url', 'source_video_url'];

const isRemote = (v: string) => /^https?:\/\//i.test(v);

/** Read local files and decode data: URIs (URLs pass through). Mutates `params` for normalised URLs. */
export async function readLocalMedia(env: SubmitEnv, params: VideoParams, signal: AbortSignal | undefined): Promise<Map<MediaField, LocalMedia>> {
  const out = new Map<MediaField, LocalMedia>();
  if (!MEDIA_FIELDS.some((f) => params[f] !== undefined && !isRemote(params[f]!))) return out;
  const roots = await env.allowedRoots();
  for (const field of MEDIA_FIELDS) {
    const value = params[field];
    if (value === undefined || isRemote(value)) continue;
    signal?.throwIfAborted();
    const r = await resolveMediaInput(value, field, { roots, cwd: env.config.cwd });
    if (r.kind === 'local') out.set(field, r.media);
    else params[field] = r.url;
  }
  return out;
}

/** Provider-specific media rules, checked before anything is uploaded or spent. */
export function checkMediaFor(model: ModelSpec, provider: ProviderId, params: VideoParams, media: Map<MediaField, LocalMedia>): void {
  for (const field of MEDIA_FIELDS) {
    const m = media.get(field);
    if (m) {
      const info = sniffMedia(m.bytes);
      if (info) checkMediaLimits(info, m.bytes.length, mediaLimitsFor(provider, field, { family: model.family }), field);
    } else if (provider === 'runway' && params[field]?.startsWith('http://')) {
      throw new VideogenError('invalid_input', `${field}: Runway only fetches https:// URLs. Use an https URL or a local file path.`);
    }
  }
}

/** The wire parameters for one provider: local media uploaded (or inlined) the way it accepts. */
export async function prepareMedia(adapter: ProviderAdapter, params: VideoParams, media: Map<MediaField, LocalMedia>, opts: CallOptions): Promise<VideoParams> {
  const wire: VideoParams = { ...params };
  for (const [field, m] of media) {
    opts.signal?.throwIfAborted();
    wire[field] = adapter.prepareMedia ? await adapter.prepareMedia(m, field, opts) : `data:${m.mime};base64,${m.bytes.toString('base64')}`;
  }
  return wire;
}
