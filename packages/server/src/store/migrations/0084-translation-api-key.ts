import type { Kysely } from 'kysely';

/** Assist's LibreTranslate API key (`assist_settings.translation_api_key`, sealed), for servers that need one. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('assist_settings').addColumn('translation_api_key', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('assist_settings').dropColumn('translation_api_key').execute();
}
