import type { Interval } from './lift-types.ts';
import { mixtureHalfWidth, mixturePrior, mixturePValue } from './mixture-boundary.ts';

// One look at a two-arm comparison, always valid (see mixture-boundary.ts): the difference of
// means (conversion rates, or revenue per visitor), its interval and p-value at this look, and the
// relative lift on the log scale. The sequence over looks is in `confidence-sequence.ts`.

/** One arm as the comparison needs it: visitors, and the sum and sum of squares of their values. */
export interface ArmMoments {
  n: number;
  sum: number;
  /** Σ value²; for a conversion (0 or 1 per visitor) it equals `sum`. */
  sumSquares: number;
}

/** The level and tuning of every always-valid comparison. */
export interface AlwaysValidOptions {
  /** Error rate kept over every look (default 0.05). */
  alpha?: number;
  /** Visitors in the two arms together at which the interval is tuned to be tightest (default 10,000). */
  tuneAt?: number;
}

/** What the arms' values are: 0/1 conversions (`rate`, the default) or amounts such as revenue (`mean`). */
export type Metric = 'rate' | 'mean';

/** An always-valid comparison at one look. */
export interface AlwaysValidLook {
  /** Mean of arm a − mean of arm b. */
  difference: number;
  /** Null while there is no bound yet (an amount with fewer than two visitors in an arm). */
  interval: Interval | null;
  /** min(1, 1/Λ(0)) at this look (the running minimum over looks is the always-valid p-value). */
  pValue: number;
  /** mean a / mean b − 1 with its interval from the log ratio; null when an arm has no value yet. */
  relative: { estimate: number; interval: Interval | null } | null;
}

export const DEFAULT_ALPHA = 0.05;

/** Arm moments of a conversion count: each converted visitor counts 1, every other 0. */
export function conversionMoments(n: number, conversions: number): ArmMoments {
  return { n, sum: conversions, sumSquares: conversions };
}

/**
 * The plug-in variance of an arm's mean. A proportion's is taken at (x + ½) / (n + 1), so an arm
 * with no conversions yet (or only conversions) still has some uncertainty.
 */
function meanVariance(a: ArmMoments, binary: boolean): number {
  if (a.n <= 0) return Number.POSITIVE_INFINITY;
  if (binary) {
    const p = (a.sum + 0.5) / (a.n + 1);
    return (p * (1 - p)) / a.n;
  }
  if (a.n < 2) return Number.POSITIVE_INFINITY;
  const mean = a.sum / a.n;
  const variance = Math.max(0, (a.sumSquares - a.n * mean * mean) / (a.n - 1));
  return variance / a.n;
}

/** Compares arm a with arm b at this look: difference of means with its always-valid interval and p-value. */
export function alwaysValidDifference(
  a: ArmMoments,
  b: ArmMoments,
  options: AlwaysValidOptions = {},
  metric: Metric = 'rate',
): AlwaysValidLook {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError('alpha must be in (0, 1)');
  const rho2 = mixturePrior(alpha, options.tuneAt);
  const binary = metric === 'rate';
  const meanA = a.n > 0 ? a.sum / a.n : 0;
  const meanB = b.n > 0 ? b.sum / b.n : 0;
  const difference = meanA - meanB;
  const variance = meanVariance(a, binary) + meanVariance(b, binary);
  const t = a.n + b.n;
  const half = mixtureHalfWidth(variance, t, alpha, rho2);
  const bound = binary ? 1 : Number.POSITIVE_INFINITY;
  const interval: Interval | null = Number.isFinite(half)
    ? [Math.max(-bound, difference - half), Math.min(bound, difference + half)]
    : binary
      ? [-1, 1]
      : null;
  const pValue = Number.isFinite(variance) ? mixturePValue(difference / Math.sqrt(variance), t, rho2) : 1;
  return { difference, interval, pValue, relative: relativeLook(a, b, binary, t, alpha, rho2) };
}

/**
 * mean a / mean b − 1, with the interval of log(mean a / mean b) from the same boundary (delta
 * method: Var ≈ Var(ā)/ā² + Var(b̄)/b̄²). Null until both arms have a positive mean.
 */
function relativeLook(
  a: ArmMoments,
  b: ArmMoments,
  binary: boolean,
  t: number,
  alpha: number,
  rho2: number,
): AlwaysValidLook['relative'] {
  if (a.n <= 0 || b.n <= 0 || a.sum <= 0 || b.sum <= 0) return null;
  const meanA = a.sum / a.n;
  const meanB = b.sum / b.n;
  const variance = meanVariance(a, binary) / meanA ** 2 + meanVariance(b, binary) / meanB ** 2;
  const half = mixtureHalfWidth(variance, t, alpha, rho2);
  const log = Math.log(meanA / meanB);
  const high = Math.exp(log + half) - 1;
  const interval: Interval | null = Number.isFinite(high) ? [Math.exp(log - half) - 1, high] : null;
  return { estimate: meanA / meanB - 1, interval };
}
