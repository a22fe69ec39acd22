/**
 * Which result URLs this server will fetch (issue #10 §7). A provider's status answer names the URL
 * of the finished video, and that text is untrusted: a `file:` URL, a loopback or private address,
 * or a redirect to one must never make the server read local files or reach the user's own network.
 *
 * - Only `https:`; plain `http:` only when the provider's own base URL is http (our local fakes).
 * - Never a loopback, private, link-local, CGNAT, multicast or unspecified address, unless the
 *   provider's base URL itself is one (again: local fakes, or a self-hosted gateway).
 * - Checked for every redirect hop (download.ts follows redirects itself, one hop at a time), and on
 *   the address the host name actually resolves to: `safeDispatcher` is an undici Agent whose
 *   `connect.lookup` refuses private answers, so a public name pointing at 127.0.0.1 (DNS rebinding)
 *   is refused at connect time, not just by a string check.
 */
import dns from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { VideogenError } from '../errors.js';

export interface FetchPolicy {
  /** Plain http allowed (the provider's base URL is http). */
  allowHttp: boolean;
  /** Loopback/private addresses allowed (the provider's base URL is one). */
  allowPrivate: boolean;
}

/** The default: https only, public addresses only. */
export const STRICT_POLICY: FetchPolicy = { allowHttp: false, allowPrivate: false };

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['100::', 64],
  ['2001:db8::', 32],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** True for loopback, private, link-local, CGNAT, multicast, reserved and unspecified addresses. */
export function isPrivateAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '');
  const v = isIP(bare);
  if (v === 4) return blocked.check(bare, 'ipv4');
  if (v === 6) {
    // IPv4-mapped (::ffff:a.b.c.d): judge the IPv4 address inside.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
    if (mapped) return blocked.check(mapped[1]!, 'ipv4');
    // NAT64 (64:ff9b::/96, RFC 6052): judge the IPv4 address it carries, so IPv6-only networks still
    // reach public CDNs while a synthesized private address is refused.
    const nat64 = nat64Ipv4(bare);
    if (nat64) return blocked.check(nat64, 'ipv4');
    return blocked.check(bare, 'ipv6');
  }
  return false;
}

/** The IPv4 address inside a 64:ff9b::/96 address, or undefined. */
function nat64Ipv4(ip: string): string | undefined {
  let host: string;
  try {
    host = new URL(`http://[${ip}]/`).hostname.slice(1, -1).toLowerCase();
  } catch {
    return undefined;
  }
  if (!host.startsWith('64:ff9b::')) return undefined;
  const tail = host.slice('64:ff9b::'.length);
  if (tail.includes('.')) return isIP(tail) === 4 ? tail : undefined;
  const parts = tail.split(':').filter(Boolean);
  if (parts.length > 2) return undefined;
  const [hi, lo] = parts.length === 2 ? parts : ['0', parts[0] ?? '0'];
  const n = (parseInt(hi!, 16) << 16) | parseInt(lo!, 16);
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function isLocalName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

/** The policy for results of a provider whose API lives at `baseUrl`. */
export function policyFor(baseUrl: string | undefined): FetchPolicy {
  if (!baseUrl) return STRICT_POLICY;
  try {
    const u = new URL(baseUrl);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    return { allowHttp: u.protocol === 'http:', allowPrivate: isLocalName(host) || isPrivateAddress(host) };
  } catch {
    return STRICT_POLICY;
  }
}

/** Throw unless `u` may be fetched under `policy` (scheme, literal address, local names). */
export function checkFetchUrl(u: URL, policy: FetchPolicy, what = 'The video URL'): void {
  const shown = `${u.protocol}//${u.host}`;
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && policy.allowHttp))
    throw new VideogenError(
      'unavailable',
      `${what} (${u.protocol === 'http:' ? shown : u.protocol}) was not fetched: only https URLs are downloaded${policy.allowHttp ? ' (or http from this provider)' : ''}. Nothing was saved.`,
    );
  if (u.username || u.password) throw new VideogenError('unavailable', `${what} carries credentials in its address and was not fetched. Nothing was saved.`);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivate && (isLocalName(host) || isPrivateAddress(host)))
    throw new VideogenError('unavailable', `${what} points to a local or private address (${shown}) and was not fetched. Nothing was saved.`);
}

/** The error a refused DNS answer carries (matched by `code`, like every network error). */
export const PRIVATE_ADDRESS_CODE = 'EPRIVATEADDR';

const safeLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses as dns.LookupAddress[];
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad || list.length === 0) {
      const e = Object.assign(new Error(`${hostname} resolves to a local or private address`), { code: PRIVATE_ADDRESS_CODE });
      return callback(e, '', 0);
    }
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

let strictAgent: Agent | undefined;
/**
 * A dispatcher that refuses, at connect time, any host name resolving to a private address. With a
 * policy that allows private addresses, the global dispatcher is used as is.
 */
export function safeDispatcher(policy: FetchPolicy, fallback: () => Dispatcher): Dispatcher {
  if (policy.allowPrivate) return fallback();
  strictAgent ??= new Agent({ connect: { lookup: safeLookup } });
  return strictAgent;
}
