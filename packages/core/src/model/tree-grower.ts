import { type BinnedData, MISSING_BIN } from './bin-mapper.ts';
import { buildHistogram, createHistogram, subtractHistogram } from './histogram.ts';
import { findBestSplit, type NodeSums, type Split, type SplitConstraints } from './split-finder.ts';

/** Shape limits and regularisation of one tree. */
export interface TreeParams extends SplitConstraints {
  maxLeaves: number;
  maxDepth: number;
}

/** A node of a grown tree; leaves have feature -1. Children always have larger indices than their parent. */
export interface GrownNode {
  feature: number;
  bin: number;
  missingLeft: boolean;
  left: number;
  right: number;
  /** Leaf output (Newton step, before shrinkage) for leaves; unused for internal nodes until finalised. */
  value: number;
  hess: number;
  count: number;
}

interface OpenLeaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  sums: NodeSums;
  hist: Float64Array | null;
  split: Split | null;
}

/** Grows histogram-based regression trees on gradients, best-first (leaf-wise) like LightGBM; reuses its buffers. */
export class TreeGrower {
  private readonly data: BinnedData;
  private readonly params: TreeParams;
  private readonly pool: Float64Array[] = [];
  private readonly scratchG: Float64Array;
  private readonly scratchH: Float64Array;
  private readonly tmp: Int32Array;

  constructor(data: BinnedData, params: TreeParams) {
    this.data = data;
    this.params = params;
    this.scratchG = new Float64Array(data.rows);
    this.scratchH = new Float64Array(data.rows);
    this.tmp = new Int32Array(data.rows);
  }

  /** Grow one tree on rows[0, count) (rows is reordered in place). */
  grow(
    grad: Float64Array,
    hess: Float64Array,
    rows: Int32Array,
    count: number,
    activeFeatures: Int32Array,
  ): GrownNode[] {
    const p = this.params;
    let g = 0;
    let h = 0;
    for (let i = 0; i < count; i++) {
      g += grad[rows[i]];
      h += hess[rows[i]];
    }
    const nodes: GrownNode[] = [leafNode(g, h, count, p.l2)];
    const rootHist = this.take();
    buildHistogram(
      rootHist,
      this.data,
      rows,
      0,
      count,
      grad,
      hess,
      activeFeatures,
      this.scratchG,
      this.scratchH,
    );
    const root: OpenLeaf = {
      node: 0,
      start: 0,
      end: count,
      depth: 0,
      sums: { grad: g, hess: h, count },
      hist: rootHist,
      split: null,
    };
    this.evaluate(root, activeFeatures);
    const open: OpenLeaf[] = [root];
    let leaves = 1;
    while (leaves < p.maxLeaves) {
      let bestAt = -1;
      for (let i = 0; i < open.length; i++) {
        const s = open[i].split;
        if (s !== null && (bestAt < 0 || s.gain > open[bestAt].split!.gain)) bestAt = i;
      }
      if (bestAt < 0) break;
      const leaf = open[bestAt];
      const [left, right] = this.split(leaf, nodes, rows, grad, hess, activeFeatures);
      open[bestAt] = left;
      open.push(right);
      this.evaluate(left, activeFeatures);
      this.evaluate(right, activeFeatures);
      leaves++;
    }
    for (const leaf of open) this.release(leaf);
    return nodes;
  }

  private evaluate(leaf: OpenLeaf, activeFeatures: Int32Array): void {
    const p = this.params;
    const canSplit = leaf.depth < p.maxDepth && leaf.sums.count >= 2 * p.minSamplesLeaf;
    leaf.split = canSplit
      ? findBestSplit(leaf.hist!, this.data.valueBins, activeFeatures, leaf.sums, p)
      : null;
    if (leaf.split === null) this.release(leaf);
  }

  private split(
    leaf: OpenLeaf,
    nodes: GrownNode[],
    rows: Int32Array,
    grad: Float64Array,
    hess: Float64Array,
    activeFeatures: Int32Array,
  ): [OpenLeaf, OpenLeaf] {
    const s = leaf.split!;
    const { bins, rows: n } = this.data;
    const offset = s.feature * n;
    // Stable partition of rows[start, end): left rows first.
    let l = leaf.start;
    let r = 0;
    for (let i = leaf.start; i < leaf.end; i++) {
      const row = rows[i];
      const b = bins[offset + row];
      if (b === MISSING_BIN ? s.missingLeft : b <= s.bin) rows[l++] = row;
      else this.tmp[r++] = row;
    }
    rows.set(this.tmp.subarray(0, r), l);

    const p = this.params;
    const sums = leaf.sums;
    const leftSums = { grad: s.leftGrad, hess: s.leftHess, count: s.leftCount };
    const rightSums = {
      grad: sums.grad - s.leftGrad,
      hess: sums.hess - s.leftHess,
      count: sums.count - s.leftCount,
    };
    const parent = nodes[leaf.node];
    parent.feature = s.feature;
    parent.bin = s.bin;
    parent.missingLeft = s.missingLeft;
    parent.left = nodes.length;
    nodes.push(leafNode(leftSums.grad, leftSums.hess, leftSums.count, p.l2));
    parent.right = nodes.length;
    nodes.push(leafNode(rightSums.grad, rightSums.hess, rightSums.count, p.l2));

    const depth = leaf.depth + 1;
    const left: OpenLeaf = {
      node: parent.left,
      start: leaf.start,
      end: l,
      depth,
      sums: leftSums,
      hist: null,
      split: null,
    };
    const right: OpenLeaf = {
      node: parent.right,
      start: l,
      end: leaf.end,
      depth,
      sums: rightSums,
      hist: null,
      split: null,
    };
    // Build the smaller child's histogram; the larger one is the parent's minus it.
    const [small, large] = left.end - left.start <= right.end - right.start ? [left, right] : [right, left];
    const childCanSplit = (c: OpenLeaf) => depth < p.maxDepth && c.sums.count >= 2 * p.minSamplesLeaf;
    if (childCanSplit(small) || childCanSplit(large)) {
      small.hist = this.take();
      buildHistogram(
        small.hist,
        this.data,
        rows,
        small.start,
        small.end,
        grad,
        hess,
        activeFeatures,
        this.scratchG,
        this.scratchH,
      );
      subtractHistogram(leaf.hist!, small.hist);
      large.hist = leaf.hist;
    } else this.pool.push(leaf.hist!);
    leaf.hist = null;
    return [left, right];
  }

  private take(): Float64Array {
    return this.pool.pop() ?? createHistogram(this.data.features);
  }

  private release(leaf: OpenLeaf): void {
    if (leaf.hist !== null) this.pool.push(leaf.hist);
    leaf.hist = null;
  }
}

function leafNode(grad: number, hess: number, count: number, l2: number): GrownNode {
  return {
    feature: -1,
    bin: 0,
    missingLeft: false,
    left: -1,
    right: -1,
    value: -grad / (hess + l2),
    hess,
    count,
  };
}

/** Leaf reached by row `r` of binned data (used to update training margins after each tree). */
export function binnedLeaf(nodes: readonly GrownNode[], data: BinnedData, r: number): GrownNode {
  let node = nodes[0];
  while (node.feature >= 0) {
    const b = data.bins[node.feature * data.rows + r];
    const goLeft = b === MISSING_BIN ? node.missingLeft : b <= node.bin;
    node = nodes[goLeft ? node.left : node.right];
  }
  return node;
}
