import type { Kysely } from 'kysely';

/**
 * Agent states.
 * - `users.away_reason`: why an agent who is away is away (one of the account's reasons).
 * - `away_reasons`: the account's list of away reasons as a JSON array; no row means the default
 *   set (Break, Meeting, Training, Lunch).
 * - `agent_state_log`: each change of an agent's state (online, away with a reason, offline when
 *   their last console closed), so the agent report can add up the time spent in each.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('away_reason', 'text').execute();
  await db.schema
    .createTable('away_reasons')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('reasons', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('agent_state_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('agent_state_log_account_user_at_idx')
    .on('agent_state_log')
    .columns(['account_id', 'user_id', 'at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('agent_state_log').execute();
  await db.schema.dropTable('away_reasons').execute();
  await db.schema.alterTable('users').dropColumn('away_reason').execute();
}
