import type { Kysely } from 'kysely';

/**
 * Agent assist. `assist_settings`: an account's switch, its OpenAI-compatible endpoint, model and
 * key (sealed at rest), translation provider and intents. `assist_suggestion_counts`: per agent and
 * suggestion source, how often suggestions were shown, used as they were, used edited or ignored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('assist_settings')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('base_url', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('api_key', 'text')
    .addColumn('timeout_seconds', 'integer', (c) => c.notNull())
    .addColumn('translation_provider', 'text', (c) => c.notNull().defaultTo('model'))
    .addColumn('translation_base_url', 'text')
    .addColumn('intents', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('assist_suggestion_counts')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('assist_suggestion_counts_pk', ['account_id', 'agent_id', 'source', 'outcome'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('assist_suggestion_counts').execute();
  await db.schema.dropTable('assist_settings').execute();
}
