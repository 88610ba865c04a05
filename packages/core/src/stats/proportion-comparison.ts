import type {
  ArmResult,
  Interval,
  LiftVerdict,
  MinimumSample,
  ProportionComparison,
  RelativeEstimate,
} from './lift-types.ts';
import { normalQuantile, normalSurvival } from './normal-distribution.ts';
import { wilsonInterval } from './wilson-interval.ts';

/** Visitors and converted visitors of one arm. */
export interface ArmCounts {
  n: number;
  conversions: number;
  label?: string;
}

/** Options shared by every comparison. */
export interface ComparisonOptions {
  /** Confidence level of every interval (default 0.95); significance is p < 1 − level. */
  confidenceLevel?: number;
  /** Below this the verdict is "not enough data yet" (default 100 visitors per arm, 10 conversions in total). */
  minimumSample?: Partial<MinimumSample>;
}

export const DEFAULT_CONFIDENCE_LEVEL = 0.95;
export const DEFAULT_MINIMUM_SAMPLE: MinimumSample = { visitorsPerArm: 100, totalConversions: 10 };

/** Compares two conversion rates: lift with 95 % intervals, pooled z-test p-value and a verdict. */
export function compareProportions(
  treatment: ArmCounts,
  control: ArmCounts,
  options: ComparisonOptions = {},
): ProportionComparison {
  checkCounts(treatment, 'treatment');
  checkCounts(control, 'control');
  const confidenceLevel = options.confidenceLevel ?? DEFAULT_CONFIDENCE_LEVEL;
  if (!(confidenceLevel > 0 && confidenceLevel < 1))
    throw new RangeError('confidenceLevel must be in (0, 1)');
  const minimumSample: MinimumSample = {
    visitorsPerArm: options.minimumSample?.visitorsPerArm ?? DEFAULT_MINIMUM_SAMPLE.visitorsPerArm,
    totalConversions: options.minimumSample?.totalConversions ?? DEFAULT_MINIMUM_SAMPLE.totalConversions,
  };
  const z = normalQuantile(1 - (1 - confidenceLevel) / 2);

  const t = arm(treatment);
  const c = arm(control);
  const { statistic, pValue } = pooledZTest(treatment, control);
  const enoughData =
    treatment.n >= minimumSample.visitorsPerArm &&
    control.n >= minimumSample.visitorsPerArm &&
    treatment.conversions + control.conversions >= minimumSample.totalConversions;
  const significant = enoughData && pValue < 1 - confidenceLevel;
  let verdict: LiftVerdict = 'not_enough_data';
  if (enoughData)
    verdict = significant
      ? t.rate > c.rate
        ? 'treatment_better'
        : 'control_better'
      : 'no_significant_difference';

  return {
    treatment: t,
    control: c,
    absoluteLift: {
      estimate: t.rate - c.rate,
      ci: newcombeInterval(treatment, control, z),
      method: 'newcombe-hybrid-score',
    },
    relativeLift: relativeLift(treatment, control, z),
    z: statistic,
    pValue,
    significant,
    enoughData,
    verdict,
    confidenceLevel,
    minimumSample,
  };
}

function checkCounts(counts: ArmCounts, name: string): void {
  const { n, conversions } = counts;
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(conversions) || conversions < 0 || conversions > n) {
    throw new RangeError(`${name}: need integers 0 ≤ conversions ≤ n, got ${conversions} of ${n}`);
  }
}

function arm(counts: ArmCounts): ArmResult {
  const { n, conversions } = counts;
  return { label: counts.label ?? '', n, conversions, rate: n > 0 ? conversions / n : 0 };
}

/** Pooled two-proportion z test; p = 1 when the pooled rate is 0 or 1 (nothing to compare). */
export function pooledZTest(treatment: ArmCounts, control: ArmCounts): { statistic: number; pValue: number } {
  const { n: n1, conversions: x1 } = treatment;
  const { n: n2, conversions: x2 } = control;
  if (n1 === 0 || n2 === 0) return { statistic: 0, pValue: 1 };
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return { statistic: 0, pValue: 1 };
  const statistic = (x1 / n1 - x2 / n2) / se;
  return { statistic, pValue: Math.min(1, 2 * normalSurvival(Math.abs(statistic))) };
}

/** Newcombe's hybrid score interval for p1 − p2 (method 10 of Newcombe 1998, from Wilson intervals). */
export function newcombeInterval(treatment: ArmCounts, control: ArmCounts, z: number): Interval {
  const p1 = treatment.n > 0 ? treatment.conversions / treatment.n : 0;
  const p2 = control.n > 0 ? control.conversions / control.n : 0;
  const [l1, u1] = wilsonInterval(treatment.conversions, treatment.n, z);
  const [l2, u2] = wilsonInterval(control.conversions, control.n, z);
  const d = p1 - p2;
  const low = d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2);
  const high = d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2);
  return [Math.max(-1, low), Math.min(1, high)];
}

/**
 * Relative lift p1/p2 − 1 with a log risk-ratio (delta method) interval. When either arm has no
 * conversions, 0.5 is added to every cell of the 2×2 table (Haldane–Anscombe) for the interval.
 */
export function relativeLift(treatment: ArmCounts, control: ArmCounts, z: number): RelativeEstimate {
  const method = 'log-risk-ratio';
  let { n: n1, conversions: x1 } = treatment;
  let { n: n2, conversions: x2 } = control;
  const estimate = x2 > 0 && n1 > 0 ? x1 / n1 / (x2 / n2) - 1 : null;
  if (n1 === 0 || n2 === 0) return { estimate, ci: null, method };
  if (x1 === 0 || x2 === 0) {
    x1 += 0.5;
    x2 += 0.5;
    n1 += 1;
    n2 += 1;
  }
  const logRatio = Math.log(x1 / n1) - Math.log(x2 / n2);
  const se = Math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2);
  const ci: Interval = [Math.exp(logRatio - z * se) - 1, Math.exp(logRatio + z * se) - 1];
  return { estimate, ci, method };
}
