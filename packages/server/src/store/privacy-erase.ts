import { randomBytes } from 'node:crypto';
import type { EraseResult } from '@beckon/protocol/privacy-api';
import { sql, type Transaction } from 'kysely';
import { refreshContactFacts, refreshOptInFacts } from './contact-facts.ts';
import { deleteEvents, type EventRows, eraseMentions, rewindCursors } from './privacy-erase-rows.ts';
import { orNone, type PrivacySubject } from './privacy-subject.ts';
import type { Database } from './schema.ts';
import { dropMarks } from './visitor-marks.ts';

/** What an erase removed (or, for visits, conversations and calls, cut loose), per kind. */
export type EraseCounts = EraseResult['erased'];

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
      // A visit stays counted (visitors, sessions, the funnel's first stage, the lift by country),
      // without its pages or a place finer than its country.
      await trx
        .updateTable('visitor_sessions')
        .set({
          id: t,
          visitor_id: stone,
          landing_url: null,
          referrer: null,
          region: null,
          city: null,
          time_zone: null,
        })
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
  /** The sum of `drop` over several tables by one column. */
  const dropAll = async (tables: readonly (keyof Database)[], column: string, ids: string[]) => {
    let n = 0;
    for (const t of tables) n += await drop(t, column, ids);
    return n;
  };

  // A call stays counted (the call reports), like its conversation: it names nobody.
  const calls = await trx
    .selectFrom('calls')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', acc)
    .where('conversation_id', 'in', convs)
    .executeTakeFirst();
  const counts: EraseCounts = {
    contacts: 0,
    visitors: 0,
    visits: sessionStone.size,
    conversations: Number(conversations.numUpdatedRows),
    messages: await dropAll(['messages_stored', 'messages_recent'], 'conversation_id', convs),
    attachments: await drop('attachments', 'conversation_id', convs),
    calls: Number(calls?.n ?? 0),
    recordings: await drop('call_recordings', 'conversation_id', convs),
    callbacks:
      (await drop('callbacks', 'conversation_id', convs)) +
      (await drop('callbacks', 'task_conversation_id', convs)),
    mails: s.mailIds.length,
    channelMessages: await drop('channel_messages', 'conversation_id', convs),
    outbox: await drop('outbox', 'conversation_id', convs),
    events: 0,
    identities: 0,
    notes: 0,
    consents: 0,
    pushDevices: 0,
    merges: 0,
    webhookDeliveries: 0,
    automationEvents: 0,
    auditEntries: 0,
  };
  await dropAll(
    [
      'conversation_tokens',
      'email_threads',
      'automation_runs',
      'scheduled_messages',
      'macro_runs',
      // Assist's: a summary quotes the customer, and an intent and sentiment describe them.
      'message_translations',
      'conversation_summaries',
      'conversation_classifications',
    ],
    'conversation_id',
    convs,
  );
  // A merge names the erased conversation on either side: it goes, and undoing it with it.
  await dropAll(['conversation_merges'], 'kept_id', convs);
  await dropAll(['conversation_merges'], 'merged_id', convs);
  await trx.deleteFrom('automation_idle').where('conversation_id', 'in', convs).execute();
  Object.assign(counts, await eraseMentions(trx, s));
  await rewindCursors(trx, s);

  counts.events =
    (await deleteEvents(trx, s, 'events', eventRows?.events)) +
    (await deleteEvents(trx, s, 'event_frames', eventRows?.frames));
  // Contacts that keep standing lose the erased visitors' purchases, scores, countries and carts.
  const linked = await trx
    .selectFrom('contact_visitors')
    .select('contact_id')
    .where('account_id', '=', acc)
    .where('visitor_id', 'in', visitors)
    .execute();
  await dropAll(['model_sessions', 'contact_visitors'], 'visitor_id', visitors);
  await dropMarks(trx, acc, s.visitorIds);
  const visitorRows = await trx
    .deleteFrom('visitors')
    .where('site_id', 'in', sites)
    .where('id', 'in', visitors)
    .executeTakeFirst();
  counts.visitors = Math.max(Number(visitorRows.numDeletedRows), s.visitorIds.length);
  await drop('contact_visitors', 'contact_id', contacts);
  counts.notes = await drop('contact_notes', 'contact_id', contacts);
  counts.identities = await drop('contact_identities', 'contact_id', contacts);
  counts.consents = await drop('contact_consents', 'contact_id', contacts);
  // A tracked link's address may carry the contact's values; an order keeps no tie to them.
  await drop('broadcast_links', 'contact_id', contacts);
  await trx
    .updateTable('conversions')
    .set({ contact_id: null })
    .where('account_id', '=', acc)
    .where('contact_id', 'in', contacts)
    .execute();
  counts.pushDevices = await dropAll(['app_tokens', 'push_devices'], 'contact_id', contacts);
  // A contact merged into one that stays took its opt-ins and devices away from it.
  await refreshOptInFacts(trx, acc, s.contactIds);
  const merges = await trx
    .deleteFrom('contact_merges')
    .where('account_id', '=', acc)
    .where((eb) => eb.or([eb('kept_id', 'in', contacts), eb('merged_id', 'in', contacts)]))
    .executeTakeFirst();
  counts.merges = Number(merges.numDeletedRows);
  await trx
    .updateTable('contacts')
    .set({ merged_into: null })
    .where('account_id', '=', acc)
    .where('id', 'in', contacts)
    .execute();
  counts.contacts = await drop('contacts', 'id', contacts);
  await refreshContactFacts(trx, acc, [...linked.map((l) => l.contact_id), ...s.contactIds]);
  return counts;
}
