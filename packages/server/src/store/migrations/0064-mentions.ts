import type { Kysely } from 'kysely';

/**
 * Mentions (issue 50): one row per colleague an internal note names, written in the note's own
 * transaction. `read_at` is set when they mark it read; `emailed_at` when they were away and got
 * it by e-mail.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mentions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('read_at', 'bigint')
    .addColumn('emailed_at', 'bigint')
    .addUniqueConstraint('mentions_line_user_key', ['conversation_id', 'seq', 'user_id'])
    .execute();
  await db.schema
    .createIndex('mentions_user_idx')
    .on('mentions')
    .columns(['account_id', 'user_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mentions').execute();
}
