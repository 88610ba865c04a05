// Qini and uplift curves and their normalised areas, defined exactly as scikit-uplift 0.5.1
// (sklift.metrics: qini_curve, qini_auc_score with negative_effect=True, uplift_curve,
// uplift_auc_score), so a figure printed here can be recomputed there from the same predictions.
//
// Rows are sorted by predicted uplift, highest first; rows with equal scores form one step.
// At the end of each step, with cumulative counts n_t, n_c and responders y_t, y_c:
//   Qini(n)   = y_t − y_c · n_t / n_c               (0 where n_c = 0)
//   uplift(n) = (y_t / n_t − y_c / n_c) · (n_t + n_c)  (each rate 0 where its count is 0)
// A coefficient is the trapezoid area between the curve and the straight line from (0, 0) to the
// curve's end point (random targeting), divided by the same area for the perfect ranking.
// Random targeting therefore scores 0 on average and the perfect ranking 1.
import { createRng, shuffleInPlace } from './rng.ts';

/** Points of a gain curve: x = customers targeted, y = gain at that depth; starts at (0, 0). */
export interface GainCurve {
  x: Float64Array;
  y: Float64Array;
}

function check(outcome: ArrayLike<number>, treated: ArrayLike<number>, scores?: ArrayLike<number>): void {
  if (outcome.length !== treated.length || (scores && scores.length !== outcome.length))
    throw new RangeError('scores, outcomes and arms differ in length');
  if (outcome.length === 0) throw new RangeError('no rows');
  for (let i = 0; i < outcome.length; i++) {
    if ((outcome[i] !== 0 && outcome[i] !== 1) || (treated[i] !== 0 && treated[i] !== 1))
      throw new RangeError('outcomes and arms must be 0 or 1');
  }
}

/** Cumulative counts at the end of each group of tied scores, highest score first. */
function steps(
  scores: ArrayLike<number>,
  outcome: ArrayLike<number>,
  treated: ArrayLike<number>,
  visit: (all: number, nt: number, yt: number, nc: number, yc: number) => void,
): void {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let nt = 0;
  let yt = 0;
  let nc = 0;
  let yc = 0;
  for (let i = 0; i < order.length; ) {
    const s = scores[order[i]];
    while (i < order.length && scores[order[i]] === s) {
      const r = order[i++];
      if (treated[r]) {
        nt++;
        yt += outcome[r];
      } else {
        nc++;
        yc += outcome[r];
      }
    }
    visit(i, nt, yt, nc, yc);
  }
}

function curve(
  scores: ArrayLike<number>,
  outcome: ArrayLike<number>,
  treated: ArrayLike<number>,
  gain: (nt: number, yt: number, nc: number, yc: number) => number,
): GainCurve {
  check(outcome, treated, scores);
  const x = [0];
  const y = [0];
  steps(scores, outcome, treated, (all, nt, yt, nc, yc) => {
    x.push(all);
    y.push(gain(nt, yt, nc, yc));
  });
  return { x: Float64Array.from(x), y: Float64Array.from(y) };
}

/** Qini curve: treated responders minus control responders scaled to the treated count, y_t − y_c·n_t/n_c. */
export function qiniCurve(
  scores: ArrayLike<number>,
  outcome: ArrayLike<number>,
  treated: ArrayLike<number>,
): GainCurve {
  return curve(scores, outcome, treated, (nt, yt, nc, yc) => (nc === 0 ? yt : yt - (yc * nt) / nc));
}

/** Uplift curve: difference of response rates times the customers targeted, (y_t/n_t − y_c/n_c)·n. */
export function upliftCurve(
  scores: ArrayLike<number>,
  outcome: ArrayLike<number>,
  treated: ArrayLike<number>,
): GainCurve {
  return curve(
    scores,
    outcome,
    treated,
    (nt, yt, nc, yc) => ((nt === 0 ? 0 : yt / nt) - (nc === 0 ? 0 : yc / nc)) * (nt + nc),
  );
}

/** Trapezoid area under a curve, minus that of the straight line from (0, 0) to its last point. */
function areaOverRandom(c: GainCurve): number {
  let area = 0;
  for (let i = 1; i < c.x.length; i++) area += ((c.x[i] - c.x[i - 1]) * (c.y[i] + c.y[i - 1])) / 2;
  const last = c.x.length - 1;
  return area - (c.x[last] * c.y[last]) / 2;
}

/** Scores of the perfect Qini ranking (negative effects included): treated responders first, control responders last. */
function perfectQiniScores(outcome: ArrayLike<number>, treated: ArrayLike<number>): Float64Array {
  return Float64Array.from(outcome, (y, i) => (treated[i] ? y : -y));
}

/** Scores of sklift's perfect uplift ranking: treated responders and control non-responders first. */
function perfectUpliftScores(outcome: ArrayLike<number>, treated: ArrayLike<number>): Float64Array {
  let controlResponders = 0;
  let treatedNonResponders = 0;
  for (let i = 0; i < outcome.length; i++) {
    if (outcome[i] && !treated[i]) controlResponders++;
    if (!outcome[i] && treated[i]) treatedNonResponders++;
  }
  // The larger of the two harmful groups goes last.
  const byOutcome = controlResponders > treatedNonResponders;
  return Float64Array.from(outcome, (y, i) => 2 * (y === treated[i] ? 1 : 0) + (byOutcome ? y : treated[i]));
}

/** Qini coefficient: area between the Qini curve and random, over that of the perfect ranking (sklift qini_auc_score). */
export function qiniCoefficient(
  scores: ArrayLike<number>,
  outcome: ArrayLike<number>,
  treated: ArrayLike<number>,
): number {
  return (
    areaOverRandom(qiniCurve(scores, outcome, treated)) /
    areaOverRandom(qiniCurve(perfectQiniScores(outcome, treated), outcome, treated))
  );
}

/** Area under the uplift curve over random, divided by that of the perfect ranking (sklift uplift_auc_score). */
export function auuc(
  scores: ArrayLike<number>,
  outcome: ArrayLike<number>,
  treated: ArrayLike<number>,
): number {
  return (
    areaOverRandom(upliftCurve(scores, outcome, treated)) /
    areaOverRandom(upliftCurve(perfectUpliftScores(outcome, treated), outcome, treated))
  );
}

/** Mean Qini coefficient and AUUC of `rounds` seeded random orders: the random-targeting reference, ≈ 0. */
export function randomTargeting(
  outcome: ArrayLike<number>,
  treated: ArrayLike<number>,
  rounds = 20,
  seed = 1,
): { qini: number; auuc: number } {
  const rng = createRng(seed);
  const ranks = Float64Array.from({ length: outcome.length }, (_, i) => i);
  const qiniPerfect = areaOverRandom(qiniCurve(perfectQiniScores(outcome, treated), outcome, treated));
  const upliftPerfect = areaOverRandom(upliftCurve(perfectUpliftScores(outcome, treated), outcome, treated));
  let qini = 0;
  let uplift = 0;
  for (let r = 0; r < rounds; r++) {
    shuffleInPlace(ranks, rng);
    qini += areaOverRandom(qiniCurve(ranks, outcome, treated)) / qiniPerfect;
    uplift += areaOverRandom(upliftCurve(ranks, outcome, treated)) / upliftPerfect;
  }
  return { qini: qini / rounds, auuc: uplift / rounds };
}
