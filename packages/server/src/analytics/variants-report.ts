import {
  type ArmMoments,
  alwaysValidDifference,
  confidenceSequence,
  conversionMoments,
  DEFAULT_ALPHA,
  DEFAULT_MINIMAL_EFFECT,
  type SequenceLook,
  sequentialVerdict,
} from '@beckon/core/stats/index';
import { CONTROL_ARM } from '@beckon/protocol';
import type {
  VariantArm,
  VariantComparison,
  VariantDay,
  VariantsReport,
} from '@beckon/protocol/variants-report-api';
import { DAY_MS } from './attribution-rules.ts';
import { periodOf, type ReportFilters, startOfDay } from './report-filters.ts';
import type { ArmConverter, ArmEntries, ArmData as ArmRows } from './variants-data.ts';

/** A campaign as the variants report names it. */
export interface VariantsCampaign {
  id: string;
  name: string;
  controlShare: number;
  minimalEffect?: number;
  /** Its variants now (absent: none). */
  variants?: ReadonlyArray<{ key: string; weight: number }>;
}

/** One arm's figures, with its entries and conversions sorted for the daily looks. */
interface ArmData {
  arm: VariantArm;
  /** Quarter-hour starts, ascending, and the visitors who entered up to and including each. */
  enteredAt: number[];
  enteredBy: number[];
  converted: number[];
  revenue: ArmMoments;
}

/**
 * The variants report: each arm's figures, each variant against control and against each other
 * variant with always-valid intervals (the running intersection over the period's days, so the
 * report may be read every day), and each variant's interval against control day by day.
 */
export function variantsReport(
  c: VariantsCampaign,
  rows: ArmRows,
  f: ReportFilters,
  currency: string | null,
  now = Date.now(),
): VariantsReport {
  const minimalEffect = c.minimalEffect ?? DEFAULT_MINIMAL_EFFECT;
  const arms = armsOf(c, rows);
  const days = dayEnds(f, now);
  const looks = (a: ArmData, b: ArmData): SequenceLook[] =>
    days.map(({ end }) => ({ a: lookAt(a, end), b: lookAt(b, end) }));
  const options = { alpha: DEFAULT_ALPHA, minimalEffect };

  const compare = (a: ArmData, b: ArmData): { row: VariantComparison; steps: VariantDay[] } => {
    const s = confidenceSequence(looks(a, b), options);
    const r = alwaysValidDifference(a.revenue, b.revenue, options, 'mean');
    const enough = s.enoughData;
    const row: VariantComparison = {
      arm: a.arm.key,
      against: b.arm.key,
      difference: s.last.difference,
      interval: s.interval,
      relative: s.last.relative,
      pValue: s.pValue,
      enoughData: enough,
      verdict: s.verdict,
      revenue: {
        difference: r.difference,
        interval: r.interval,
        pValue: r.pValue,
        verdict: sequentialVerdict(r.interval, 0, enough),
      },
    };
    const steps = s.steps.map((step, i) => ({
      date: days[i]!.date,
      arm: a.arm.key,
      difference: step.difference,
      interval: step.interval,
      pValue: step.pValue,
      enoughData: step.enoughData,
    }));
    return { row, steps };
  };

  const control = arms[0]!;
  const variants = arms.slice(1);
  const comparisons: VariantComparison[] = [];
  const series: VariantDay[] = [];
  for (const v of variants) {
    const { row, steps } = compare(v, control);
    comparisons.push(row);
    series.push(...steps);
  }
  for (let i = 0; i < variants.length; i++)
    for (let j = i + 1; j < variants.length; j++) comparisons.push(compare(variants[i]!, variants[j]!).row);

  return {
    period: periodOf(f),
    currency,
    campaignId: c.id,
    campaignName: c.name,
    controlShare: c.controlShare,
    minimalEffect,
    alpha: DEFAULT_ALPHA,
    method: 'normal-mixture-confidence-sequence',
    hasVariants: (c.variants?.length ?? 0) > 0,
    arms: arms.map((a) => a.arm),
    comparisons,
    series,
  };
}

/** Control, the campaign's variants in its order, then variants found in the data but removed since. */
function armsOf(c: VariantsCampaign, rows: ArmRows): ArmData[] {
  const found = new Set([...rows.entries.map((e) => e.arm), ...rows.converters.map((v) => v.arm)]);
  const configured = c.variants ?? [];
  const removed = [...found].filter((k) => k !== CONTROL_ARM && !configured.some((v) => v.key === k)).sort();
  const keys: Array<{ key: string; weight: number | null; removed: boolean }> = [
    { key: CONTROL_ARM, weight: null, removed: false },
    ...configured.map((v) => ({ key: v.key, weight: v.weight, removed: false })),
    ...removed.map((key) => ({ key, weight: null, removed: true })),
  ];
  return keys.map(({ key, weight, removed }) =>
    armData(
      key,
      weight,
      removed,
      rows.entries.filter((e) => e.arm === key),
      rows.converters.filter((v) => v.arm === key),
    ),
  );
}

function armData(
  key: string,
  weight: number | null,
  removed: boolean,
  entries: readonly ArmEntries[],
  converters: readonly ArmConverter[],
): ArmData {
  const sorted = [...entries].sort((a, b) => a.at - b.at);
  const enteredBy: number[] = [];
  let visitors = 0;
  let exposures = 0;
  for (const e of sorted) {
    visitors += e.visitors;
    exposures += e.exposures;
    enteredBy.push(visitors);
  }
  let conversions = 0;
  let revenue = 0;
  let squares = 0;
  for (const v of converters) {
    conversions += v.conversions;
    revenue += v.revenue;
    squares += v.revenue * v.revenue;
  }
  // A converted visitor entered the arm in the period: never more converted than visitors.
  const converted = Math.min(converters.length, visitors);
  return {
    arm: {
      key,
      control: key === CONTROL_ARM,
      removed,
      weight,
      visitors,
      exposures,
      converted,
      conversions,
      revenue,
      conversionRate: visitors > 0 ? converted / visitors : 0,
      revenuePerVisitor: visitors > 0 ? revenue / visitors : 0,
    },
    enteredAt: sorted.map((e) => e.at),
    enteredBy,
    converted: converters.map((v) => v.convertedAt).sort((a, b) => a - b),
    revenue: { n: visitors, sum: revenue, sumSquares: squares },
  };
}

/** The arm's visitors and converted visitors as of `end` (a quarter-hour boundary): a cumulative look. */
function lookAt(a: ArmData, end: number): ArmMoments {
  const entered = countBefore(a.enteredAt, end);
  const visitors = entered > 0 ? a.enteredBy[entered - 1]! : 0;
  return conversionMoments(visitors, Math.min(visitors, countBefore(a.converted, end)));
}

/** How many sorted values are below `end` (binary search). */
function countBefore(sorted: readonly number[], end: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < end) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The date (YYYY-MM-DD) of an instant in a time zone. */
export const localDate = (tz: string, t: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(new Date(t));

/**
 * The end of each local day of the period up to now, labelled by its date: the daily looks. The
 * last look ends at the period's end (or now), so it holds every conversion the report counts.
 */
function dayEnds(f: ReportFilters, now: number): Array<{ date: string; end: number }> {
  const stop = Math.min(f.to, Math.max(now, f.from + 1));
  const out: Array<{ date: string; end: number }> = [];
  for (let start = startOfDay(f.tz, f.from); start < stop; ) {
    const next = startOfDay(f.tz, start + DAY_MS + 2 * 3_600_000);
    out.push({ date: localDate(f.tz, Math.max(start, f.from)), end: Math.min(next, stop) });
    start = next;
  }
  // Conversions are credited after the period's end too (within the window): the last look has them all.
  out[out.length - 1]!.end = Number.POSITIVE_INFINITY;
  return out;
}
