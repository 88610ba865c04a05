import type { Kysely } from 'kysely';
import { rebuildVisitorMarks } from '../visitor-marks.ts';

/**
 * Facts per contact that segments read (issue 47): purchases, spend, the latest purchase, the
 * latest score and country. Kept by the writes of the histories (see contact-facts.ts) and filled
 * from the histories there are by migration 0099, which added the facts that code computes since
 * (this one filled them until then). Visits by visitor serve the refresh of one contact's facts.
 * Per visitor, what the event log says of sections viewed and carts put together (visitor-marks.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('contact_facts')
    .addColumn('contact_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('purchase_count', 'integer', (c) => c.notNull())
    .addColumn('purchase_total', 'double precision', (c) => c.notNull())
    .addColumn('last_purchase_at', 'bigint')
    .addColumn('score', 'double precision')
    .addColumn('country', 'text')
    .execute();
  await db.schema.createIndex('contact_facts_account_idx').on('contact_facts').column('account_id').execute();
  // A segment's probe of a contact's facts reads this index alone.
  await db.schema
    .createIndex('contact_facts_segment_idx')
    .on('contact_facts')
    .columns(['contact_id', 'purchase_count', 'purchase_total', 'last_purchase_at', 'score', 'country'])
    .execute();
  await db.schema
    .createIndex('model_sessions_visitor_idx')
    .on('model_sessions')
    .columns(['site_id', 'visitor_id', 'started_at'])
    .execute();
  await db.schema
    .createTable('visitor_sections')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'text', (c) => c.notNull())
    .addColumn('section', 'text', (c) => c.notNull())
    .addColumn('last_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('visitor_sections_pk', ['site_id', 'visitor_id', 'section'])
    .execute();
  await db.schema
    .createIndex('visitor_sections_segment_idx')
    .on('visitor_sections')
    .columns(['account_id', 'section', 'last_at', 'site_id', 'visitor_id'])
    .execute();
  await db.schema
    .createTable('visitor_carts')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('total', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('visitor_carts_pk', ['site_id', 'visitor_id', 'at'])
    .execute();
  await db.schema
    .createIndex('visitor_carts_segment_idx')
    .on('visitor_carts')
    .columns(['account_id', 'total', 'at', 'site_id', 'visitor_id'])
    .execute();
  await rebuildVisitorMarks(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('visitor_carts').execute();
  await db.schema.dropTable('visitor_sections').execute();
  await db.schema.dropIndex('model_sessions_visitor_idx').execute();
  await db.schema.dropTable('contact_facts').execute();
}
