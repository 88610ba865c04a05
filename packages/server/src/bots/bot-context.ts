import type { BotContext } from '@beckon/protocol/bots-api';
import type { Store } from '../store/store.ts';

/** How far back a bot is shown the visitor's pages (ms). */
const PAGES_SINCE_MS = 24 * 3_600_000;
const MAX_PAGES = 10;
const MAX_LINES = 50;

/**
 * What a bot may read of a conversation it holds: who the visitor is, their latest pages and
 * cart (from the tracker's stored state), the contact, and the lines so far without notes.
 */
export async function botContext(
  store: Store,
  accountId: string,
  conversationId: string,
): Promise<BotContext> {
  const c = await store.conversations.get(accountId, conversationId);
  const from = Math.max(0, c.lastSeq - MAX_LINES);
  const [messages, visitor, contact] = await Promise.all([
    store.messages.after(accountId, conversationId, from, { limit: MAX_LINES, visitorView: true }),
    c.siteId && c.visitorId ? store.visitors.get(c.siteId, c.visitorId) : undefined,
    c.contactId ? store.contacts.find(accountId, c.contactId) : undefined,
  ]);
  let pages: BotContext['pages'] = [];
  if (c.siteId && c.visitorId) {
    const now = Date.now();
    const events = await store.visitors.visitorEvents(
      accountId,
      c.siteId,
      c.visitorId,
      now - PAGES_SINCE_MS,
      now,
      ['page_view'],
      200,
    );
    pages = events
      .slice(-MAX_PAGES)
      .reverse()
      .map((e) => {
        const p = parse(e.payload) as { url?: unknown; title?: unknown };
        return {
          url: typeof p.url === 'string' ? p.url : (e.name ?? ''),
          title: typeof p.title === 'string' ? p.title : null,
          at: new Date(Number(e.ts)).toISOString(),
        };
      });
  }
  const state = (visitor?.state ?? null) as { cart?: unknown } | null;
  return {
    conversationId,
    skillId: c.skillId,
    channel: c.channel,
    visitor: { id: c.visitorId, name: c.visitorName, email: c.visitorEmail, topic: c.topic },
    pages,
    cart: state?.cart ?? null,
    contact: contact
      ? { id: contact.id, name: contact.name, email: contact.email, attributes: contact.attributes }
      : null,
    messages,
  };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) ?? {};
  } catch {
    return {};
  }
}
