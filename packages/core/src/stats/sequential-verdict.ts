import type { Interval } from './lift-types.ts';

/**
 * The smallest difference of conversion rates (absolute: 0.005 is half a percentage point) worth
 * telling apart, unless the campaign sets its own: inside ± this, "no difference likely".
 */
export const DEFAULT_MINIMAL_EFFECT = 0.005;

/**
 * What an always-valid comparison of arm a with arm b says now:
 * - `wins` / `loses`: the interval lies entirely above / below 0;
 * - `no_difference_likely`: the interval lies entirely inside ± the minimal effect worth telling apart;
 * - `keep_running`: neither yet, or not enough data for any verdict.
 */
export type SequentialVerdict = 'keep_running' | 'wins' | 'loses' | 'no_difference_likely';

/** Reads an always-valid interval of the difference a − b against 0 and the equivalence band ± `minimalEffect`. */
export function sequentialVerdict(
  interval: Interval | null,
  minimalEffect: number,
  enoughData: boolean,
): SequentialVerdict {
  if (!enoughData || interval === null) return 'keep_running';
  const [low, high] = interval;
  if (low > 0) return 'wins';
  if (high < 0) return 'loses';
  if (low >= -minimalEffect && high <= minimalEffect) return 'no_difference_likely';
  return 'keep_running';
}
