import type { Kysely } from 'kysely';

const COLUMNS = ['country', 'region', 'city', 'time_zone'] as const;

/**
 * Where each visit came from: country (ISO 3166-1 alpha-2), region, city and time zone, looked up
 * from the visitor's address before any anonymisation. Only these coarse facts are stored, never
 * the address; null when unknown. The lift report groups by `country`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of COLUMNS)
    await db.schema.alterTable('visitor_sessions').addColumn(column, 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of COLUMNS) await db.schema.alterTable('visitor_sessions').dropColumn(column).execute();
}
