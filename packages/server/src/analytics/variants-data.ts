import { CONTROL_ARM, type Engagement } from '@beckon/protocol';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/schema.ts';
import { cohortAttributions, cohortExposures, rowExposures } from './funnel-report.ts';
import type { ReportFilters } from './report-filters.ts';
import type { VariantsCampaign } from './variants-report.ts';

/** Visitors who entered an arm within one quarter hour (their first exposure), and all their exposures. */
export interface ArmEntries {
  arm: string;
  /** The quarter hour's start: every time zone's midnight falls on one, so days add up exactly. */
  at: number;
  visitors: number;
  exposures: number;
}

/** A converted visitor of an arm: their first attributed conversion, their conversions and revenue. */
export interface ArmConverter {
  arm: string;
  convertedAt: number;
  conversions: number;
  revenue: number;
}

/** A campaign's experiment in the period, as the variants report reads it. */
export interface ArmData {
  entries: ArmEntries[];
  converters: ArmConverter[];
}

const QUARTER_HOUR = 900_000;

const n = (v: unknown) => Number(v ?? 0);

/** The account's campaign (a deleted one too: its report stays) as the variants report names it, with when it was made. */
export async function variantsCampaign(
  db: Kysely<Database>,
  accountId: string,
  id: string,
): Promise<(VariantsCampaign & { createdAt: number }) | undefined> {
  const r = await db
    .selectFrom('campaigns')
    .select(['id', 'name', 'control_share', 'minimal_effect', 'engagement', 'created_at'])
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) return undefined;
  const engagement = JSON.parse(r.engagement) as Engagement;
  return {
    id: r.id,
    name: r.name,
    controlShare: n(r.control_share),
    ...(r.minimal_effect != null ? { minimalEffect: n(r.minimal_effect) } : {}),
    ...(engagement.variants
      ? { variants: engagement.variants.map(({ key, weight }) => ({ key, weight })) }
      : {}),
    createdAt: n(r.created_at),
  };
}

/**
 * The campaign's visitors in the period by arm, counted in the database a quarter hour at a time. A
 * visitor's arm is `control` when held out, else the variant's key; visitors shown the plain
 * engagement (before the campaign had variants) are in no arm. Conversions are the campaign's
 * attributed ones, credited to the visitor's group (shown or held out) as the lift report credits them.
 */
export async function armData(db: Kysely<Database>, f: ReportFilters, campaignId: string): Promise<ArmData> {
  const scoped: ReportFilters = { ...f, campaignId };
  const perVisitor = cohortExposures(db, scoped)
    .select((eb) => [
      'exposures.control',
      'exposures.variant',
      eb.fn.min('exposures.created_at').as('first'),
      eb.fn.countAll().as('n'),
    ])
    .groupBy(['exposures.site_id', 'exposures.visitor_id', 'exposures.control', 'exposures.variant']);
  const quarter = sql<number>`v.first / ${sql.lit(QUARTER_HOUR)}`;
  const grouped = await db
    .selectFrom(perVisitor.as('v'))
    .select((eb) => [
      'v.control',
      'v.variant',
      quarter.as('quarter'),
      eb.fn.countAll().as('visitors'),
      eb.fn.sum<number>('v.n').as('exposures'),
    ])
    .groupBy(['v.control', 'v.variant', quarter])
    .execute();
  const entries: ArmEntries[] = [];
  for (const g of grouped) {
    const arm = armOf(g.control, g.variant);
    if (arm)
      entries.push({
        arm,
        at: n(g.quarter) * QUARTER_HOUR,
        visitors: n(g.visitors),
        exposures: n(g.exposures),
      });
  }
  // The arm of each converted visitor, from their exposures to the campaign in the period.
  const rows = await cohortAttributions(db, scoped)
    .select((eb) => [
      'a.control',
      'a.site_id',
      'a.visitor_id',
      'a.conversion_id',
      'a.revenue',
      'a.conversion_ts',
      rowExposures(eb, f)
        .select((x) => x.fn.max('e.variant').as('variant'))
        .as('variant'),
    ])
    .execute();
  const converters = new Map<string, ArmConverter>();
  const seen = new Set<string>();
  for (const r of rows) {
    const arm = armOf(r.control, r.variant);
    if (!arm || seen.has(r.conversion_id)) continue;
    seen.add(r.conversion_id);
    const key = `${r.site_id}\u0000${r.visitor_id}`;
    const at = n(r.conversion_ts);
    const c = converters.get(key) ?? { arm, convertedAt: at, conversions: 0, revenue: 0 };
    c.conversions++;
    c.revenue += n(r.revenue);
    c.convertedAt = Math.min(c.convertedAt, at);
    converters.set(key, c);
  }
  return { entries, converters: [...converters.values()] };
}

/** `control` for a held-out row, else its variant's key (null: shown the plain engagement). */
const armOf = (control: unknown, variant: string | null | undefined): string | null =>
  n(control) === 1 ? CONTROL_ARM : (variant ?? null);
