import { type Kysely, sql } from 'kysely';

/** The messages' columns, in the order both tables and the view list them. */
const MESSAGE_TABLE_COLUMNS = [
  'conversation_id',
  'seq',
  'account_id',
  'sender_kind',
  'sender_id',
  'sender_name',
  'echo_id',
  'body',
  'attachments',
  'created_at',
] as const;

const columnList = () => sql.join(MESSAGE_TABLE_COLUMNS.map((c) => sql.ref(c)));

/**
 * A SQLite store writes new chat messages into a small table, `messages_recent`, and its checkpointer
 * thread moves them into `messages_stored` in bulk, each conversation's lines together (see
 * sqlite-checkpointer.js). Written straight into one large table keyed (conversation_id, seq), each
 * line of a busy commit landed on its own conversation's page of the key: a commit of 130 lines
 * from 200 conversations wrote ~220 pages to the WAL. `messages` is now a view of both tables, so
 * every reader sees every message in one statement (one snapshot) whichever table it is in.
 *
 * PostgreSQL (and a SQLite store in memory, which has no checkpointer thread) write into
 * `messages_stored` directly; `messages_recent` stays empty there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').renameTo('messages_stored').execute();
  await db.schema
    .createTable('messages_recent')
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('sender_kind', 'text', (c) => c.notNull())
    .addColumn('sender_id', 'text', (c) => c.notNull())
    .addColumn('sender_name', 'text')
    .addColumn('echo_id', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('attachments', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('messages_recent_pk', ['conversation_id', 'seq'])
    .execute();
  const columns = columnList();
  await sql`CREATE VIEW messages AS SELECT ${columns} FROM messages_stored
    UNION ALL SELECT ${columns} FROM messages_recent`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropView('messages').execute();
  const columns = columnList();
  await sql`INSERT INTO messages_stored (${columns}) SELECT ${columns} FROM messages_recent`.execute(db);
  await db.schema.dropTable('messages_recent').execute();
  await db.schema.alterTable('messages_stored').renameTo('messages').execute();
}
