import type { CompleteForest } from './forest.ts';

// Scoring kernels for the complete layout. Comparisons become 0/1 through unary plus, which V8
// compiles without a branch; with no branch to mispredict, the CPU overlaps the trees, and walking
// two trees per iteration gives it two independent chains to overlap explicitly. Depth-specific
// kernels are unrolled because V8 does not unroll loops, and the inner loop costs ~2× here.

/** Margin for a depth-3 complete forest (7 nodes, 8 leaves per tree). */
export function marginDepth3(c: CompleteForest, baseScore: number, x: Float64Array): number {
  const f = c.features;
  const h = c.thresholds;
  const leaves = c.leaves;
  const trees = leaves.length >> 3;
  let sum = baseScore;
  let t = 0;
  let a = 0;
  let l = 0;
  for (; t + 1 < trees; t += 2, a += 14, l += 16) {
    const b = a + 7;
    let i = +(x[f[a]] > h[a]);
    let j = +(x[f[b]] > h[b]);
    i = 2 * i + +(x[f[a + 1 + i]] > h[a + 1 + i]);
    j = 2 * j + +(x[f[b + 1 + j]] > h[b + 1 + j]);
    i = 2 * i + +(x[f[a + 3 + i]] > h[a + 3 + i]);
    j = 2 * j + +(x[f[b + 3 + j]] > h[b + 3 + j]);
    sum += leaves[l + i] + leaves[l + 8 + j];
  }
  if (t < trees) {
    let i = +(x[f[a]] > h[a]);
    i = 2 * i + +(x[f[a + 1 + i]] > h[a + 1 + i]);
    i = 2 * i + +(x[f[a + 3 + i]] > h[a + 3 + i]);
    sum += leaves[l + i];
  }
  return sum;
}

/** Margin for a depth-4 complete forest (15 nodes, 16 leaves per tree). */
export function marginDepth4(c: CompleteForest, baseScore: number, x: Float64Array): number {
  const f = c.features;
  const h = c.thresholds;
  const leaves = c.leaves;
  const trees = leaves.length >> 4;
  let sum = baseScore;
  let t = 0;
  let a = 0;
  let l = 0;
  for (; t + 1 < trees; t += 2, a += 30, l += 32) {
    const b = a + 15;
    let i = +(x[f[a]] > h[a]);
    let j = +(x[f[b]] > h[b]);
    i = 2 * i + +(x[f[a + 1 + i]] > h[a + 1 + i]);
    j = 2 * j + +(x[f[b + 1 + j]] > h[b + 1 + j]);
    i = 2 * i + +(x[f[a + 3 + i]] > h[a + 3 + i]);
    j = 2 * j + +(x[f[b + 3 + j]] > h[b + 3 + j]);
    i = 2 * i + +(x[f[a + 7 + i]] > h[a + 7 + i]);
    j = 2 * j + +(x[f[b + 7 + j]] > h[b + 7 + j]);
    sum += leaves[l + i] + leaves[l + 16 + j];
  }
  if (t < trees) {
    let i = +(x[f[a]] > h[a]);
    i = 2 * i + +(x[f[a + 1 + i]] > h[a + 1 + i]);
    i = 2 * i + +(x[f[a + 3 + i]] > h[a + 3 + i]);
    i = 2 * i + +(x[f[a + 7 + i]] > h[a + 7 + i]);
    sum += leaves[l + i];
  }
  return sum;
}

/** Margin for a complete forest of any depth (a loop per tree; slower than the unrolled kernels). */
export function marginAnyDepth(c: CompleteForest, baseScore: number, x: Float64Array): number {
  const { depth, features, thresholds, leaves } = c;
  const inner = (1 << depth) - 1;
  const trees = leaves.length >> depth;
  let sum = baseScore;
  for (let t = 0, base = 0, leafBase = -inner; t < trees; t++, base += inner, leafBase += inner + 1) {
    let i = 0;
    for (let d = 0; d < depth; d++) {
      const k = base + i;
      i = 2 * i + 1 + +(x[features[k]] > thresholds[k]);
    }
    sum += leaves[leafBase + i];
  }
  return sum;
}
