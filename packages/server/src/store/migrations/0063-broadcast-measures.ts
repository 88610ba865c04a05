import type { Kysely } from 'kysely';

/**
 * Broadcasts measured (issue 47): each recipient's first click on a tracked link
 * (`broadcast_recipients.clicked_at`), the tracked links themselves (`broadcast_links`, keyed by
 * the hash of their token), the broadcast's attribution window, a WhatsApp STOP on the contact,
 * and the contact a server-reported order was matched to (`conversions.contact_id`), so an order
 * of a contact who never visited the site still counts for the broadcasts they got.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('broadcast_recipients').addColumn('clicked_at', 'bigint').execute();
  await db.schema
    .alterTable('broadcasts')
    .addColumn('attribution_window_days', 'integer', (c) => c.notNull().defaultTo(7))
    .execute();
  await db.schema
    .createTable('broadcast_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('broadcast_id', 'text', (c) => c.notNull().references('broadcasts.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('clicked_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('broadcast_links_recipient_idx')
    .on('broadcast_links')
    .columns(['broadcast_id', 'contact_id'])
    .execute();
  await db.schema
    .alterTable('contacts')
    .addColumn('whatsapp_opt_out', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('conversions').addColumn('contact_id', 'text').execute();
  await db.schema
    .createIndex('conversions_contact_idx')
    .on('conversions')
    .columns(['contact_id', 'ts'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('conversions_contact_idx').execute();
  await db.schema.alterTable('conversions').dropColumn('contact_id').execute();
  await db.schema.alterTable('contacts').dropColumn('whatsapp_opt_out').execute();
  await db.schema.dropTable('broadcast_links').execute();
  await db.schema.alterTable('broadcasts').dropColumn('attribution_window_days').execute();
  await db.schema.alterTable('broadcast_recipients').dropColumn('clicked_at').execute();
}
