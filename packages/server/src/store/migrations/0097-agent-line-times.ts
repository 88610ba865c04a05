import { type Kysely, sql } from 'kysely';

/**
 * Agents' lines by time, in both message tables: the unseen-reply mailer reads the lines that fell
 * due since its last sweep from here (unseen-replies.ts), instead of every web conversation and its
 * last sequence number on each sweep. Partial: only agents' lines enter it, so storing any other
 * line costs no index write.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['messages_stored', 'messages_recent'])
    await db.schema
      .createIndex(`${table}_agent_time_idx`)
      .on(table)
      .columns(['created_at', 'conversation_id', 'seq'])
      .where(sql.ref('sender_kind'), '=', 'agent')
      .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['messages_stored', 'messages_recent'])
    await db.schema.dropIndex(`${table}_agent_time_idx`).execute();
}
