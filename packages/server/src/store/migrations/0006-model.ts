import type { Kysely } from 'kysely';

/**
 * The purchase-propensity model in the product (issue 6): models trained per account, the finished
 * sessions they learn from, rolling per-page statistics behind the live features, per-site feature
 * settings, and the score recorded on each exposure (lift by score band).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Every model trained for an account, kept whether or not it was activated (the console shows the
  // history); at most one is `active`. The default model is the shipped file, not a row.
  await db.schema
    .createTable('models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('sessions', 'integer', (c) => c.notNull())
    .addColumn('purchases', 'integer', (c) => c.notNull())
    .addColumn('holdout_sessions', 'integer', (c) => c.notNull())
    .addColumn('auroc', 'double precision', (c) => c.notNull())
    .addColumn('aupr', 'double precision', (c) => c.notNull())
    .addColumn('brier', 'double precision', (c) => c.notNull())
    /** The model it was compared with, on the same held-out sessions. */
    .addColumn('baseline_auroc', 'double precision')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('trained_at', 'bigint', (c) => c.notNull())
    .addColumn('activated_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('models_account_idx')
    .on('models')
    .columns(['account_id', 'trained_at'])
    .execute();

  // One row per finished session: the live feature vector (frozen just before a purchase) and the label.
  await db.schema
    .createTable('model_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint', (c) => c.notNull())
    .addColumn('features', 'text', (c) => c.notNull())
    .addColumn('purchased', 'integer', (c) => c.notNull())
    .addColumn('revenue', 'double precision', (c) => c.notNull())
    .addColumn('page_views', 'integer', (c) => c.notNull())
    .addColumn('score', 'double precision')
    .execute();
  await db.schema
    .createIndex('model_sessions_account_idx')
    .on('model_sessions')
    .columns(['account_id', 'ended_at'])
    .execute();

  // Per page and day: what finished sessions did there (increments from every node add up).
  await db.schema
    .createTable('page_stats')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('page', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('pageviews', 'integer', (c) => c.notNull())
    .addColumn('uniques', 'integer', (c) => c.notNull())
    .addColumn('entrances', 'integer', (c) => c.notNull())
    .addColumn('bounces', 'integer', (c) => c.notNull())
    .addColumn('exits', 'integer', (c) => c.notNull())
    .addColumn('revenue', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('page_stats_pk', ['site_id', 'day', 'page'])
    .execute();

  // How a site's section labels map to page kinds, and its special-day calendar (null = defaults).
  await db.schema
    .createTable('model_site_settings')
    .addColumn('site_id', 'text', (c) => c.primaryKey().references('sites.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('section_kinds', 'text', (c) => c.notNull())
    .addColumn('unlabelled', 'text')
    .addColumn('special_days', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('exposures').addColumn('score', 'double precision').execute();
  await db.schema
    .alterTable('campaigns')
    .addColumn('score_bands', 'text', (c) => c.notNull().defaultTo('all'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('campaigns').dropColumn('score_bands').execute();
  await db.schema.alterTable('exposures').dropColumn('score').execute();
  for (const t of ['model_site_settings', 'page_stats', 'model_sessions', 'models']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
