import { MISSING_BIN } from './bin-mapper.ts';
import { BIN_FIELDS, FEATURE_STRIDE } from './histogram.ts';

/** Constraints on a split, shared by every node of a tree. */
export interface SplitConstraints {
  minSamplesLeaf: number;
  minHessianLeaf: number;
  l2: number;
  minGain: number;
}

/** The best split of a node: rows with bin <= `bin` go left, missing rows go left iff `missingLeft`. */
export interface Split {
  gain: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
  leftGrad: number;
  leftHess: number;
  leftCount: number;
}

/** Totals of a node. */
export interface NodeSums {
  grad: number;
  hess: number;
  count: number;
}

/** Score of a leaf under L2 regularisation (twice the loss reduction it achieves). */
export function leafScore(grad: number, hess: number, l2: number): number {
  return (grad * grad) / (hess + l2);
}

/** Best split over the active features of a node's histogram, or null when no split satisfies the constraints. */
export function findBestSplit(
  hist: Float64Array,
  valueBins: Uint16Array,
  activeFeatures: Int32Array,
  node: NodeSums,
  c: SplitConstraints,
): Split | null {
  const parentScore = leafScore(node.grad, node.hess, c.l2);
  let best: Split | null = null;
  let bestGain = c.minGain;
  for (let a = 0; a < activeFeatures.length; a++) {
    const f = activeFeatures[a];
    const base = f * FEATURE_STRIDE;
    const nb = valueBins[f];
    const mk = base + MISSING_BIN * BIN_FIELDS;
    const mg = hist[mk];
    const mh = hist[mk + 1];
    const mc = hist[mk + 2];
    // With no missing rows here, unseen missing values follow the larger child (decided after the scan).
    const lastBin = mc > 0 ? nb - 1 : nb - 2;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b <= lastBin; b++) {
      const k = base + b * BIN_FIELDS;
      gl += hist[k];
      hl += hist[k + 1];
      cl += hist[k + 2];
      if (hist[k + 2] === 0 && b < lastBin) continue;
      for (let dir = 0; dir < (mc > 0 ? 2 : 1); dir++) {
        // dir 0: missing right; dir 1: missing left.
        const lg = dir === 0 ? gl : gl + mg;
        const lh = dir === 0 ? hl : hl + mh;
        const lc = dir === 0 ? cl : cl + mc;
        const rc = node.count - lc;
        if (lc < c.minSamplesLeaf || rc < c.minSamplesLeaf) continue;
        const rh = node.hess - lh;
        if (lh < c.minHessianLeaf || rh < c.minHessianLeaf) continue;
        const gain = leafScore(lg, lh, c.l2) + leafScore(node.grad - lg, rh, c.l2) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          best = {
            gain,
            feature: f,
            bin: b,
            missingLeft: mc > 0 ? dir === 1 : cl >= node.count - cl,
            leftGrad: lg,
            leftHess: lh,
            leftCount: lc,
          };
        }
      }
    }
  }
  return best;
}
