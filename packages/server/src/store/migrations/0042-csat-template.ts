import type { Kysely } from 'kysely';

/**
 * The approved WhatsApp template a satisfaction survey is sent as when Meta's 24-hour window has
 * closed (a free-form survey is refused then): its name and language on `channel_settings`, null
 * when none is chosen (the survey is skipped with a note to agents).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('channel_settings').addColumn('csat_template_name', 'text').execute();
  await db.schema.alterTable('channel_settings').addColumn('csat_template_language', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('channel_settings').dropColumn('csat_template_language').execute();
  await db.schema.alterTable('channel_settings').dropColumn('csat_template_name').execute();
}
