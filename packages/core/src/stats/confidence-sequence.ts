import {
  type AlwaysValidLook,
  type AlwaysValidOptions,
  type ArmMoments,
  alwaysValidDifference,
  type Metric,
} from './always-valid-difference.ts';
import type { Interval, MinimumSample } from './lift-types.ts';
import { DEFAULT_MINIMUM_SAMPLE } from './proportion-comparison.ts';
import { DEFAULT_MINIMAL_EFFECT, type SequentialVerdict, sequentialVerdict } from './sequential-verdict.ts';

// A comparison read look after look (each day, say). Each look's interval is valid at every time at
// once, so their intersection is too, and the smallest p-value so far is a valid p-value: reading
// the report every day does not raise the error rate. Looks before the minimum sample are left out
// (the normal approximation is poor there, and they could only narrow the intersection by chance).

/** The cumulative totals of both arms at one look. */
export interface SequenceLook {
  a: ArmMoments;
  b: ArmMoments;
}

/** Options of a sequence: the level, the tuning, the equivalence band and the minimum sample. */
export interface SequenceOptions extends AlwaysValidOptions {
  /** ± this difference counts as "no difference" (default 0.005 for rates; 0 disables that verdict). */
  minimalEffect?: number;
  metric?: Metric;
  /** Below it a look gives no verdict and does not enter the sequence (default: 100 a arm, 10 conversions). */
  minimumSample?: Partial<MinimumSample>;
}

/** The sequence's state after one look. */
export interface SequenceStep {
  /** This look's difference of means (a − b). */
  difference: number;
  /** The running intersection of the looks' intervals (null: no bound yet). */
  interval: Interval | null;
  /** The smallest p-value so far. */
  pValue: number;
  enoughData: boolean;
}

/** The comparison after the last look, with the path that led there. */
export interface SequenceResult extends SequenceStep {
  /** The last look alone: its estimates (difference, relative lift) and its own interval. */
  last: AlwaysValidLook;
  verdict: SequentialVerdict;
  steps: SequenceStep[];
}

/** Runs the always-valid comparison over cumulative looks, oldest first (at least one). */
export function confidenceSequence(
  looks: readonly SequenceLook[],
  options: SequenceOptions = {},
): SequenceResult {
  if (looks.length === 0) throw new RangeError('a sequence needs at least one look');
  const metric = options.metric ?? 'rate';
  const minimum: MinimumSample = {
    visitorsPerArm: options.minimumSample?.visitorsPerArm ?? DEFAULT_MINIMUM_SAMPLE.visitorsPerArm,
    totalConversions: options.minimumSample?.totalConversions ?? DEFAULT_MINIMUM_SAMPLE.totalConversions,
  };
  const enough = (l: SequenceLook) =>
    l.a.n >= minimum.visitorsPerArm &&
    l.b.n >= minimum.visitorsPerArm &&
    (metric !== 'rate' || l.a.sum + l.b.sum >= minimum.totalConversions);
  const steps: SequenceStep[] = [];
  let interval: Interval | null = null;
  let pValue = 1;
  let started = false;
  let last: AlwaysValidLook | undefined;
  for (const look of looks) {
    last = alwaysValidDifference(look.a, look.b, options, metric);
    const enoughData = started || enough(look);
    if (enoughData) {
      started = true;
      interval = intersect(interval, last.interval);
      pValue = Math.min(pValue, last.pValue);
    }
    steps.push({
      difference: last.difference,
      interval: enoughData ? interval : last.interval,
      pValue,
      enoughData,
    });
  }
  const end = steps.at(-1)!;
  const minimalEffect = options.minimalEffect ?? (metric === 'rate' ? DEFAULT_MINIMAL_EFFECT : 0);
  return {
    ...end,
    last: last!,
    verdict: sequentialVerdict(end.interval, minimalEffect, end.enoughData),
    steps,
  };
}

/**
 * The running intersection. Should the new interval miss it altogether (the approximation failing,
 * or a drift in the data), the new one is kept rather than an empty interval.
 */
function intersect(running: Interval | null, next: Interval | null): Interval | null {
  if (running === null) return next;
  if (next === null) return running;
  const low = Math.max(running[0], next[0]);
  const high = Math.min(running[1], next[1]);
  return low <= high ? [low, high] : next;
}
