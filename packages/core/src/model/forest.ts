import { marginAnyDepth, marginDepth3, marginDepth4 } from './complete-kernels.ts';

/** Values per internal node in `Forest.nodes`: feature, left child, right child, child for a missing value. */
export const NODE_STRIDE = 4;

/**
 * Boosted trees flattened into typed arrays for allocation-free scoring.
 * A child reference c >= 0 is an internal node; c < 0 is leaf ~c. Children always follow their parent.
 */
export interface Forest {
  featureCount: number;
  /** Margin (log-odds) before any tree. */
  baseScore: number;
  /** Per tree, its root reference (a leaf when the tree never split). */
  roots: Int32Array;
  /** NODE_STRIDE entries per internal node. */
  nodes: Int32Array;
  /** Per internal node: x <= threshold goes left, x > threshold right, NaN to the missing child. */
  thresholds: Float64Array;
  /** Per internal node: hessian-weighted mean output of the leaves below (for explanations). */
  nodeValues: Float64Array;
  leafValues: Float64Array;
  /** Derived fast layout (never serialised; rebuilt on load), null for very deep trees. */
  complete: CompleteForest | null;
}

/**
 * The trees padded to complete binary trees of one depth, in heap order (children of i are 2i+1 and
 * 2i+2), so scoring a vector without missing values is a fixed number of branch-free steps per tree.
 */
export interface CompleteForest {
  depth: number;
  /** (2^depth - 1) entries per tree. */
  features: Int32Array;
  thresholds: Float64Array;
  /** 2^depth entries per tree. */
  leaves: Float64Array;
}

/** Sum of base score and tree outputs for one feature vector: the hot path, no allocation. */
export function forestMargin(forest: Forest, features: Float64Array): number {
  const complete = forest.complete;
  if (complete !== null) {
    let hasMissing = false;
    for (let f = 0; f < forest.featureCount; f++) if (Number.isNaN(features[f])) hasMissing = true;
    if (!hasMissing) return completeMargin(complete, forest.baseScore, features);
  }
  return walkMargin(forest, features);
}

/** Margin of a vector with no NaN through the complete layout: the walk's result (up to float rounding), faster. */
export function completeMargin(c: CompleteForest, baseScore: number, x: Float64Array): number {
  if (c.depth === 3) return marginDepth3(c, baseScore, x);
  if (c.depth === 4) return marginDepth4(c, baseScore, x);
  return marginAnyDepth(c, baseScore, x);
}

/** Margin by walking each tree, sending NaN to each split's learned missing-value side. */
export function walkMargin(forest: Forest, features: Float64Array): number {
  const { roots, nodes, thresholds, leafValues } = forest;
  let sum = forest.baseScore;
  for (let t = 0; t < roots.length; t++) {
    let node = roots[t];
    while (node >= 0) {
      const k = node * NODE_STRIDE;
      const x = features[nodes[k]];
      const thr = thresholds[node];
      node = x <= thr ? nodes[k + 1] : x > thr ? nodes[k + 2] : nodes[k + 3];
    }
    sum += leafValues[~node];
  }
  return sum;
}
