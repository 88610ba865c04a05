import { type Kysely, SqliteAdapter, sql } from 'kysely';

/**
 * A SQLite store counts every change to a conversation row, whichever connection makes it, in
 * `conversation_changes` (one row). The message writer keeps the state of the conversations it
 * writes to between its commits (status, assignee, last sequence number) and trusts it while the
 * count has not moved, instead of reading every conversation of every commit again: on W3 that
 * read was a sixth of the socket thread's instructions (see ConversationStates).
 *
 * PostgreSQL locks the rows it writes to, so it reads them anyway: the table stays empty there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('conversation_changes')
    .addColumn('n', 'bigint', (c) => c.notNull())
    .execute();
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return;
  await sql`INSERT INTO conversation_changes (n) VALUES (0)`.execute(db);
  for (const on of ['INSERT', 'UPDATE', 'DELETE'])
    await sql
      .raw(
        `CREATE TRIGGER conversations_counted_${on.toLowerCase()} AFTER ${on} ON conversations
         BEGIN UPDATE conversation_changes SET n = n + 1; END`,
      )
      .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter)
    for (const on of ['insert', 'update', 'delete'])
      await sql.raw(`DROP TRIGGER IF EXISTS conversations_counted_${on}`).execute(db);
  await db.schema.dropTable('conversation_changes').execute();
}
