import { type Kysely, sql } from 'kysely';

/**
 * Conversions and their attribution to engagements (issue 5), plus the indexes the reports and
 * the attribution job read through. Partial indexes keep the event log's write cost low: only
 * purchases and custom events (candidate goals) enter them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // A purchase, or a custom event that is some campaign's goal. The dedupe key (order id for a
  // purchase, event key for a goal) makes recording idempotent: a re-sent order counts once.
  await db.schema
    .createTable('conversions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('goal_name', 'text')
    .addColumn('order_id', 'text')
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('revenue', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('currency', 'text')
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('recorded_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('conversions_dedupe_uq', ['site_id', 'dedupe_key'])
    .execute();
  await db.schema
    .createIndex('conversions_account_ts_idx')
    .on('conversions')
    .columns(['account_id', 'ts'])
    .execute();
  await db.schema
    .createIndex('conversions_visitor_idx')
    .on('conversions')
    .columns(['site_id', 'visitor_id', 'ts'])
    .execute();

  // One row per (conversion, touch): the best touch of each campaign within its window (exposed or
  // control), and a visitor-initiated conversation; exactly one non-control row per conversion is
  // credited. Conversion facts are copied in so reports never join back to conversions.
  await db.schema
    .createTable('attributions')
    .addColumn('conversion_id', 'text', (c) => c.notNull().references('conversions.id').onDelete('cascade'))
    .addColumn('touch_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'text')
    .addColumn('exposure_id', 'text')
    .addColumn('conversation_id', 'text')
    .addColumn('agent_id', 'text')
    .addColumn('skill_id', 'text')
    .addColumn('control', 'integer', (c) => c.notNull())
    .addColumn('touch_kind', 'text', (c) => c.notNull())
    .addColumn('credited', 'integer', (c) => c.notNull())
    .addColumn('touch_at', 'bigint', (c) => c.notNull())
    .addColumn('window_days', 'integer', (c) => c.notNull())
    .addColumn('conversion_kind', 'text', (c) => c.notNull())
    .addColumn('conversion_ts', 'bigint', (c) => c.notNull())
    .addColumn('revenue', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('attributions_pk', ['conversion_id', 'touch_id'])
    .execute();
  await db.schema
    .createIndex('attributions_campaign_idx')
    .on('attributions')
    .columns(['account_id', 'campaign_id', 'control', 'site_id', 'visitor_id'])
    .execute();
  await db.schema
    .createIndex('attributions_account_ts_idx')
    .on('attributions')
    .columns(['account_id', 'conversion_ts'])
    .execute();

  // The attribution job's feed: purchases, and custom events (some of which are goals), by time.
  await db.schema
    .createIndex('events_purchase_ts_idx')
    .on('events')
    .column('ts')
    .where(sql.ref('type'), '=', 'attr')
    .where(sql.ref('name'), '=', 'purchase')
    .execute();
  await db.schema
    .createIndex('events_custom_ts_idx')
    .on('events')
    .columns(['name', 'ts'])
    .where(sql.ref('type'), '=', 'event')
    .execute();

  // A visitor's conversations (attribution) and an account's conversations by site over time (reports).
  await db.schema
    .createIndex('conversations_visitor_idx')
    .on('conversations')
    .columns(['site_id', 'visitor_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('conversations_origin_idx')
    .on('conversations')
    .column('origin_exposure_id')
    .execute();
  // The funnel's first stage counts distinct visitors of a period straight from this index.
  await db.schema
    .createIndex('visitor_sessions_visitors_idx')
    .on('visitor_sessions')
    .columns(['account_id', 'site_id', 'started_at', 'visitor_id'])
    .execute();
  // Cohorts of a campaign (lift) and the funnel read exposures by account, campaign and time.
  await db.schema
    .createIndex('exposures_account_campaign_idx')
    .on('exposures')
    .columns(['account_id', 'campaign_id', 'created_at', 'control'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const i of [
    'exposures_account_campaign_idx',
    'visitor_sessions_visitors_idx',
    'conversations_origin_idx',
    'conversations_visitor_idx',
    'events_custom_ts_idx',
    'events_purchase_ts_idx',
  ]) {
    await db.schema.dropIndex(i).ifExists().execute();
  }
  await db.schema.dropTable('attributions').ifExists().execute();
  await db.schema.dropTable('conversions').ifExists().execute();
}
