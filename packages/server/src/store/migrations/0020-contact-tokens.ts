import type { Kysely } from 'kysely';

/**
 * Second tokens of a conversation (a verified user reopening it on another device) and who merged
 * two contacts by hand.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('conversation_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('conversation_tokens_conversation_idx')
    .on('conversation_tokens')
    .column('conversation_id')
    .execute();
  await db.schema.alterTable('contact_merges').addColumn('merged_by', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('contact_merges').dropColumn('merged_by').execute();
  await db.schema.dropTable('conversation_tokens').ifExists().execute();
}
