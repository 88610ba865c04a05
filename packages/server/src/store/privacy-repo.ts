import { type Kysely, sql } from 'kysely';
import type { StoreKind } from './connect.ts';
import { normalisePhone } from './contacts-repo.ts';
import { type EraseCounts, eraseIn } from './privacy-erase.ts';
import type { EventRows } from './privacy-erase-rows.ts';
import { orNone, type PrivacyQuery, type PrivacySubject } from './privacy-subject.ts';
import type { Database } from './schema.ts';

/** One JSON file of an export: a table's rows about the person. */
export interface ExportSection {
  name: string;
  rows: Record<string, unknown>[];
}

export type { EraseCounts, PrivacyQuery, PrivacySubject };

const normalEmail = (e: string) => e.trim().toLowerCase();

/**
 * The store side of GDPR access and erasure (articles 15 and 17): finds every row about one person,
 * reads them for an export, and erases them. Reports keep their counts: exposures, conversions,
 * attributions and conversations stay, with the person's ids replaced by random tombstones and
 * their words removed; everything else about the person is deleted.
 */
export class PrivacyRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: StoreKind,
  ) {}

  /** The person the query names in the account, or null when nothing is held about them. */
  async subject(accountId: string, q: PrivacyQuery): Promise<PrivacySubject | null> {
    const db = this.db;
    const contactIds = new Set<string>();
    const visitorIds = new Set<string>();
    const emails = new Set<string>();
    const phones = new Set<string>();
    const conversationIds = new Set<string>();
    if (q.contactId) {
      const c = await db
        .selectFrom('contacts')
        .select(['id', 'merged_into'])
        .where('account_id', '=', accountId)
        .where('id', '=', q.contactId)
        .executeTakeFirst();
      if (c) contactIds.add(c.merged_into ?? c.id);
    }
    if (q.email) {
      const e = normalEmail(q.email);
      emails.add(e);
      const byEmail = await db
        .selectFrom('contacts')
        .select(['id', 'merged_into'])
        .where('account_id', '=', accountId)
        .where(sql<boolean>`lower(email) = ${e}`)
        .execute();
      for (const c of byEmail) contactIds.add(c.merged_into ?? c.id);
      const byIdentity = await db
        .selectFrom('contact_identities')
        .select('contact_id')
        .where('account_id', '=', accountId)
        .where('kind', '=', 'email')
        .where(sql<boolean>`lower(value) = ${e}`)
        .execute();
      for (const r of byIdentity) contactIds.add(r.contact_id);
    }
    if (q.phone) {
      const p = normalisePhone(q.phone);
      if (p) {
        phones.add(p);
        const byPhone = await db
          .selectFrom('contacts')
          .select(['id', 'merged_into'])
          .where('account_id', '=', accountId)
          .where('phone', '=', p)
          .execute();
        for (const c of byPhone) contactIds.add(c.merged_into ?? c.id);
        // A callback asked for from a chat names the number: that chat, its visitor and its
        // contact are the person.
        const asked = await db
          .selectFrom('callbacks')
          .innerJoin('conversations', 'conversations.id', 'callbacks.conversation_id')
          .select(['conversations.id', 'conversations.contact_id', 'conversations.visitor_id'])
          .where('callbacks.account_id', '=', accountId)
          .where('callbacks.phone', 'in', [...new Set([p, q.phone.trim()])])
          .execute();
        for (const a of asked) {
          conversationIds.add(a.id);
          if (a.contact_id) contactIds.add(a.contact_id);
          if (a.visitor_id) visitorIds.add(a.visitor_id);
        }
      }
    }
    if (q.visitorId) {
      const seen = await db
        .selectFrom('visitors')
        .select('id')
        .where('account_id', '=', accountId)
        .where('id', '=', q.visitorId)
        .union(
          db
            .selectFrom('conversations')
            .select(sql<string>`visitor_id`.as('id'))
            .where('account_id', '=', accountId)
            .where('visitor_id', '=', q.visitorId),
        )
        .union(
          db
            .selectFrom('exposures')
            .select('visitor_id as id')
            .where('account_id', '=', accountId)
            .where('visitor_id', '=', q.visitorId),
        )
        .union(
          db
            .selectFrom('contact_visitors')
            .select('visitor_id as id')
            .where('account_id', '=', accountId)
            .where('visitor_id', '=', q.visitorId),
        )
        .execute();
      if (seen.length > 0) visitorIds.add(q.visitorId);
      // A visitor who said who they are is that contact: the contact and its other visitors go too.
      const linked = await db
        .selectFrom('contact_visitors')
        .select('contact_id')
        .where('account_id', '=', accountId)
        .where('visitor_id', '=', q.visitorId)
        .execute();
      for (const l of linked) contactIds.add(l.contact_id);
    }
    // A merged contact's rows belong to the contact it was merged into: both are the person.
    if (contactIds.size > 0) {
      const merged = await db
        .selectFrom('contacts')
        .select('id')
        .where('account_id', '=', accountId)
        .where('merged_into', 'in', [...contactIds])
        .execute();
      for (const m of merged) contactIds.add(m.id);
      const rows = await db
        .selectFrom('contacts')
        .select(['email', 'phone'])
        .where('account_id', '=', accountId)
        .where('id', 'in', [...contactIds])
        .execute();
      for (const r of rows) {
        if (r.email) emails.add(normalEmail(r.email));
        if (r.phone) phones.add(r.phone);
      }
      const linked = await db
        .selectFrom('contact_visitors')
        .select('visitor_id')
        .where('account_id', '=', accountId)
        .where('contact_id', 'in', [...contactIds])
        .execute();
      for (const l of linked) visitorIds.add(l.visitor_id);
    }
    const findConversations = () =>
      db
        .selectFrom('conversations')
        .select(['id', 'visitor_id', 'channel'])
        .where('account_id', '=', accountId)
        .where((eb) =>
          eb.or([
            eb('id', 'in', orNone([...conversationIds])),
            eb('visitor_id', 'in', orNone([...visitorIds])),
            eb('contact_id', 'in', orNone([...contactIds])),
            eb(sql`lower(visitor_email)`, 'in', orNone([...emails])),
          ]),
        )
        .execute();
    let conversations = await findConversations();
    // The visitor a web conversation of the person came from is the person too.
    const before = visitorIds.size;
    for (const c of conversations) if (c.visitor_id && c.channel === 'web') visitorIds.add(c.visitor_id);
    if (visitorIds.size > before) conversations = await findConversations();
    for (const c of conversations) conversationIds.add(c.id);
    if (contactIds.size === 0 && visitorIds.size === 0 && conversationIds.size === 0) return null;
    const ids = orNone([...conversationIds]);
    const files = await db
      .selectFrom('attachments')
      .select('storage_key')
      .where('account_id', '=', accountId)
      .where('conversation_id', 'in', ids)
      .execute();
    const mails = await db
      .selectFrom('channel_messages')
      .select('external_id')
      .where('account_id', '=', accountId)
      .where('channel', '=', 'email')
      .where('direction', '=', 'in')
      .where('conversation_id', 'in', ids)
      .execute();
    const recordings = await db
      .selectFrom('call_recordings')
      .select('storage_key')
      .where('account_id', '=', accountId)
      .where('conversation_id', 'in', ids)
      .execute();
    const sites = await db.selectFrom('sites').select('id').where('account_id', '=', accountId).execute();
    return {
      accountId,
      siteIds: sites.map((x) => x.id),
      contactIds: [...contactIds],
      visitorIds: [...visitorIds],
      conversationIds: [...conversationIds],
      emails: [...emails],
      phones: [...phones],
      attachmentKeys: files.map((f) => f.storage_key),
      mailIds: mails.map((m) => m.external_id),
      recordingKeys: recordings.map((r) => r.storage_key),
    };
  }

  /** Every row held about the person, one section per table (GDPR article 15). */
  async collect(s: PrivacySubject): Promise<ExportSection[]> {
    const db = this.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
    const contacts = orNone(s.contactIds);
    const visitors = orNone(s.visitorIds);
    const conversations = orNone(s.conversationIds);
    const by = (table: string, column: string, ids: string[], order?: string) => {
      let q = db.selectFrom(table).selectAll().where('account_id', '=', s.accountId).where(column, 'in', ids);
      if (order) q = q.orderBy(order);
      return q.execute();
    };
    const sections: [string, Promise<Record<string, unknown>[]>][] = [
      ['contacts', by('contacts', 'id', contacts)],
      ['contact_identities', by('contact_identities', 'contact_id', contacts)],
      ['contact_visitors', by('contact_visitors', 'contact_id', contacts)],
      ['contact_notes', by('contact_notes', 'contact_id', contacts, 'created_at')],
      ['contact_consents', by('contact_consents', 'contact_id', contacts, 'created_at')],
      ['push_devices', by('push_devices', 'contact_id', contacts)],
      ['visitors', by('visitors', 'id', visitors)],
      ['visits', by('visitor_sessions', 'visitor_id', visitors, 'started_at')],
      ['events', by('events', 'visitor_id', visitors, 'ts')],
      ['event_frames', by('event_frames', 'visitor_id', visitors, 'ts')],
      ['exposures', by('exposures', 'visitor_id', visitors, 'created_at')],
      ['conversions', by('conversions', 'visitor_id', visitors, 'ts')],
      ['attributions', by('attributions', 'visitor_id', visitors, 'conversion_ts')],
      ['model_sessions', by('model_sessions', 'visitor_id', visitors, 'started_at')],
      ['conversations', by('conversations', 'id', conversations, 'created_at')],
      ['messages', by('messages', 'conversation_id', conversations, 'created_at')],
      ['attachments', by('attachments', 'conversation_id', conversations, 'created_at')],
      ['calls', by('calls', 'conversation_id', conversations, 'requested_at')],
      ['callbacks', by('callbacks', 'conversation_id', conversations, 'created_at')],
    ];
    const out: ExportSection[] = [];
    for (const [name, rows] of sections) out.push({ name, rows: (await rows).map(withoutSecrets) });
    return out;
  }

  /**
   * Erases the person in one transaction. Rows that reports count stay, cut loose from the person:
   * each visitor and session id becomes a random tombstone, their words and contact details are
   * removed. Everything else naming them is deleted. Files are the caller's to remove afterwards.
   */
  async erase(s: PrivacySubject): Promise<EraseCounts> {
    const rows = this.kind === 'sqlite' ? await this.eventRows(s) : undefined;
    return this.db.transaction().execute((trx) => eraseIn(trx, s, rows));
  }

  /** SQLite: the person's event and frame row ids, read without the write lock (WAL readers wait for nobody). */
  private async eventRows(s: PrivacySubject): Promise<EventRows> {
    const visitors = sql.join(orNone(s.visitorIds));
    const ids = async (table: 'events' | 'event_frames') =>
      (
        await sql<{ rowid: number }>`select rowid from ${sql.table(table)}
          where account_id = ${s.accountId} and visitor_id in (${visitors})`.execute(this.db)
      ).rows.map((r) => r.rowid);
    return { events: await ids('events'), frames: await ids('event_frames') };
  }

  /**
   * After an erase on a SQLite file: copies the WAL into the database and empties it, so the
   * erased rows' old page images in the WAL are gone too. Tries a few times while another
   * connection reads; answers whether the WAL is empty. PostgreSQL: nothing to do here.
   */
  async scrub(): Promise<boolean> {
    if (this.kind !== 'sqlite') return true;
    for (let attempt = 0; attempt < 20; attempt++) {
      const r = await sql<{ busy: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(this.db);
      if (r.rows[0]?.busy === 0) return true;
      await new Promise((done) => setTimeout(done, 50));
    }
    return false;
  }
}

/** Hashes and tokens are the store's, not the person's: an export leaves them out. */
function withoutSecrets(row: Record<string, unknown>): Record<string, unknown> {
  const { visitor_token_hash: _t, claim_token: _c, ...rest } = row;
  return rest;
}
