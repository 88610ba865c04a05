import type { Kysely } from 'kysely';

/**
 * A/B/n variants of a campaign's engagement:
 * - `exposures.variant`: the arm a visitor was shown (the variant's key; null for the control group
 *   and for campaigns without variants). A visitor keeps it for the campaign from then on.
 * - `campaigns.minimal_effect`: the variants report's equivalence band (null: the default).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('exposures').addColumn('variant', 'text').execute();
  await db.schema.alterTable('campaigns').addColumn('minimal_effect', 'double precision').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('campaigns').dropColumn('minimal_effect').execute();
  await db.schema.alterTable('exposures').dropColumn('variant').execute();
}
