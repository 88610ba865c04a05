/** Count, total, mean and sample variance of one arm's values: the inputs Welch's test needs. */
export interface SampleSummary {
  n: number;
  sum: number;
  mean: number;
  /** Unbiased sample variance (n − 1 denominator); 0 when n < 2. */
  variance: number;
}

/** Summarises values in two passes (mean first, then squared deviations) for numeric stability. */
export function summarizeSample(values: ArrayLike<number>): SampleSummary {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = n > 0 ? sum / n : 0;
  let squares = 0;
  let correction = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    squares += d * d;
    correction += d;
  }
  // Corrected two-pass formula (Chan, Golub & LeVeque): removes the rounding left in the mean.
  const variance = n > 1 ? (squares - (correction * correction) / n) / (n - 1) : 0;
  return { n, sum, mean, variance: Math.max(0, variance) };
}
