/**
 * Signed, expiring download URLs for finished videos, served by the HTTP server itself: a `local_path`
 * on the server means nothing to a remote agent.
 *
 * URL: `<public URL>/downloads/<job_id>/<file name>?exp=<unix seconds>&sig=<HMAC-SHA256>`, the MAC over
 * version, principal, job id and expiry with the server's signing key (VIDEOGEN_URL_SIGNING_KEY, else a
 * random key generated once and kept in the store, so every instance sharing it accepts every URL).
 * Fetching also needs the bearer token of the job's principal: a leaked URL alone opens nothing, and
 * another principal's token gets 404, as for a job that does not exist.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface SignedUrl {
  url: string;
  expiresAt: string;
}

export class UrlSigner {
  constructor(
    private readonly key: Buffer,
    private readonly publicUrl: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  private mac(principal: string, jobId: string, exp: number): string {
    return createHmac('sha256', this.key).update(`v1\n${principal}\n${jobId}\n${exp}`).digest('base64url');
  }

  sign(principal: string | undefined, jobId: string, fileName: string): SignedUrl {
    const exp = Math.floor(this.now() / 1000) + this.ttlSeconds;
    const sig = this.mac(principal ?? '', jobId, exp);
    return {
      url: `${this.publicUrl}/downloads/${encodeURIComponent(jobId)}/${encodeURIComponent(fileName)}?exp=${exp}&sig=${sig}`,
      expiresAt: new Date(exp * 1000).toISOString(),
    };
  }

  /** 'ok', 'expired' (a genuine URL past its time) or 'bad' (not signed for this principal and job). */
  verify(principal: string | undefined, jobId: string, exp: string | undefined, sig: string | undefined): 'ok' | 'expired' | 'bad' {
    if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return 'bad';
    const want = Buffer.from(this.mac(principal ?? '', jobId, Number(exp)));
    const got = Buffer.from(sig);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return 'bad';
    return Number(exp) * 1000 < this.now() ? 'expired' : 'ok';
  }
}

/** The signing key: configured, or generated once into `<stateDir>/url-signing.key` (mode 0600). */
export async function fileSigningKey(stateDir: string, configured: string | undefined): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'utf8');
  const file = path.join(stateDir, 'url-signing.key');
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  // Written whole under a temporary name and linked into place: two processes starting together
  // agree on one key, and neither can read a half-written one.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, randomBytes(32).toString('hex'), { mode: 0o600 });
  try {
    await link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await rm(tmp, { force: true });
  }
  return Buffer.from((await readFile(file, 'utf8')).trim(), 'utf8');
}
