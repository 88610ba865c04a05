import type { Kysely } from 'kysely';
import { AppError } from '../errors.ts';
import { recordOutgoing } from './channel-connections-repo.ts';
import { isUniqueViolation } from './connect.ts';
import type { Database } from './schema.ts';

/** An inbound address and the site it reaches. */
export interface EmailAddress {
  address: string;
  siteId: string;
  createdAt: number;
}

/** Where mail to an address goes. */
export interface AddressOwner {
  accountId: string;
  siteId: string;
}

/** How many Message-IDs a reply's References carries at most (the first and the latest ones). */
const MAX_REFERENCES = 20;

/**
 * The e-mail channel's store: each site's inbound addresses, the reply tokens of threads, and the
 * Message-IDs of a thread (kept in `channel_messages`) that replies refer to.
 */
export class EmailRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Gives a site an inbound address; 409 when another site has it. */
  async addAddress(
    accountId: string,
    siteId: string,
    address: string,
    now = Date.now(),
  ): Promise<EmailAddress> {
    try {
      await this.db
        .insertInto('email_addresses')
        .values({ address, account_id: accountId, site_id: siteId, created_at: now })
        .execute();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const owner = await this.ownerOf(address);
      if (owner?.accountId !== accountId || owner.siteId !== siteId)
        throw new AppError(409, 'address_taken', `${address} already reaches another site`);
    }
    return { address, siteId, createdAt: now };
  }

  async listAddresses(accountId: string): Promise<EmailAddress[]> {
    const rows = await this.db
      .selectFrom('email_addresses')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('address')
      .execute();
    return rows.map((r) => ({ address: r.address, siteId: r.site_id, createdAt: Number(r.created_at) }));
  }

  /** Removes an address of the account; false when it had none such. */
  async removeAddress(accountId: string, address: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('email_addresses')
      .where('account_id', '=', accountId)
      .where('address', '=', address)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /**
   * The site mail to `address` reaches: the address itself, else its domain's catch-all. The one
   * lookup without an account: the recipient is how mail finds its account.
   */
  async ownerOf(address: string): Promise<AddressOwner | undefined> {
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const rows = await this.db
      .selectFrom('email_addresses')
      .select(['address', 'account_id', 'site_id'])
      .where('address', 'in', [address, `*@${domain}`])
      .execute();
    const row = rows.find((r) => r.address === address) ?? rows[0];
    return row && { accountId: row.account_id, siteId: row.site_id };
  }

  /** The conversation a reply token leads to (the token is how a reply finds its account). */
  async byToken(token: string): Promise<{ accountId: string; conversationId: string } | undefined> {
    const row = await this.db
      .selectFrom('email_threads')
      .select(['account_id', 'conversation_id'])
      .where('token', '=', token)
      .executeTakeFirst();
    return row && { accountId: row.account_id, conversationId: row.conversation_id };
  }

  /** The conversation of the account one of these Message-IDs belongs to (latest named wins). */
  async threadOf(accountId: string, messageIds: readonly string[]): Promise<string | undefined> {
    if (messageIds.length === 0) return undefined;
    const rows = await this.db
      .selectFrom('channel_messages')
      .select(['external_id', 'conversation_id'])
      .where('account_id', '=', accountId)
      .where('channel', '=', 'email')
      .where('external_id', 'in', [...messageIds])
      .execute();
    const byId = new Map(rows.map((r) => [r.external_id, r.conversation_id]));
    for (const id of [...messageIds].reverse()) {
      const found = byId.get(id);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * What a mail in a thread answers and names, in one read: the latest message the customer sent
   * (its Message-ID, if it has one) and the thread's Message-IDs, oldest first (the first and the
   * latest few, for References).
   */
  async thread(
    accountId: string,
    conversationId: string,
  ): Promise<{ lastInbound: string | undefined; references: string[] }> {
    const rows = await this.db
      .selectFrom('channel_messages')
      .select(['external_id', 'direction', 'created_at'])
      .where('account_id', '=', accountId)
      .where('channel', '=', 'email')
      .where('conversation_id', '=', conversationId)
      .orderBy('created_at')
      .execute();
    const inbound = rows.findLast((r) => r.direction === 'in')?.external_id;
    const ids = rows.map((r) => r.external_id).filter((id) => id.startsWith('<'));
    return {
      lastInbound: inbound?.startsWith('<') ? inbound : undefined,
      references: ids.length <= MAX_REFERENCES ? ids : [ids[0]!, ...ids.slice(-(MAX_REFERENCES - 1))],
    };
  }

  /**
   * Records, in one commit, a thread's reply token (the same token twice is fine) and the
   * Message-ID of a mail about to leave in it, for the replies that will name them.
   */
  async recordSent(
    accountId: string,
    conversationId: string,
    token: string,
    messageId: string,
    seq: number | null,
    now = Date.now(),
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('email_threads')
        .values({ token, account_id: accountId, conversation_id: conversationId, created_at: now })
        .onConflict((oc) => oc.column('token').doNothing())
        .execute();
      await recordOutgoing(trx, accountId, 'email', conversationId, seq, messageId, now);
    });
  }

  /** The conversation a Message-ID we sent belongs to (a bounce names it). */
  async sentIn(accountId: string, messageId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('channel_messages')
      .select('conversation_id')
      .where('account_id', '=', accountId)
      .where('channel', '=', 'email')
      .where('external_id', '=', messageId)
      .where('direction', '=', 'out')
      .executeTakeFirst();
    return row?.conversation_id;
  }

  /** The Message-ID of the customer's mail that became line `seq` of a conversation. */
  async receivedAt(accountId: string, conversationId: string, seq: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('channel_messages')
      .select('external_id')
      .where('account_id', '=', accountId)
      .where('channel', '=', 'email')
      .where('conversation_id', '=', conversationId)
      .where('seq', '=', seq)
      .where('direction', '=', 'in')
      .executeTakeFirst();
    return row?.external_id;
  }
}
