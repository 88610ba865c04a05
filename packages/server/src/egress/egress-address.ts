import { promises as dns } from 'node:dns';
import { classifyHost, isPublicAddress } from './address-policy.ts';
import { EgressError } from './egress-error.ts';

/** One address a name resolves to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a name to its addresses; the system's (`getaddrinfo`) unless a test maps names itself. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** Who may be reached: public addresses, private ones too when allowed, and any address:port `allow` names (tests). */
export interface AddressPolicy {
  allowPrivate: boolean;
  allow?: (address: string, port: number) => boolean;
}

export const portOf = (url: URL): number => Number(url.port || (url.protocol === 'https:' ? 443 : 80));

/** Whether the policy lets a connection go to this address and port. */
export function permitted(policy: AddressPolicy, address: string, port: number): boolean {
  return policy.allowPrivate || isPublicAddress(address) || policy.allow?.(address, port) === true;
}

/**
 * The address to connect to for a URL: the address written in it, or the first address its name
 * resolves to that the policy permits. Refused with `private_address` when there is none; the
 * caller connects to exactly this address, so no second lookup can answer differently.
 */
export async function addressFor(
  url: URL,
  policy: AddressPolicy,
  resolve: Resolver,
): Promise<ResolvedAddress> {
  const host = classifyHost(url.hostname);
  const port = portOf(url);
  if (host.kind === 'address') {
    if (!permitted(policy, host.address, port))
      throw new EgressError('private_address', `${host.address} is a private address`);
    return { address: host.address, family: host.address.includes(':') ? 6 : 4 };
  }
  if (host.kind === 'local-name' && !policy.allowPrivate && !policy.allow)
    throw new EgressError('private_address', `${host.name} is this machine, a private address`);
  let found: ResolvedAddress[];
  try {
    found = await resolve(host.name);
  } catch (err) {
    throw new EgressError('unresolved', `${host.name} does not resolve (${(err as Error).message})`);
  }
  const ok = found.find((a) => permitted(policy, a.address, port));
  if (ok) return ok;
  const what = found[0]?.address ?? 'nothing';
  throw new EgressError('private_address', `${host.name} resolves to a private address (${what})`);
}
