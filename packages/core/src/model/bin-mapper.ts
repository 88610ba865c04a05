/** Bin index reserved for missing (NaN) values. */
export const MISSING_BIN = 255;
/** Most value bins a feature can have (bins 0..254; 255 is missing). */
export const MAX_VALUE_BINS = 255;

/**
 * Quantile bin edges per feature: value bin b holds x with edges[b-1] < x <= edges[b];
 * the last value bin (index edges.length) holds everything above the last edge.
 */
export interface BinMapper {
  edges: Float64Array[];
}

/** Features quantised to bins, column-major (feature f, row r at f * rows + r). */
export interface BinnedData {
  rows: number;
  features: number;
  bins: Uint8Array;
  /** Number of value bins per feature (edges.length + 1). */
  valueBins: Uint16Array;
}

function featureEdges(values: Float64Array, maxBins: number): Float64Array {
  const sorted = values.sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  }
  if (distinct.length <= maxBins) return Float64Array.from(distinct.slice(0, -1));
  // Quantile edges: each is a value present in the data, so `x <= edge` is exact and prints short.
  const edges: number[] = [];
  for (let j = 1; j < maxBins; j++) {
    const edge = sorted[Math.min(sorted.length - 1, Math.floor((j * sorted.length) / maxBins))];
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  if (edges[edges.length - 1] === sorted[sorted.length - 1]) edges.pop();
  return Float64Array.from(edges);
}

/** Learn bin edges from the training rows only (NaN values are ignored and binned as missing). */
export function fitBinMapper(
  rows: readonly Float64Array[],
  featureCount: number,
  maxBins = MAX_VALUE_BINS,
): BinMapper {
  if (maxBins < 2 || maxBins > MAX_VALUE_BINS)
    throw new RangeError(`maxBins must be in 2..${MAX_VALUE_BINS}`);
  const edges: Float64Array[] = [];
  const column = new Float64Array(rows.length);
  for (let f = 0; f < featureCount; f++) {
    let n = 0;
    for (const row of rows) {
      const v = row[f];
      if (!Number.isNaN(v)) column[n++] = v;
    }
    edges.push(featureEdges(column.slice(0, n), maxBins));
  }
  return { edges };
}

/** Bin of one value: binary search for the first edge >= x. */
export function binOf(edges: Float64Array, x: number): number {
  if (Number.isNaN(x)) return MISSING_BIN;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Quantise rows with a fitted mapper, for the tree grower. */
export function binRows(mapper: BinMapper, rows: readonly Float64Array[]): BinnedData {
  const features = mapper.edges.length;
  const n = rows.length;
  const bins = new Uint8Array(features * n);
  const valueBins = new Uint16Array(features);
  for (let f = 0; f < features; f++) {
    const edges = mapper.edges[f];
    valueBins[f] = edges.length + 1;
    const offset = f * n;
    for (let r = 0; r < n; r++) bins[offset + r] = binOf(edges, rows[r][f]);
  }
  return { rows: n, features, bins, valueBins };
}
