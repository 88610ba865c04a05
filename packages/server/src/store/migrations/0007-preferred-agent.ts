import type { Kysely } from 'kysely';

/**
 * An agent's own invitation is answered by that agent: the manual exposure remembers who sent it,
 * and the conversation it starts remembers whom routing should offer it to first.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('exposures').addColumn('agent_id', 'text').execute();
  await db.schema.alterTable('conversations').addColumn('preferred_agent_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').dropColumn('preferred_agent_id').execute();
  await db.schema.alterTable('exposures').dropColumn('agent_id').execute();
}
