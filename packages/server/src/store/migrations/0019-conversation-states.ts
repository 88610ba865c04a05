import type { Kysely } from 'kysely';

/**
 * Conversations that outlive the visit: one can wait on the customer (pending) or be snoozed until a
 * time, on top of where routing has it. A customer's return clears both.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('waiting_on', 'text').execute();
  await db.schema.alterTable('conversations').addColumn('snoozed_until', 'bigint').execute();
  // The last agent line the customer was sent by e-mail because they had not seen it.
  await db.schema
    .alterTable('conversations')
    .addColumn('notified_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('conversations_snoozed_idx')
    .on('conversations')
    .column('snoozed_until')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('conversations_snoozed_idx').ifExists().execute();
  await db.schema.alterTable('conversations').dropColumn('notified_seq').execute();
  await db.schema.alterTable('conversations').dropColumn('snoozed_until').execute();
  await db.schema.alterTable('conversations').dropColumn('waiting_on').execute();
}
