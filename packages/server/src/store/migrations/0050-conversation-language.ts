import type { Kysely } from 'kysely';

/**
 * The language a web chat was started in.
 * - `conversations.language`: the widget's language when the visitor started the chat, or null
 *   (other channels, older widgets). The lines the server writes to the visitor use it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('language', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').dropColumn('language').execute();
}
