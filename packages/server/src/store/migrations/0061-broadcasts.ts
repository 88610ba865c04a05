import type { Kysely } from 'kysely';

/**
 * Broadcasts (issue 47): one message to a segment. `broadcasts` holds what is sent and to whom;
 * `broadcast_jobs` is its sender's leased queue row (one per broadcast, claimed by one node at a
 * time, with the last contact id done); `broadcast_recipients` records each contact once, so a
 * resumed send never sends to anyone twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('broadcasts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('segment_id', 'text', (c) => c.notNull())
    .addColumn('filter', 'text', (c) => c.notNull())
    .addColumn('channels', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('skill_id', 'text')
    .addColumn('holdout_percent', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('scheduled_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('broadcasts_account_idx')
    .on('broadcasts')
    .columns(['account_id', 'created_at'])
    .execute();
  await db.schema
    .createTable('broadcast_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey().references('broadcasts.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_until', 'bigint')
    .addColumn('claim_token', 'text')
    .addColumn('cursor', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('broadcast_jobs_due_idx')
    .on('broadcast_jobs')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createTable('broadcast_recipients')
    .addColumn('broadcast_id', 'text', (c) => c.notNull().references('broadcasts.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('arm', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('conversation_id', 'text')
    .addColumn('outbox_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('broadcast_recipients_pk', ['broadcast_id', 'contact_id'])
    .execute();
  // A reply finds the broadcast its conversation came from.
  await db.schema
    .createIndex('broadcast_recipients_conversation_idx')
    .on('broadcast_recipients')
    .column('conversation_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('broadcast_recipients').execute();
  await db.schema.dropTable('broadcast_jobs').execute();
  await db.schema.dropTable('broadcasts').execute();
}
