import type { Kysely } from 'kysely';

/** Conversations, their messages, routing passes and per-agent routing state (issue 4). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('site_id', 'text', (c) => c.references('sites.id').onDelete('set null'))
    .addColumn('visitor_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo('web'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('origin_exposure_id', 'text')
    .addColumn('skill_id', 'text', (c) => c.references('skills.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assigned_agent_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('offered_to', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('offered_at', 'bigint')
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('value', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('score', 'double precision')
    .addColumn('visitor_name', 'text')
    .addColumn('visitor_email', 'text')
    .addColumn('topic', 'text')
    .addColumn('enqueued_at', 'bigint', (c) => c.notNull())
    .addColumn('skill_entered_at', 'bigint', (c) => c.notNull())
    .addColumn('overflow_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('assigned_at', 'bigint')
    .addColumn('first_response_at', 'bigint')
    .addColumn('closed_at', 'bigint')
    .addColumn('closed_by', 'text')
    .addColumn('disposition', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('csat_score', 'integer')
    .addColumn('csat_comment', 'text')
    .addColumn('visitor_token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_message_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('conversations_account_status_idx')
    .on('conversations')
    .columns(['account_id', 'status'])
    .execute();
  await db.schema
    .createIndex('conversations_account_created_idx')
    .on('conversations')
    .columns(['account_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('conversations_agent_status_idx')
    .on('conversations')
    .columns(['assigned_agent_id', 'status'])
    .execute();
  await db.schema.createIndex('conversations_offered_idx').on('conversations').column('offered_to').execute();
  await db.schema.createIndex('conversations_status_idx').on('conversations').column('status').execute();

  // Primary key (conversation_id, seq): one sequence per conversation, read back by range.
  await db.schema
    .createTable('messages')
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
    .addPrimaryKeyConstraint('messages_pk', ['conversation_id', 'seq'])
    .execute();
  // A retried send (same sender, same echo id) finds the original instead of storing a copy.
  await db.schema
    .createIndex('messages_echo_uq')
    .on('messages')
    .columns(['conversation_id', 'echo_id', 'sender_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('conversation_passes')
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('conversation_passes_pk', ['conversation_id', 'agent_id'])
    .execute();

  await db.schema
    .createTable('agent_states')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('missed_offers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_assigned_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['agent_states', 'conversation_passes', 'messages', 'conversations']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
