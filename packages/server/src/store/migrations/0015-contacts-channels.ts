import type { Kysely } from 'kysely';

/**
 * Contacts (a person known across visits, devices and channels) and the channel seam's store:
 * which contact a conversation and a tag visitor belong to, each site's identity secret, and the
 * provider message ids of channel traffic (inbound idempotency and threading).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('external_id', 'text')
    .addColumn('verified', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('email_opt_out', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('merged_into', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contacts_email_idx').on('contacts').columns(['account_id', 'email']).execute();
  await db.schema.createIndex('contacts_phone_idx').on('contacts').columns(['account_id', 'phone']).execute();
  await db.schema
    .createIndex('contacts_external_idx')
    .on('contacts')
    .columns(['account_id', 'external_id'])
    .execute();
  await db.schema
    .createIndex('contacts_recent_idx')
    .on('contacts')
    .columns(['account_id', 'last_seen_at'])
    .execute();

  await db.schema
    .createTable('contact_visitors')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('visitor_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_visitors_pk', ['site_id', 'visitor_id'])
    .execute();
  await db.schema
    .createIndex('contact_visitors_contact_idx')
    .on('contact_visitors')
    .column('contact_id')
    .execute();

  await db.schema
    .createTable('contact_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('author_id', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contact_notes_contact_idx').on('contact_notes').column('contact_id').execute();

  await db.schema
    .createTable('contact_merges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('kept_id', 'text', (c) => c.notNull())
    .addColumn('merged_id', 'text', (c) => c.notNull())
    .addColumn('undo', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('undone_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('contact_merges_account_idx')
    .on('contact_merges')
    .columns(['account_id', 'kept_id'])
    .execute();

  await db.schema.alterTable('conversations').addColumn('contact_id', 'text').execute();
  await db.schema
    .createIndex('conversations_contact_idx')
    .on('conversations')
    .columns(['account_id', 'contact_id'])
    .execute();
  await db.schema.alterTable('sites').addColumn('identity_secret', 'text').execute();

  await db.schema
    .createTable('channel_messages')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer')
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_messages_pk', ['account_id', 'channel', 'external_id'])
    .execute();
  await db.schema
    .createIndex('channel_messages_conversation_idx')
    .on('channel_messages')
    .column('conversation_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('channel_messages').ifExists().execute();
  await db.schema.alterTable('sites').dropColumn('identity_secret').execute();
  await db.schema.dropIndex('conversations_contact_idx').ifExists().execute();
  await db.schema.alterTable('conversations').dropColumn('contact_id').execute();
  for (const t of ['contact_merges', 'contact_notes', 'contact_visitors', 'contacts']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
