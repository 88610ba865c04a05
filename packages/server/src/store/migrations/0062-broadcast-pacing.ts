import type { Kysely } from 'kysely';

/**
 * Broadcast guardrails (issue 47): `sending_settings` holds an account's throughput per channel,
 * quiet hours, time zone and frequency cap; `send_slots` books the account's sending times per
 * channel a minute at a time, shared by every node; `broadcasts.local_time` sends at the same
 * wall-clock time in each contact's zone. `outbox.pace_per_minute` marks a paced message, and
 * `send_pace` holds the next moment one may leave per account and channel, checked at the send so
 * the spacing holds when a node catches up. The recipients' index counts a contact's recent messages
 * for the frequency cap.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('broadcasts')
    .addColumn('local_time', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('sending_settings')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('time_zone', 'text')
    .addColumn('quiet_from', 'integer')
    .addColumn('quiet_to', 'integer')
    .addColumn('whatsapp_per_second', 'integer')
    .addColumn('sms_per_second', 'integer')
    .addColumn('email_per_minute', 'integer')
    .addColumn('cap_messages', 'integer')
    .addColumn('cap_days', 'integer')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('send_slots')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('window_at', 'bigint', (c) => c.notNull())
    .addColumn('used', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('send_slots_pk', ['account_id', 'channel', 'window_at'])
    .execute();
  await db.schema.alterTable('outbox').addColumn('pace_per_minute', 'integer').execute();
  await db.schema.alterTable('outbox').addColumn('paced_at', 'bigint').execute();
  await db.schema
    .createTable('send_pace')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('next_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('send_pace_pk', ['account_id', 'channel'])
    .execute();
  await db.schema
    .createIndex('broadcast_recipients_contact_idx')
    .on('broadcast_recipients')
    .columns(['account_id', 'contact_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('broadcast_recipients_contact_idx').execute();
  await db.schema.dropTable('send_pace').execute();
  await db.schema.alterTable('outbox').dropColumn('paced_at').execute();
  await db.schema.alterTable('outbox').dropColumn('pace_per_minute').execute();
  await db.schema.dropTable('send_slots').execute();
  await db.schema.dropTable('sending_settings').execute();
  await db.schema.alterTable('broadcasts').dropColumn('local_time').execute();
}
