import type { Kysely } from 'kysely';

/**
 * Phone numbers that record their calls, speak a language, and voicemails in the calls report.
 * - `phone_numbers.record_calls`: 1 when the number's calls are recorded; the caller hears so first.
 * - `phone_numbers.language`: the language of the number's prompts (`en`, `de`, `es`).
 * - `phone_voicemails`: one row per message a caller left, with the number and skill it came
 *   through, so the calls report counts voicemails per day, skill and number.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('phone_numbers')
    .addColumn('record_calls', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('phone_numbers')
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('en'))
    .execute();
  await db.schema
    .createTable('phone_voicemails')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    // No reference: a voicemail stays counted after its number is deleted.
    .addColumn('number_id', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('skill_id', 'text')
    .addColumn('ms', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('phone_voicemails_account_idx')
    .on('phone_voicemails')
    .columns(['account_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('phone_voicemails').ifExists().execute();
  await db.schema.alterTable('phone_numbers').dropColumn('language').execute();
  await db.schema.alterTable('phone_numbers').dropColumn('record_calls').execute();
}
