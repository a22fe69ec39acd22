/**
 * A local npm registry serving one packed tarball, so `npx -y videogen-mcp` runs in tests exactly as it
 * will after publishing (packument, then tarball, integrity checked by npm), with no network.
 * Wire format: the npm registry API (GET /<name> → packument with `dist.tarball` and `dist.integrity`;
 * GET of that tarball URL → the .tgz bytes).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRegistry {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export async function startFakeRegistry(tarballPath: string, manifest: Record<string, unknown> & { name: string; version: string }): Promise<FakeRegistry> {
  const tgz = readFileSync(tarballPath);
  const integrity = `sha512-${createHash('sha512').update(tgz).digest('base64')}`;
  const shasum = createHash('sha1').update(tgz).digest('hex');
  const requests: string[] = [];
  const tarballPathname = `/${manifest.name}/-/${manifest.name}-${manifest.version}.tgz`;
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (pathname === `/${manifest.name}`) {
      const packument = {
        name: manifest.name,
        'dist-tags': { latest: manifest.version },
        versions: {
          [manifest.version]: { ...manifest, _id: `${manifest.name}@${manifest.version}`, dist: { tarball: `${url}${tarballPathname}`, integrity, shasum } },
        },
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(packument));
    } else if (pathname === tarballPathname) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': tgz.length });
      res.end(tgz);
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"Not found"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
