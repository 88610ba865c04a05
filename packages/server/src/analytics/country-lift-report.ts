import { type BandArm, DEFAULT_MINIMUM_SAMPLE, type GroupVisitor, groupLift } from '@beckon/core/stats/index';
import type { CountryLiftReport } from '@beckon/protocol/reports-api';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { accountCurrency } from './account-currency.ts';
import { cohortExposures } from './funnel-report.ts';
import type { LiftCampaign } from './lift-report.ts';
import { periodOf, type ReportFilters } from './report-filters.ts';
import { cohortRevenue, isControlKey, spent, visitorArmKey } from './visitor-arms.ts';

const armFigures = (a: BandArm) => ({
  visitors: a.visitors,
  converted: a.converted,
  conversionRate: a.rate,
  revenuePerVisitor: a.revenuePerVisitor,
});

/** Exposed vs control within one group of visitors, as the reports show it (a country, an uplift band). */
export function groupLiftFigures(rows: readonly GroupVisitor[]) {
  const { exposed, control, comparison: c } = groupLift(rows);
  return {
    exposed: armFigures(exposed),
    control: armFigures(control),
    absoluteLift: c.absoluteLift,
    relativeLift: c.relativeLift,
    pValue: c.pValue,
    enoughData: c.enoughData,
    verdict: c.verdict,
  };
}

/**
 * Exposed vs control of one campaign by country: each qualified visitor counts once, in the country
 * their visit came from when they first qualified in the period (unknown when it was not located),
 * and converted if a conversion was attributed to the campaign within its window — the same rule
 * as the lift report and the score bands.
 */
export async function countryLiftReport(
  db: Kysely<Database>,
  f: ReportFilters,
  campaign: LiftCampaign,
): Promise<CountryLiftReport> {
  const scoped: ReportFilters = { ...f, campaignId: campaign.id };
  const exposures = await cohortExposures(db, scoped)
    .leftJoin('visitor_sessions as vs', 'vs.id', 'exposures.session_id')
    .select(['exposures.site_id', 'exposures.visitor_id', 'exposures.control', 'vs.country'])
    .orderBy('exposures.created_at')
    .execute();
  const revenue = await cohortRevenue(db, scoped);
  const first = new Map<string, string | null>();
  for (const e of exposures) {
    const key = visitorArmKey(e);
    if (!first.has(key)) first.set(key, e.country ?? null);
  }
  const groups = new Map<string | null, GroupVisitor[]>();
  for (const [key, country] of first) {
    const bought = revenue.get(key);
    const visitor = { control: isControlKey(key), converted: bought !== undefined, revenue: spent(bought) };
    const list = groups.get(country);
    if (list) list.push(visitor);
    else groups.set(country, [visitor]);
  }
  const countries = [...groups]
    .sort(
      ([a, x], [b, y]) =>
        (a === null ? 1 : 0) - (b === null ? 1 : 0) ||
        y.length - x.length ||
        String(a).localeCompare(String(b)),
    )
    .map(([country, rows]) => ({ country, ...groupLiftFigures(rows) }));
  return {
    period: periodOf(scoped),
    campaignId: campaign.id,
    campaignName: campaign.name,
    currency: await accountCurrency(db, f.accountId),
    minimumSample: DEFAULT_MINIMUM_SAMPLE,
    countries,
  };
}
