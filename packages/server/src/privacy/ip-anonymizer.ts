import { isIPv4, isIPv6 } from 'node:net';

/**
 * An address cut to its network, as analytics tools anonymise: IPv4 keeps its first three bytes
 * (/24), IPv6 its first three groups (/48), an IPv4-mapped IPv6 address its IPv4 /24. Anything
 * else (a missing peer, `unknown`) is returned as it is, since it names nobody.
 */
export function anonymizeIp(address: string): string {
  if (isIPv4(address)) return address.replace(/\.\d+$/, '.0');
  if (!isIPv6(address)) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return `::ffff:${anonymizeIp(mapped[1]!)}`;
  const [head = '', tail] = address.split('::');
  const groups = head ? head.split(':') : [];
  // With `::` the groups after it come later; only the first three matter, so fill with zeros.
  if (tail !== undefined) while (groups.length < 3) groups.push('0');
  return `${groups
    .slice(0, 3)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::`;
}

/** The address of a site's visitor as the rest of the node may see it: cut when the site asks for it. */
export const visitorAddress = (site: { anonymizeIp?: boolean }, address: string): string =>
  site.anonymizeIp ? anonymizeIp(address) : address;
