import { compareProportions, compareRevenue, stratifiedLift } from '@beckon/core/stats/index';
import type { CampaignLift, CreditOverlap, LikeForLike } from '@beckon/protocol/reports-api';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import {
  ARM_COLUMNS,
  armFigures,
  type CohortAttribution,
  cohortAttributions,
  cohortExposures,
} from './funnel-report.ts';
import type { ReportFilters } from './report-filters.ts';

/** A campaign as the lift report names it. */
export interface LiftCampaign {
  id: string;
  name: string;
  goal: string;
  attributionWindowDays: number;
  controlShare: number;
}

export interface LiftOptions {
  /** Bootstrap resamples for revenue per visitor (0 skips it; the headline interval is Welch's). */
  bootstrapIterations: number;
  /** Largest number of resampled values (iterations × visitors) before the bootstrap is scaled down. */
  maxBootstrapDraws?: number;
  /**
   * The cohort's attribution rows, already read for the same filters with no narrower campaign
   * scope and no agent filter (the funnel's): the campaigns' rows are taken from them, not read again.
   */
  attributions?: readonly CohortAttribution[];
}

type AttributionRow = CohortAttribution;

/** Reads a campaign's stored goal as a label ("purchase", or "event: signup"). */
export function goalLabel(goal: string): string {
  try {
    const g = JSON.parse(goal) as { type?: string; name?: string };
    return g.type === 'event' ? `event: ${g.name}` : 'purchase';
  } catch {
    return 'purchase';
  }
}

/** The account's campaigns (deleted ones too, when asked by id), for naming lift rows. */
export async function liftCampaigns(
  db: Kysely<Database>,
  accountId: string,
  id?: string,
): Promise<LiftCampaign[]> {
  let q = db
    .selectFrom('campaigns')
    .select(['id', 'name', 'goal', 'attribution_window_days', 'control_share'])
    .where('account_id', '=', accountId);
  q = id ? q.where('id', '=', id) : q.where('deleted_at', 'is', null);
  const rows = await q.orderBy('priority', 'desc').orderBy('name').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    goal: goalLabel(r.goal),
    attributionWindowDays: Number(r.attribution_window_days),
    controlShare: Number(r.control_share),
  }));
}

/**
 * Exposed vs control for each campaign: visitors who qualified in the period (shown the engagement,
 * or held out), the share of them who converted within the campaign's window, and revenue per
 * visitor; lifts with 95 % intervals and p-values from the core statistics.
 */
export async function liftReport(
  db: Kysely<Database>,
  f: ReportFilters,
  campaigns: readonly LiftCampaign[],
  opts: LiftOptions,
): Promise<CampaignLift[]> {
  return (await liftList(db, f, campaigns, opts)).campaigns;
}

/**
 * The lift of each campaign, and how their shown visitors' conversions overlap: every campaign
 * that showed the visitor its engagement within its window counts the conversion in full.
 */
export async function liftList(
  db: Kysely<Database>,
  f: ReportFilters,
  campaigns: readonly LiftCampaign[],
  opts: LiftOptions,
): Promise<{ campaigns: CampaignLift[]; overlap: CreditOverlap }> {
  if (campaigns.length === 0) return { campaigns: [], overlap: creditOverlap([]) };
  const scoped: ReportFilters = { ...f, campaignId: undefined, skillCampaignIds: campaigns.map((c) => c.id) };
  // Naming both groups lets SQLite seek each campaign, group and site's period in
  // `exposures_cohorts_idx` and read it alone. (Counting each campaign, group and site's distinct ids
  // with count(distinct) is cheaper still on SQLite, but PostgreSQL sorts for it where it hashes this.)
  const cohorts = await db
    .selectFrom(
      cohortExposures(db, scoped)
        .select(['exposures.campaign_id', 'exposures.control', 'exposures.site_id', 'exposures.visitor_id'])
        .distinct()
        .where('exposures.control', 'in', [0, 1])
        .as('v'),
    )
    .select((eb) => ['v.campaign_id', 'v.control', eb.fn.countAll().as('n')])
    .groupBy(['v.campaign_id', 'v.control'])
    .execute();
  const ids = new Set(campaigns.map((c) => c.id));
  const rows: readonly AttributionRow[] = opts.attributions
    ? opts.attributions.filter((r) => r.campaign_id !== null && ids.has(r.campaign_id))
    : await cohortAttributions(db, scoped)
        .select([...ARM_COLUMNS, 'a.campaign_id'])
        .execute();
  const lifts = campaigns.map((c) => {
    const size = (control: number) =>
      Number(cohorts.find((r) => r.campaign_id === c.id && Number(r.control) === control)?.n ?? 0);
    const mine = rows.filter((r) => r.campaign_id === c.id);
    const treated = mine.filter((r) => Number(r.control) === 0);
    const held = mine.filter((r) => Number(r.control) === 1);
    return liftOf(c, armFigures(size(0), treated), armFigures(size(1), held), treated, held, opts);
  });
  return { campaigns: lifts, overlap: creditOverlap(rows.filter((r) => Number(r.control) === 0)) };
}

/** Shown visitors' conversions counted once, added up over campaigns, and those several campaigns count. */
function creditOverlap(rows: readonly AttributionRow[]): CreditOverlap {
  const byConversion = new Map<string, { campaigns: Set<string>; revenue: number }>();
  for (const r of rows) {
    const c = byConversion.get(r.conversion_id) ?? {
      campaigns: new Set<string>(),
      revenue: Number(r.revenue),
    };
    c.campaigns.add(r.campaign_id ?? '');
    byConversion.set(r.conversion_id, c);
  }
  const out: CreditOverlap = { conversions: 0, summed: 0, shared: 0, revenue: 0, summedRevenue: 0 };
  for (const c of byConversion.values()) {
    out.conversions++;
    out.summed += c.campaigns.size;
    if (c.campaigns.size > 1) out.shared++;
    out.revenue += c.revenue;
    out.summedRevenue += c.revenue * c.campaigns.size;
  }
  return out;
}

/** One value per visitor of an arm: each converter's attributed revenue, zeros for everyone else. */
function perVisitorRevenue(visitors: number, rows: readonly AttributionRow[]): Float64Array {
  const byVisitor = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const key = `${r.site_id}\u0000${r.visitor_id}`;
    let m = byVisitor.get(key);
    if (!m) {
      m = new Map();
      byVisitor.set(key, m);
    }
    m.set(r.conversion_id, Number(r.revenue));
  }
  const values = new Float64Array(Math.max(visitors, byVisitor.size));
  let i = 0;
  for (const m of byVisitor.values()) {
    let sum = 0;
    for (const v of m.values()) sum += v;
    values[i++] = sum;
  }
  return values;
}

const none = <M extends string>(method: M) => ({ estimate: null, ci: null, method });

/** The headline of a comparison of two groups' conversion rates, as the lift reports show it. */
export type ProportionLift = Pick<
  CampaignLift,
  'absoluteLift' | 'relativeLift' | 'pValue' | 'significant' | 'enoughData' | 'verdict'
>;

/**
 * The conversion lift of `compareProportions` as a report shows it. With an empty group there is
 * nothing to compare: no estimate and no interval, rather than a figure a reader could take for a
 * measured lift.
 */
export function proportionLift(
  p: ReturnType<typeof compareProportions>,
  treated: number,
  control: number,
): ProportionLift {
  const lift: ProportionLift = {
    absoluteLift: p.absoluteLift,
    relativeLift: p.relativeLift,
    pValue: p.pValue,
    significant: p.significant,
    enoughData: p.enoughData,
    verdict: p.verdict,
  };
  if (treated > 0 && control > 0) return lift;
  return {
    ...lift,
    absoluteLift: none(lift.absoluteLift.method),
    relativeLift: none(lift.relativeLift.method),
    pValue: 1,
    significant: false,
  };
}

function liftOf(
  c: LiftCampaign,
  exposed: CampaignLift['exposed'],
  control: CampaignLift['control'],
  treatedRows: readonly AttributionRow[],
  heldRows: readonly AttributionRow[],
  opts: LiftOptions,
): CampaignLift {
  const p = compareProportions(
    { n: exposed.visitors, conversions: Math.min(exposed.converted, exposed.visitors), label: 'exposed' },
    { n: control.visitors, conversions: Math.min(control.converted, control.visitors), label: 'control' },
  );
  const headline = proportionLift(p, exposed.visitors, control.visitors);
  const t = perVisitorRevenue(exposed.visitors, treatedRows);
  const k = perVisitorRevenue(control.visitors, heldRows);
  const draws = (t.length + k.length) * opts.bootstrapIterations;
  const budget = opts.maxBootstrapDraws ?? 40_000_000;
  const iterations =
    draws > budget ? Math.floor(budget / Math.max(1, t.length + k.length)) : opts.bootstrapIterations;
  const r = compareRevenue(t, k, {
    bootstrapIterations: iterations >= 200 ? iterations : 0,
    enoughData: p.enoughData,
  });
  const lift: CampaignLift = {
    campaignId: c.id,
    campaignName: c.name,
    goal: c.goal,
    attributionWindowDays: c.attributionWindowDays,
    controlShare: c.controlShare,
    exposed,
    control,
    ...headline,
    confidenceLevel: p.confidenceLevel,
    minimumSample: p.minimumSample,
    revenue: {
      difference: r.difference,
      relativeDifference: r.relativeDifference,
      pValue: r.pValue,
      significant: r.significant,
      bootstrap: r.bootstrap
        ? { ci: r.bootstrap.ci, pValue: r.bootstrap.pValue, iterations: r.bootstrap.iterations }
        : null,
    },
  };
  if (exposed.visitors > 0 && control.visitors > 0) return lift;
  return {
    ...lift,
    revenue: {
      difference: none('welch-t'),
      relativeDifference: null,
      pValue: null,
      significant: false,
      bootstrap: null,
    },
  };
}

/** Every campaign in the filters' scope, each against its own control group (see `stratifiedLift`). */
export async function likeForLike(
  db: Kysely<Database>,
  f: ReportFilters,
  /** The funnel's attribution rows for the same filters (see `LiftOptions.attributions`). */
  attributions?: readonly CohortAttribution[],
): Promise<LikeForLike> {
  let campaigns = await liftCampaigns(db, f.accountId);
  if (f.skillCampaignIds) campaigns = campaigns.filter((c) => f.skillCampaignIds!.includes(c.id));
  const lifts = await liftReport(db, f, campaigns, { bootstrapIterations: 0, attributions });
  const arm = (a: CampaignLift['exposed']) => ({
    n: a.visitors,
    conversions: Math.min(a.converted, a.visitors),
  });
  // Campaigns that reached nobody in the period are not "left out": they have nothing to compare.
  const reached = lifts.filter((l) => l.exposed.visitors + l.control.visitors > 0);
  const s = stratifiedLift(reached.map((l) => ({ treatment: arm(l.exposed), control: arm(l.control) })));
  return {
    campaigns: s.strata,
    excluded: s.excluded,
    exposedRate: s.treatmentRate,
    controlRate: s.controlRate,
    difference: s.difference,
    pValue: s.pValue,
    verdict: s.verdict,
  };
}
