import ipaddr from 'ipaddr.js';

/**
 * Which hosts a configured URL may reach, decided without any I/O. IPv4 must be ordinary unicast:
 * not loopback (127/8), private (10/8, 172.16/12, 192.168/16), link-local (169.254/16, the cloud
 * metadata address among them), CGNAT (100.64/10), unspecified (0/8), broadcast, multicast or
 * reserved. IPv6 must be global unicast (2000::/3) outside the special ranges; an IPv4-mapped
 * (`::ffff:a.b.c.d`) or NAT64 (`64:ff9b::a.b.c.d`) address is judged as the IPv4 address it
 * carries, and the other forms that carry one (IPv4-compatible, 6to4, Teredo, translated) are refused.
 */

const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');
const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');

/** The named range an address falls in (`unicast` for an ordinary public one), as ipaddr.js names them. */
export function addressRange(address: string): string {
  const ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv4') return ip.range();
  const v6 = ip as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range();
  if (v6.match(NAT64)) return ipaddr.fromByteArray(v6.toByteArray().slice(12)).range();
  const range = v6.range();
  return range === 'unicast' && !v6.match(GLOBAL_UNICAST) ? 'reserved' : range;
}

/** Whether an address (any spelling ipaddr.js reads) is on the public internet. */
export function isPublicAddress(address: string): boolean {
  return ipaddr.isValid(address) && addressRange(address) === 'unicast';
}

/** What a URL's host is, before any lookup. */
export type HostKind =
  /** An address written out (in any IPv4 spelling: `2130706433`, `0x7f.1`, `0177.0.0.1`). */
  | { kind: 'address'; address: string; public: boolean }
  /** `localhost` or a name under it: this machine, whatever DNS says (RFC 6761). */
  | { kind: 'local-name'; name: string }
  /** A name to resolve; each address it resolves to is judged as above. */
  | { kind: 'name'; name: string };

/** Reads a URL's hostname (brackets, trailing dots and case as URLs carry them). */
export function classifyHost(hostname: string): HostKind {
  const host = hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.+$/, '')
    .toLowerCase();
  if (ipaddr.isValid(host)) {
    const address = ipaddr.parse(host).toString();
    return { kind: 'address', address, public: isPublicAddress(address) };
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return { kind: 'local-name', name: host };
  return { kind: 'name', name: host };
}
