import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { badRequest } from '../errors.ts';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * A webhook URL a broadcaster may register: http or https, at most 2048 characters, no user name or password in
 * it (they would be stored and listed in clear), no fragment. Returns the URL as it will be called.
 */
export function checkWebhookUrl(text: string, allowPrivateTargets: boolean): string {
  if (text.length > MAX_WEBHOOK_URL_LENGTH) {
    throw badRequest('BAD_WEBHOOK_URL', `a webhook URL has at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badRequest('BAD_WEBHOOK_URL', 'the webhook URL is not a URL; give one like https://example.com/hook');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badRequest('BAD_WEBHOOK_URL', 'a webhook URL starts with http:// or https://');
  }
  if (url.username !== '' || url.password !== '') {
    throw badRequest(
      'BAD_WEBHOOK_URL',
      'a webhook URL carries no user name or password; check the Glint-Signature header instead',
    );
  }
  const literal = bareHost(url.hostname);
  if (
    !allowPrivateTargets &&
    (isPrivateAddress(literal) || literal === 'localhost' || literal.endsWith('.localhost'))
  ) {
    throw badRequest('BAD_WEBHOOK_URL', 'webhooks go to public addresses only; this server refuses private ones');
  }
  url.hash = '';
  return url.toString();
}

/** Loopback, private, link-local, CGNAT, unspecified, multicast and the like: what a webhook must not reach. */
const privateRanges = new BlockList();
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
  ['224.0.0.0', 3],
] as const) {
  privateRanges.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 127],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  privateRanges.addSubnet(net, prefix, 'ipv6');
}

/** True for an IP address in a private range (BlockList judges IPv4-mapped IPv6 by its IPv4 rules); false for names. */
export function isPrivateAddress(host: string): boolean {
  const family = isIP(host);
  if (family === 0) return false;
  return privateRanges.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * A DNS lookup for the delivery request that refuses private answers: checked when connecting, not when the URL was
 * registered, so a name that later resolves to 127.0.0.1 (DNS rebinding) is still refused.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const blocked = addresses.find((a) => isPrivateAddress(a.address));
    if (blocked || addresses.length === 0) {
      const refusal = Object.assign(new Error(`${hostname} resolves to a private address`), { code: 'EPRIVATE' });
      return callback(refusal, '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
};

/** `[::1]` → `::1`: URL keeps IPv6 literals in brackets. */
export function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}
