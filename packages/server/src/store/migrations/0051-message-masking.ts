import type { Kysely } from 'kysely';

/**
 * What an account masks in messages before they are stored.
 * - `masking_settings`: one row per account that changed the default (cards and IBANs masked, no
 *   patterns of its own): the two switches and the account's patterns as a JSON array.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('masking_settings')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('cards', 'integer', (c) => c.notNull())
    .addColumn('ibans', 'integer', (c) => c.notNull())
    .addColumn('patterns', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('masking_settings').execute();
}
