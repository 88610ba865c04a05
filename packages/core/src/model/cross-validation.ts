import { type BinaryMetrics, bestF1, binaryMetrics } from './metrics.ts';
import { score, type TrainOptions, trainModel } from './propensity-model.ts';
import { splitByFold, stratifiedFolds } from './stratified-folds.ts';

/** Metrics of one held-out fold, plus the oracle best-F1 on that fold for reference. */
export interface FoldResult extends BinaryMetrics {
  fold: number;
  rows: number;
  positives: number;
  /** F1 at the best threshold chosen on the test fold itself (optimistic; for comparison only). */
  oracleF1: number;
}

/** Result of stratified K-fold cross-validation: per fold, and the mean over folds. */
export interface CrossValidationResult {
  folds: FoldResult[];
  mean: BinaryMetrics & { oracleF1: number };
  /** Out-of-fold calibrated probabilities, one per input row. */
  predictions: Float64Array;
}

/**
 * Stratified K-fold cross-validation of the whole training pipeline: every fitted step (bins, trees,
 * calibration, threshold) sees the training folds only; F1/accuracy use the threshold chosen on them.
 */
export function crossValidate(
  features: readonly Float64Array[],
  labels: ArrayLike<number>,
  options: {
    folds?: number;
    seed?: number;
    train?: TrainOptions;
    onFold?: (result: FoldResult) => void;
  } = {},
): CrossValidationResult {
  const k = options.folds ?? 5;
  const seed = options.seed ?? 1;
  const labelList = Array.from(labels, (y) => (y ? 1 : 0));
  const fold = stratifiedFolds(labelList, k, seed);
  const predictions = new Float64Array(features.length);
  const results: FoldResult[] = [];
  for (let f = 0; f < k; f++) {
    const { train, test } = splitByFold(fold, f);
    const train_ = options.train ?? {};
    const model = trainModel(
      train.map((i) => features[i]),
      train.map((i) => labelList[i]),
      { ...train_, boosting: { ...train_.boosting, seed: (train_.boosting?.seed ?? seed) + f } },
    );
    const probs = new Float64Array(test.length);
    const ys = new Uint8Array(test.length);
    for (let j = 0; j < test.length; j++) {
      probs[j] = score(model, features[test[j]]);
      ys[j] = labelList[test[j]];
      predictions[test[j]] = probs[j];
    }
    const result: FoldResult = {
      fold: f,
      rows: test.length,
      positives: ys.reduce((s, y) => s + y, 0),
      ...binaryMetrics(probs, ys, model.threshold),
      oracleF1: bestF1(probs, ys).f1,
    };
    results.push(result);
    options.onFold?.(result);
  }
  const avg = (key: keyof BinaryMetrics | 'oracleF1') =>
    results.reduce((s, r) => s + r[key], 0) / results.length;
  return {
    folds: results,
    mean: {
      auroc: avg('auroc'),
      aupr: avg('aupr'),
      f1: avg('f1'),
      accuracy: avg('accuracy'),
      threshold: avg('threshold'),
      brier: avg('brier'),
      oracleF1: avg('oracleF1'),
    },
    predictions,
  };
}
