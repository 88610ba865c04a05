// Lift statistics: pure functions over counts and rows, shared by the CLI, the server and the console.
export {
  type AlwaysValidLook,
  type AlwaysValidOptions,
  type ArmMoments,
  alwaysValidDifference,
  conversionMoments,
  DEFAULT_ALPHA,
  type Metric,
} from './always-valid-difference.ts';
export {
  type BootstrapOptions,
  bootstrapMeanDifference,
  quantileSorted,
} from './bootstrap-mean-difference.ts';
export {
  confidenceSequence,
  type SequenceLook,
  type SequenceOptions,
  type SequenceResult,
  type SequenceStep,
} from './confidence-sequence.ts';
export { CsvParser, parseCsv } from './csv-parser.ts';
export { type CsvTable, csvRows, parseCsvTable } from './csv-table.ts';
export { logBeta, logGamma } from './gamma-function.ts';
export { regularizedIncompleteBeta, regularizedIncompleteBetaXY } from './incomplete-beta.ts';
export { type LiftOptions, type LiftRow, liftFromRows } from './lift-from-rows.ts';
export type * from './lift-types.ts';
export { DEFAULT_TUNE_AT, mixtureHalfWidth, mixturePrior, mixturePValue } from './mixture-boundary.ts';
export { normalCdf, normalPdf, normalQuantile, normalSurvival } from './normal-distribution.ts';
export {
  type ArmCounts,
  type ComparisonOptions,
  compareProportions,
  DEFAULT_CONFIDENCE_LEVEL,
  DEFAULT_MINIMUM_SAMPLE,
  newcombeInterval,
  pooledZTest,
  relativeLift,
} from './proportion-comparison.ts';
export { compareRevenue, type RevenueOptions } from './revenue-comparison.ts';
export { type SampleSummary, summarizeSample } from './sample-summary.ts';
export {
  type BandArm,
  type BandStatus,
  type BandVisitor,
  bandIndex,
  type GroupLift,
  type GroupVisitor,
  groupLift,
  type ScoreBand,
  type ScoreBandLift,
  scoreBandLift,
} from './score-bands.ts';
export { createSeededRandom, type RandomSource, sampleBinomial } from './seeded-random.ts';
export { DEFAULT_MINIMAL_EFFECT, type SequentialVerdict, sequentialVerdict } from './sequential-verdict.ts';
export { StatsInputError } from './stats-input-error.ts';
export { type StratifiedLift, type Stratum, stratifiedLift } from './stratified-lift.ts';
export { studentTCdf, studentTPdf, studentTQuantile, studentTSurvival } from './student-t-distribution.ts';
export { welchTest } from './welch-test.ts';
export { wilsonInterval } from './wilson-interval.ts';
