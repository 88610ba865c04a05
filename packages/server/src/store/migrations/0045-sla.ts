import type { Kysely } from 'kysely';

/**
 * Service levels.
 * - `skills.sla_targets`: JSON first-response and resolution targets per priority band; null: none.
 * - `sla_breaches`: one row per conversation and missed target. Its key makes the alert fire once,
 *   whichever node inserts it first.
 * - `sla_sweeps`: one row per account, claimed under a lease like the outbox, so one node looks for
 *   an account's breaches at a time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('skills').addColumn('sla_targets', 'text').execute();
  await db.schema
    .createTable('sla_breaches')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('skill_id', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('target_seconds', 'integer', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('breached_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sla_breaches_pk', ['conversation_id', 'target'])
    .execute();
  await db.schema
    .createIndex('sla_breaches_account_idx')
    .on('sla_breaches')
    .columns(['account_id', 'breached_at'])
    .execute();
  await db.schema
    .createTable('sla_sweeps')
    .addColumn('id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_until', 'bigint')
    .addColumn('claim_token', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sla_sweeps_due_idx')
    .on('sla_sweeps')
    .columns(['status', 'next_attempt_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sla_sweeps').ifExists().execute();
  await db.schema.dropTable('sla_breaches').ifExists().execute();
  await db.schema.alterTable('skills').dropColumn('sla_targets').execute();
}
