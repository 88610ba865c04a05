import type { ContactDetail, ContactListItem, ContactPage } from '@beckon/protocol/contacts-api';
import { toCsv } from '../analytics/csv-table.ts';
import { badRequest } from '../errors.ts';
import { parseSources } from '../store/conversions-repo.ts';
import { iso } from '../store/rows.ts';
import type { Store } from '../store/store.ts';

/** Visitors whose visits and purchases the contact page reads, at most (the newest links). */
const MAX_VISITORS = 10;

/** Everything the contact page shows: conversations on every channel, visits, purchases, notes, merges. */
export async function contactDetail(store: Store, accountId: string, id: string): Promise<ContactDetail> {
  const contact = await store.contacts.get(accountId, id);
  const [conversations, visitors, notes, merges, users] = await Promise.all([
    store.conversations.ofContact(accountId, contact.id),
    store.contacts.visitorsOf(accountId, contact.id),
    store.contacts.notes(accountId, contact.id),
    store.contacts.merges(accountId, contact.id),
    store.users.list(accountId),
  ]);
  const read = visitors.slice(0, MAX_VISITORS);
  const [sessions, conversions] = await Promise.all([
    Promise.all(read.map((v) => store.visitors.sessions(accountId, v.siteId, v.visitorId, 20))),
    Promise.all(read.map((v) => store.conversions.forVisitor(accountId, v.siteId, v.visitorId, 50))),
  ]);
  const names = new Map(users.map((u) => [u.id, u.name]));
  return {
    contact,
    conversations: conversations.map((c) => ({
      id: c.id,
      channel: c.channel,
      status: c.status,
      siteId: c.siteId,
      visitorId: c.visitorId,
      topic: c.topic,
      assignedAgentId: c.assignedAgentId,
      createdAt: c.createdAt,
      lastMessageAt: c.lastMessageAt,
    })),
    visitors,
    visits: sessions
      .flat()
      .sort((a, b) => Number(b.started_at) - Number(a.started_at))
      .map((s) => ({
        sessionId: s.id,
        siteId: s.site_id,
        visitorId: s.visitor_id,
        device: s.device,
        landingUrl: s.landing_url,
        referrer: s.referrer,
        pageViews: Number(s.page_views),
        startedAt: iso(s.started_at)!,
        lastEventAt: iso(s.last_event_at)!,
      })),
    purchases: conversions
      .flat()
      .filter((c) => c.kind === 'purchase')
      .sort((a, b) => Number(b.ts) - Number(a.ts))
      .map((c) => ({
        id: c.id,
        siteId: c.site_id,
        visitorId: c.visitor_id,
        orderId: c.order_id,
        sources: parseSources(c.sources),
        revenue: Number(c.revenue),
        currency: c.currency,
        at: iso(c.ts)!,
      })),
    notes: notes.map((n) => ({ ...n, authorName: n.authorId ? (names.get(n.authorId) ?? null) : null })),
    merges,
  };
}

/** A list cursor: the last item's last-seen time and id. */
const encodeCursor = (c: { lastSeenAt: string; id: string }) =>
  Buffer.from(`${Date.parse(c.lastSeenAt)}:${c.id}`).toString('base64url');

function decodeCursor(cursor: string): { lastSeenAt: number; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  const lastSeenAt = Number(at);
  if (!Number.isFinite(lastSeenAt) || !id)
    throw badRequest('/cursor: not a cursor of this list', 'invalid_cursor');
  return { lastSeenAt, id };
}

/** One page of contacts matching `q`, each with the channels it wrote on. */
export async function contactPage(
  store: Store,
  accountId: string,
  query: { q?: string; limit?: number; cursor?: string },
): Promise<ContactPage> {
  const limit = query.limit ?? 50;
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const found = await store.contacts.search(accountId, query.q ?? '', limit + 1, after);
  const items = found.slice(0, limit);
  const channels = await store.contacts.channelsOf(
    accountId,
    items.map((c) => c.id),
  );
  const last = items.at(-1);
  return {
    items: items.map((c): ContactListItem => ({ ...c, channels: channels.get(c.id) ?? [] })),
    nextCursor: found.length > limit && last ? encodeCursor(last) : null,
  };
}

/** Contacts in one export, at most. */
const MAX_EXPORT = 50_000;

/** Every contact matching `q` as RFC 4180 CSV (formula-like cells defused, as in the report exports). */
export async function contactsCsv(store: Store, accountId: string, q: string): Promise<string> {
  const rows: ContactListItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await contactPage(store, accountId, { q, limit: 200, ...(cursor ? { cursor } : {}) });
    rows.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && rows.length < MAX_EXPORT);
  return toCsv<ContactListItem>(
    [
      { header: 'id', value: (c) => c.id },
      { header: 'name', value: (c) => c.name },
      { header: 'email', value: (c) => c.email },
      { header: 'phone', value: (c) => c.phone },
      { header: 'user_id', value: (c) => c.externalId },
      { header: 'verified', value: (c) => c.verified },
      { header: 'email_opt_out', value: (c) => c.emailOptOut },
      { header: 'channels', value: (c) => c.channels.join(' ') },
      { header: 'created_at', value: (c) => c.createdAt },
      { header: 'last_seen_at', value: (c) => c.lastSeenAt },
      { header: 'attributes', value: (c) => JSON.stringify(c.attributes) },
    ],
    rows,
  );
}
