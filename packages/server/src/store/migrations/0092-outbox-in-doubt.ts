import type { Kysely } from 'kysely';

/**
 * Messages sent at most once (issue 47): `outbox.once` marks a broadcast's message, which is never
 * sent twice; `outbox.launched_at` is when its provider request began, written and synced before
 * it. A `once` row found `sending` with its lease run out and `launched_at` set is settled
 * `in_doubt` (the provider may or may not have it), not sent again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('outbox')
    .addColumn('once', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('outbox').addColumn('launched_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('launched_at').execute();
  await db.schema.alterTable('outbox').dropColumn('once').execute();
}
