import type { ProportionComparison } from './lift-types.ts';
import {
  type ComparisonOptions,
  compareProportions,
  DEFAULT_MINIMUM_SAMPLE,
} from './proportion-comparison.ts';

/** One qualified visitor of a campaign: their score when they qualified, their arm, what they did. */
export interface BandVisitor {
  score: number;
  control: boolean;
  converted: boolean;
  revenue: number;
}

/** A visitor of any grouping (a country): their arm and what they did. */
export type GroupVisitor = Omit<BandVisitor, 'score'>;

/** One arm within a band. */
export interface BandArm {
  visitors: number;
  converted: number;
  rate: number;
  revenuePerVisitor: number;
}

/** What positive-lift targeting does with a band. */
export type BandStatus = 'targeted' | 'excluded' | 'learning';

/** Exposed vs control among visitors whose score fell in [from, to]. */
export interface ScoreBand {
  /** 1 = lowest scores. */
  band: number;
  from: number;
  to: number;
  exposed: BandArm;
  control: BandArm;
  comparison: ProportionComparison;
  status: BandStatus;
}

/** Exposed vs control within one group of a campaign's qualified visitors (a score band, a country). */
export interface GroupLift {
  exposed: BandArm;
  control: BandArm;
  comparison: ProportionComparison;
}

/** Compares the exposed and the control visitors of one group. */
export function groupLift(rows: readonly GroupVisitor[], options: ComparisonOptions = {}): GroupLift {
  const exposed = armOf(rows.filter((r) => !r.control));
  const control = armOf(rows.filter((r) => r.control));
  const comparison = compareProportions(
    { n: exposed.visitors, conversions: exposed.converted, label: 'exposed' },
    { n: control.visitors, conversions: control.converted, label: 'control' },
    options,
  );
  return { exposed, control, comparison };
}

export interface ScoreBandLift {
  /** Deciles with enough visitors, quintiles otherwise, none without any scored visitor. */
  kind: 'decile' | 'quintile' | 'none';
  bands: ScoreBand[];
  /** True when at least one band has enough data for a verdict (positive-lift targeting starts then). */
  enoughData: boolean;
}

function armOf(rows: readonly GroupVisitor[]): BandArm {
  let converted = 0;
  let revenue = 0;
  for (const r of rows) {
    if (r.converted) converted++;
    revenue += r.revenue;
  }
  const n = rows.length;
  return {
    visitors: n,
    converted,
    rate: n > 0 ? converted / n : 0,
    revenuePerVisitor: n > 0 ? revenue / n : 0,
  };
}

/**
 * Splits a campaign's qualified visitors into score bands of equal size (pooled over both arms) and
 * compares exposed with control in each: deciles when the smaller arm holds ten times the minimum
 * sample per arm (so a decile can reach it), quintiles otherwise. A band whose lift estimate is
 * positive is `targeted`, a band with a lift at or below zero `excluded`, a band below the minimum
 * sample `learning` (positive-lift mode keeps targeting it until it can tell).
 */
export function scoreBandLift(
  visitors: readonly BandVisitor[],
  options: ComparisonOptions = {},
): ScoreBandLift {
  if (visitors.length === 0) return { kind: 'none', bands: [], enoughData: false };
  const perArm = options.minimumSample?.visitorsPerArm ?? DEFAULT_MINIMUM_SAMPLE.visitorsPerArm;
  let controls = 0;
  for (const v of visitors) if (v.control) controls++;
  const smaller = Math.min(controls, visitors.length - controls);
  const kind = smaller >= 10 * perArm ? 'decile' : 'quintile';
  const count = kind === 'decile' ? 10 : 5;
  const sorted = visitors.map((v) => v.score).sort((a, b) => a - b);
  // Upper edges of each band; equal edges (ties) merge bands.
  const edges: number[] = [];
  for (let k = 1; k <= count; k++) {
    const edge = sorted[Math.max(0, Math.ceil((k * sorted.length) / count) - 1)]!;
    if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
  }
  const members: BandVisitor[][] = edges.map(() => []);
  for (const v of visitors) members[bandIndex(edges, v.score)]!.push(v);
  const bands = edges.map((to, i): ScoreBand => {
    const { exposed, control, comparison } = groupLift(members[i]!, options);
    const status: BandStatus = !comparison.enoughData
      ? 'learning'
      : comparison.absoluteLift.estimate > 0
        ? 'targeted'
        : 'excluded';
    return {
      band: i + 1,
      from: i === 0 ? sorted[0]! : edges[i - 1]!,
      to,
      exposed,
      control,
      comparison,
      status,
    };
  });
  return { kind, bands, enoughData: bands.some((b) => b.comparison.enoughData) };
}

/** Index of the band a score falls in: the first whose upper edge is at or above it (the last for anything higher). */
export function bandIndex(edges: readonly number[], score: number): number {
  let lo = 0;
  let hi = edges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (score <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
