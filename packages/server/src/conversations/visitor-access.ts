import type { Conversation } from '@beckon/protocol/chat-api';
import { AppError, forbidden, unauthorized } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { VisitorSite } from './visitor-chat-service.ts';
import { hashVisitorToken, SITE_KEY_HEADER } from './visitor-token.ts';

const normalise = (origin: string) => origin.replace(/\/+$/, '').toLowerCase();

/**
 * The site a visitor names by its public key, checked against the site's origin allow-list when
 * the caller is a browser (sends `Origin`); an empty allow-list admits any origin. An unknown key
 * and a disallowed origin are both 403 `forbidden` (4403 on a socket), as on the tag's socket:
 * the site refuses this page, and trying again with the same key cannot help. 401 (4401) stays
 * for what a client can renew — tokens and sessions — and for a request that names no site at all,
 * like any other unauthenticated call.
 */
export async function siteForKey(
  store: Store,
  siteKey: string | undefined,
  origin: string | undefined,
): Promise<VisitorSite> {
  if (!siteKey) throw unauthorized(`a site key is required (the ${SITE_KEY_HEADER} header)`);
  const site = await store.sites.findBySiteKey(siteKey);
  if (!site) throw forbidden('unknown site key');
  if (
    origin &&
    site.allowedOrigins.length > 0 &&
    !site.allowedOrigins.map(normalise).includes(normalise(origin))
  ) {
    throw forbidden('this origin may not use this site key');
  }
  return { id: site.id, accountId: site.accountId };
}

/** The one conversation a visitor token opens. */
export async function conversationForToken(
  store: Store,
  token: string | undefined,
): Promise<{ accountId: string; conversation: Conversation }> {
  const found =
    token && token.length <= 128
      ? await store.conversations.findByTokenHash(hashVisitorToken(token))
      : undefined;
  if (!found) throw new AppError(401, 'invalid_chat_token', 'unknown or expired conversation token');
  return found;
}
