import {
  type BandArm,
  type BandVisitor,
  DEFAULT_MINIMUM_SAMPLE,
  scoreBandLift,
} from '@beckon/core/stats/index';
import type { ScoreBandReport } from '@beckon/protocol/reports-api';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { accountCurrency } from './account-currency.ts';
import { cohortExposures } from './funnel-report.ts';
import { type LiftCampaign, liftCampaigns } from './lift-report.ts';
import { periodOf, type ReportFilters } from './report-filters.ts';
import { cohortRevenue, isControlKey, spent, visitorArmKey } from './visitor-arms.ts';

/** A campaign with its targeting mode, as the band report names it. */
export interface BandCampaign extends LiftCampaign {
  scoreBands: 'all' | 'positive_lift';
}

const armFigures = (a: BandArm) => ({
  visitors: a.visitors,
  converted: a.converted,
  conversionRate: a.rate,
  revenuePerVisitor: a.revenuePerVisitor,
});

/** One campaign of the account (deleted ones too) with its targeting mode, or undefined. */
export async function bandCampaign(
  db: Kysely<Database>,
  accountId: string,
  id: string,
): Promise<BandCampaign | undefined> {
  const [campaign] = await liftCampaigns(db, accountId, id);
  if (!campaign) return undefined;
  const row = await db
    .selectFrom('campaigns')
    .select('score_bands')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return { ...campaign, scoreBands: row?.score_bands === 'positive_lift' ? 'positive_lift' : 'all' };
}

/**
 * Exposed vs control of one campaign by score band: each qualified visitor counts once, with the
 * score they had when they first qualified in the period, and converted if a conversion was
 * attributed to the campaign within its window (the same rule as the lift report). Revenue per
 * visitor is in the account's currency, named as in the lift report.
 */
export async function scoreBandReport(
  db: Kysely<Database>,
  f: ReportFilters,
  campaign: BandCampaign,
): Promise<ScoreBandReport> {
  const scoped: ReportFilters = { ...f, campaignId: campaign.id };
  const exposures = await cohortExposures(db, scoped)
    .select([
      'exposures.site_id',
      'exposures.visitor_id',
      'exposures.control',
      'exposures.score',
      'exposures.created_at',
    ])
    .orderBy('exposures.created_at')
    .execute();
  const revenue = await cohortRevenue(db, scoped);
  const first = new Map<string, number | null>();
  for (const e of exposures) {
    const key = visitorArmKey(e);
    // The first scored qualification decides the band; a visitor never scored stays unscored.
    const have = first.get(key);
    if (have === undefined || (have === null && e.score != null)) first.set(key, e.score ?? null);
  }
  const visitors: BandVisitor[] = [];
  const unscored = { exposed: 0, control: 0 };
  for (const [key, score] of first) {
    const control = isControlKey(key);
    if (score === null) {
      unscored[control ? 'control' : 'exposed']++;
      continue;
    }
    const bought = revenue.get(key);
    visitors.push({ score: Number(score), control, converted: bought !== undefined, revenue: spent(bought) });
  }
  const lift = scoreBandLift(visitors);
  return {
    period: periodOf(scoped),
    campaignId: campaign.id,
    campaignName: campaign.name,
    scoreBands: campaign.scoreBands,
    currency: await accountCurrency(db, f.accountId),
    kind: lift.kind,
    enoughData: lift.enoughData,
    minimumSample: DEFAULT_MINIMUM_SAMPLE,
    bands: lift.bands.map((b) => ({
      band: b.band,
      from: b.from,
      to: b.to,
      exposed: armFigures(b.exposed),
      control: armFigures(b.control),
      absoluteLift: b.comparison.absoluteLift,
      relativeLift: b.comparison.relativeLift,
      pValue: b.comparison.pValue,
      enoughData: b.comparison.enoughData,
      verdict: b.comparison.verdict,
      status: b.status,
    })),
    unscored,
  };
}
