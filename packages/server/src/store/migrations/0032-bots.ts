import type { Kysely } from 'kysely';

/**
 * Agent bots and the answer bot's knowledge base. A bot is a member of an account of its own kind
 * (a webhook, a socket, or the built-in answer bot); a skill may offer its new conversations to
 * one bot first; a conversation records which bot holds it, which bot took part, and when it was
 * handed over to people.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('bots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_prefix', 'text', (c) => c.notNull())
    .addColumn('timeout_seconds', 'integer', (c) => c.notNull())
    .addColumn('threshold', 'real', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('bots_account_idx').on('bots').columns(['account_id']).execute();

  await db.schema
    .createTable('knowledge_articles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('knowledge_articles_account_idx')
    .on('knowledge_articles')
    .columns(['account_id', 'updated_at'])
    .execute();

  await db.schema.alterTable('skills').addColumn('bot_id', 'text').execute();
  await db.schema.alterTable('conversations').addColumn('bot_id', 'text').execute();
  await db.schema.alterTable('conversations').addColumn('first_bot_id', 'text').execute();
  await db.schema.alterTable('conversations').addColumn('handoff_at', 'bigint').execute();
  await db.schema.alterTable('conversations').addColumn('bot_wait_until', 'bigint').execute();
  // The timeout sweep: conversations a bot owes an answer, soonest first.
  await db.schema
    .createIndex('conversations_bot_wait_idx')
    .on('conversations')
    .columns(['bot_wait_until'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('conversations_bot_wait_idx').execute();
  for (const c of ['bot_wait_until', 'handoff_at', 'first_bot_id', 'bot_id']) {
    await db.schema.alterTable('conversations').dropColumn(c).execute();
  }
  await db.schema.alterTable('skills').dropColumn('bot_id').execute();
  await db.schema.dropTable('knowledge_articles').execute();
  await db.schema.dropTable('bots').execute();
}
