import type { Conversation } from '@beckon/protocol/chat-api';
import { newVisitorToken } from '../../conversations/visitor-token.ts';
import type { Store } from '../../store/store.ts';

/** Where the tag looks for a conversation's token in a page's fragment (`packages/tag/src/chat-key.ts`). */
export const LINK_KEY = 'beckon.chat=';

/**
 * A link that brings a customer back to their conversation on the site: the page their visit
 * started on (a page with the tag), else the site's first allowed origin, with a fresh token of
 * the conversation in the fragment (`#beckon.chat=…`), where the tag finds it. A fragment never
 * reaches a server or a Referer header, and the tag removes it from the address bar at once.
 * Null when the conversation has no site page to go back to.
 */
export async function conversationLink(
  store: Store,
  accountId: string,
  conversation: Pick<Conversation, 'id' | 'siteId' | 'visitorId'>,
): Promise<string | null> {
  if (!conversation.siteId) return null;
  let page: URL | null = null;
  if (conversation.visitorId) {
    const session = await store.db
      .selectFrom('visitor_sessions')
      .select('landing_url')
      .where('account_id', '=', accountId)
      .where('site_id', '=', conversation.siteId)
      .where('visitor_id', '=', conversation.visitorId)
      .where('landing_url', 'is not', null)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    page = parse(session?.landing_url);
  }
  if (!page) {
    const site = await store.sites.get(accountId, conversation.siteId);
    page = parse(site.allowedOrigins[0] ? `${site.allowedOrigins[0]}/` : null);
  }
  if (!page) return null;
  const { token, hash } = newVisitorToken();
  await store.conversations.addToken(accountId, conversation.id, hash);
  // Without the query: campaign parameters of the first visit are not the customer's to keep.
  return `${page.origin}${page.pathname}#${LINK_KEY}${token}`;
}

function parse(url: string | null | undefined): URL | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u : null;
  } catch {
    return null;
  }
}
