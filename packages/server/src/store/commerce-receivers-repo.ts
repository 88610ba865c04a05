import type { CommercePlatform } from '@beckon/protocol/conversions-api';
import type { Kysely, Selectable } from 'kysely';
import { conflict, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { isUniqueViolation } from './connect.ts';
import type { CommerceReceiversTable, Database } from './schema.ts';
import type { SecretsRef } from './secret-box.ts';

export type StoredReceiver = Selectable<CommerceReceiversTable>;

/** Shops' order webhooks per site (one per platform and site), with the secret each signs with. */
export class CommerceReceiversRepo {
  constructor(
    private readonly db: Kysely<Database>,
    /** The shops' signing secrets are sealed at rest. */
    private readonly secrets: SecretsRef,
  ) {}

  private opened = (row: StoredReceiver): StoredReceiver => ({
    ...row,
    secret: this.secrets.box.open(row.secret),
  });

  async list(accountId: string): Promise<StoredReceiver[]> {
    const rows = await this.db
      .selectFrom('commerce_receivers')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(this.opened);
  }

  async get(accountId: string, id: string): Promise<StoredReceiver> {
    const row = await this.db
      .selectFrom('commerce_receivers')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('order receiver');
    return this.opened(row);
  }

  /** A receiver by the id in its URL, whatever the account (the shop proves itself with the signature). */
  async forHook(platform: CommercePlatform, id: string): Promise<StoredReceiver | undefined> {
    const row = await this.db
      .selectFrom('commerce_receivers')
      .selectAll()
      .where('id', '=', id)
      .where('platform', '=', platform)
      .executeTakeFirst();
    return row ? this.opened(row) : undefined;
  }

  async create(
    accountId: string,
    input: { siteId: string; platform: CommercePlatform; secret: string },
    now = Date.now(),
  ): Promise<StoredReceiver> {
    const id = newId('crx');
    try {
      await this.db
        .insertInto('commerce_receivers')
        .values({
          id,
          account_id: accountId,
          site_id: input.siteId,
          platform: input.platform,
          secret: this.secrets.box.seal(input.secret),
          last_order_at: null,
          created_at: now,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`this site already receives ${input.platform} orders`);
      throw err;
    }
    return this.get(accountId, id);
  }

  async setSecret(accountId: string, id: string, secret: string): Promise<StoredReceiver> {
    await this.get(accountId, id);
    await this.db
      .updateTable('commerce_receivers')
      .set({ secret: this.secrets.box.seal(secret) })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
    return this.get(accountId, id);
  }

  async delete(accountId: string, id: string): Promise<void> {
    const res = await this.db
      .deleteFrom('commerce_receivers')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw notFound('order receiver');
  }

  /** Counts an order received (the console shows that the shop is connected). */
  async noteOrder(id: string, now = Date.now()): Promise<void> {
    await this.db
      .updateTable('commerce_receivers')
      .set((eb) => ({ orders: eb('orders', '+', 1), last_order_at: now }))
      .where('id', '=', id)
      .execute();
  }
}
