import type { Kysely } from 'kysely';

/**
 * WhatsApp message templates as Meta last listed them for a connection; the template an outbox
 * line is sent as (its payload); and a contact's opt-in per messaging channel, with its source.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('whatsapp_templates')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text', (c) =>
      c.notNull().references('channel_connections.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('components', 'text', (c) => c.notNull())
    .addColumn('synced_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('whatsapp_templates_pk', ['connection_id', 'name', 'language'])
    .execute();
  await db.schema.alterTable('outbox').addColumn('payload', 'text').execute();
  await db.schema
    .createTable('contact_consents')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_consents_pk', ['contact_id', 'channel'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('contact_consents').ifExists().execute();
  await db.schema.alterTable('outbox').dropColumn('payload').execute();
  await db.schema.dropTable('whatsapp_templates').ifExists().execute();
}
