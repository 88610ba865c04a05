// Scoring a visitor again after a batch. Between two updates only a few inputs move (a page count,
// a duration, the running rates), and a tree's leaf can only change when one of its splits on those
// inputs flips: a split `x > h` flips exactly when h lies between the old and the new value. So each
// session remembers its inputs and the leaf every tree reached; an update walks again only the trees
// holding a split that flipped (about 5 of 120 on the real OTTO click streams), then adds all leaves
// in the order the complete-layout kernels do, so the margin is bit for bit the kernels' margin.
import { type CompleteForest, forestMargin } from './forest.ts';
import { type BoundModel, gatherInput } from './live-binding.ts';

/** Per model input, the real splits reading it (padding excluded), sorted by threshold, with their tree. */
export interface SplitIndex {
  /** Splits of input k are `start[k]` to `start[k + 1]`. */
  start: Int32Array;
  thresholds: Float64Array;
  trees: Int32Array;
  /**
   * Where the split sits in its tree: the path to leaf l passes it exactly when
   * `(l + 2^depth) >> shift[s] === place[s]` (heap numbering from 1).
   */
  place: Int32Array;
  shift: Uint8Array;
  /** Scratch of one update (scoring is synchronous): trees to walk again, each listed once. */
  todo: Int32Array;
  listed: Int32Array;
  round: number;
}

/**
 * A plain array of `n` numbers (doubles when `fraction`): allocated on the heap, where a typed array
 * of more than 64 bytes allocates its storage outside it, several times slower, once per visitor.
 */
function plainArray(n: number, fraction: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(fraction ? 0.5 : 0);
  return out;
}

/** One session's memory of its last score: the inputs it was computed from and each tree's leaf. */
export class ScoreMemo {
  /** The model the leaves belong to; null when they must be computed afresh. */
  bound: BoundModel | null = null;
  input: number[] = [];
  /** Per input, the first of its splits (in the index) whose threshold is not below the input. */
  at: number[] = [];
  /** Per tree, its leaf for `input` (0 to 2^depth − 1). */
  leaf: number[] = [];
  /**
   * Per tree, its leaf's value: the sum reads these side by side (a few cache lines) instead of one
   * leaf in each tree's part of the forest's leaves (a line per tree).
   */
  value: number[] = [];
  /** The bound model's split index (kept here: the hot path reads it on every update). */
  index: SplitIndex | null = null;
  /** The margin of the remembered leaves. */
  margin = 0;

  /** Forgets the leaves (the next score computes every tree). */
  clear(): void {
    this.bound = null;
  }
}

const indexes = new WeakMap<CompleteForest, SplitIndex>();

/** The split index of a complete forest, built once per loaded model. */
export function splitIndex(c: CompleteForest, inputs: number): SplitIndex {
  let index = indexes.get(c);
  if (index !== undefined) return index;
  const inner = (1 << c.depth) - 1;
  const byInput: number[][] = Array.from({ length: inputs }, () => []);
  for (let k = 0; k < c.features.length; k++) {
    if (c.thresholds[k] !== Number.POSITIVE_INFINITY) byInput[c.features[k]].push(k);
  }
  const start = new Int32Array(inputs + 1);
  const thresholds: number[] = [];
  const trees: number[] = [];
  const place: number[] = [];
  const shift: number[] = [];
  byInput.forEach((nodes, i) => {
    nodes.sort((a, b) => c.thresholds[a] - c.thresholds[b]);
    for (const k of nodes) {
      thresholds.push(c.thresholds[k]);
      trees.push(Math.floor(k / inner));
      const heap = (k % inner) + 1;
      place.push(heap);
      shift.push(c.depth - Math.floor(Math.log2(heap)));
    }
    start[i + 1] = thresholds.length;
  });
  index = {
    start,
    thresholds: Float64Array.from(thresholds),
    trees: Int32Array.from(trees),
    place: Int32Array.from(place),
    shift: Uint8Array.from(shift),
    todo: new Int32Array(c.leaves.length >> c.depth),
    listed: new Int32Array(c.leaves.length >> c.depth),
    round: 0,
  };
  indexes.set(c, index);
  return index;
}

/** The leaf one tree of a complete forest reaches for `x` (no NaN): the kernels' comparisons. */
function leafOf(c: CompleteForest, tree: number, x: Float64Array): number {
  const { depth, features: f, thresholds: h } = c;
  const inner = (1 << depth) - 1;
  const base = tree * inner;
  let i = 0;
  for (let d = 0; d < depth; d++) i = 2 * i + 1 + +(x[f[base + i]] > h[base + i]);
  return i - inner;
}

/** Every tree's leaf for `x` (no NaN), two trees at a time as the kernels walk them. */
function fillLeaves(c: CompleteForest, x: Float64Array, leaf: number[]): void {
  const { depth, features: f, thresholds: h } = c;
  const inner = (1 << depth) - 1;
  const trees = leaf.length;
  let t = 0;
  for (; t + 1 < trees; t += 2) {
    const a = t * inner;
    const b = a + inner;
    let i = 0;
    let j = 0;
    for (let d = 0; d < depth; d++) {
      i = 2 * i + 1 + +(x[f[a + i]] > h[a + i]);
      j = 2 * j + 1 + +(x[f[b + j]] > h[b + j]);
    }
    leaf[t] = i - inner;
    leaf[t + 1] = j - inner;
  }
  if (t < trees) leaf[t] = leafOf(c, t, x);
}

/** Index of the first split of input k whose threshold is not below v. */
function lowerBound(index: SplitIndex, k: number, v: number): number {
  const thresholds = index.thresholds;
  let a = index.start[k];
  let b = index.start[k + 1];
  while (a < b) {
    const mid = (a + b) >> 1;
    if (thresholds[mid] < v) a = mid + 1;
    else b = mid;
  }
  return a;
}

/** Sum of the base score and every tree's remembered leaf value, in the order of the complete-layout kernels. */
function sumLeaves(depth: number, baseScore: number, value: readonly number[]): number {
  const trees = value.length;
  let sum = baseScore;
  if (depth === 3 || depth === 4) {
    // marginDepth3 and marginDepth4 add two trees' leaves together, then to the sum.
    let t = 0;
    for (; t + 1 < trees; t += 2) sum += value[t] + value[t + 1];
    if (t < trees) sum += value[t];
    return sum;
  }
  for (let t = 0; t < trees; t++) sum += value[t];
  return sum;
}

/**
 * Margin of `x` (the model's inputs) remembering the leaves in `memo`: only trees with a split
 * between an input's old and new value are walked again. Equal to `forestMargin` bit for bit.
 */
export function memoMargin(bound: BoundModel, x: Float64Array, memo: ScoreMemo): number {
  const forest = bound.model.forest;
  const c = forest.complete;
  const n = x.length;
  let missing = false;
  for (let k = 0; k < n; k++) if (Number.isNaN(x[k])) missing = true;
  if (c === null || missing) {
    memo.bound = null;
    return forestMargin(forest, x);
  }
  const trees = c.leaves.length >> c.depth;
  const leaf = memo.leaf;
  const input = memo.input;
  if (memo.bound !== bound || leaf.length !== trees || input.length !== n) {
    if (leaf.length !== trees) {
      memo.leaf = plainArray(trees, false);
      memo.value = plainArray(trees, true);
    }
    if (input.length !== n) {
      memo.input = plainArray(n, true);
      memo.at = plainArray(n, false);
    }
    const index = splitIndex(c, n);
    fillLeaves(c, x, memo.leaf);
    for (let t = 0; t < trees; t++) memo.value[t] = c.leaves[(t << c.depth) + memo.leaf[t]];
    for (let k = 0; k < n; k++) {
      memo.input[k] = x[k];
      memo.at[k] = lowerBound(index, k, x[k]);
    }
    memo.bound = bound;
    memo.index = index;
    memo.margin = sumLeaves(c.depth, forest.baseScore, memo.value);
    return memo.margin;
  }
  const index = memo.index!;
  const { start, thresholds, trees: treeOf, place, shift, todo, listed } = index;
  const at = memo.at;
  const top = 1 << c.depth;
  if (index.round === 0x7fffffff) {
    listed.fill(0);
    index.round = 0;
  }
  const round = ++index.round;
  let walks = 0;
  // The splits an input crossed lie next to its remembered place among its sorted thresholds. A tree
  // reaches another leaf only when one of them is on its remembered path: such trees are listed
  // (once each) against the remembered leaves, then walked with the new inputs.
  for (let k = 0; k < n; k++) {
    const now = x[k];
    const was = input[k];
    if (now === was) continue;
    input[k] = now;
    let a = at[k];
    if (now > was) {
      for (const end = start[k + 1]; a < end && thresholds[a] < now; a++) {
        const t = treeOf[a];
        if ((leaf[t] + top) >> shift[a] === place[a] && listed[t] !== round) {
          listed[t] = round;
          todo[walks++] = t;
        }
      }
    } else {
      for (const first = start[k]; a > first && thresholds[a - 1] >= now; ) {
        a--;
        const t = treeOf[a];
        if ((leaf[t] + top) >> shift[a] === place[a] && listed[t] !== round) {
          listed[t] = round;
          todo[walks++] = t;
        }
      }
    }
    at[k] = a;
  }
  // No leaf moved: the same leaves add up to the same margin.
  if (walks === 0) return memo.margin;
  const { leaves, depth } = c;
  const value = memo.value;
  for (let w = 0; w < walks; w++) {
    const t = todo[w];
    const l = leafOf(c, t, x);
    leaf[t] = l;
    value[t] = leaves[(t << depth) + l];
  }
  memo.margin = sumLeaves(depth, forest.baseScore, value);
  return memo.margin;
}

/** Calibrated purchase probability of a vector in the bound layout, remembering leaves in `memo`: `scoreBound`'s result. */
export function scoreMemo(bound: BoundModel, vector: Float64Array, memo: ScoreMemo): number {
  const input = gatherInput(bound, vector);
  const c = bound.model.calibration;
  return 1 / (1 + Math.exp(-(c.a * memoMargin(bound, input, memo) + c.b)));
}
