/** Classification quality of scores against 0/1 labels. */
export interface BinaryMetrics {
  auroc: number;
  /** Average precision (area under the precision–recall curve, step-wise). */
  aupr: number;
  f1: number;
  accuracy: number;
  /** The threshold `f1` and `accuracy` were measured at (predict positive when score >= threshold). */
  threshold: number;
  brier: number;
}

function check(scores: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (scores.length !== labels.length) throw new RangeError('scores and labels differ in length');
  if (scores.length === 0) throw new RangeError('no scores');
}

function countPositives(labels: ArrayLike<number>): number {
  let p = 0;
  for (let i = 0; i < labels.length; i++) p += labels[i] ? 1 : 0;
  return p;
}

/** Calls visit(threshold, tp, fp) once per distinct score, from the highest down (predict positive at >= threshold). */
function sweep(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  visit: (threshold: number, tp: number, fp: number) => void,
): void {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; ) {
    const threshold = scores[order[i]];
    while (i < order.length && scores[order[i]] === threshold) {
      if (labels[order[i]]) tp++;
      else fp++;
      i++;
    }
    visit(threshold, tp, fp);
  }
}

/** Area under the ROC curve: the chance a random positive outranks a random negative (ties count half). */
export function auroc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  check(scores, labels);
  const pos = countPositives(labels);
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  let area = 0;
  let prevTp = 0;
  let prevFp = 0;
  sweep(scores, labels, (_t, tp, fp) => {
    area += ((fp - prevFp) * (tp + prevTp)) / 2; // trapezoid: ties between classes count half
    prevTp = tp;
    prevFp = fp;
  });
  return area / (pos * neg);
}

/** Average precision: sum over thresholds of (recall gained) × precision, as scikit-learn defines it. */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  check(scores, labels);
  const pos = countPositives(labels);
  if (pos === 0) return Number.NaN;
  let ap = 0;
  let prevTp = 0;
  sweep(scores, labels, (_t, tp, fp) => {
    ap += ((tp - prevTp) / pos) * (tp / (tp + fp));
    prevTp = tp;
  });
  return ap;
}

/** F1 and accuracy when predicting positive at score >= threshold. */
export function thresholdMetrics(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold: number,
): { f1: number; accuracy: number } {
  check(scores, labels);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const predicted = scores[i] >= threshold;
    if (labels[i]) {
      if (predicted) tp++;
      else fn++;
    } else if (predicted) fp++;
  }
  const tn = scores.length - tp - fp - fn;
  return { f1: tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn), accuracy: (tp + tn) / scores.length };
}

/** The threshold with the highest F1 over these scores, with its F1 and accuracy. */
export function bestF1(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): { f1: number; accuracy: number; threshold: number } {
  check(scores, labels);
  const n = scores.length;
  const pos = countPositives(labels);
  let best = { f1: 0, accuracy: (n - pos) / n, threshold: Number.POSITIVE_INFINITY };
  sweep(scores, labels, (threshold, tp, fp) => {
    const f1 = tp === 0 ? 0 : (2 * tp) / (tp + fp + pos);
    if (f1 > best.f1) best = { f1, accuracy: (tp + (n - pos - fp)) / n, threshold };
  });
  return best;
}

/** Mean squared error of probabilities against outcomes (lower is better; 0.25 is a coin flip). */
export function brierScore(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  check(probabilities, labels);
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const d = probabilities[i] - (labels[i] ? 1 : 0);
    sum += d * d;
  }
  return sum / probabilities.length;
}

/** AUROC, AUPR, Brier, and F1/accuracy at `threshold` (or at the best-F1 threshold of these scores when omitted). */
export function binaryMetrics(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold?: number,
): BinaryMetrics {
  const at =
    threshold === undefined
      ? bestF1(probabilities, labels)
      : { ...thresholdMetrics(probabilities, labels, threshold), threshold };
  return {
    auroc: auroc(probabilities, labels),
    aupr: averagePrecision(probabilities, labels),
    f1: at.f1,
    accuracy: at.accuracy,
    threshold: at.threshold,
    brier: brierScore(probabilities, labels),
  };
}
