import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { MockAgent } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { copyLocalVideo, downloadVideo, videoFileName } from '../../src/media/download.js';
import { isPrivateAddress, policyFor, STRICT_POLICY } from '../../src/media/url-safety.js';
import { fixture, rejection, removeTempDirs, SIMULATOR_MP4, tempDir } from './helpers.js';

/** Our local servers are http on 127.0.0.1: allowed only as a provider whose base URL is local. */
const LOCAL = { allowHttp: true, allowPrivate: true };

afterAll(removeTempDirs);

const MP4 = readFileSync(SIMULATOR_MP4);

/** This machine's name, and whether it resolves to a private address (it usually does: /etc/hosts). */
const host = hostname();
const resolvesPrivate = await lookup(host).then(
  (a) => isPrivateAddress(a.address),
  () => false,
);

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];

async function serve(handler: Handler): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

function sendMp4(res: ServerResponse, opts: { length?: boolean } = {}): void {
  res.writeHead(200, { 'content-type': 'video/mp4', ...(opts.length === false ? {} : { 'content-length': String(MP4.length) }) });
  res.end(MP4);
}

describe('downloadVideo', () => {
  it('streams the body into dir/<name> with the exact bytes, creating dir, leaving no temp file', async () => {
    const base = await serve((_req, res) => sendMp4(res));
    const dir = path.join(await tempDir(), 'videos', 'nested');
    const saved = await downloadVideo(`${base}/out.mp4?sig=secret`, { dir, baseName: 'abc12345-a-cat.mp4', maxBytes: 10_000_000, policy: LOCAL });
    expect(saved).toEqual({ path: path.join(dir, 'abc12345-a-cat.mp4'), bytes: MP4.length, mime: 'video/mp4' });
    expect(readFileSync(saved.path).equals(MP4)).toBe(true);
    expect(readdirSync(dir)).toEqual(['abc12345-a-cat.mp4']);
  });

  it('works without a content-length (chunked)', async () => {
    const base = await serve((_req, res) => sendMp4(res, { length: false }));
    const dir = await tempDir();
    const saved = await downloadVideo(`${base}/v`, { dir, baseName: 'x.mp4', maxBytes: 10_000_000, policy: LOCAL });
    expect(readFileSync(saved.path).equals(MP4)).toBe(true);
  });

  it('never overwrites: a second download of the same name gets a suffix', async () => {
    const base = await serve((_req, res) => sendMp4(res));
    const dir = await tempDir();
    writeFileSync(path.join(dir, 'clip.mp4'), 'precious');
    const a = await downloadVideo(`${base}/v`, { dir, baseName: 'clip.mp4', maxBytes: 10_000_000, policy: LOCAL });
    const b = await downloadVideo(`${base}/v`, { dir, baseName: 'clip.mp4', maxBytes: 10_000_000, policy: LOCAL });
    expect(a.path).toBe(path.join(dir, 'clip-2.mp4'));
    expect(b.path).toBe(path.join(dir, 'clip-3.mp4'));
    expect(readFileSync(path.join(dir, 'clip.mp4'), 'utf8')).toBe('precious');
    expect(readdirSync(dir).sort()).toEqual(['clip-2.mp4', 'clip-3.mp4', 'clip.mp4']);
  });

  it('never lets baseName escape dir', async () => {
    const base = await serve((_req, res) => sendMp4(res));
    const dir = await tempDir();
    const saved = await downloadVideo(`${base}/v`, { dir, baseName: '../../etc/evil.mp4', maxBytes: 10_000_000, policy: LOCAL });
    expect(saved.path).toBe(path.join(dir, 'evil.mp4'));
  });

  it('follows redirects (CDNs), but not forever', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/a') res.writeHead(302, { location: '/b' }).end();
      else if (req.url === '/b') res.writeHead(307, { location: '/file' }).end();
      else if (req.url === '/loop') res.writeHead(302, { location: '/loop' }).end();
      else sendMp4(res);
    });
    const dir = await tempDir();
    const saved = await downloadVideo(`${base}/a`, { dir, baseName: 'r.mp4', maxBytes: 10_000_000, policy: LOCAL });
    expect(readFileSync(saved.path).equals(MP4)).toBe(true);
    const err = await rejection(downloadVideo(`${base}/loop`, { dir, baseName: 'loop.mp4', maxBytes: 10_000_000, policy: LOCAL }));
    expect(err.code).toBe('unavailable');
    expect(readdirSync(dir)).toEqual(['r.mp4']);
  });

  it('an interrupted download leaves no file under the final name and no temp file', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(MP4.length) });
      res.write(MP4.subarray(0, Math.floor(MP4.length / 2)), () => setTimeout(() => res.socket?.destroy(), 50));
    });
    const dir = await tempDir();
    const err = await rejection(downloadVideo(`${base}/v`, { dir, baseName: 'cut.mp4', maxBytes: 10_000_000, policy: LOCAL }));
    expect(err.code).toBe('unavailable');
    expect(err.message).toMatch(/nothing was saved/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an interrupted chunked download (no content-length) leaves nothing either', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      res.write(MP4.subarray(0, 20_000), () => setTimeout(() => res.socket?.destroy(), 50));
    });
    const dir = await tempDir();
    await rejection(downloadVideo(`${base}/v`, { dir, baseName: 'cut.mp4', maxBytes: 10_000_000, policy: LOCAL }));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a body that is not MP4/MOV (an HTML error page served with 200) and deletes it', async () => {
    const html = '<!DOCTYPE html><html><body>' + 'Access denied. '.repeat(200) + '</body></html>';
    const base = await serve((_req, res) => res.writeHead(200, { 'content-type': 'video/mp4' }).end(html));
    const dir = await tempDir();
    const err = await rejection(downloadVideo(`${base}/v`, { dir, baseName: 'page.mp4', maxBytes: 10_000_000, policy: LOCAL }));
    expect(err.code).toBe('unavailable');
    expect(err.message).toMatch(/not an MP4\/MOV container/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a tiny non-video body (shorter than the header window)', async () => {
    const base = await serve((_req, res) => res.writeHead(200).end('nope'));
    const dir = await tempDir();
    await rejection(downloadVideo(`${base}/v`, { dir, baseName: 'tiny.mp4', maxBytes: 10_000_000, policy: LOCAL }));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('saves a MOV with a .mov extension', async () => {
    const mov = readFileSync(fixture('tiny.mov'));
    const base = await serve((_req, res) => res.writeHead(200, { 'content-length': String(mov.length) }).end(mov));
    const dir = await tempDir();
    const saved = await downloadVideo(`${base}/v`, { dir, baseName: 'clip.mp4', maxBytes: 10_000_000, policy: LOCAL });
    expect(saved).toMatchObject({ path: path.join(dir, 'clip.mov'), mime: 'video/quicktime', bytes: mov.length });
  });

  it('enforces the cap from content-length before reading the body', async () => {
    let bodyWritten = false;
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(50_000_000) });
      res.flushHeaders();
      // Send the body only later: the client must refuse on the header alone.
      setTimeout(() => {
        bodyWritten = true;
        res.write(MP4);
      }, 500);
    });
    const dir = await tempDir();
    const err = await rejection(downloadVideo(`${base}/v`, { dir, baseName: 'big.mp4', maxBytes: 1_000_000, policy: LOCAL }));
    expect(bodyWritten).toBe(false);
    expect(err.code).toBe('unavailable');
    expect(err.message).toMatch(/is 50\.0 MB, above the download cap of 1\.0 MB/);
    expect(err.envVar).toBe('VIDEOGEN_MAX_DOWNLOAD_MB');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('enforces the cap by counting when there is no content-length (and stops the transfer)', async () => {
    let sent = 0;
    let closed = false;
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      res.on('close', () => (closed = true));
      const chunk = Buffer.alloc(64 * 1024);
      const pump = (): void => {
        // Safety stop at 20 MB so that a broken cap fails this test instead of filling the disk.
        while (!closed) {
          if (sent > 20_000_000) {
            res.end();
            return;
          }
          const data = sent === 0 ? Buffer.concat([MP4.subarray(0, 64), chunk]) : chunk;
          sent += data.length;
          if (!res.write(data)) {
            res.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    const dir = await tempDir();
    const err = await rejection(downloadVideo(`${base}/v`, { dir, baseName: 'endless.mp4', maxBytes: 2_000_000, policy: LOCAL }));
    expect(err.message).toMatch(/larger than 2\.0 MB, above the download cap/);
    expect(readdirSync(dir)).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(true);
    expect(sent).toBeLessThan(50_000_000);
  });

  it('a 404 is an error that says signed URLs expire; the query string is not echoed', async () => {
    const base = await serve((_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found'));
    const dir = await tempDir();
    const err = await rejection(downloadVideo(`${base}/out.mp4?X-Amz-Signature=topsecret`, { dir, baseName: 'x.mp4', maxBytes: 10_000_000, policy: LOCAL }));
    expect(err.code).toBe('unavailable');
    expect(err.httpStatus).toBe(404);
    expect(err.message).toMatch(/HTTP 404.*expire.*check_job/);
    expect(err.message).not.toContain('topsecret');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a 500 is an error too', async () => {
    const base = await serve((_req, res) => res.writeHead(500).end('oops'));
    const err = await rejection(downloadVideo(`${base}/v`, { dir: await tempDir(), baseName: 'x.mp4', maxBytes: 10_000_000, policy: LOCAL }));
    expect(err.httpStatus).toBe(500);
  });

  it('a stalled body times out and leaves nothing', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(MP4.length) });
      res.write(MP4.subarray(0, 1000));
    });
    const dir = await tempDir();
    const err = await rejection(downloadVideo(`${base}/v`, { dir, baseName: 'slow.mp4', maxBytes: 10_000_000, policy: LOCAL, timeoutMs: 300 }));
    expect(err.message).toMatch(/stalled|interrupted/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an abort signal stops the download and leaves nothing', async () => {
    const ac = new AbortController();
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(MP4.length) });
      res.write(MP4.subarray(0, 1000), () => setTimeout(() => ac.abort(), 50));
    });
    const dir = await tempDir();
    const err = await rejection(downloadVideo(`${base}/v`, { dir, baseName: 'a.mp4', maxBytes: 10_000_000, policy: LOCAL, signal: ac.signal }));
    expect(err.message).toMatch(/cancelled/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses non-http URLs', async () => {
    const err = await rejection(downloadVideo('file:///etc/passwd', { dir: await tempDir(), baseName: 'x.mp4', maxBytes: 10, policy: LOCAL }));
    expect(err.code).toBe('unavailable');
  });
});

describe('copyLocalVideo', () => {
  it('copies the simulator clip under the same rules (exact bytes, no overwrite)', async () => {
    const dir = path.join(await tempDir(), 'out');
    const a = await copyLocalVideo(SIMULATOR_MP4, { dir, baseName: 'sim.mp4' });
    const b = await copyLocalVideo(SIMULATOR_MP4, { dir, baseName: 'sim.mp4' });
    expect(a).toEqual({ path: path.join(dir, 'sim.mp4'), bytes: MP4.length, mime: 'video/mp4' });
    expect(b.path).toBe(path.join(dir, 'sim-2.mp4'));
    expect(readFileSync(b.path).equals(MP4)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['sim-2.mp4', 'sim.mp4']);
  });
  it('refuses a file that is not a video, leaving nothing', async () => {
    const dir = await tempDir();
    await rejection(copyLocalVideo(fixture('red-400x320.png'), { dir, baseName: 'x.mp4' }));
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('videoFileName', () => {
  it('is a short stable id plus a readable slug of the prompt', () => {
    const name = videoFileName('job_3f0c2a9e6b1d4c1e', 'A marble rolls off a desk, slowly!');
    expect(name).toMatch(/^[0-9a-f]{8}-a-marble-rolls-off-a-desk-slowly\.mp4$/);
    expect(videoFileName('job_3f0c2a9e6b1d4c1e', 'other')).toBe(name.replace(/-a-marble.*/, '-other.mp4'));
    expect(videoFileName('job_other', 'A marble rolls off a desk, slowly!')).not.toBe(name);
  });
  it('is safe whatever the prompt holds', () => {
    for (const prompt of ['../../etc/passwd', 'a/b\\c:d*e?f"g<h>i|j', '\u0000\u001f', '   ', '.hidden']) {
      const name = videoFileName('j1', prompt);
      expect(name).toMatch(/^[0-9a-f]{8}-[\p{L}\p{N}-]+\.mp4$/u);
      expect(name).not.toMatch(/\.\.|\/|\\/);
    }
    expect(videoFileName('j1', undefined)).toMatch(/^[0-9a-f]{8}-video\.mp4$/);
    expect(videoFileName('j1', '!!!')).toMatch(/^[0-9a-f]{8}-video\.mp4$/);
  });
  it('keeps other scripts, strips Latin accents, and stays short', () => {
    expect(videoFileName('j1', 'Café crème brûlée')).toMatch(/-cafe-creme-brulee\.mp4$/);
    expect(videoFileName('j1', '책상에서 구슬이 굴러 떨어진다')).toMatch(/-책상에서-구슬이-굴러-떨어진다\.mp4$/);
    expect(videoFileName('j1', 'が')).toMatch(/-が\.mp4$/);
    const long = videoFileName('j1', 'word '.repeat(100));
    expect(long.length).toBeLessThanOrEqual(8 + 1 + 40 + 4);
    expect(long).not.toMatch(/-\.mp4$/);
  });
});

describe('which result URLs are fetched (issue #10 §7)', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '64:ff9b::a00:1',
    '64:ff9b::127.0.0.1',
    'fec0::1',
    '2001:db8::1',
  ])('%s is private', (ip) => expect(isPrivateAddress(ip)).toBe(true));
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700::1111', 'example.com', '64:ff9b::808:808'])('%s is not', (ip) => expect(isPrivateAddress(ip)).toBe(false));

  it('a provider on https gets the strict policy; a local http fake gets http and private', () => {
    expect(policyFor('https://api.dev.runwayml.com')).toEqual(STRICT_POLICY);
    expect(policyFor('http://127.0.0.1:4010')).toEqual({ allowHttp: true, allowPrivate: true });
    expect(policyFor('http://localhost:4010')).toEqual({ allowHttp: true, allowPrivate: true });
  });

  it.each([
    ['file:///etc/passwd', /file:/],
    ['ftp://cdn.example.com/v.mp4', /ftp:/],
    ['http://cdn.example.com/v.mp4', /only https/],
    ['https://127.0.0.1/v.mp4', /local or private address/],
    ['https://[::1]/v.mp4', /local or private address/],
    ['https://169.254.169.254/latest/meta-data', /local or private address/],
    ['https://localhost/v.mp4', /local or private address/],
    ['https://user:pw@cdn.example.com/v.mp4', /credentials/],
  ])('refuses %s under the strict policy, before any connection', async (url, why) => {
    const dir = await tempDir();
    const err = await rejection(downloadVideo(url, { dir, baseName: 'x.mp4', maxBytes: 1_000_000 }));
    expect(err.message).toMatch(why);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    ['file:///etc/passwd', /file:/],
    ['https://127.0.0.1:9/v.mp4', /local or private address/],
    ['https://169.254.169.254/latest', /local or private address/],
    ['http://cdn2.example.com/v.mp4', /only https/],
  ])('checks every redirect hop: a public https URL redirecting to %s is refused', async (target, why) => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('https://cdn.example.com')
      .intercept({ path: '/v.mp4' })
      .reply(302, '', { headers: { location: target } });
    const dir = await tempDir();
    const err = await rejection(downloadVideo('https://cdn.example.com/v.mp4', { dir, baseName: 'x.mp4', maxBytes: 1_000_000, dispatcher: agent }));
    expect(err.message).toMatch(/redirect from https:\/\/cdn\.example\.com/);
    expect(err.message).toMatch(why);
    expect(readdirSync(dir)).toEqual([]);
    await agent.close();
  });

  it.skipIf(!resolvesPrivate)(`a name that resolves to a private address (${host}) is refused at connect time, not just by its spelling`, async () => {
    const dir = await tempDir();
    const err = await rejection(downloadVideo(`https://${host}/v.mp4`, { dir, baseName: 'x.mp4', maxBytes: 1_000_000 }));
    expect(err.message).toMatch(/resolves to a local or private address/);
  });
});

describe('a total deadline for the whole transfer', () => {
  it('a host that trickles bytes (never idle long enough to time out) is cut off at maxTotalMs, leaving nothing', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(MP4.length) });
      let i = 0;
      const t = setInterval(() => {
        if (res.destroyed || i >= MP4.length) return clearInterval(t);
        res.write(MP4.subarray(i, i + 100));
        i += 100;
      }, 50);
    });
    const dir = await tempDir();
    const t0 = Date.now();
    const err = await rejection(downloadVideo(`${base}/v`, { dir, baseName: 'x.mp4', maxBytes: 10_000_000, policy: LOCAL, maxTotalMs: 600 }));
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(err.message).toMatch(/did not finish within/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
