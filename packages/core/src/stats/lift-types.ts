// Result types of the lift statistics: what `beckon analytics lift`, the console and
// `/api/v1/reports/lift` return. Every number is finite so the objects serialise to JSON as-is;
// a value that does not exist (a ratio over a zero control rate) is null, never NaN or Infinity.

/** A two-sided confidence interval [low, high]. */
export type Interval = [low: number, high: number];

/** Smallest sample for which a verdict is given; below it the verdict is "not enough data yet". */
export interface MinimumSample {
  /** Visitors required in each arm (default 100). */
  visitorsPerArm: number;
  /** Conversions required across both arms together (default 10). */
  totalConversions: number;
}

/** One arm of an experiment: visitors, converted visitors and, when revenue was given, money. */
export interface ArmResult {
  /** The group value identifying this arm (e.g. "Mens E-Mail"); empty when not known. */
  label: string;
  n: number;
  conversions: number;
  /** conversions / n (0 when n is 0). */
  rate: number;
  /** Total revenue of the arm's visitors. */
  revenue?: number;
  /** revenue / n, including visitors who spent nothing. */
  revenuePerVisitor?: number;
}

/** An estimate with its confidence interval and the method that produced the interval. */
export interface IntervalEstimate {
  estimate: number;
  ci: Interval;
  method: string;
}

/**
 * Relative lift (treatment rate / control rate − 1); estimate is null when the control rate is 0,
 * ci is null only when an arm has no visitors at all.
 */
export interface RelativeEstimate {
  estimate: number | null;
  ci: Interval | null;
  method: string;
}

/** How a comparison reads: a verdict is only given once the minimum sample is reached. */
export type LiftVerdict =
  | 'not_enough_data'
  | 'treatment_better'
  | 'control_better'
  | 'no_significant_difference';

/** Welch's unequal-variance t test of a difference in means. */
export interface WelchResult {
  difference: number;
  standardError: number;
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  ci: Interval;
  pValue: number;
}

/** A seeded percentile bootstrap of a difference in means (each arm resampled on its own). */
export interface BootstrapResult {
  difference: number;
  ci: Interval;
  /** Two-sided p-value by inverting the percentile interval; cannot go below 2 / (iterations + 1). */
  pValue: number;
  iterations: number;
  seed: number;
}

/** Revenue per visitor compared between arms; headline interval and p-value come from Welch. */
export interface RevenueComparison {
  treatment: { n: number; total: number; perVisitor: number; standardDeviation: number };
  control: { n: number; total: number; perVisitor: number; standardDeviation: number };
  /** Difference in revenue per visitor (treatment − control), Welch interval; ci null if an arm has < 2 visitors. */
  difference: { estimate: number; ci: Interval | null; method: 'welch-t' };
  /** Relative difference in revenue per visitor; null when the control has no revenue. */
  relativeDifference: number | null;
  pValue: number | null;
  significant: boolean;
  welch: WelchResult | null;
  bootstrap: BootstrapResult | null;
}

/** Two conversion rates compared: the core of a lift report. */
export interface ProportionComparison {
  treatment: ArmResult;
  control: ArmResult;
  /** Treatment rate − control rate, Newcombe hybrid score interval. */
  absoluteLift: IntervalEstimate;
  /** Treatment rate / control rate − 1, log risk-ratio (delta method) interval. */
  relativeLift: RelativeEstimate;
  /** Pooled two-proportion z statistic (0 when no one or everyone converted). */
  z: number;
  /** Two-sided p-value of the pooled two-proportion z test. */
  pValue: number;
  /** pValue < 1 − confidenceLevel and enough data. */
  significant: boolean;
  enoughData: boolean;
  verdict: LiftVerdict;
  confidenceLevel: number;
  minimumSample: MinimumSample;
}

/** A full lift report: conversion comparison plus, when revenue was given, the revenue block. */
export interface LiftReport extends ProportionComparison {
  revenue?: RevenueComparison;
}
