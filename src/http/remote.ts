/**
 * What changes when the agent is on another machine than the server:
 *  - inputs: a local path names a file on the *client's* machine, which the server cannot read; and the
 *    server must never read its own files for a remote caller. Only https/http URLs and data: URIs pass;
 *  - outputs: `file:` URLs are dropped, and `local_path` (a path on the server) is replaced by a signed, expiring `download_url` on
 *    this server, in the JSON and in the `resource_link`.
 */
import path from 'node:path';
import { VideogenError } from '../errors.js';
import { MEDIA_FIELDS } from '../jobs/service.js';
import type { RemoteHooks } from '../server.js';
import type { ResourceLinkItem } from '../tools/define-tool.js';
import type { UrlSigner } from './downloads.js';

export function remoteHooks(signer: UrlSigner, principal: string | undefined): RemoteHooks {
  const rewriteJob = (withFileUrls: Record<string, unknown>): Record<string, unknown> => {
    // A file: URL (the simulator's video_url) names a path on the server: meaningless to a remote agent,
    // and the server's layout is not its business.
    const job = Object.fromEntries(Object.entries(withFileUrls).filter(([, v]) => !(typeof v === 'string' && /^file:/i.test(v))));
    const local = job['local_path'];
    if (typeof local !== 'string' || typeof job['job_id'] !== 'string') return job;
    const { local_path: _server, ...rest } = job;
    const signed = signer.sign(principal, job['job_id'], path.basename(local));
    return {
      ...rest,
      download_url: signed.url,
      download_expires_at: signed.expiresAt,
      next_action: `Done: download the video from download_url before ${signed.expiresAt}, sending the same Authorization: Bearer token as for MCP (call check_job again for a fresh URL).`,
    };
  };
  return {
    precheck(tool, args) {
      if (tool !== 'generate_video' || typeof args !== 'object' || args === null) return;
      for (const field of MEDIA_FIELDS) {
        const v = (args as Record<string, unknown>)[field];
        if (typeof v !== 'string' || /^\s*(https?|data):/i.test(v)) continue;
        throw new VideogenError(
          'invalid_input',
          `${field}: this server is remote (HTTP), so it cannot read files on your machine. Pass an https URL, or the file inline as a data: URI (data:image/png;base64,…).`,
          { noJobCreated: true },
        );
      }
    },
    view(_tool, structured, links) {
      let out = structured;
      let byName = new Map<string, string>();
      if (Array.isArray(structured['jobs'])) {
        out = { ...structured, jobs: (structured['jobs'] as Record<string, unknown>[]).map(rewriteJob) };
      } else if (typeof structured['job_id'] === 'string') {
        out = rewriteJob(structured);
        if (typeof out['download_url'] === 'string' && typeof structured['local_path'] === 'string')
          byName = new Map([[path.basename(structured['local_path']), out['download_url']]]);
      }
      const rewritten: ResourceLinkItem[] = [];
      for (const l of links) {
        if (!l.uri.startsWith('file:')) rewritten.push(l);
        else {
          const url = byName.get(l.name);
          if (url) rewritten.push({ ...l, uri: url });
        }
      }
      return { structured: out, links: rewritten };
    },
  };
}
