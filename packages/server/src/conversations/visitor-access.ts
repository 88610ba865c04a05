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
  assertOriginAllowed(site.allowedOrigins, origin);
  return { id: site.id, accountId: site.accountId, anonymizeIp: site.anonymizeIp };
}

/**
 * The allow-list check every visitor chat request makes (REST, and `hello` and `start` on
 * `/v1/chat`): a sent `Origin` must be on the site's list (an empty list admits any); a request
 * without one is not a browser page on another site (browsers always send it there) and passes.
 */
function assertOriginAllowed(allowedOrigins: readonly string[], origin: string | undefined): void {
  if (origin && allowedOrigins.length > 0 && !allowedOrigins.map(normalise).includes(normalise(origin))) {
    throw forbidden('this origin may not use this site key');
  }
}

/** Checks the caller's `Origin` against the allow-list of the site a conversation came from. */
export async function assertConversationOrigin(
  store: Store,
  found: { accountId: string; conversation: Conversation },
  origin: string | undefined,
): Promise<void> {
  const { siteId } = found.conversation;
  if (!origin || !siteId) return;
  const site = await store.sites.get(found.accountId, siteId).catch(() => undefined);
  if (site) assertOriginAllowed(site.allowedOrigins, origin);
}

/** The one conversation a visitor token opens. */
export async function conversationForToken(
  store: Store,
  token: string | undefined,
): Promise<{ accountId: string; conversation: Conversation }> {
  const found =
    token && token.length <= 128
      ? ((await store.conversations.findByTokenHash(hashVisitorToken(token))) ??
        (await appConversation(store, token)))
      : undefined;
  if (!found) throw new AppError(401, 'invalid_chat_token', 'unknown or expired conversation token');
  return found;
}

/** An app token opens its user's latest conversation in the app (see `channels/app-channel.ts`). */
async function appConversation(
  store: Store,
  token: string,
): Promise<{ accountId: string; conversation: Conversation } | undefined> {
  if (!token.startsWith('at_')) return undefined;
  const owner = await store.appPush.tokenOwner(token);
  if (!owner) return undefined;
  const id = await store.appPush.latestConversationId(owner.accountId, owner.siteId, owner.contactId);
  const conversation = id ? await store.conversations.find(owner.accountId, id) : undefined;
  return conversation && { accountId: owner.accountId, conversation };
}
