import type { Kysely } from 'kysely';

/**
 * Phone calls through SIP trunks (docs/phone.md).
 * - `phone_trunks`: an account's carrier registrar and credentials; the password is sealed.
 * - `phone_numbers`: a number reached through a trunk, to a skill or a menu, with its hours.
 * - `calls.phone_number`, `calls.direction`: a call on the telephone network, the caller's or
 *   the dialled number, and whether it came in or went out; null for a call between browsers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('phone_trunks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('port', 'integer', (c) => c.notNull())
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('password', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('phone_trunks_account_idx').on('phone_trunks').column('account_id').execute();
  await db.schema
    .createTable('phone_numbers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('trunk_id', 'text', (c) => c.notNull().references('phone_trunks.id').onDelete('cascade'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('skill_id', 'text')
    .addColumn('menu', 'text')
    .addColumn('hours', 'text')
    .addColumn('after_hours', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // A number rings one account: an INVITE for it finds one row.
  await db.schema
    .createIndex('phone_numbers_number_idx')
    .on('phone_numbers')
    .columns(['trunk_id', 'number'])
    .unique()
    .execute();
  await db.schema
    .createIndex('phone_numbers_account_idx')
    .on('phone_numbers')
    .columns(['account_id', 'number'])
    .unique()
    .execute();
  await db.schema.alterTable('calls').addColumn('phone_number', 'text').execute();
  await db.schema.alterTable('calls').addColumn('direction', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('calls').dropColumn('direction').execute();
  await db.schema.alterTable('calls').dropColumn('phone_number').execute();
  await db.schema.dropTable('phone_numbers').ifExists().execute();
  await db.schema.dropTable('phone_trunks').ifExists().execute();
}
