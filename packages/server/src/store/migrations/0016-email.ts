import type { Kysely } from 'kysely';

/**
 * The e-mail channel: each site's inbound addresses (`*@domain` catches a whole domain), and the
 * reply tokens of e-mail threads (`reply+<token>@domain` leads a reply back to its conversation).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('email_addresses')
    .addColumn('address', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('email_addresses_site_idx')
    .on('email_addresses')
    .columns(['account_id', 'site_id'])
    .execute();

  await db.schema
    .createTable('email_threads')
    .addColumn('token', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('email_threads_conversation_idx')
    .on('email_threads')
    .column('conversation_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('email_threads').ifExists().execute();
  await db.schema.dropTable('email_addresses').ifExists().execute();
}
