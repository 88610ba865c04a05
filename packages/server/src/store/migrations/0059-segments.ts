import type { Kysely } from 'kysely';

/**
 * Segments (issue 47): saved filters over an account's contacts. The indexes serve the filters'
 * SQL: contacts in id order within an account (counts and pages of members), purchases by visitor,
 * visitors by contact, and opt-ins by channel within an account (who can be reached on WhatsApp or SMS).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('segments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('filter', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('segments_account_idx')
    .on('segments')
    .columns(['account_id', 'name'])
    .execute();
  // Pages of members walk this index in id order.
  await db.schema
    .createIndex('contacts_segment_idx')
    .on('contacts')
    .columns(['account_id', 'merged_into', 'id'])
    .execute();
  // Purchases by visitor, and visitors' contacts, without a visit to either table.
  await db.schema
    .createIndex('conversions_segment_idx')
    .on('conversions')
    .columns(['account_id', 'kind', 'site_id', 'visitor_id', 'ts', 'revenue'])
    .execute();
  await db.schema
    .createIndex('contact_visitors_visitor_contact_idx')
    .on('contact_visitors')
    .columns(['site_id', 'visitor_id', 'contact_id'])
    .execute();
  await db.schema
    .createIndex('contact_consents_account_idx')
    .on('contact_consents')
    .columns(['account_id', 'channel'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('contact_consents_account_idx').execute();
  await db.schema.dropIndex('contact_visitors_visitor_contact_idx').execute();
  await db.schema.dropIndex('conversions_segment_idx').execute();
  await db.schema.dropIndex('contacts_segment_idx').execute();
  await db.schema.dropTable('segments').execute();
}
