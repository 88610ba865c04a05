import { type Kysely, sql } from 'kysely';

/**
 * Call reports: one row per agent a call rang or reached (`call_legs`), so a transferred call
 * counts for each agent who had it; and calls by account and request time, the reports' range.
 * Calls answered before this migration get one leg each, for the agent who held them last.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('call_legs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('rang_at', 'bigint', (c) => c.notNull())
    .addColumn('answered_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('end', 'text')
    .execute();
  await db.schema.createIndex('call_legs_call_idx').on('call_legs').columns(['call_id']).execute();
  await db.schema
    .createIndex('calls_requested_idx')
    .on('calls')
    .columns(['account_id', 'requested_at'])
    .execute();
  await sql`insert into call_legs (id, account_id, call_id, agent_id, rang_at, answered_at, ended_at, "end")
    select 'leg_' || id, account_id, id, agent_id, coalesce(ringing_at, requested_at), answered_at, ended_at,
      case when state = 'ended' then 'ended' end
    from calls where agent_id is not null and answered_at is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('calls_requested_idx').execute();
  await db.schema.dropTable('call_legs').execute();
}
