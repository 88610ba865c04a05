import type { Kysely } from 'kysely';

/**
 * `phone_trunks.retry_at`: when the gateway registers a failed trunk again (ms), so Settings ›
 * Phone shows the next try; null while none is planned.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('phone_trunks').addColumn('retry_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('phone_trunks').dropColumn('retry_at').execute();
}
