import type { BinnedData } from './bin-mapper.ts';

/** Doubles per bin: gradient sum, hessian sum, row count. */
export const BIN_FIELDS = 3;
/** Doubles per feature in a histogram (256 bins, including the missing bin). */
export const FEATURE_STRIDE = 256 * BIN_FIELDS;

/** Allocate an empty histogram for `features` features. */
export function createHistogram(features: number): Float64Array {
  return new Float64Array(features * FEATURE_STRIDE);
}

/**
 * Accumulate gradient/hessian/count per (feature, bin) over rows[start, end).
 * `scratchG`/`scratchH` receive the node's gradients in row order so the per-feature loops read them sequentially.
 */
export function buildHistogram(
  hist: Float64Array,
  data: BinnedData,
  rows: Int32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
  activeFeatures: Int32Array,
  scratchG: Float64Array,
  scratchH: Float64Array,
): void {
  hist.fill(0);
  const count = end - start;
  for (let i = 0; i < count; i++) {
    const r = rows[start + i];
    scratchG[i] = grad[r];
    scratchH[i] = hess[r];
  }
  const bins = data.bins;
  const n = data.rows;
  for (let a = 0; a < activeFeatures.length; a++) {
    const f = activeFeatures[a];
    const offset = f * n;
    const base = f * FEATURE_STRIDE;
    for (let i = 0; i < count; i++) {
      const k = base + bins[offset + rows[start + i]] * BIN_FIELDS;
      hist[k] += scratchG[i];
      hist[k + 1] += scratchH[i];
      hist[k + 2] += 1;
    }
  }
}

/** parent -= child, turning a parent's histogram into its other child's (the subtraction trick). */
export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let i = 0; i < parent.length; i++) parent[i] -= child[i];
}
