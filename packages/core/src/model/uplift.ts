// The incremental effect of an engagement on one customer, learned from a randomised campaign.
// Two-model learner (T-learner): one set of boosted trees learns P(outcome | features) from the
// exposed customers, another from the control customers; the predicted uplift of any customer is the
// difference of the two probabilities. Each model sees only its own arm, so the treatment can change
// the effect of every feature, and both are plain log-loss probabilities on one scale, so their
// difference is a difference of response rates (the quantity the Qini curve measures).
import { type Forest, forestMargin } from './forest.ts';
import { type BoostingParams, trainForest } from './gbdt-trainer.ts';
import { splitByFold, stratifiedFoldsByGroup } from './stratified-folds.ts';
import { buildTableForest, type TableForest, tableMargin } from './table-forest.ts';

/**
 * Trees for uplift: the effect is a small difference of two noisy rates, so each model is kept
 * smooth (shallow trees, large heavily-penalised leaves, slow learning) rather than sharp. Chosen on
 * Hillstrom by 5-fold Qini over two fold seeds: leaves of 1,000 rows and L2 50 beat 200 rows and
 * L2 10 on seven of eight runs (see docs/architecture.md, "Uplift model").
 */
export const UPLIFT_BOOSTING: Readonly<Partial<BoostingParams>> = Object.freeze({
  learningRate: 0.05,
  rounds: 100,
  maxLeaves: 8,
  maxDepth: 3,
  minSamplesLeaf: 1000,
  l2: 50,
  subsample: 0.8,
});

/** Smallest leaf for an arm of `rows`: the configured size, but at most a sixteenth of the arm (and 20 at least). */
function leafSize(configured: number, rows: number): number {
  return Math.min(configured, Math.max(20, Math.floor(rows / 16)));
}

/** The two arms' outcome models. */
export interface UpliftModel {
  treated: Forest;
  control: Forest;
  /** Both forests as lookup tables for live scoring (see withUpliftTables); null for trees too deep. */
  tables?: { treated: TableForest | null; control: TableForest | null };
}

/**
 * Builds the lookup tables live scoring reads (tens of milliseconds; done once per loaded model, not
 * for models only scored in bulk): the same predictions as the trees, several times fewer steps.
 */
export function withUpliftTables<M extends UpliftModel>(model: M): M {
  model.tables = { treated: buildTableForest(model.treated), control: buildTableForest(model.control) };
  return model;
}

function armMargin(forest: Forest, table: TableForest | null, features: Float64Array): number {
  return table === null ? forestMargin(forest, features) : tableMargin(table, features);
}

/** Arm of each row: exposed to the engagement, held out as control, or not part of the comparison. */
export const TREATED = 1;
export const CONTROL = 0;
export const IGNORED = -1;

function sigmoid(margin: number): number {
  return 1 / (1 + Math.exp(-margin));
}

function rowsOf<T>(items: readonly T[] | ArrayLike<T>, at: readonly number[]): T[] {
  return at.map((i) => items[i]);
}

/** Fit both arms' models; `arm` holds TREATED, CONTROL or IGNORED per row, `outcome` 0/1. */
export function trainUplift(
  features: readonly Float64Array[],
  arm: ArrayLike<number>,
  outcome: ArrayLike<number>,
  boosting: Partial<BoostingParams> = {},
): UpliftModel {
  const params = { ...UPLIFT_BOOSTING, ...boosting };
  const treated: number[] = [];
  const control: number[] = [];
  for (let i = 0; i < features.length; i++) {
    if (arm[i] === TREATED) treated.push(i);
    else if (arm[i] === CONTROL) control.push(i);
  }
  if (treated.length === 0 || control.length === 0) throw new RangeError('each arm needs at least one row');
  const leaf = params.minSamplesLeaf ?? 20;
  return {
    treated: trainForest(rowsOf(features, treated), rowsOf(outcome, treated), {
      ...params,
      minSamplesLeaf: leafSize(leaf, treated.length),
    }),
    control: trainForest(rowsOf(features, control), rowsOf(outcome, control), {
      ...params,
      minSamplesLeaf: leafSize(leaf, control.length),
      seed: (params.seed ?? 1) + 1,
    }),
  };
}

/** Predicted uplift of one customer: P(outcome | exposed) − P(outcome | not exposed). */
export function predictUplift(model: UpliftModel, features: Float64Array): number {
  const t = model.tables;
  if (t === undefined) {
    return sigmoid(forestMargin(model.treated, features)) - sigmoid(forestMargin(model.control, features));
  }
  return (
    sigmoid(armMargin(model.treated, t.treated, features)) -
    sigmoid(armMargin(model.control, t.control, features))
  );
}

/** Folds stratified by arm × outcome (seeded); IGNORED rows get fold -1. */
export function upliftFolds(
  arm: ArrayLike<number>,
  outcome: ArrayLike<number>,
  k: number,
  seed: number,
): Int32Array {
  const groups = Int32Array.from({ length: arm.length }, (_, i) =>
    arm[i] === TREATED || arm[i] === CONTROL ? 2 * arm[i] + (outcome[i] ? 1 : 0) : -1,
  );
  return stratifiedFoldsByGroup(groups, k, seed);
}

/**
 * Cross-fitting: each fold's rows are predicted by a model trained on the other folds only (rows of
 * fold -1 never train), so every figure computed from the predictions is held out. A row of fold -1
 * gets the mean of the K models' predictions, since every one of them is out-of-sample for it.
 */
function crossFit<M>(
  fold: Int32Array,
  k: number,
  fit: (train: number[], f: number) => M,
  predict: (model: M, row: number) => number,
): Float64Array {
  const out = new Float64Array(fold.length);
  const outside: number[] = [];
  for (let i = 0; i < fold.length; i++) if (fold[i] < 0) outside.push(i);
  for (let f = 0; f < k; f++) {
    const { train, test } = splitByFold(fold, f);
    const model = fit(
      train.filter((i) => fold[i] >= 0),
      f,
    );
    for (const i of test) out[i] = predict(model, i);
    for (const i of outside) out[i] += predict(model, i) / k;
  }
  return out;
}

/** Out-of-fold predicted uplift of every row (see crossFit), with folds from upliftFolds. */
export function crossFitUplift(
  features: readonly Float64Array[],
  arm: ArrayLike<number>,
  outcome: ArrayLike<number>,
  fold: Int32Array,
  k: number,
  boosting: Partial<BoostingParams> = {},
): Float64Array {
  const seed = boosting.seed ?? 1;
  return crossFit(
    fold,
    k,
    (train, f) =>
      trainUplift(rowsOf(features, train), rowsOf(arm, train), rowsOf(outcome, train), {
        ...boosting,
        seed: seed + 2 * f,
      }),
    (model, i) => predictUplift(model, features[i]),
  );
}

/**
 * Out-of-fold outcome probability from one model trained on both arms together, with the propensity
 * model's own trainer settings: the ranking Beckon targets by without an uplift model.
 */
export function crossFitOutcome(
  features: readonly Float64Array[],
  outcome: ArrayLike<number>,
  fold: Int32Array,
  k: number,
  boosting: Partial<BoostingParams> = {},
): Float64Array {
  const seed = boosting.seed ?? 1;
  return crossFit(
    fold,
    k,
    (train, f) =>
      trainForest(rowsOf(features, train), rowsOf(outcome, train), { ...boosting, seed: seed + f }),
    (forest, i) => sigmoid(forestMargin(forest, features[i])),
  );
}
