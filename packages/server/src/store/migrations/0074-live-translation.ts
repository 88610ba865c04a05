import type { Kysely } from 'kysely';

/**
 * Assist's live translation.
 * - `conversations.customer_language`: the customer's language as last detected (ISO 639), or null.
 * - `message_translations`: a line in the agent's language beside the stored line: a customer's
 *   line translated (or why it was not), or the words of an agent's reply sent translated.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('customer_language', 'text').execute();
  await db.schema
    .createTable('message_translations')
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('language', 'text')
    .addColumn('agent_language', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_translations_pk', ['conversation_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('message_translations').execute();
  await db.schema.alterTable('conversations').dropColumn('customer_language').execute();
}
