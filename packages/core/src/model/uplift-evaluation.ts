// Held-out evaluation of the uplift model on one randomised experiment: K-fold cross-fitted uplift,
// scored by Qini coefficient and AUUC over the treated and control rows, beside two references —
// random targeting and targeting by outcome propensity (one model on both arms, also out-of-fold).
import type { BoostingParams } from './gbdt-trainer.ts';
import { crossFitOutcome, crossFitUplift, TREATED, upliftFolds } from './uplift.ts';
import { auuc, qiniCoefficient, randomTargeting } from './uplift-metrics.ts';

/** Random orders averaged for the random-targeting reference. */
export const RANDOM_ROUNDS = 20;

/** Figures of one evaluation (coefficients as in uplift-metrics.ts) and the predictions behind them. */
export interface UpliftEvaluation {
  qini: number;
  auuc: number;
  /** Mean over RANDOM_ROUNDS seeded random orders (0 in expectation). */
  qiniRandom: number;
  auucRandom: number;
  /** Ranking by out-of-fold outcome probability instead of uplift. */
  qiniPropensity: number;
  auucPropensity: number;
  /** Out-of-fold predicted uplift per input row (ignored rows: mean of the fold models). */
  uplift: Float64Array;
  propensity: Float64Array;
}

/** Cross-fit and score; `arm` holds TREATED, CONTROL or IGNORED per row, `outcome` 0/1 on compared rows. */
export function evaluateUplift(
  features: readonly Float64Array[],
  arm: ArrayLike<number>,
  outcome: ArrayLike<number>,
  options: { folds?: number; seed?: number; boosting?: Partial<BoostingParams> } = {},
): UpliftEvaluation {
  const k = options.folds ?? 5;
  const seed = options.seed ?? 1;
  const fold = upliftFolds(arm, outcome, k, seed);
  const uplift = crossFitUplift(features, arm, outcome, fold, k, { ...options.boosting, seed });
  const propensity = crossFitOutcome(features, outcome, fold, k, { seed });
  const compared: number[] = [];
  for (let i = 0; i < fold.length; i++) if (fold[i] >= 0) compared.push(i);
  const y = compared.map((i) => (outcome[i] ? 1 : 0));
  const t = compared.map((i) => (arm[i] === TREATED ? 1 : 0));
  const upliftScores = compared.map((i) => uplift[i]);
  const propensityScores = compared.map((i) => propensity[i]);
  const random = randomTargeting(y, t, RANDOM_ROUNDS, seed);
  return {
    qini: qiniCoefficient(upliftScores, y, t),
    auuc: auuc(upliftScores, y, t),
    qiniRandom: random.qini,
    auucRandom: random.auuc,
    qiniPropensity: qiniCoefficient(propensityScores, y, t),
    auucPropensity: auuc(propensityScores, y, t),
    uplift,
    propensity,
  };
}
