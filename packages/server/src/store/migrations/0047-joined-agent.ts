import type { Kysely } from 'kysely';

/**
 * A supervisor who barged into a live chat.
 * - `conversations.joined_agent_id`: the second agent, writing to the visitor beside the assigned one.
 *   Stored, not kept in memory, so a reconnect or another node still lets them write.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('joined_agent_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').dropColumn('joined_agent_id').execute();
}
