import type { Kysely } from 'kysely';

/**
 * `users.reading_language`: the language an agent reads customers in (live translation), set in
 * their profile; null follows their console's language.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('reading_language', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('reading_language').execute();
}
