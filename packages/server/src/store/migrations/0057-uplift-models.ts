import type { Kysely } from 'kysely';

/**
 * Uplift targeting (issue 46): each campaign's uplift setting (JSON, null = off), and the last uplift
 * model trained per campaign from its exposed and control visitors. A row without a model records a
 * run that found too little data, with the counts, so the API and console can say so.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('campaigns').addColumn('uplift', 'text').execute();
  await db.schema
    .createTable('uplift_models')
    .addColumn('campaign_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('model', 'text')
    .addColumn('treated', 'integer', (c) => c.notNull())
    .addColumn('control', 'integer', (c) => c.notNull())
    .addColumn('treated_conversions', 'integer', (c) => c.notNull())
    .addColumn('control_conversions', 'integer', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('trained_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('uplift_models_account_idx').on('uplift_models').column('account_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('uplift_models').execute();
  await db.schema.alterTable('campaigns').dropColumn('uplift').execute();
}
