import type { BootstrapResult } from './lift-types.ts';
import { createSeededRandom, type RandomSource, sampleBinomial } from './seeded-random.ts';

/** Options of the bootstrap. */
export interface BootstrapOptions {
  /** Number of resamples (default 2000). */
  iterations?: number;
  /** Seed of the generator; the same seed gives the same interval (default 1). */
  seed?: number;
  confidenceLevel?: number;
}

export const DEFAULT_BOOTSTRAP_ITERATIONS = 2000;
export const DEFAULT_BOOTSTRAP_SEED = 1;
const MAX_INDEX = 2 ** 21;

/**
 * Percentile bootstrap of mean(treatment) − mean(control), resampling each arm with replacement;
 * robust to the heavy skew of revenue, where most visitors spend nothing. Null if an arm is empty.
 */
export function bootstrapMeanDifference(
  treatment: ArrayLike<number>,
  control: ArrayLike<number>,
  options: BootstrapOptions = {},
): BootstrapResult | null {
  const iterations = options.iterations ?? DEFAULT_BOOTSTRAP_ITERATIONS;
  const seed = options.seed ?? DEFAULT_BOOTSTRAP_SEED;
  const level = options.confidenceLevel ?? 0.95;
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new RangeError('iterations must be a positive integer');
  if (treatment.length === 0 || control.length === 0) return null;
  const random = createSeededRandom(seed);
  const a = new ResampleSource(treatment);
  const b = new ResampleSource(control);
  const differences = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) differences[i] = a.resampleMean(random) - b.resampleMean(random);
  differences.sort();
  let atOrBelowZero = 0;
  let atOrAboveZero = 0;
  for (const d of differences) {
    if (d <= 0) atOrBelowZero++;
    if (d >= 0) atOrAboveZero++;
  }
  const alpha = 1 - level;
  const pValue = Math.min(1, (2 * (Math.min(atOrBelowZero, atOrAboveZero) + 1)) / (iterations + 1));
  return {
    difference: a.mean - b.mean,
    ci: [quantileSorted(differences, alpha / 2), quantileSorted(differences, 1 - alpha / 2)],
    pValue,
    iterations,
    seed,
  };
}

/** Linear-interpolation quantile (type 7, as R and NumPy default) of sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

// Resampling n values with replacement draws Binomial(n, k/n) of them from the k non-zero values
// (uniformly) and zeros for the rest. With revenue, where most visitors spend 0, a resample costs
// O(k) instead of O(n); the distribution is exactly that of the naive resample.
class ResampleSource {
  readonly n: number;
  readonly mean: number;
  private readonly nonZero: Float64Array;

  constructor(values: ArrayLike<number>) {
    this.n = values.length;
    let count = 0;
    let sum = 0;
    for (let i = 0; i < this.n; i++) {
      sum += values[i];
      if (values[i] !== 0) count++;
    }
    this.mean = sum / this.n;
    this.nonZero = new Float64Array(count);
    let j = 0;
    for (let i = 0; i < this.n; i++) if (values[i] !== 0) this.nonZero[j++] = values[i];
  }

  resampleMean(random: RandomSource): number {
    const k = this.nonZero.length;
    if (k === 0) return 0;
    const draws = k === this.n ? this.n : sampleBinomial(random, this.n, k / this.n);
    let sum = 0;
    if (k > MAX_INDEX) {
      for (let i = 0; i < draws; i++) sum += this.nonZero[Math.floor(random.next() * k)];
    } else {
      for (let i = 0; i < draws; i++) sum += this.nonZero[random.nextIndex(k)];
    }
    return sum / this.n;
  }
}
