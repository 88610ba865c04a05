import { calibrate, fitPlatt, IDENTITY_CALIBRATION, type PlattCalibration } from './calibration.ts';
import { type Forest, forestMargin } from './forest.ts';
import { type BoostingParams, DEFAULT_BOOSTING, trainForest } from './gbdt-trainer.ts';
import { bestF1 } from './metrics.ts';
import { splitByFold, stratifiedFolds } from './stratified-folds.ts';
import { FEATURE_NAMES } from './uci-session.ts';

/** Version of the model format; bump when the shape of PropensityModel changes. */
export const MODEL_VERSION = 1;

/** A trained purchase-propensity model: boosted trees, their calibration and a decision threshold. */
export interface PropensityModel {
  version: typeof MODEL_VERSION;
  featureNames: readonly string[];
  forest: Forest;
  calibration: PlattCalibration;
  /** Score at or above which a visitor counts as a likely buyer (best F1 on out-of-fold training predictions). */
  threshold: number;
  training: { rows: number; positives: number; calibrationFolds: number; params: BoostingParams };
  /** How well it did on sessions it never saw in training (absent until measured). */
  evaluation?: ModelEvaluation;
  /** Share of the average score movement each feature accounts for (sums to 1; absent until measured). */
  importances?: Record<string, number>;
}

/** Held-out quality of a model and how it was measured. */
export interface ModelEvaluation {
  /** e.g. "stratified 5-fold cross-validation" or "latest 20 % of sessions held out". */
  method: string;
  rows: number;
  positives: number;
  auroc: number;
  aupr: number;
  brier: number;
}

/** How to train: tree hyper-parameters and the inner folds used to fit calibration and threshold. */
export interface TrainOptions {
  boosting?: Partial<BoostingParams>;
  /**
   * Inner stratified folds for cross-fitted calibration (0 = none, threshold 0.5). Default 3; falls back
   * to 0 (recorded in `training.calibrationFolds`) when a class has fewer rows than folds.
   */
  calibrationFolds?: number;
  featureNames?: readonly string[];
}

function pick<T>(items: readonly T[], at: readonly number[]): T[] {
  return at.map((i) => items[i]);
}

/** Train on labelled feature vectors; calibration and threshold come from inner out-of-fold predictions only. */
export function trainModel(
  features: readonly Float64Array[],
  labels: ArrayLike<number>,
  options: TrainOptions = {},
): PropensityModel {
  const params: BoostingParams = { ...DEFAULT_BOOSTING, ...options.boosting };
  const requested = options.calibrationFolds ?? 3;
  if (!Number.isInteger(requested) || requested < 0 || requested === 1) {
    throw new RangeError('calibrationFolds must be 0 or an integer >= 2');
  }
  const featureNames = options.featureNames ?? FEATURE_NAMES;
  if (features.length > 0 && features[0].length !== featureNames.length) {
    throw new RangeError(
      `feature vectors have ${features[0].length} entries, expected ${featureNames.length}`,
    );
  }
  const labelList: number[] = Array.from(labels, (y) => (y ? 1 : 0));
  const positives = labelList.reduce((s, y) => s + y, 0);
  // Calibration needs every inner fold to hold both classes; with fewer rows the trees' own sigmoid is used.
  const folds = Math.min(positives, labelList.length - positives) >= requested ? requested : 0;
  let calibration: PlattCalibration = { ...IDENTITY_CALIBRATION };
  let threshold = 0.5;
  if (folds >= 2) {
    const fold = stratifiedFolds(labelList, folds, params.seed + 7919);
    const margins = new Float64Array(features.length);
    for (let k = 0; k < folds; k++) {
      const { train, test } = splitByFold(fold, k);
      const forest = trainForest(pick(features, train), pick(labelList, train), params);
      for (const i of test) margins[i] = forestMargin(forest, features[i]);
    }
    calibration = fitPlatt(margins, labelList);
    // A non-increasing fit would invert the ranking (only on degenerate data); keep the trees' own sigmoid.
    if (!(calibration.a > 0)) calibration = { ...IDENTITY_CALIBRATION };
    const probabilities = margins.map((m) => calibrate(calibration, m));
    threshold = bestF1(probabilities, labelList).threshold;
    // No positive anywhere leaves no F1-optimal cut; fall back to even odds.
    if (!Number.isFinite(threshold)) threshold = 0.5;
  }
  const forest = trainForest(features, labelList, params);
  return {
    version: MODEL_VERSION,
    featureNames: [...featureNames],
    forest,
    calibration,
    threshold,
    training: { rows: features.length, positives, calibrationFolds: folds, params },
  };
}

/** Calibrated purchase probability for one feature vector; allocation-free, for the hot path. */
export function score(model: PropensityModel, features: Float64Array): number {
  if (features.length !== model.forest.featureCount) {
    throw new RangeError(`expected ${model.forest.featureCount} features, got ${features.length}`);
  }
  const c = model.calibration;
  return 1 / (1 + Math.exp(-(c.a * forestMargin(model.forest, features) + c.b)));
}

/** Uncalibrated log-odds of the trees (for explanations and diagnostics). */
export function rawMargin(model: PropensityModel, features: Float64Array): number {
  return forestMargin(model.forest, features);
}
