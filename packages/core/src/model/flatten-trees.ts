import type { BinMapper } from './bin-mapper.ts';
import { buildCompleteForest } from './complete-forest.ts';
import { type Forest, NODE_STRIDE } from './forest.ts';
import type { GrownNode } from './tree-grower.ts';

/** Round to 7 significant digits so a model prints short in JSON and reloads bit-identical. */
export function roundOutput(value: number): number {
  return Number(value.toPrecision(7));
}

/** Flatten grown trees (leaf values already shrunk) into a Forest, translating bins back to raw thresholds. */
export function flattenTrees(trees: readonly GrownNode[][], mapper: BinMapper, baseScore: number): Forest {
  let internal = 0;
  let leaves = 0;
  for (const tree of trees) {
    for (const node of tree) {
      if (node.feature >= 0) internal++;
      else leaves++;
    }
  }
  const roots = new Int32Array(trees.length);
  const nodes = new Int32Array(internal * NODE_STRIDE);
  const thresholds = new Float64Array(internal);
  const nodeValues = new Float64Array(internal);
  const leafValues = new Float64Array(leaves);
  let nextInternal = 0;
  let nextLeaf = 0;
  for (let t = 0; t < trees.length; t++) {
    const tree = trees[t];
    // Grown nodes are numbered parent-before-child, so numbering in that order keeps children after parents.
    const ref = new Int32Array(tree.length);
    for (let i = 0; i < tree.length; i++) ref[i] = tree[i].feature >= 0 ? nextInternal++ : ~nextLeaf++;
    const mean = meanOutputs(tree);
    for (let i = 0; i < tree.length; i++) {
      const node = tree[i];
      if (node.feature < 0) {
        leafValues[~ref[i]] = node.value;
        continue;
      }
      const at = ref[i];
      const edges = mapper.edges[node.feature];
      const k = at * NODE_STRIDE;
      nodes[k] = node.feature;
      nodes[k + 1] = ref[node.left];
      nodes[k + 2] = ref[node.right];
      nodes[k + 3] = node.missingLeft ? ref[node.left] : ref[node.right];
      thresholds[at] = node.bin < edges.length ? edges[node.bin] : Number.MAX_VALUE;
      nodeValues[at] = roundOutput(mean[i]);
    }
    roots[t] = ref[0];
  }
  const flat = {
    featureCount: mapper.edges.length,
    baseScore,
    roots,
    nodes,
    thresholds,
    nodeValues,
    leafValues,
  };
  return { ...flat, complete: buildCompleteForest(flat) };
}

function meanOutputs(tree: readonly GrownNode[]): Float64Array {
  const mean = new Float64Array(tree.length);
  for (let i = tree.length - 1; i >= 0; i--) {
    const node = tree[i];
    if (node.feature < 0) mean[i] = node.value;
    else {
      const l = tree[node.left];
      const r = tree[node.right];
      const w = l.hess + r.hess;
      mean[i] = w > 0 ? (mean[node.left] * l.hess + mean[node.right] * r.hess) / w : 0;
    }
  }
  return mean;
}
