import { type Kysely, sql } from 'kysely';

/**
 * `assist_settings.model_uses`: what an account's model may be sent text for (suggestions,
 * summaries, translation, intent), comma-separated. Existing accounts keep all four, as before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('assist_settings')
    .addColumn('model_uses', 'text', (c) =>
      c.notNull().defaultTo(sql`'suggestions,summaries,translation,intent'`),
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('assist_settings').dropColumn('model_uses').execute();
}
