import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * The event log becomes one row per batch frame, kept as the text the tag sent: a row per event
 * cost the writer a parse, a serialisation and an insert for every event, and stored the ids of
 * visitor, session and batch once per event. `events` keeps what attribution reads one by one —
 * custom events and purchases — so its partial indexes still answer the conversion feed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('event_frames')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('event_count', 'integer', (c) => c.notNull())
    .addColumn('frame', 'text', (c) => c.notNull())
    .execute();
  // Journeys and the live trend read by account, site and time; rows arrive in time order, so it only appends.
  await db.schema
    .createIndex('event_frames_account_site_ts_idx')
    .on('event_frames')
    .columns(['account_id', 'site_id', 'ts'])
    .execute();

  // Events stored by an earlier release: every one joins a frame of its batch, and only the
  // events attribution reads stay rows of their own.
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const events = pg
    ? sql`json_build_object('type', 'batch', 'id', batch_id, 'events', json_agg(payload::json ORDER BY seq))::text`
    : sql`json_object('type', 'batch', 'id', batch_id, 'events', json_group_array(json(payload)))`;
  // SQLite has no ORDER BY inside an aggregate: rows enter each group in the subquery's order.
  const ordered = pg
    ? sql`events`
    : sql`(SELECT * FROM events ORDER BY account_id, site_id, visitor_id, session_id, batch_id, seq)`;
  await sql`
    INSERT INTO event_frames (account_id, site_id, visitor_id, session_id, batch_id, ts, event_count, frame)
    SELECT account_id, site_id, visitor_id, session_id, batch_id, min(ts), count(*), ${events}
    FROM ${ordered} AS e
    GROUP BY account_id, site_id, visitor_id, session_id, batch_id`.execute(db);
  await sql`DELETE FROM events WHERE NOT (type = 'event' OR (type = 'attr' AND name = 'purchase'))`.execute(
    db,
  );
}

/** Rolls the schema back; the events that only their frames held (page views and the like) are not restored. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('event_frames').ifExists().execute();
}
