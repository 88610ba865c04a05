import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { StoreCapabilities } from './store-capabilities.ts';

const DAY_MS = 86_400_000;

/** One message to book: the contact and what sends it (a broadcast's id, a campaign exposure's). */
export interface MessageBooking {
  contactId: string;
  kind: 'broadcast' | 'campaign';
  ref: string;
}

/**
 * The messages broadcasts and campaigns sent to each contact, and the account's frequency cap
 * over them (docs/broadcasts.md). A booking is checked and written in one transaction that holds
 * the contacts: on PostgreSQL their rows are locked, in id order; SQLite has one writer. So two
 * senders booking the same contact at once see each other's message, and the cap holds.
 */
export class ContactMessagesRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly caps: StoreCapabilities,
  ) {}

  /**
   * Books what fits under the account's cap, in `trx`; returns the bookings admitted. A contact's
   * message from the same broadcast or exposure is not counted against itself.
   */
  async book(
    trx: Kysely<Database>,
    accountId: string,
    bookings: readonly MessageBooking[],
    now: number,
  ): Promise<Set<MessageBooking>> {
    const admitted = new Set<MessageBooking>();
    if (bookings.length === 0) return admitted;
    const ids = [...new Set(bookings.map((b) => b.contactId))].sort();
    if (this.caps.rowLocks)
      await trx
        .selectFrom('contacts')
        .select('id')
        .where('id', 'in', ids)
        .orderBy('id')
        .forUpdate()
        .execute();
    const cap = await trx
      .selectFrom('sending_settings')
      .select(['cap_messages', 'cap_days'])
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    const limit = cap?.cap_messages != null && cap.cap_days != null ? cap : null;
    const counts = new Map<string, { kind: string; ref: string }[]>();
    if (limit) {
      const rows = await trx
        .selectFrom('contact_messages')
        .select(['contact_id', 'kind', 'ref'])
        .where('contact_id', 'in', ids)
        .where('created_at', '>=', now - Number(limit.cap_days) * DAY_MS)
        .execute();
      for (const r of rows) counts.set(r.contact_id, [...(counts.get(r.contact_id) ?? []), r]);
    }
    const rows = [];
    for (const b of bookings) {
      const had = counts.get(b.contactId) ?? [];
      const own = had.some((r) => r.kind === b.kind && r.ref === b.ref);
      if (limit && !own && had.length >= Number(limit.cap_messages)) continue;
      admitted.add(b);
      if (!own) counts.set(b.contactId, [...had, { kind: b.kind, ref: b.ref }]);
      rows.push({
        contact_id: b.contactId,
        kind: b.kind,
        ref: b.ref,
        account_id: accountId,
        created_at: now,
      });
    }
    // A few multi-row writes for a broadcast's page, not one per contact.
    for (let i = 0; i < rows.length; i += 500)
      await trx
        .insertInto('contact_messages')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.columns(['contact_id', 'kind', 'ref']).doNothing())
        .execute();
    return admitted;
  }

  /** Books one message in a transaction of its own: false when the contact is at the cap. */
  async bookOne(accountId: string, booking: MessageBooking, now = Date.now()): Promise<boolean> {
    return this.db
      .transaction()
      .execute(async (trx) => (await this.book(trx, accountId, [booking], now)).size === 1);
  }

  /** Takes a booking back: the message it held was not sent after all. */
  async cancel(booking: MessageBooking): Promise<void> {
    await this.db
      .deleteFrom('contact_messages')
      .where('contact_id', '=', booking.contactId)
      .where('kind', '=', booking.kind)
      .where('ref', '=', booking.ref)
      .execute();
  }
}
