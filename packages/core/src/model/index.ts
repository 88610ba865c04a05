export { fitPlatt, IDENTITY_CALIBRATION, type PlattCalibration } from './calibration.ts';
export { type CrossValidationResult, crossValidate, type FoldResult } from './cross-validation.ts';
export {
  type Explanation,
  type FeatureContribution,
  featureContributions,
  featureImportances,
  topContributions,
} from './explain.ts';
export type { Forest } from './forest.ts';
export { type BoostingParams, DEFAULT_BOOSTING, trainForest } from './gbdt-trainer.ts';
export {
  HOLDOUT_SHARE,
  type HoldoutResult,
  type LabelledSessions,
  trainWithHoldout,
} from './holdout-training.ts';
export { type BoundModel, bindModel, gatherInput, scoreBound } from './live-binding.ts';
export {
  auroc,
  averagePrecision,
  type BinaryMetrics,
  bestF1,
  binaryMetrics,
  brierScore,
  thresholdMetrics,
} from './metrics.ts';
export { MODEL_FORMAT, type ModelJson, modelFromJson, modelToJson } from './model-json.ts';
export {
  MODEL_VERSION,
  type ModelEvaluation,
  type PropensityModel,
  rawMargin,
  score,
  type TrainOptions,
  trainModel,
} from './propensity-model.ts';
export { memoMargin, ScoreMemo, scoreMemo } from './score-memo.ts';
export { stratifiedFolds } from './stratified-folds.ts';
export { MAX_CATEGORIES, type TableFeatures, tableFeatures } from './table-features.ts';
export { parseUciCsv } from './uci-csv.ts';
export {
  encodeMonth,
  encodeSession,
  encodeSessionInto,
  encodeVisitorType,
  toDataset,
} from './uci-features.ts';
export { encodeUciLive, toUciLiveDataset } from './uci-live.ts';
export {
  FEATURE_COUNT,
  FEATURE_INDEX,
  FEATURE_NAMES,
  type FeatureName,
  type UciSession,
} from './uci-session.ts';
export {
  CONTROL,
  crossFitOutcome,
  crossFitUplift,
  IGNORED,
  predictUplift,
  TREATED,
  trainUplift,
  UPLIFT_BOOSTING,
  type UpliftModel,
  upliftFolds,
  withUpliftTables,
} from './uplift.ts';
export { evaluateUplift, RANDOM_ROUNDS, type UpliftEvaluation } from './uplift-evaluation.ts';
export { type UpliftModelJson, upliftFromJson, upliftToJson } from './uplift-json.ts';
export { memoUplift, UpliftMemo } from './uplift-memo.ts';
export {
  auuc,
  type GainCurve,
  qiniCoefficient,
  qiniCurve,
  randomTargeting,
  upliftCurve,
} from './uplift-metrics.ts';
