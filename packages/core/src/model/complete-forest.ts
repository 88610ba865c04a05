import { type CompleteForest, type Forest, NODE_STRIDE } from './forest.ts';

/** Deepest tree the complete layout is built for; deeper forests score through the walk only. */
export const MAX_COMPLETE_DEPTH = 10;

/** Depth shallower forests are padded to. */
export const MIN_COMPLETE_DEPTH = 3;

function treeDepth(forest: Forest, ref: number): number {
  if (ref < 0) return 0;
  const k = ref * NODE_STRIDE;
  return 1 + Math.max(treeDepth(forest, forest.nodes[k + 1]), treeDepth(forest, forest.nodes[k + 2]));
}

/** Build the complete layout of a forest, or null when its trees are too deep for padding to pay. */
export function buildCompleteForest(forest: Omit<Forest, 'complete'>): CompleteForest | null {
  const f = forest as Forest;
  let depth = 0;
  for (const root of f.roots) depth = Math.max(depth, treeDepth(f, root));
  if (depth > MAX_COMPLETE_DEPTH) return null;
  // Shallower forests are padded to depth 3, which has an unrolled kernel.
  depth = Math.max(depth, MIN_COMPLETE_DEPTH);
  const inner = (1 << depth) - 1;
  const trees = f.roots.length;
  const features = new Int32Array(trees * inner);
  const thresholds = new Float64Array(trees * inner).fill(Number.POSITIVE_INFINITY);
  const leaves = new Float64Array(trees * (inner + 1));
  const place = (tree: number, ref: number, heap: number, level: number): void => {
    if (level === depth) {
      leaves[tree * (inner + 1) + heap - inner] = f.leafValues[~ref];
      return;
    }
    if (ref < 0) {
      // A leaf above the bottom: a padding split whose both sides hold the same leaf.
      place(tree, ref, 2 * heap + 1, level + 1);
      place(tree, ref, 2 * heap + 2, level + 1);
      return;
    }
    const k = ref * NODE_STRIDE;
    features[tree * inner + heap] = f.nodes[k];
    thresholds[tree * inner + heap] = f.thresholds[ref];
    place(tree, f.nodes[k + 1], 2 * heap + 1, level + 1);
    place(tree, f.nodes[k + 2], 2 * heap + 2, level + 1);
  };
  for (let t = 0; t < trees; t++) place(t, f.roots[t], 0, 0);
  return { depth, features, thresholds, leaves };
}
