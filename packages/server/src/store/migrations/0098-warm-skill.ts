import type { Kysely } from 'kysely';

/**
 * `calls.warm_skill`: 1 while a warm transfer rings a skill rather than one agent. Its ring then
 * goes on to the skill's next agent when one declines or does not answer; 0 otherwise.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('calls')
    .addColumn('warm_skill', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('calls').dropColumn('warm_skill').execute();
}
