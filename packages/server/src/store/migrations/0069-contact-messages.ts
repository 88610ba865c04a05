import { type Kysely, sql } from 'kysely';

/**
 * The messages each contact was sent to their inbox by broadcasts and campaigns
 * (`contact_messages`): what the account's frequency cap counts, across both. One row per contact
 * and message (`kind`, `ref`: a broadcast id, a campaign exposure id). The broadcast messages
 * queued so far are copied in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('contact_messages')
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_messages_pk', ['contact_id', 'kind', 'ref'])
    .execute();
  await db.schema
    .createIndex('contact_messages_contact_time_idx')
    .on('contact_messages')
    .columns(['contact_id', 'created_at'])
    .execute();
  await sql`insert into contact_messages (contact_id, kind, ref, account_id, created_at)
    select contact_id, 'broadcast', broadcast_id, account_id, created_at
    from broadcast_recipients where state = 'queued'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('contact_messages').execute();
}
