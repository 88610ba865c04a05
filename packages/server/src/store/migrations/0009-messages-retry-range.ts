import type { Kysely } from 'kysely';

/**
 * Retried sends are found through the messages' own (conversation_id, seq) key — a send carries
 * the sequence number its client had seen, and the original can only come after it — so the
 * unique index of echo ids goes. It cost every stored message a second random index page: about
 * half of the pages a message commit writes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_echo_uq').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('messages_echo_uq')
    .on('messages')
    .columns(['conversation_id', 'echo_id', 'sender_id'])
    .unique()
    .execute();
}
