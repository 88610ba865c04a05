import type { Kysely } from 'kysely';

/**
 * Call recordings, off by default.
 * - `sites.record_calls`: an admin turns recording on per site.
 * - `calls.recorded`: the site's choice when the call began; both sides are told from then on.
 * - `call_recordings`: one per recorded call, its audio appended chunk by chunk during the call,
 *   then finished as an attachment of the conversation (`attachment_id`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sites')
    .addColumn('record_calls', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('calls')
    .addColumn('recorded', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('call_recordings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text', (c) => c.notNull().unique())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('chunks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('attachment_id', 'text')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('call_recordings_conversation_idx')
    .on('call_recordings')
    .columns(['account_id', 'conversation_id'])
    .execute();
  // The sweep finishes recordings left open (a closed tab); retention deletes by age.
  await db.schema
    .createIndex('call_recordings_status_idx')
    .on('call_recordings')
    .columns(['status', 'updated_at'])
    .execute();
  await db.schema
    .createIndex('call_recordings_started_idx')
    .on('call_recordings')
    .columns(['account_id', 'started_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('call_recordings').ifExists().execute();
  await db.schema.alterTable('calls').dropColumn('recorded').execute();
  await db.schema.alterTable('sites').dropColumn('record_calls').execute();
}
