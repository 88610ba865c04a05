import { type Kysely, sql } from 'kysely';

/**
 * A conversation's campaign lines (`invitation`), by sequence number, in both message tables.
 * - An app user's answer looks up the last campaign line of the conversation (`acceptMessage`).
 *   Without this index that read every line of the conversation, on every answer: at 2,000 lines
 *   0.44 ms a line, the largest cost of W8 at half load (bench/notes.md).
 * - Partial: only campaign lines enter it, so storing any other line costs no index write.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['messages_stored', 'messages_recent'])
    await db.schema
      .createIndex(`${table}_campaign_idx`)
      .on(table)
      .columns(['conversation_id', 'seq'])
      .where(sql.ref('sender_kind'), '=', 'invitation')
      .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['messages_stored', 'messages_recent'])
    await db.schema.dropIndex(`${table}_campaign_idx`).execute();
}
