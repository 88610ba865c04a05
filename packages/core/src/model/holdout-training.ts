import { featureImportances } from './explain.ts';
import { bindModel, scoreBound } from './live-binding.ts';
import { auroc, averagePrecision, brierScore } from './metrics.ts';
import {
  type ModelEvaluation,
  type PropensityModel,
  score,
  type TrainOptions,
  trainModel,
} from './propensity-model.ts';

/** An account's labelled sessions, oldest first, in one feature layout. */
export interface LabelledSessions {
  features: readonly Float64Array[];
  labels: ArrayLike<number>;
  featureNames: readonly string[];
}

/** A candidate model and how it compares with the model in use, on the same held-out sessions. */
export interface HoldoutResult {
  model: PropensityModel;
  /** The candidate on the held-out sessions. */
  evaluation: ModelEvaluation;
  /** The model in use on the same sessions (null when none was given). */
  baseline: { auroc: number; aupr: number; brier: number } | null;
  /** True when the candidate's held-out AUROC is not below the baseline's. */
  better: boolean;
}

/** Share of the most recent sessions held out to judge a candidate (the rest train it). */
export const HOLDOUT_SHARE = 0.2;

function quality(probs: Float64Array, labels: Uint8Array) {
  return {
    auroc: auroc(probs, labels),
    aupr: averagePrecision(probs, labels),
    brier: brierScore(probs, labels),
  };
}

/**
 * Trains a candidate on the older sessions and judges it on the most recent ones it never saw (what
 * it will face next), beside the model in use scored on the very same sessions. Throws RangeError
 * when the held-out part lacks either class.
 */
export function trainWithHoldout(
  data: LabelledSessions,
  current: PropensityModel | null,
  options: TrainOptions & { holdoutShare?: number } = {},
): HoldoutResult {
  const n = data.features.length;
  const share = options.holdoutShare ?? HOLDOUT_SHARE;
  const cut = Math.floor(n * (1 - share));
  const testLabels = Uint8Array.from({ length: n - cut }, (_, i) => (data.labels[cut + i] ? 1 : 0));
  const positives = testLabels.reduce((s, y) => s + y, 0);
  if (positives === 0 || positives === testLabels.length) {
    throw new RangeError('the held-out sessions need both purchases and sessions without one');
  }
  const trainRows = data.features.slice(0, cut);
  const trainLabels = Array.from({ length: cut }, (_, i) => (data.labels[i] ? 1 : 0));
  const model = trainModel(trainRows, trainLabels, { ...options, featureNames: data.featureNames });
  const testRows = data.features.slice(cut);
  const probs = Float64Array.from(testRows, (x) => score(model, x));
  const q = quality(probs, testLabels);
  let baseline: HoldoutResult['baseline'] = null;
  if (current !== null) {
    // The current model may read fewer features (the default model reads the UCI columns only).
    if (current.featureNames.every((name) => data.featureNames.includes(name))) {
      const bound = bindModel(current, data.featureNames);
      baseline = quality(
        Float64Array.from(testRows, (row) => scoreBound(bound, row)),
        testLabels,
      );
    }
  }
  model.evaluation = {
    method: `latest ${Math.round(share * 100)} % of sessions held out`,
    rows: testRows.length,
    positives,
    ...q,
  };
  model.importances = featureImportances(model, testRows);
  return {
    model,
    evaluation: model.evaluation,
    baseline,
    better: baseline === null || q.auroc >= baseline.auroc,
  };
}
