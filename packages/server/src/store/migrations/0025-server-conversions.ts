import type { Kysely } from 'kysely';

/**
 * Server-side conversions (issue 33): which sources saw each order (the tag, the API, a shop's
 * webhook), whether it could be tied to a visitor, and the shops' order webhooks per site.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // A comma-separated set of sources: `tag`, `api`, `shopify`, `woocommerce`.
  await db.schema
    .alterTable('conversions')
    .addColumn('sources', 'text', (c) => c.notNull().defaultTo('tag'))
    .execute();
  // 1 when no visitor was known for the order: it counts as a conversion, never for a campaign.
  await db.schema
    .alterTable('conversions')
    .addColumn('unattributed', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Reports read attributions without joining back, so the sources are copied there too.
  await db.schema
    .alterTable('attributions')
    .addColumn('sources', 'text', (c) => c.notNull().defaultTo('tag'))
    .execute();
  // An order id is one order across the account's sites.
  await db.schema
    .createIndex('conversions_account_dedupe_idx')
    .on('conversions')
    .columns(['account_id', 'dedupe_key'])
    .execute();

  await db.schema
    .createTable('commerce_receivers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('orders', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_order_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('commerce_receivers_site_platform_uq', ['site_id', 'platform'])
    .execute();
  await db.schema
    .createIndex('commerce_receivers_account_idx')
    .on('commerce_receivers')
    .column('account_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('commerce_receivers').ifExists().execute();
  await db.schema.dropIndex('conversions_account_dedupe_idx').ifExists().execute();
  await db.schema.alterTable('attributions').dropColumn('sources').execute();
  await db.schema.alterTable('conversions').dropColumn('unattributed').execute();
  await db.schema.alterTable('conversions').dropColumn('sources').execute();
}
