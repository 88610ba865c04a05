import type { WelchResult } from './lift-types.ts';
import type { SampleSummary } from './sample-summary.ts';
import { studentTQuantile, studentTSurvival } from './student-t-distribution.ts';

/**
 * Welch's t test and interval for mean(treatment) − mean(control), with Welch–Satterthwaite
 * degrees of freedom; null when an arm has fewer than two values (no variance estimate).
 */
export function welchTest(
  treatment: SampleSummary,
  control: SampleSummary,
  confidenceLevel = 0.95,
): WelchResult | null {
  if (treatment.n < 2 || control.n < 2) return null;
  const difference = treatment.mean - control.mean;
  const v1 = treatment.variance / treatment.n;
  const v2 = control.variance / control.n;
  const standardError = Math.sqrt(v1 + v2);
  if (!(standardError > 0)) {
    // Both arms constant: the difference is known exactly.
    return {
      difference,
      standardError: 0,
      t: 0,
      df: treatment.n + control.n - 2,
      ci: [difference, difference],
      pValue: difference === 0 ? 1 : 0,
    };
  }
  const df = (v1 + v2) ** 2 / ((v1 * v1) / (treatment.n - 1) + (v2 * v2) / (control.n - 1));
  const t = difference / standardError;
  const pValue = Math.min(1, 2 * studentTSurvival(Math.abs(t), df));
  const margin = studentTQuantile(1 - (1 - confidenceLevel) / 2, df) * standardError;
  return { difference, standardError, t, df, ci: [difference - margin, difference + margin], pValue };
}
