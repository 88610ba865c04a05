import fc from 'fast-check';
import { LIVE_FEATURE_COUNT } from '../../src/features/live-features.ts';

/**
 * One update's move of a live feature: to a split's threshold (`splits[k]`, per feature), just past
 * it, to another real session's value, to a random value, or to a special one (NaN, ±∞, −0).
 */
export function featureMove(splits: readonly number[][], live: readonly Float64Array[]) {
  const value = (k: number) =>
    fc.oneof(
      splits[k].length > 0 ? fc.constantFrom(...splits[k]) : fc.constant(0),
      splits[k].length > 0
        ? fc.constantFrom(...splits[k]).map((h) => h + 1e-9 * Math.max(1, Math.abs(h)))
        : fc.constant(1),
      fc.integer({ min: 0, max: live.length - 1 }).map((i) => live[i][k]),
      fc.double({ min: -10, max: 1e4, noNaN: true }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0),
    );
  return fc
    .integer({ min: 0, max: LIVE_FEATURE_COUNT - 1 })
    .chain((k) => value(k).map((v): [number, number] => [k, v]));
}
