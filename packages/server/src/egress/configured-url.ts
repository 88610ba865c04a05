import { AppError } from '../errors.ts';
import { classifyHost } from './address-policy.ts';
import type { Egress } from './egress.ts';
import { EgressError } from './egress-error.ts';

/** How long saving a URL waits for its name to resolve before the check at use decides alone (ms). */
const SAVE_LOOKUP_MS = 3000;

/**
 * Checks a URL as it is saved (a webhook, a provider base URL, a bot's or a model server's): an
 * http(s) URL without credentials, whose host is not — and, when its name resolves now, does
 * not resolve to — an address the egress refuses. A 400 names the field: `private_address` for a
 * refused host, `invalid_url` otherwise. A name that does not resolve yet is saved; every use
 * checks again.
 */
export async function checkConfiguredUrl(egress: Egress, raw: string, field: string): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError(400, 'invalid_url', `${field}: not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new AppError(400, 'invalid_url', `${field}: must be http or https`);
  if (url.username || url.password)
    throw new AppError(400, 'invalid_url', `${field}: must not hold a user or password`);
  if (egress.policy.allowPrivate) return url;
  const host = classifyHost(url.hostname);
  try {
    if (host.kind === 'name') {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((r) => {
        timer = setTimeout(r, SAVE_LOOKUP_MS);
      });
      await Promise.race([egress.check(url), late]).finally(() => clearTimeout(timer));
    } else await egress.check(url);
  } catch (err) {
    if (err instanceof EgressError && err.code === 'private_address')
      throw new AppError(400, 'private_address', `${field}: ${err.message}`);
    if (!(err instanceof EgressError && err.code === 'unresolved')) throw err;
  }
  return url;
}
