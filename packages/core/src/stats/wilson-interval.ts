import type { Interval } from './lift-types.ts';

/** Wilson score interval for one proportion (no continuity correction); [0, 1] when n is 0. */
export function wilsonInterval(successes: number, n: number, z: number): Interval {
  if (n <= 0) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const halfWidth = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // Clamp rounding noise at the boundaries (0 successes gives exactly 0 as the lower limit).
  const low = successes === 0 ? 0 : Math.max(0, centre - halfWidth);
  const high = successes === n ? 1 : Math.min(1, centre + halfWidth);
  return [low, high];
}
