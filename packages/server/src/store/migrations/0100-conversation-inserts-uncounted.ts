import { type Kysely, SqliteAdapter, sql } from 'kysely';

/**
 * A SQLite store no longer counts new conversation rows in `conversation_changes` (0014): only
 * updates and deletes. The message writer keeps the states of conversations it found and trusts
 * them while the count stands; a new row has an id it never found, so it cannot make a kept state
 * stale. Counted, every conversation created (a chat started, each page of a broadcast) dropped
 * them all, and the writer's next batch read every one of its conversations again (bench/notes.md, W12).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return;
  await sql`DROP TRIGGER IF EXISTS conversations_counted_insert`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return;
  await sql`CREATE TRIGGER IF NOT EXISTS conversations_counted_insert AFTER INSERT ON conversations
    BEGIN UPDATE conversation_changes SET n = n + 1; END`.execute(db);
}
