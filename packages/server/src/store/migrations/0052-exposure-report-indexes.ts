import type { Kysely } from 'kysely';

/**
 * Two indexes from which the funnel and the campaigns' lift read a period's exposures alone, without
 * a lookup of each exposure's row (W7's funnel read them three times through `(account_id,
 * created_at)`, a lookup each):
 * - `exposures_reports_idx`: by account, site and time, with every column the funnel's stages, its
 *   call step and the live dashboard group or count by.
 * - `exposures_cohorts_idx`: by account, campaign, group (shown or held out), site and time, so each
 *   campaign's distinct visitors per group are counted in the index's order, without a sort.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('exposures_reports_idx')
    .on('exposures')
    .columns([
      'account_id',
      'site_id',
      'created_at',
      'campaign_id',
      'control',
      'visitor_id',
      'outcome',
      'engagement_type',
    ])
    .execute();
  await db.schema
    .createIndex('exposures_cohorts_idx')
    .on('exposures')
    .columns(['account_id', 'campaign_id', 'control', 'site_id', 'created_at', 'visitor_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('exposures_cohorts_idx').ifExists().execute();
  await db.schema.dropIndex('exposures_reports_idx').ifExists().execute();
}
