import type { Kysely } from 'kysely';

/** Visitors and their sessions, the event log, campaigns and exposures (issue 3: tag, tracker, targeting). */
export async function up(db: Kysely<unknown>): Promise<void> {
  // A visitor is identified by the tag's first-party id, unique within a site.
  await db.schema
    .createTable('visitors')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('session_count', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('device', 'text', (c) => c.notNull())
    /** JSON: the tracker's snapshot of the visitor state, to restore it after eviction. */
    .addColumn('state', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('visitors_pk', ['site_id', 'id'])
    .execute();
  await db.schema
    .createIndex('visitors_account_seen_idx')
    .on('visitors')
    .columns(['account_id', 'last_seen_at'])
    .execute();

  await db.schema
    .createTable('visitor_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('visitor_id', 'text', (c) => c.notNull())
    .addColumn('returning', 'integer', (c) => c.notNull())
    .addColumn('device', 'text', (c) => c.notNull())
    .addColumn('landing_url', 'text')
    .addColumn('referrer', 'text')
    .addColumn('channel', 'text')
    .addColumn('source', 'text')
    .addColumn('page_views', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('last_event_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('visitor_sessions_visitor_idx')
    .on('visitor_sessions')
    .columns(['site_id', 'visitor_id', 'started_at'])
    .execute();
  await db.schema
    .createIndex('visitor_sessions_account_time_idx')
    .on('visitor_sessions')
    .columns(['account_id', 'site_id', 'started_at'])
    .execute();

  // The event log, append-only. It has no unique key on purpose: a random-order key costs each
  // flush a write of every B-tree page it touches (measured: 18 k rows/s with one, 120 k without).
  // Retried batches are dropped before they get here (the tracker remembers recent batch ids per
  // visitor, across eviction); (ts, site, visitor, batch, seq) is still unique in practice.
  await db.schema
    .createTable('events')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .execute();
  // Reports read by account, site and time; rows arrive in time order, so this index only appends.
  await db.schema
    .createIndex('events_account_site_ts_idx')
    .on('events')
    .columns(['account_id', 'site_id', 'ts'])
    .execute();

  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('goal', 'text', (c) => c.notNull())
    .addColumn('targeting', 'text', (c) => c.notNull())
    .addColumn('schedule', 'text')
    .addColumn('frequency', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('control_share', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('engagement', 'text', (c) => c.notNull())
    .addColumn('attribution_window_days', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    /** Deleted campaigns are kept (exposures and reports refer to them) but no longer listed or run. */
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('campaigns_account_idx')
    .on('campaigns')
    .columns(['account_id', 'status'])
    .execute();

  await db.schema
    .createTable('exposures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('site_id', 'text', (c) => c.notNull())
    /** Null for an agent's manual invitation. */
    .addColumn('campaign_id', 'text')
    .addColumn('visitor_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('engagement_type', 'text', (c) => c.notNull())
    /** 1 for a control-group qualification: recorded, nothing shown. */
    .addColumn('control', 'integer', (c) => c.notNull())
    /** null (sent, not yet confirmed), shown, accepted, dismissed, clicked or ignored. */
    .addColumn('outcome', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('shown_at', 'bigint')
    .addColumn('outcome_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('exposures_account_time_idx')
    .on('exposures')
    .columns(['account_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('exposures_campaign_idx')
    .on('exposures')
    .columns(['campaign_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('exposures_visitor_idx')
    .on('exposures')
    .columns(['site_id', 'visitor_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['exposures', 'campaigns', 'events', 'visitor_sessions', 'visitors']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
