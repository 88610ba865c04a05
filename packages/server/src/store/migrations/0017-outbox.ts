import type { Kysely } from 'kysely';

/**
 * The outbox: one row per agent line bound for a channel other than web chat, written in the
 * transaction that stores the line, then claimed by a dispatcher with a lease, sent and settled.
 * And each account's per-channel routing settings (default skill, capacity weight).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_until', 'bigint')
    .addColumn('claim_token', 'text')
    .addColumn('last_error', 'text')
    .addColumn('provider_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // The dispatcher's claim: due rows of one status, oldest first.
  await db.schema.createIndex('outbox_due_idx').on('outbox').columns(['status', 'next_attempt_at']).execute();
  // Delivery states of a conversation's lines (the console's view) and receipts by sequence.
  await db.schema
    .createIndex('outbox_conversation_idx')
    .on('outbox')
    .columns(['conversation_id', 'seq'])
    .execute();
  // Receipts that name the provider's id of a sent message.
  await db.schema
    .createIndex('outbox_provider_idx')
    .on('outbox')
    .columns(['account_id', 'channel', 'provider_id'])
    .execute();

  await db.schema
    .createTable('channel_settings')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('default_skill_id', 'text', (c) => c.references('skills.id').onDelete('set null'))
    // Thousandths of a live chat: loads stay exact integer sums.
    .addColumn('weight_milli', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_settings_pk', ['account_id', 'channel'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('channel_settings').ifExists().execute();
  await db.schema.dropTable('outbox').ifExists().execute();
}
