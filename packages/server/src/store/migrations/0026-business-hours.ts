import type { Kysely } from 'kysely';

/** Business hours and holidays per skill, in the skill's time zone (JSON; null: always open). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('skills').addColumn('business_hours', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('skills').dropColumn('business_hours').execute();
}
