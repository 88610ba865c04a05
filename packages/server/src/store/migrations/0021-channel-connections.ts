import type { Kysely } from 'kysely';

/**
 * Channel connections (a WhatsApp number, a Telegram bot…) with their credentials, the connection
 * a conversation came in on (its replies leave by the same one), and the platform ids that name
 * a contact on channels without a phone or an address (a Telegram user id).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('channel_connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('api_base_url', 'text')
    .addColumn('default_skill_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('channel_connections_account_idx')
    .on('channel_connections')
    .columns(['account_id', 'type'])
    .execute();
  await db.schema.alterTable('conversations').addColumn('connection_id', 'text').execute();
  await db.schema
    .createIndex('conversations_connection_contact_idx')
    .on('conversations')
    .columns(['account_id', 'connection_id', 'contact_id'])
    .execute();

  await db.schema
    .createTable('contact_identities')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_identities_pk', ['account_id', 'kind', 'value'])
    .execute();
  await db.schema
    .createIndex('contact_identities_contact_idx')
    .on('contact_identities')
    .column('contact_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('contact_identities').ifExists().execute();
  await db.schema.dropIndex('conversations_connection_contact_idx').ifExists().execute();
  await db.schema.alterTable('conversations').dropColumn('connection_id').execute();
  await db.schema.dropTable('channel_connections').ifExists().execute();
}
