import type { Kysely } from 'kysely';

/**
 * `calls.warm_from`: the agent who hands a phone call over warm. They keep the caller (on hold,
 * with music) and talk to the next agent until they complete or cancel the transfer; null otherwise.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('calls').addColumn('warm_from', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('calls').dropColumn('warm_from').execute();
}
