import type { Kysely } from 'kysely';

/** `campaigns.surfaces`: `app` or `both` for campaigns that reach apps through the SDK; null is web pages only. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('campaigns').addColumn('surfaces', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('campaigns').dropColumn('surfaces').execute();
}
