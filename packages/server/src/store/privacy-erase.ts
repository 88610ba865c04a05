import { randomBytes } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { orNone, type PrivacySubject } from './privacy-subject.ts';
import type { Database } from './schema.ts';

/** What an erase removed or cut loose, per kind. */
export interface EraseCounts {
  contacts: number;
  visitors: number;
  conversations: number;
  messages: number;
  events: number;
  attachments: number;
}

/** An irreversible stand-in for an erased id: random, so nothing maps it back. */
const tombstone = () => `erased_${randomBytes(12).toString('hex')}`;

/**
 * Erases one person inside `trx` (GDPR article 17). Rows that reports count stay, cut loose: each
 * visitor and session id becomes a random tombstone, the person's words and contact details go.
 * Every other row naming them is deleted.
 */
export async function eraseIn(
  trx: Transaction<Database>,
  s: PrivacySubject,
  eventRows?: EventRows,
): Promise<EraseCounts> {
  const acc = s.accountId;
  const sites = orNone(s.siteIds);
  const contacts = orNone(s.contactIds);
  const visitors = orNone(s.visitorIds);
  const convs = orNone(s.conversationIds);
  const visitorStone = new Map(s.visitorIds.map((v) => [v, tombstone()]));
  const sessionStone = new Map<string, string>();
  const stoneOf = (session: string) => {
    const t = sessionStone.get(session) ?? tombstone();
    sessionStone.set(session, t);
    return t;
  };

  // What reports count stays, with nothing that leads back to the person.
  for (const [visitor, stone] of visitorStone) {
    const sessions = await trx
      .selectFrom('exposures')
      .select('session_id')
      .where('account_id', '=', acc)
      .where('site_id', 'in', sites)
      .where('visitor_id', '=', visitor)
      .union(
        trx
          .selectFrom('conversions')
          .select('session_id')
          .where('account_id', '=', acc)
          .where('site_id', 'in', sites)
          .where('visitor_id', '=', visitor),
      )
      .union(
        trx
          .selectFrom('visitor_sessions')
          .select('id as session_id')
          .where('account_id', '=', acc)
          .where('site_id', 'in', sites)
          .where('visitor_id', '=', visitor),
      )
      .execute();
    for (const { session_id } of sessions) {
      const t = stoneOf(session_id);
      // A visit stays counted (visitors, sessions, the funnel's first stage), without its pages.
      await trx
        .updateTable('visitor_sessions')
        .set({ id: t, visitor_id: stone, landing_url: null, referrer: null })
        .where('account_id', '=', acc)
        .where('site_id', 'in', sites)
        .where('visitor_id', '=', visitor)
        .where('id', '=', session_id)
        .execute();
      await trx
        .updateTable('exposures')
        .set({ session_id: t })
        .where('account_id', '=', acc)
        .where('site_id', 'in', sites)
        .where('visitor_id', '=', visitor)
        .where('session_id', '=', session_id)
        .execute();
      await trx
        .updateTable('conversions')
        .set({ session_id: t })
        .where('account_id', '=', acc)
        .where('site_id', 'in', sites)
        .where('visitor_id', '=', visitor)
        .where('session_id', '=', session_id)
        .execute();
    }
    await trx
      .updateTable('exposures')
      .set({ visitor_id: stone, invitation_text: null })
      .where('account_id', '=', acc)
      .where('site_id', 'in', sites)
      .where('visitor_id', '=', visitor)
      .execute();
    const conversions = await trx
      .selectFrom('conversions')
      .select('id')
      .where('account_id', '=', acc)
      .where('site_id', 'in', sites)
      .where('visitor_id', '=', visitor)
      .execute();
    for (const c of conversions) {
      // The dedupe key names the order or the visitor: a random one keeps it unique.
      await trx
        .updateTable('conversions')
        .set({ visitor_id: stone, order_id: null, dedupe_key: `erased:${tombstone()}` })
        .where('id', '=', c.id)
        .execute();
    }
    await trx
      .updateTable('attributions')
      .set({ visitor_id: stone })
      .where('account_id', '=', acc)
      .where('site_id', 'in', sites)
      .where('visitor_id', '=', visitor)
      .execute();
    await trx
      .updateTable('conversations')
      .set({ visitor_id: stone })
      .where('account_id', '=', acc)
      .where('site_id', 'in', sites)
      .where('visitor_id', '=', visitor)
      .execute();
  }
  const conversations = await trx
    .updateTable('conversations')
    .set({
      visitor_name: null,
      visitor_email: null,
      topic: null,
      csat_comment: null,
      contact_id: null,
      // Unique per conversation: the token hash is a unique key, and one stone for all collided.
      visitor_token_hash: sql`${`${tombstone()}_`} || id`,
    })
    .where('account_id', '=', acc)
    .where('id', 'in', convs)
    .executeTakeFirst();
  // Conversations from a channel keep the sender's address or number as their visitor id.
  await trx
    .updateTable('conversations')
    .set({ visitor_id: null })
    .where('account_id', '=', acc)
    .where('id', 'in', convs)
    .where('visitor_id', 'not in', orNone([...visitorStone.values()]))
    .execute();

  /** Deletes the account's rows of `table` whose `column` is one of `ids`; answers how many. */
  const drop = async (table: keyof Database, column: string, ids: string[]) =>
    Number(
      (
        await sql`delete from ${sql.table(table)}
          where account_id = ${acc} and ${sql.ref(column)} in (${sql.join(ids)})`.execute(trx)
      ).numAffectedRows ?? 0,
    );

  let messages = 0;
  for (const t of ['messages_stored', 'messages_recent'] as const)
    messages += await drop(t, 'conversation_id', convs);
  const attachments = await drop('attachments', 'conversation_id', convs);
  for (const t of [
    'conversation_tokens',
    'email_threads',
    'channel_messages',
    'outbox',
    'callbacks',
  ] as const) {
    await drop(t, 'conversation_id', convs);
  }
  await drop('callbacks', 'task_conversation_id', convs);
  await eraseDeliveries(trx, s);
  await rewindCursors(trx, s);

  const events = await deleteEvents(trx, s, 'events', eventRows?.events);
  await deleteEvents(trx, s, 'event_frames', eventRows?.frames);
  for (const t of ['model_sessions', 'contact_visitors'] as const) await drop(t, 'visitor_id', visitors);
  const visitorRows = await trx
    .deleteFrom('visitors')
    .where('site_id', 'in', sites)
    .where('id', 'in', visitors)
    .executeTakeFirst();
  const contactTables = [
    'contact_visitors',
    'contact_notes',
    'contact_identities',
    'contact_consents',
    'app_tokens',
    'push_devices',
  ] as const;
  for (const t of contactTables) await drop(t, 'contact_id', contacts);
  await trx
    .deleteFrom('contact_merges')
    .where('account_id', '=', acc)
    .where((eb) => eb.or([eb('kept_id', 'in', contacts), eb('merged_id', 'in', contacts)]))
    .execute();
  await trx
    .updateTable('contacts')
    .set({ merged_into: null })
    .where('account_id', '=', acc)
    .where('id', 'in', contacts)
    .execute();
  const contactRows = await trx
    .deleteFrom('contacts')
    .where('account_id', '=', acc)
    .where('id', 'in', contacts)
    .executeTakeFirst();
  return {
    contacts: Number(contactRows.numDeletedRows),
    visitors: Math.max(Number(visitorRows.numDeletedRows), s.visitorIds.length),
    conversations: Number(conversations.numUpdatedRows),
    messages,
    events,
    attachments,
  };
}

/** Webhook deliveries whose payload names the person: their copy of the person's data goes too. */
async function eraseDeliveries(trx: Transaction<Database>, s: PrivacySubject): Promise<void> {
  const needles = [...s.visitorIds, ...s.contactIds, ...s.conversationIds, ...s.emails];
  for (let i = 0; i < needles.length; i += 50) {
    const part = needles.slice(i, i + 50);
    await trx
      .deleteFrom('webhook_deliveries')
      .where('account_id', '=', s.accountId)
      .where((eb) => eb.or(part.map((n) => sql<boolean>`lower(payload) like ${containing(n)} escape '\\'`)))
      .execute();
  }
}

/** A LIKE pattern matching text that contains `needle` (lower-cased), wildcards escaped. */
const containing = (needle: string) => `%${needle.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`;

/** SQLite row ids of the person's events and frames, read before the erase takes the write lock. */
export interface EventRows {
  events: number[];
  frames: number[];
}

/**
 * Deletes the person's rows of an event table: by the row ids read beforehand (SQLite: the tables
 * have no index by visitor, and a scan inside the transaction would hold every writer back), or
 * by visitor (PostgreSQL, where a long delete blocks no other writer). Answers how many.
 */
async function deleteEvents(
  trx: Transaction<Database>,
  s: PrivacySubject,
  table: 'events' | 'event_frames',
  rowids: number[] | undefined,
): Promise<number> {
  const visitors = orNone(s.visitorIds);
  if (!rowids) {
    const r = await trx
      .deleteFrom(table)
      .where('account_id', '=', s.accountId)
      .where('visitor_id', 'in', visitors)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
  let n = 0;
  for (let i = 0; i < rowids.length; i += 500) {
    const part = rowids.slice(i, i + 500);
    const r = await sql`delete from ${sql.table(table)} where rowid in (${sql.join(part)})
      and account_id = ${s.accountId} and visitor_id in (${sql.join(visitors)})`.execute(trx);
    n += Number(r.numAffectedRows ?? 0);
  }
  return n;
}

/**
 * A stored cursor naming one of the person's events (the attribution job's, in `settings`) is set
 * back to the start of that millisecond: the job reads it again, which it does anyway for late
 * rows, and the cursor no longer names them.
 */
async function rewindCursors(trx: Transaction<Database>, s: PrivacySubject): Promise<void> {
  const rows = await trx.selectFrom('settings').selectAll().execute();
  for (const row of rows) {
    if (!s.visitorIds.some((v) => row.value.includes(v))) continue;
    let value: { visitorId?: unknown; batchId?: unknown; seq?: unknown } | null = null;
    try {
      value = JSON.parse(row.value);
    } catch {
      continue;
    }
    if (!value || typeof value.visitorId !== 'string' || !s.visitorIds.includes(value.visitorId)) continue;
    const rewound = { ...value, visitorId: '', batchId: '', seq: -1 };
    await trx
      .updateTable('settings')
      .set({ value: JSON.stringify(rewound) })
      .where('key', '=', row.key)
      .execute();
  }
}
