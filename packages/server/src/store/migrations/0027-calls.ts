import type { Kysely } from 'kysely';

/**
 * Voice: calls between a visitor's browser and an agent's console, each in a conversation, with
 * the times and outcome the reports read; and each agent's voice settings (takes calls, chats
 * during calls).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('calls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('skill_id', 'text')
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('ringing_agent_id', 'text')
    .addColumn('ring_deadline', 'bigint')
    .addColumn('tried', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('leg', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('ringing_at', 'bigint')
    .addColumn('answered_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('ended_by', 'text')
    .addColumn('end_reason', 'text')
    .addColumn('talk_ms', 'bigint')
    .addColumn('wait_ms', 'bigint')
    .addColumn('held_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('held_since', 'bigint')
    .addColumn('transfers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('calls_conversation_idx')
    .on('calls')
    .columns(['account_id', 'conversation_id'])
    .execute();
  await db.schema.createIndex('calls_state_idx').on('calls').columns(['state', 'account_id']).execute();
  await db.schema
    .createTable('agent_voice_settings')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('takes_calls', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('chats_during_calls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_voice_settings_pk', ['account_id', 'user_id'])
    .execute();
  // A visitor's request to be called back on their phone: due at the start of their window, then a
  // conversation in the skill's queue (`task_conversation_id`), closed with the agent's outcome.
  await db.schema
    .createTable('callbacks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('skill_id', 'text')
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('topic', 'text')
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('window_end', 'bigint', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('task_conversation_id', 'text')
    .addColumn('outcome', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('callbacks_due_idx').on('callbacks').columns(['status', 'due_at']).execute();
  await db.schema
    .createIndex('callbacks_task_idx')
    .on('callbacks')
    .columns(['account_id', 'task_conversation_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('callbacks').execute();
  await db.schema.dropTable('agent_voice_settings').execute();
  await db.schema.dropTable('calls').execute();
}
