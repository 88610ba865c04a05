import type { Kysely } from 'kysely';

/**
 * A chat invitation's exposure keeps what the visitor read — the message and the name it came
 * under — so the conversation it starts can open with those words for the agent and the transcript.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('exposures').addColumn('invitation_text', 'text').execute();
  await db.schema.alterTable('exposures').addColumn('invitation_from', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('exposures').dropColumn('invitation_from').execute();
  await db.schema.alterTable('exposures').dropColumn('invitation_text').execute();
}
