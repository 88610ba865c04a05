import { bootstrapMeanDifference } from './bootstrap-mean-difference.ts';
import type { RevenueComparison } from './lift-types.ts';
import { DEFAULT_CONFIDENCE_LEVEL } from './proportion-comparison.ts';
import { summarizeSample } from './sample-summary.ts';
import { welchTest } from './welch-test.ts';

/** Options of the revenue comparison. */
export interface RevenueOptions {
  confidenceLevel?: number;
  /** Bootstrap resamples (default 2000); 0 skips the bootstrap. */
  bootstrapIterations?: number;
  /** Bootstrap seed (default 1). */
  seed?: number;
  /** Whether there is enough data for a verdict (from the conversion comparison); default true. */
  enoughData?: boolean;
}

/**
 * Compares revenue per visitor (one value per visitor, 0 for non-buyers) between arms: Welch's t
 * as the headline interval and p-value, and a seeded percentile bootstrap beside it.
 */
export function compareRevenue(
  treatment: ArrayLike<number>,
  control: ArrayLike<number>,
  options: RevenueOptions = {},
): RevenueComparison {
  const confidenceLevel = options.confidenceLevel ?? DEFAULT_CONFIDENCE_LEVEL;
  const t = summarizeSample(treatment);
  const c = summarizeSample(control);
  const welch = welchTest(t, c, confidenceLevel);
  const iterations = options.bootstrapIterations;
  const bootstrap =
    iterations === 0
      ? null
      : bootstrapMeanDifference(treatment, control, { iterations, seed: options.seed, confidenceLevel });
  const pValue = welch ? welch.pValue : null;
  return {
    treatment: { n: t.n, total: t.sum, perVisitor: t.mean, standardDeviation: Math.sqrt(t.variance) },
    control: { n: c.n, total: c.sum, perVisitor: c.mean, standardDeviation: Math.sqrt(c.variance) },
    difference: { estimate: t.mean - c.mean, ci: welch ? welch.ci : null, method: 'welch-t' },
    relativeDifference: c.mean !== 0 ? t.mean / c.mean - 1 : null,
    pValue,
    significant: (options.enoughData ?? true) && pValue !== null && pValue < 1 - confidenceLevel,
    welch,
    bootstrap,
  };
}
