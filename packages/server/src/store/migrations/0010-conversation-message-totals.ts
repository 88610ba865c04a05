import { type Kysely, sql } from 'kysely';

/**
 * A conversation's last sequence number and last message time are read from its messages (the
 * (conversation_id, seq) key gives both in one index seek), no longer kept in its row: rewriting
 * the row with every message commit dirtied a page of the conversations table per conversation
 * in the batch, besides the page of the key the message goes into anyway.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').dropColumn('last_seq').execute();
  await db.schema.alterTable('conversations').dropColumn('last_message_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('conversations')
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('conversations').addColumn('last_message_at', 'bigint').execute();
  await sql`UPDATE conversations SET
    last_seq = COALESCE((SELECT MAX(m.seq) FROM messages m WHERE m.conversation_id = conversations.id), 0),
    last_message_at = (SELECT m.created_at FROM messages m WHERE m.conversation_id = conversations.id
      ORDER BY m.seq DESC LIMIT 1)`.execute(db);
}
