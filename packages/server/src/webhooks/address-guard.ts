import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Whether an address is on the public internet. Private (10/8, 172.16/12, 192.168/16), loopback,
 * link-local (169.254/16, the cloud metadata address among them; fe80::/10), CGNAT (100.64/10),
 * unique-local IPv6 (fc00::/7), multicast, reserved and unspecified addresses are not; an
 * IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range() === 'unicast';
}

/** A delivery refused because its host is, or resolves to, a private address. */
export class PrivateAddressError extends Error {
  readonly code = 'EPRIVATEADDRESS';
}

/**
 * A `lookup` for `net.connect` that resolves the host and hands the socket only public addresses:
 * the address checked is the address connected to, so a name that resolves elsewhere on a second
 * lookup (DNS rebinding) cannot slip past. With `allowPrivate` every address passes.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, found: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const ok = allowPrivate ? found : found.filter((a) => isPublicAddress(a.address));
      if (ok.length === 0) {
        const what = found[0]?.address ?? 'nothing';
        return callback(
          new PrivateAddressError(`${hostname} resolves to a private address (${what})`),
          '',
          0,
        );
      }
      if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, ok);
      else callback(null, ok[0]!.address, ok[0]!.family);
    });
  };
}

/** Refuses a URL whose host is a private address written out (no lookup happens for those). */
export function checkLiteralHost(url: URL, allowPrivate: boolean): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && ipaddr.isValid(host) && !isPublicAddress(host))
    throw new PrivateAddressError(`${host} is a private address`);
}
