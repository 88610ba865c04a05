import type { Kysely } from 'kysely';

/**
 * The console's language per user.
 * - `users.console_language`: a language the console speaks (`en`, `de`, `es`), or null for the
 *   browser's own; kept on the server so the choice follows the user to any browser.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('console_language', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('console_language').execute();
}
