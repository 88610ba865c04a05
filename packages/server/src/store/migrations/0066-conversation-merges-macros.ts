import type { Kysely } from 'kysely';

/**
 * Merge and macros (issue 50). `conversation_merges` records each merge of two conversations of one
 * contact with what undoing it puts back (the merged conversation's state before); the merged
 * conversation points at the one it joined (`conversations.merged_into`) and its messages stay
 * where they were written, so an undo moves nothing. `macros` are named sets of actions, shared or
 * one agent's; `macro_runs` counts each run for the agents report.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('merged_into', 'text').execute();
  await db.schema
    .createTable('conversation_merges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('kept_id', 'text', (c) => c.notNull())
    .addColumn('merged_id', 'text', (c) => c.notNull())
    .addColumn('undo', 'text', (c) => c.notNull())
    .addColumn('merged_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('undone_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('conversation_merges_kept_idx')
    .on('conversation_merges')
    .columns(['account_id', 'kept_id'])
    .execute();
  await db.schema
    .createIndex('conversation_merges_merged_idx')
    .on('conversation_merges')
    .columns(['account_id', 'merged_id'])
    .execute();
  await db.schema
    .createTable('macros')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('owner_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('actions', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('macros_account_idx').on('macros').columns(['account_id', 'name']).execute();
  await db.schema
    .createTable('macro_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('macro_id', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('macro_runs_agent_idx')
    .on('macro_runs')
    .columns(['account_id', 'created_at', 'agent_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('macro_runs').execute();
  await db.schema.dropTable('macros').execute();
  await db.schema.dropTable('conversation_merges').execute();
  await db.schema.alterTable('conversations').dropColumn('merged_into').execute();
}
