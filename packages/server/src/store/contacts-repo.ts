import type { Contact, ContactKeys } from '@beckon/protocol/contacts-api';
import { type Kysely, type Selectable, sql } from 'kysely';
import { AppError, badRequest, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import type { ContactsTable } from './contact-schema.ts';
import { iso, likePattern } from './rows.ts';
import type { Database } from './schema.ts';

export type { Contact, ContactKeys };

export const toContact = (r: Selectable<ContactsTable>): Contact => ({
  id: r.id,
  name: r.name,
  email: r.email,
  phone: r.phone,
  externalId: r.external_id,
  verified: Number(r.verified) === 1,
  attributes: parseAttributes(r.attributes),
  emailOptOut: Number(r.email_opt_out) === 1,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
  lastSeenAt: iso(r.last_seen_at)!,
});

function parseAttributes(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

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

/**
 * Contacts of an account. A contact is matched by the keys a conversation or an identify brings:
 * the site's user id among verified contacts, then e-mail, then phone. An unverified identity
 * (a typed e-mail, a mail's sender) never matches a verified contact, so it can never see what a
 * signed-in user wrote; see docs/contacts.md.
 */
export class ContactsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** The contact with this id, or the one it was merged into; undefined when there is none. */
  async find(accountId: string, id: string): Promise<Contact | undefined> {
    let current = id;
    for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
      const row = await this.db
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

  async get(accountId: string, id: string): Promise<Contact> {
    const c = await this.find(accountId, id);
    if (!c) throw notFound('contact');
    return c;
  }

  /**
   * The contact these keys name, created when none matches; empty fields of a match are filled.
   * A verified identity (`keys.verified`) is matched by the site's user id only, and is refused
   * (409 `identity_conflict`) when it claims the e-mail of another verified contact.
   */
  async resolve(accountId: string, keys: ContactKeys, now = Date.now()): Promise<Contact> {
    const email = normaliseEmail(keys.email);
    const phone = normalisePhone(keys.phone);
    const name = cleanName(keys.name);
    const externalId = keys.externalId?.trim() || null;
    const verified = keys.verified === true;
    if (verified && !externalId) throw badRequest('a verified identity needs a user id');
    if (!verified && !email && !phone)
      throw badRequest('an e-mail or a phone number is needed to know a contact');
    return this.db.transaction().execute(async (trx) => {
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
          merged_into: null,
          created_at: now,
          updated_at: now,
          last_seen_at: now,
        };
        await trx.insertInto('contacts').values(created).execute();
        return toContact(created);
      }
      // A verified identity's keys are the site's word: they replace what it said before. Anything
      // else only fills what is empty.
      const patch: Partial<Selectable<ContactsTable>> = { last_seen_at: now };
      if (name && (verified || !row.name)) patch.name = name;
      if (email && (verified || !row.email)) patch.email = email;
      if (phone && (verified || !row.phone)) patch.phone = phone;
      if (patch.name !== undefined || patch.email !== undefined || patch.phone !== undefined)
        patch.updated_at = now;
      await trx.updateTable('contacts').set(patch).where('id', '=', row.id).execute();
      return toContact({ ...row, ...patch });
    });
  }

  /** Contacts whose name, e-mail or phone contains `q` (latest seen first); every contact when `q` is empty. */
  async search(accountId: string, q: string, limit = 50): Promise<Contact[]> {
    let query = this.db
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('merged_into', 'is', null);
    const text = q.trim();
    if (text) {
      const pattern = likePattern(text);
      const digits = text.replace(/[^\d]/g, '');
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
    await this.db
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
}
