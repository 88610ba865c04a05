import type { ExpressionBuilder, Kysely } from 'kysely';
import { refreshOptInFacts } from './contact-facts.ts';
import type { Database } from './schema.ts';

/**
 * The contact and those merged into it: an opt-in given by either half stays with the merged
 * contact, and goes back with its half when the merge is undone.
 */
const ofContact =
  (accountId: string, contactId: string) => (eb: ExpressionBuilder<Database, 'contact_consents'>) =>
    eb.or([
      eb('contact_id', '=', contactId),
      eb(
        'contact_id',
        'in',
        eb
          .selectFrom('contacts')
          .select('id')
          .where('account_id', '=', accountId)
          .where('merged_into', '=', contactId),
      ),
    ]);

/** The channels a contact opts in to messages on. */
export type ConsentChannel = 'whatsapp' | 'sms';
/** How an opt-in was given: the customer wrote first, an admin recorded it, or a caller of the API did. */
export type ConsentSource = 'customer_message' | 'console' | 'api';

export interface Consent {
  channel: ConsentChannel;
  source: ConsentSource;
  detail: string | null;
  at: number;
}

/** Contacts' opt-ins to WhatsApp and SMS messages, with where each came from. */
export class ContactConsentsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Records an opt-in. `keep` leaves an earlier one as it was (a customer's message does not
   * overwrite what an admin recorded); otherwise the new source and time replace it.
   */
  async record(
    accountId: string,
    contactId: string,
    c: Omit<Consent, 'at'>,
    opts: { keep?: boolean; now?: number } = {},
  ): Promise<void> {
    // A customer's every message keeps their opt-in: a read, so only the first one costs a commit.
    if (opts.keep && (await this.has(accountId, contactId, c.channel))) return;
    const now = opts.now ?? Date.now();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('contact_consents')
        .values({
          account_id: accountId,
          contact_id: contactId,
          channel: c.channel,
          source: c.source,
          detail: c.detail,
          created_at: now,
        })
        .onConflict((oc) =>
          opts.keep
            ? oc.columns(['contact_id', 'channel']).doNothing()
            : oc
                .columns(['contact_id', 'channel'])
                .doUpdateSet({ source: c.source, detail: c.detail, created_at: now }),
        )
        .execute();
      // Segments read who opted in from the contact's facts.
      await refreshOptInFacts(trx, accountId, [contactId]);
    });
  }

  /** Withdraws an opt-in: no campaign message goes to the contact on that channel. */
  async withdraw(accountId: string, contactId: string, channel: ConsentChannel): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const mine = (eb: ExpressionBuilder<Database, 'contact_consents'>) =>
        eb.and([
          eb('account_id', '=', accountId),
          eb('channel', '=', channel),
          ofContact(accountId, contactId)(eb),
        ]);
      const gone = await trx.deleteFrom('contact_consents').where(mine).returning('contact_id').execute();
      // Segments read who opted in from the contacts' facts.
      await refreshOptInFacts(
        trx,
        accountId,
        gone.map((r) => r.contact_id),
      );
    });
  }

  async list(accountId: string, contactId: string): Promise<Consent[]> {
    const rows = await this.db
      .selectFrom('contact_consents')
      .selectAll()
      .where('account_id', '=', accountId)
      .where(ofContact(accountId, contactId))
      .orderBy('channel')
      .orderBy('created_at', 'desc')
      .execute();
    // One per channel: the latest, whichever half of a merge gave it.
    const first = rows.filter((r, i) => rows.findIndex((x) => x.channel === r.channel) === i);
    return first.map((r) => ({
      channel: r.channel as ConsentChannel,
      source: r.source as ConsentSource,
      detail: r.detail,
      at: Number(r.created_at),
    }));
  }

  async has(accountId: string, contactId: string, channel: ConsentChannel): Promise<boolean> {
    const row = await this.db
      .selectFrom('contact_consents')
      .select('channel')
      .where('account_id', '=', accountId)
      .where(ofContact(accountId, contactId))
      .where('channel', '=', channel)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The channels each of `contactIds` (or a contact merged into it) opted in to, in one read. */
  async channelsOf(accountId: string, contactIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    if (contactIds.length === 0) return out;
    const ids = [...contactIds];
    // The contacts' own by their key alone, the account checked on each row: with `account_id = ?`
    // beside them, SQLite may read every consent of the account (8 ms a page of a broadcast).
    const rows = await this.db
      .selectFrom('contact_consents')
      .select(['contact_id as owner', 'channel', 'account_id'])
      .where('contact_id', 'in', ids)
      .unionAll(
        this.db
          .selectFrom('contacts as c')
          .innerJoin('contact_consents as cc', 'cc.contact_id', 'c.id')
          .select(['c.merged_into as owner', 'cc.channel', 'c.account_id'])
          .where('c.account_id', '=', accountId)
          .where('c.merged_into', 'in', ids)
          .$narrowType<{ owner: string }>(),
      )
      .execute();
    for (const r of rows) {
      if (r.account_id !== accountId) continue;
      const set = out.get(r.owner) ?? new Set<string>();
      set.add(r.channel);
      out.set(r.owner, set);
    }
    return out;
  }
}
