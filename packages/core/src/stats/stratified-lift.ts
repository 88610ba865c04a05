import type { Interval, LiftVerdict } from './lift-types.ts';
import { normalQuantile, normalSurvival } from './normal-distribution.ts';
import { type ArmCounts, DEFAULT_CONFIDENCE_LEVEL, DEFAULT_MINIMUM_SAMPLE } from './proportion-comparison.ts';

/** One stratum (a campaign): its engaged visitors and its own held-out visitors. */
export interface Stratum {
  treatment: ArmCounts;
  control: ArmCounts;
}

/** Several campaigns compared like for like: each with its own control group, weighted alike. */
export interface StratifiedLift {
  /** Strata with visitors in both groups; the others cannot be compared and are left out. */
  strata: number;
  excluded: number;
  treatmentRate: number;
  /** The control rates, weighted as the engaged visitors are spread over the strata. */
  controlRate: number;
  difference: { estimate: number; ci: Interval } | null;
  pValue: number;
  verdict: LiftVerdict;
}

/**
 * The average effect on the engaged across strata: each stratum's rate difference weighted by its
 * engaged visitors (direct standardisation), with a normal interval from the strata's independent
 * variances. Pooling the groups instead compares different visitors: a campaign aimed at shoppers
 * with a full cart holds out buyers, and a pooled control group then outconverts every engaged one.
 */
export function stratifiedLift(
  strata: readonly Stratum[],
  confidenceLevel = DEFAULT_CONFIDENCE_LEVEL,
): StratifiedLift {
  const usable = strata.filter((s) => s.treatment.n > 0 && s.control.n > 0);
  const weight = usable.reduce((sum, s) => sum + s.treatment.n, 0);
  let treatmentRate = 0;
  let controlRate = 0;
  let variance = 0;
  let held = 0;
  let conversions = 0;
  for (const { treatment: t, control: c } of usable) {
    const w = t.n / weight;
    const pt = t.conversions / t.n;
    const pc = c.conversions / c.n;
    treatmentRate += w * pt;
    controlRate += w * pc;
    variance += w * w * ((pt * (1 - pt)) / t.n + (pc * (1 - pc)) / c.n);
    held += c.n;
    conversions += t.conversions + c.conversions;
  }
  const base = { strata: usable.length, excluded: strata.length - usable.length, treatmentRate, controlRate };
  if (usable.length === 0) return { ...base, difference: null, pValue: 1, verdict: 'not_enough_data' };
  const estimate = treatmentRate - controlRate;
  const se = Math.sqrt(variance);
  const z = normalQuantile(1 - (1 - confidenceLevel) / 2);
  const pValue = se > 0 ? Math.min(1, 2 * normalSurvival(Math.abs(estimate / se))) : 1;
  const enough =
    held >= DEFAULT_MINIMUM_SAMPLE.visitorsPerArm && conversions >= DEFAULT_MINIMUM_SAMPLE.totalConversions;
  const significant = enough && pValue < 1 - confidenceLevel;
  const verdict: LiftVerdict = !enough
    ? 'not_enough_data'
    : !significant
      ? 'no_significant_difference'
      : estimate > 0
        ? 'treatment_better'
        : 'control_better';
  return { ...base, difference: { estimate, ci: [estimate - z * se, estimate + z * se] }, pValue, verdict };
}
