// Shallow forests as lookup tables. A split sends x left when x <= threshold, so every tree's path
// depends only on where each of its features falls among that feature's thresholds: its bin. Trees
// are grouped (greedily, while the group's table stays small), and each group becomes one table of
// the summed leaf values, indexed by the bins of the group's features; a missing value (NaN) has a
// bin of its own, filled by walking each tree's learned missing side, so vectors with missing values
// score here too. Scoring a vector is then one bin search per feature and one table read per group,
// instead of one walk per tree: for the 100-tree depth-3 uplift forests, about a tenth of the trees.
import { type Forest, NODE_STRIDE } from './forest.ts';

/** Largest table of one group, in entries (a depth-3 tree alone needs at most 3^7 = 2,187). */
export const MAX_TABLE_ENTRIES = 4096;

/** Size up to which trees are grouped into one table: small tables stay in the CPU's caches. */
export const GROUP_ENTRIES = 1024;

/** Largest forest the tables are built for, in trees. */
const MAX_TREES = 2000;

/** A forest's groups of trees as lookup tables over shared per-feature bins. */
export interface TableForest {
  /** Base score plus the trees that never split. */
  baseScore: number;
  /**
   * Features any split reads; for each, its sorted distinct thresholds from `start[i]`, padded with +∞
   * to a power of two (`width[i]`) larger than their count, so a bin is a fixed branch-free search.
   */
  features: Int32Array;
  start: Int32Array;
  width: Int32Array;
  /** Per feature, the bin of a missing value (the count of its thresholds plus one). */
  missingBin: Int32Array;
  thresholds: Float64Array;
  /**
   * Per group: `groupStart[g]..groupStart[g+1]` index `terms`, (feature, offset into `binStride`)
   * pairs of the features it reads; `binStride[offset + bin]` is what that bin adds to its cell.
   */
  groupStart: Int32Array;
  terms: Int32Array;
  binStride: Int32Array;
  /** Per group, where its table starts in `values`. */
  tableStart: Int32Array;
  values: Float64Array;
  /** Each feature's bin for the vector being scored (reused buffer: scoring allocates nothing). */
  bins: Int32Array;
}

/** Thresholds each tree reads per feature. */
function treeSplits(forest: Forest, root: number): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  const visit = (ref: number): void => {
    if (ref < 0) return;
    const k = ref * NODE_STRIDE;
    const f = forest.nodes[k];
    let set = out.get(f);
    if (set === undefined) {
      set = new Set();
      out.set(f, set);
    }
    set.add(forest.thresholds[ref]);
    visit(forest.nodes[k + 1]);
    visit(forest.nodes[k + 2]);
  };
  visit(root);
  return out;
}

function tableSize(splits: Map<number, Set<number>>): number {
  let n = 1;
  for (const t of splits.values()) n *= t.size + 2;
  return n;
}

/** Table size of two groups' splits together, without building the merged map. */
function mergedSize(a: Map<number, Set<number>>, b: Map<number, Set<number>>): number {
  let n = 1;
  for (const [f, t] of a) {
    const u = b.get(f);
    let size = t.size;
    if (u !== undefined) for (const x of u) if (!t.has(x)) size++;
    n *= size + 2;
  }
  for (const [f, u] of b) if (!a.has(f)) n *= u.size + 2;
  return n;
}

function merged(a: Map<number, Set<number>>, b: Map<number, Set<number>>): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  for (const [f, t] of a) out.set(f, new Set(t));
  for (const [f, t] of b) {
    const set = out.get(f) ?? new Set();
    for (const x of t) set.add(x);
    out.set(f, set);
  }
  return out;
}

function leafOf(forest: Forest, root: number, x: Float64Array): number {
  const { nodes, thresholds } = forest;
  let node = root;
  while (node >= 0) {
    const k = node * NODE_STRIDE;
    const v = x[nodes[k]];
    const thr = thresholds[node];
    node = v <= thr ? nodes[k + 1] : v > thr ? nodes[k + 2] : nodes[k + 3];
  }
  return forest.leafValues[~node];
}

/**
 * Builds the tables of a forest, or null when one of its trees alone needs a table larger than
 * MAX_TABLE_ENTRIES (deep trees: they score through the complete layout or the walk instead).
 */
export function buildTableForest(forest: Forest, groupEntries = GROUP_ENTRIES): TableForest | null {
  if (forest.roots.length > MAX_TREES) return null;
  let baseScore = forest.baseScore;
  const groups: { trees: number[]; splits: Map<number, Set<number>>; size: number }[] = [];
  for (let t = 0; t < forest.roots.length; t++) {
    const root = forest.roots[t];
    if (root < 0) {
      baseScore += forest.leafValues[~root];
      continue;
    }
    const splits = treeSplits(forest, root);
    if (tableSize(splits) > MAX_TABLE_ENTRIES) return null;
    // The group whose table grows least by taking the tree, if any stays within the limit.
    let best = -1;
    let bestSize = Number.POSITIVE_INFINITY;
    for (let g = 0; g < groups.length; g++) {
      const size = mergedSize(groups[g].splits, splits);
      const growth = size - groups[g].size;
      if (size <= groupEntries && growth < bestSize) {
        best = g;
        bestSize = growth;
      }
    }
    if (best < 0) groups.push({ trees: [t], splits, size: tableSize(splits) });
    else {
      const g = groups[best];
      g.trees.push(t);
      g.splits = merged(g.splits, splits);
      g.size = tableSize(g.splits);
    }
  }

  // Groups reading the same number of features next to each other: the inner loop's length then
  // changes only a few times per vector, so the CPU predicts where it ends.
  groups.sort((a, b) => a.splits.size - b.splits.size);

  // Shared bins per feature: every threshold any tree reads.
  const all = new Map<number, Set<number>>();
  for (const g of groups) for (const [f, t] of g.splits) all.set(f, new Set([...(all.get(f) ?? []), ...t]));
  const features = Int32Array.from([...all.keys()].sort((a, b) => a - b));
  const slot = new Map<number, number>();
  const start = new Int32Array(features.length + 1);
  const width = new Int32Array(features.length);
  const missingBin = new Int32Array(features.length);
  const sorted: number[][] = [];
  const padded: number[] = [];
  features.forEach((f, i) => {
    slot.set(f, i);
    const t = [...all.get(f)!].sort((a, b) => a - b);
    sorted.push(t);
    let w = 1;
    while (w <= t.length) w *= 2;
    width[i] = w;
    missingBin[i] = t.length + 1;
    start[i + 1] = start[i] + w;
    padded.push(...t, ...new Array<number>(w - t.length).fill(Number.POSITIVE_INFINITY));
  });
  const thresholds = Float64Array.from(padded);

  const groupStart = new Int32Array(groups.length + 1);
  const terms: number[] = [];
  const binStride: number[] = [];
  const tableStart = new Int32Array(groups.length);
  const values: number[] = [];
  const x = new Float64Array(forest.featureCount);
  groups.forEach((g, gi) => {
    const own = [...g.splits.keys()].sort((a, b) => a - b);
    const mineOf = own.map((f) => [...g.splits.get(f)!].sort((a, b) => a - b));
    const sizes = mineOf.map((mine) => mine.length + 2);
    const strides = sizes.map((_, i) => sizes.slice(i + 1).reduce((p, s) => p * s, 1));
    // Each shared bin of a feature maps to the group's own bin (the group reads fewer thresholds).
    own.forEach((f, i) => {
      const shared = sorted[slot.get(f)!];
      const mine = mineOf[i];
      terms.push(slot.get(f)!, binStride.length);
      // Shared bin b holds x with shared[b-1] < x <= shared[b]: the group's bin counts its thresholds below x.
      let below = 0;
      for (let b = 0; b <= shared.length; b++) {
        while (b > 0 && below < mine.length && mine[below] <= shared[b - 1]) below++;
        binStride.push(below * strides[i]);
      }
      binStride.push((sizes[i] - 1) * strides[i]); // missing
    });
    groupStart[gi + 1] = terms.length;
    tableStart[gi] = values.length;
    // One representative vector per table cell: a bin's upper threshold (or +∞ above all), or NaN.
    const represent = mineOf.map((mine) => [...mine, Number.POSITIVE_INFINITY, Number.NaN]);
    for (let cell = 0; cell < g.size; cell++) {
      for (let i = 0; i < own.length; i++) x[own[i]] = represent[i][Math.floor(cell / strides[i]) % sizes[i]];
      let sum = 0;
      for (const t of g.trees) sum += leafOf(forest, forest.roots[t], x);
      values.push(sum);
    }
  });
  return {
    baseScore,
    features,
    start,
    width,
    missingBin,
    thresholds,
    groupStart,
    terms: Int32Array.from(terms),
    binStride: Int32Array.from(binStride),
    tableStart,
    values: Float64Array.from(values),
    bins: new Int32Array(features.length),
  };
}

/** Margin of one vector (NaN allowed) through the tables: the walk's result up to float rounding. */
export function tableMargin(table: TableForest, x: Float64Array): number {
  const {
    features,
    start,
    width,
    missingBin,
    thresholds,
    bins,
    groupStart,
    terms,
    binStride,
    tableStart,
    values,
  } = table;
  for (let i = 0; i < features.length; i++) {
    const v = x[features[i]];
    if (Number.isNaN(v)) {
      bins[i] = missingBin[i];
      continue;
    }
    // Count of thresholds below v (v <= threshold goes left, so a threshold equal to v is not below),
    // by halving steps whose comparisons become 0/1 without a branch (+∞ padding is never below).
    const lo = start[i];
    let below = 0;
    for (let step = width[i] >> 1; step > 0; step >>= 1)
      below += step * +(thresholds[lo + below + step - 1] < v);
    bins[i] = below;
  }
  let sum = table.baseScore;
  for (let g = 0, k = 0; g < tableStart.length; g++) {
    let cell = tableStart[g];
    for (const end = groupStart[g + 1]; k < end; k += 2) cell += binStride[terms[k + 1] + bins[terms[k]]];
    sum += values[cell];
  }
  return sum;
}
