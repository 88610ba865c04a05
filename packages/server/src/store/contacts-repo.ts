import type { Contact, ContactKeys } from '@beckon/protocol/contacts-api';
import type { WebhookEvent } from '@beckon/protocol/webhooks-api';
import { type Kysely, type Selectable, sql } from 'kysely';
import { AppError, badRequest, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { refreshContactFacts } from './contact-facts.ts';
import { type ContactMerge, mergeContacts, undoableMerges, unmergeContacts } from './contact-merge.ts';
import type { ContactsTable } from './contact-schema.ts';
import { iso, jsonObject, likePattern } from './rows.ts';
import type { Database } from './schema.ts';
import type { WebhooksRepo } from './webhooks-repo.ts';

export type { Contact, ContactKeys, ContactMerge };

export const toContact = (r: Selectable<ContactsTable>): Contact => ({
  id: r.id,
  name: r.name,
  email: r.email,
  phone: r.phone,
  externalId: r.external_id,
  verified: Number(r.verified) === 1,
  attributes: jsonObject(r.attributes),
  emailOptOut: Number(r.email_opt_out) === 1,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
  lastSeenAt: iso(r.last_seen_at)!,
});

/** An e-mail address as contacts keep it (trimmed, lower-case), or null when it is not one. */
export function normaliseEmail(email: string | null | undefined): string | null {
  const e = email?.trim().toLowerCase();
  if (!e || e.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)) return null;
  return e;
}

/** A phone number as contacts keep it (`+` and digits), or null when it has too few digits to be one. */
export function normalisePhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const digits = phone.replace(/[^\d]/g, '');
  if (digits.length < 6 || digits.length > 15) return null;
  return phone.trim().startsWith('+') || phone.trim().startsWith('00')
    ? `+${digits.replace(/^00/, '')}`
    : digits;
}

const cleanName = (name: string | null | undefined) => {
  const n = name?.replace(/\s+/g, ' ').trim().slice(0, 120);
  return n ? n : null;
};

/** A verified identity claims an e-mail another verified contact holds. */
export const identityConflict = () =>
  new AppError(409, 'identity_conflict', 'this e-mail belongs to another verified user');

/** How many times a merged-away id is followed to the contact that kept it, at most. */
const MAX_MERGE_HOPS = 8;

/** How stale `last_seen_at` may grow before a message rewrites it: busy contacts cost no write each. */
export const LAST_SEEN_STEP_MS = 10_000;

/** True when the contact was seen recently enough that this message need not record it again. */
const seenLately = (lastSeenAt: number | string, now: number) =>
  now - Number(lastSeenAt) >= 0 && now - Number(lastSeenAt) < LAST_SEEN_STEP_MS;

/**
 * Contacts of an account. A contact is matched by the keys a conversation or an identify brings:
 * the site's user id among verified contacts, then e-mail, then phone. An unverified identity
 * (a typed e-mail, a mail's sender) never matches a verified contact, so it can never see what a
 * signed-in user wrote; see docs/contacts.md.
 */
export class ContactsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly webhooks: WebhooksRepo,
  ) {}

  /** Queues `contact.created` or `.updated` on `trx` (the change's transaction); returns the rows queued. */
  private hook(
    trx: Kysely<Database>,
    accountId: string,
    type: 'contact.created' | 'contact.updated',
    contact: Contact,
    now: number,
  ): Promise<number> {
    const event: WebhookEvent = { type, timestamp: new Date(now).toISOString(), data: { contact } };
    return this.webhooks.queueIn(trx, accountId, [event], now);
  }

  /** The contact with this id, or the one it was merged into; undefined when there is none. */
  async find(accountId: string, id: string, db: Kysely<Database> = this.db): Promise<Contact | undefined> {
    let current = id;
    for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
      const row = await db
        .selectFrom('contacts')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', current)
        .executeTakeFirst();
      if (!row) return undefined;
      if (!row.merged_into) return toContact(row);
      current = row.merged_into;
    }
    return undefined;
  }

  /**
   * A page of contacts by id, in one read: each with its own SMS and WhatsApp opt-outs. A contact
   * merged away since is read as the one it joined (its opt-outs stay its own, as `smsOptedOut`).
   */
  async findPage(
    accountId: string,
    ids: readonly string[],
  ): Promise<Map<string, { contact: Contact; smsOptOut: boolean; whatsAppOptOut: boolean }>> {
    const out = new Map<string, { contact: Contact; smsOptOut: boolean; whatsAppOptOut: boolean }>();
    if (ids.length === 0) return out;
    // By id alone, the account checked on each row: with `account_id = ?` beside the ids, SQLite
    // may read the page through the account's index, every contact of the account (3 ms a page of 64
    // out of 20,000 on the socket thread, for each batch of a broadcast's messages).
    const rows = await this.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute();
    for (const row of rows) {
      if (row.account_id !== accountId) continue;
      const contact = row.merged_into ? await this.find(accountId, row.merged_into) : toContact(row);
      if (contact)
        out.set(row.id, {
          contact,
          smsOptOut: Number(row.sms_opt_out) === 1,
          whatsAppOptOut: Number(row.whatsapp_opt_out) === 1,
        });
    }
    return out;
  }

  async get(accountId: string, id: string): Promise<Contact> {
    const c = await this.find(accountId, id);
    if (!c) throw notFound('contact');
    return c;
  }

  /**
   * The contact these keys name, created when none matches; empty fields of a match are filled.
   * A verified identity (`keys.verified`) is matched by the site's user id only, and is refused
   * (409 `identity_conflict`) when it claims the e-mail of another verified contact. A transaction
   * may pass itself as `db` to write the contact with its other rows.
   */
  async resolve(
    accountId: string,
    keys: ContactKeys,
    now = Date.now(),
    db?: Kysely<Database>,
  ): Promise<Contact> {
    const email = normaliseEmail(keys.email);
    const phone = normalisePhone(keys.phone);
    const name = cleanName(keys.name);
    const externalId = keys.externalId?.trim() || null;
    const verified = keys.verified === true;
    if (verified && !externalId) throw badRequest('a verified identity needs a user id');
    if (!verified && !email && !phone && keys.platform?.id)
      return this.resolvePlatform(accountId, keys.platform.kind, keys.platform.id, name, now, db);
    if (!verified && !email && !phone)
      throw badRequest('an e-mail or a phone number is needed to know a contact');
    const inTransaction = async (trx: Kysely<Database>): Promise<Contact> => {
      const live = () =>
        trx
          .selectFrom('contacts')
          .selectAll()
          .where('account_id', '=', accountId)
          .where('merged_into', 'is', null);
      let row: Selectable<ContactsTable> | undefined;
      if (verified) {
        row = await live().where('verified', '=', 1).where('external_id', '=', externalId).executeTakeFirst();
        if (email) {
          const holder = await live()
            .where('verified', '=', 1)
            .where('email', '=', email)
            .where('external_id', '!=', externalId!)
            .executeTakeFirst();
          if (holder) throw identityConflict();
        }
      } else {
        // A typed e-mail or phone matches only unverified contacts. The address a message came
        // from may match a verified one too (verified first): replies go back to the address.
        const byKey = async (key: 'email' | 'phone', value: string) => {
          let q = live().where(key, '=', value);
          if (keys.address !== key) q = q.where('verified', '=', 0);
          return q.orderBy('verified', 'desc').orderBy('created_at').executeTakeFirst();
        };
        if (email) row = await byKey('email', email);
        if (!row && phone) row = await byKey('phone', phone);
      }
      if (!row) {
        const created: Selectable<ContactsTable> = {
          id: newId('contact'),
          account_id: accountId,
          name,
          email,
          phone,
          external_id: verified ? externalId : null,
          verified: verified ? 1 : 0,
          attributes: '{}',
          email_opt_out: 0,
          sms_opt_out: 0,
          whatsapp_opt_out: 0,
          merged_into: null,
          created_at: now,
          updated_at: now,
          last_seen_at: now,
        };
        await trx.insertInto('contacts').values(created).execute();
        const contact = toContact(created);
        queued += await this.hook(trx, accountId, 'contact.created', contact, now);
        return contact;
      }
      // A verified identity's keys are the site's word: they replace what it said before. Anything
      // else only fills what is empty.
      const patch: Partial<Selectable<ContactsTable>> = { last_seen_at: now };
      if (name && (verified || !row.name)) patch.name = name;
      if (email && (verified || !row.email)) patch.email = email;
      if (phone && (verified || !row.phone)) patch.phone = phone;
      if (patch.name !== undefined || patch.email !== undefined || patch.phone !== undefined)
        patch.updated_at = now;
      else if (seenLately(row.last_seen_at, now)) return toContact(row);
      await trx.updateTable('contacts').set(patch).where('id', '=', row.id).execute();
      const contact = toContact({ ...row, ...patch });
      if (patch.updated_at !== undefined)
        queued += await this.hook(trx, accountId, 'contact.updated', contact, now);
      return contact;
    };
    let queued = 0;
    const out = await (db ? inTransaction(db) : this.db.transaction().execute(inTransaction));
    this.webhooks.committed(queued);
    return out;
  }

  /** The contact a platform id names, when one does (a customer who wrote before). */
  async platformHolder(
    accountId: string,
    kind: string,
    value: string,
    db: Kysely<Database> = this.db,
  ): Promise<string | undefined> {
    const row = await db
      .selectFrom('contact_identities')
      .select('contact_id')
      .where('account_id', '=', accountId)
      .where('kind', '=', kind)
      .where('value', '=', value)
      .executeTakeFirst();
    return row?.contact_id;
  }

  /**
   * The contact a platform id names (see `contact_identities`), created with the id when none
   * does. Two first messages at once: one identity row wins, the other's new contact is dropped.
   */
  private async resolvePlatform(
    accountId: string,
    kind: string,
    value: string,
    name: string | null,
    now: number,
    /** The caller's transaction, when it holds one (SQLite has one connection: nothing may wait outside it). */
    db?: Kysely<Database>,
  ): Promise<Contact> {
    const q = db ?? this.db;
    const holder = () => this.platformHolder(accountId, kind, value, q);
    const known = await holder();
    const found = known && (await this.find(accountId, known, q));
    if (found) {
      if (!(name && !found.name) && seenLately(Date.parse(found.lastSeenAt), now)) return found;
      const patch = { last_seen_at: now, ...(name && !found.name ? { name, updated_at: now } : {}) };
      await q.updateTable('contacts').set(patch).where('id', '=', found.id).execute();
      return { ...found, ...(patch.name ? { name } : {}) };
    }
    const created: Selectable<ContactsTable> = {
      id: newId('contact'),
      account_id: accountId,
      name,
      email: null,
      phone: null,
      external_id: null,
      verified: 0,
      attributes: '{}',
      email_opt_out: 0,
      sms_opt_out: 0,
      whatsapp_opt_out: 0,
      merged_into: null,
      created_at: now,
      updated_at: now,
      last_seen_at: now,
    };
    let queued = 0;
    const insert = async (trx: Kysely<Database>) => {
      await trx.insertInto('contacts').values(created).execute();
      queued = await this.hook(trx, accountId, 'contact.created', toContact(created), now);
      // A contact merged away or deleted leaves its identity behind: the id now names the new one.
      if (known) {
        await trx
          .updateTable('contact_identities')
          .set({ contact_id: created.id })
          .where('account_id', '=', accountId)
          .where('kind', '=', kind)
          .where('value', '=', value)
          .where('contact_id', '=', known)
          .execute();
      } else {
        await trx
          .insertInto('contact_identities')
          .values({ account_id: accountId, kind, value, contact_id: created.id, created_at: now })
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
    };
    await (db ? insert(db) : this.db.transaction().execute(insert));
    this.webhooks.committed(queued);
    const winner = await holder();
    if (winner && winner !== created.id) {
      await q.deleteFrom('contacts').where('id', '=', created.id).execute();
      const kept = await this.find(accountId, winner, q);
      if (!kept) throw notFound('contact');
      return kept;
    }
    return toContact(created);
  }

  /** Contacts whose name, e-mail or phone contains `q` (latest seen first); every contact when `q` is empty. */
  async search(
    accountId: string,
    q: string,
    limit = 50,
    after?: { lastSeenAt: number; id: string },
  ): Promise<Contact[]> {
    let query = this.db
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('merged_into', 'is', null);
    const text = q.trim();
    if (text) {
      const pattern = likePattern(text);
      // Digits match phones only when the text looks like a phone number: the digits of an
      // address or a name ("ann2024@…") would otherwise find whoever's phone holds them.
      const digits = /^[\d\s()+./-]+$/.test(text) ? text.replace(/[^\d]/g, '') : '';
      query = query.where((eb) =>
        eb.or([
          sql<boolean>`lower(coalesce(name, '')) like ${pattern} escape '\\'`,
          sql<boolean>`coalesce(email, '') like ${pattern} escape '\\'`,
          ...(digits.length >= 3
            ? [sql<boolean>`coalesce(phone, '') like ${likePattern(digits)} escape '\\'`]
            : []),
        ]),
      );
    }
    if (after) {
      query = query.where((eb) =>
        eb.or([
          eb('last_seen_at', '<', after.lastSeenAt),
          eb.and([eb('last_seen_at', '=', after.lastSeenAt), eb('id', '>', after.id)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('last_seen_at', 'desc')
      .orderBy('id')
      .limit(Math.min(Math.max(limit, 1), 500))
      .execute();
    return rows.map(toContact);
  }

  /** Records that a tag visitor of a site is this contact (a later identify of the visitor moves it). */
  async linkVisitor(
    accountId: string,
    siteId: string,
    visitorId: string,
    contactId: string,
    now = Date.now(),
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('contact_visitors')
        .select('contact_id')
        .where('site_id', '=', siteId)
        .where('visitor_id', '=', visitorId)
        .executeTakeFirst();
      if (before?.contact_id === contactId) return;
      await trx
        .insertInto('contact_visitors')
        .values({
          site_id: siteId,
          visitor_id: visitorId,
          account_id: accountId,
          contact_id: contactId,
          created_at: now,
        })
        .onConflict((oc) => oc.columns(['site_id', 'visitor_id']).doUpdateSet({ contact_id: contactId }))
        .execute();
      // The visitor's history (bought, scored, located before the identify) is the contact's now.
      await refreshContactFacts(trx, accountId, before ? [before.contact_id, contactId] : [contactId]);
    });
  }

  /** The contact a tag visitor is known as, if any. */
  async ofVisitor(accountId: string, siteId: string, visitorId: string): Promise<Contact | undefined> {
    const link = await this.db
      .selectFrom('contact_visitors')
      .select('contact_id')
      .where('account_id', '=', accountId)
      .where('site_id', '=', siteId)
      .where('visitor_id', '=', visitorId)
      .executeTakeFirst();
    return link ? this.find(accountId, link.contact_id) : undefined;
  }

  /** The channels each contact wrote on (contacts without conversations are absent). */
  async channelsOf(accountId: string, contactIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (contactIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('conversations')
      .select(['contact_id', 'channel'])
      .distinct()
      .where('account_id', '=', accountId)
      .where('contact_id', 'in', contactIds)
      .execute();
    for (const r of rows) out.set(r.contact_id!, [...(out.get(r.contact_id!) ?? []), r.channel].sort());
    return out;
  }

  /** Live contacts by id (a merged-away id is not followed: lists hold current ids). */
  async byIds(accountId: string, ids: readonly string[]): Promise<Contact[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', 'in', ids)
      .execute();
    return rows.map(toContact);
  }

  /** The contacts of tag visitors (any site of the account), by visitor id. */
  async ofVisitors(accountId: string, visitorIds: readonly string[]): Promise<Map<string, Contact>> {
    const out = new Map<string, Contact>();
    if (visitorIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('contact_visitors')
      .innerJoin('contacts', 'contacts.id', 'contact_visitors.contact_id')
      .selectAll('contacts')
      .select('contact_visitors.visitor_id as linked_visitor')
      .where('contact_visitors.account_id', '=', accountId)
      .where('contact_visitors.visitor_id', 'in', visitorIds)
      .execute();
    for (const { linked_visitor, ...r } of rows) out.set(linked_visitor, toContact(r));
    return out;
  }

  /** The tag visitors known to be this contact (newest link first). */
  async visitorsOf(
    accountId: string,
    contactId: string,
  ): Promise<Array<{ siteId: string; visitorId: string }>> {
    const rows = await this.db
      .selectFrom('contact_visitors')
      .select(['site_id', 'visitor_id'])
      .where('account_id', '=', accountId)
      .where('contact_id', '=', contactId)
      .orderBy('created_at', 'desc')
      .limit(50)
      .execute();
    return rows.map((r) => ({ siteId: r.site_id, visitorId: r.visitor_id }));
  }

  /** An agent's changes to a contact. The e-mail and the user id stay as the customer gave them. */
  async update(
    accountId: string,
    id: string,
    patch: {
      name?: string | null;
      phone?: string | null;
      attributes?: Record<string, unknown>;
      emailOptOut?: boolean;
    },
    now = Date.now(),
  ): Promise<Contact> {
    const c = await this.get(accountId, id);
    const set: Partial<Selectable<ContactsTable>> = { updated_at: now };
    if (patch.name !== undefined) set.name = cleanName(patch.name);
    if (patch.phone !== undefined) {
      const phone = patch.phone === null || patch.phone.trim() === '' ? null : normalisePhone(patch.phone);
      if (patch.phone !== null && patch.phone.trim() !== '' && !phone)
        throw badRequest('/phone: not a phone number', 'invalid_phone');
      set.phone = phone;
    }
    if (patch.attributes !== undefined) set.attributes = JSON.stringify(patch.attributes);
    if (patch.emailOptOut !== undefined) set.email_opt_out = patch.emailOptOut ? 1 : 0;
    const { contact, queued } = await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('contacts')
        .set(set)
        .where('account_id', '=', accountId)
        .where('id', '=', c.id)
        .execute();
      const contact = (await this.find(accountId, c.id, trx))!;
      return { contact, queued: await this.hook(trx, accountId, 'contact.updated', contact, now) };
    });
    this.webhooks.committed(queued);
    return contact;
  }

  /** Records a STOP (true) or START (false) texted by the contact. */
  async setSmsOptOut(accountId: string, id: string, optedOut: boolean, now = Date.now()): Promise<void> {
    await this.db
      .updateTable('contacts')
      .set({ sms_opt_out: optedOut ? 1 : 0, updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
  }

  /** Whether the contact texted STOP and not START since: no SMS may go to them. */
  async smsOptedOut(accountId: string, id: string): Promise<boolean> {
    return this.optedOut(accountId, id, 'sms_opt_out');
  }

  /** Records a STOP (true) or START (false) the contact wrote on WhatsApp. */
  async setWhatsAppOptOut(accountId: string, id: string, optedOut: boolean, now = Date.now()): Promise<void> {
    await this.db
      .updateTable('contacts')
      .set({ whatsapp_opt_out: optedOut ? 1 : 0, updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
  }

  /** Whether the contact wrote STOP on WhatsApp and not START since: no broadcast goes to them there. */
  async whatsAppOptedOut(accountId: string, id: string): Promise<boolean> {
    return this.optedOut(accountId, id, 'whatsapp_opt_out');
  }

  private async optedOut(accountId: string, id: string, column: 'sms_opt_out' | 'whatsapp_opt_out') {
    const row = await this.db
      .selectFrom('contacts')
      .select(column)
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number((row as Record<string, unknown> | undefined)?.[column] ?? 0) === 1;
  }

  /** Adds attributes the site reported (the tag's `customer` attribute) without touching the others. */
  async addAttributes(accountId: string, id: string, values: Record<string, unknown>, now = Date.now()) {
    let queued = 0;
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('contacts')
        .select('attributes')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return;
      const attributes = { ...jsonObject(row.attributes), ...values };
      await trx
        .updateTable('contacts')
        .set({ attributes: JSON.stringify(attributes), updated_at: now })
        .where('id', '=', id)
        .execute();
      const contact = await this.find(accountId, id, trx);
      if (contact) queued = await this.hook(trx, accountId, 'contact.updated', contact, now);
    });
    this.webhooks.committed(queued);
  }

  /** Notes agents wrote about a contact, newest first. */
  async notes(accountId: string, contactId: string): Promise<ContactNote[]> {
    const rows = await this.db
      .selectFrom('contact_notes')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('contact_id', '=', contactId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(200)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      authorId: r.author_id,
      body: r.body,
      createdAt: iso(r.created_at)!,
    }));
  }

  async addNote(
    accountId: string,
    contactId: string,
    authorId: string | null,
    body: string,
    now = Date.now(),
  ): Promise<ContactNote> {
    const c = await this.get(accountId, contactId);
    const text = body.trim();
    if (!text) throw badRequest('/body: a note needs some text', 'empty_note');
    const id = newId('note');
    await this.db
      .insertInto('contact_notes')
      .values({
        id,
        account_id: accountId,
        contact_id: c.id,
        author_id: authorId,
        body: text,
        created_at: now,
      })
      .execute();
    return { id, authorId, body: text, createdAt: iso(now)! };
  }

  /** Merges one contact into another by hand (see `mergeContacts`). */
  merge(
    accountId: string,
    keptId: string,
    mergedId: string,
    byUserId: string | null,
    now = Date.now(),
  ): Promise<ContactMerge> {
    return mergeContacts(this.db, accountId, keptId, mergedId, byUserId, now);
  }

  /** Undoes a merge (see `unmergeContacts`). */
  unmerge(accountId: string, mergeId: string, now = Date.now()): Promise<ContactMerge> {
    return unmergeContacts(this.db, accountId, mergeId, now);
  }

  /** Merges into this contact that can still be undone. */
  merges(accountId: string, contactId: string): Promise<ContactMerge[]> {
    return undoableMerges(this.db, accountId, contactId);
  }
}

/** A note an agent wrote about a contact. */
export interface ContactNote {
  id: string;
  authorId: string | null;
  body: string;
  createdAt: string;
}
