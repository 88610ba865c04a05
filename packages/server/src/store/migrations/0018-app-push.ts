import type { Kysely } from 'kysely';

/**
 * In-app messaging: the app tokens of identified users (only their hashes), the devices their
 * replies are pushed to, and each site's push credentials with the last delivery error.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('app_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('app_tokens_contact_idx')
    .on('app_tokens')
    .columns(['account_id', 'contact_id'])
    .execute();

  await db.schema
    .createTable('push_devices')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('push_devices_pk', ['site_id', 'platform', 'token'])
    .execute();
  await db.schema
    .createIndex('push_devices_contact_idx')
    .on('push_devices')
    .columns(['account_id', 'contact_id'])
    .execute();

  await db.schema
    .createTable('site_push_settings')
    .addColumn('site_id', 'text', (c) => c.primaryKey().references('sites.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('fcm_service_account', 'text')
    .addColumn('apns', 'text')
    .addColumn('webhook_url', 'text')
    .addColumn('webhook_secret', 'text')
    .addColumn('last_error_code', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_error_provider', 'text')
    .addColumn('last_error_at', 'bigint')
    .addColumn('last_success_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('site_push_settings').execute();
  await db.schema.dropTable('push_devices').execute();
  await db.schema.dropTable('app_tokens').execute();
}
