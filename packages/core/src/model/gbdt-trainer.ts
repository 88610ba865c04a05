import { binRows, fitBinMapper } from './bin-mapper.ts';
import { flattenTrees, roundOutput } from './flatten-trees.ts';
import type { Forest } from './forest.ts';
import { createRng, shuffleInPlace } from './rng.ts';
import { binnedLeaf, type GrownNode, TreeGrower } from './tree-grower.ts';

/** Hyper-parameters of the boosted trees. */
export interface BoostingParams {
  /** Shrinkage applied to every tree's output. */
  learningRate: number;
  /** Number of trees. */
  rounds: number;
  maxLeaves: number;
  maxDepth: number;
  minSamplesLeaf: number;
  minHessianLeaf: number;
  /** L2 penalty on leaf outputs. */
  l2: number;
  /** Smallest loss reduction worth a split. */
  minGain: number;
  /** Value bins per feature (2..255). */
  maxBins: number;
  /** Fraction of rows each tree sees (1 = all, no randomness). */
  subsample: number;
  /** Fraction of features each tree may split on. */
  featureFraction: number;
  seed: number;
}

/**
 * Defaults chosen by stratified cross-validation on the UCI online-shoppers data (5 folds, seeds 1–7,
 * 17, 42, 101–103; 10 folds, seeds 8–9): depth-4 trees gain ~0.001 AUROC over depth 3 on every seed
 * (the weakest split moved from 0.9329 to 0.9338), and 120 of them still score in about 1.5 µs
 * through the branch-free complete layout. Longer, deeper or more regularised ensembles gained nothing.
 */
export const DEFAULT_BOOSTING: Readonly<BoostingParams> = Object.freeze({
  learningRate: 0.06,
  rounds: 120,
  maxLeaves: 16,
  maxDepth: 4,
  minSamplesLeaf: 20,
  minHessianLeaf: 1e-3,
  l2: 1,
  minGain: 0,
  maxBins: 255,
  subsample: 0.8,
  featureFraction: 1,
  seed: 1,
});

function validate(p: BoostingParams): void {
  const bad = (what: string) => {
    throw new RangeError(`invalid boosting parameter: ${what}`);
  };
  if (!(p.learningRate > 0 && p.learningRate <= 1)) bad('learningRate must be in (0, 1]');
  if (!(Number.isInteger(p.rounds) && p.rounds >= 1)) bad('rounds must be a positive integer');
  if (!(Number.isInteger(p.maxLeaves) && p.maxLeaves >= 2)) bad('maxLeaves must be an integer >= 2');
  if (!(Number.isInteger(p.maxDepth) && p.maxDepth >= 1)) bad('maxDepth must be an integer >= 1');
  if (!(p.minSamplesLeaf >= 1)) bad('minSamplesLeaf must be >= 1');
  if (!(p.l2 >= 0 && p.minGain >= 0 && p.minHessianLeaf >= 0))
    bad('l2, minGain, minHessianLeaf must be >= 0');
  if (!(p.subsample > 0 && p.subsample <= 1)) bad('subsample must be in (0, 1]');
  if (!(p.featureFraction > 0 && p.featureFraction <= 1)) bad('featureFraction must be in (0, 1]');
}

/** Fit gradient-boosted trees with log-loss on 0/1 labels; everything (bins included) is learned from these rows. */
export function trainForest(
  features: readonly Float64Array[],
  labels: ArrayLike<number>,
  params: Partial<BoostingParams> = {},
): Forest {
  const p: BoostingParams = { ...DEFAULT_BOOSTING, ...params };
  validate(p);
  const n = features.length;
  if (n === 0 || labels.length !== n)
    throw new RangeError('need as many labels as feature rows, and at least one');
  const featureCount = features[0].length;
  if (features.some((row) => row.length !== featureCount))
    throw new RangeError('feature rows differ in length');
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i] ? 1 : 0;
  const prior = Math.min(1 - 1e-6, Math.max(1e-6, positives / n));
  const baseScore = roundOutput(Math.log(prior / (1 - prior)));

  const mapper = fitBinMapper(features, featureCount, p.maxBins);
  const data = binRows(mapper, features);
  const grower = new TreeGrower(data, p);
  const rng = createRng(p.seed);
  const margin = new Float64Array(n).fill(baseScore);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const rows = new Int32Array(n);
  const allRows = Int32Array.from({ length: n }, (_, i) => i);
  const allFeatures = Int32Array.from({ length: featureCount }, (_, i) => i);
  const sampleSize = Math.max(1, Math.round(n * p.subsample));
  const featureSample = Math.max(1, Math.round(featureCount * p.featureFraction));
  const trees: GrownNode[][] = [];

  for (let round = 0; round < p.rounds; round++) {
    for (let i = 0; i < n; i++) {
      const prob = 1 / (1 + Math.exp(-margin[i]));
      grad[i] = prob - (labels[i] ? 1 : 0);
      hess[i] = Math.max(prob * (1 - prob), 1e-16);
    }
    rows.set(allRows);
    if (sampleSize < n) {
      // Partial Fisher–Yates: the first sampleSize entries become a uniform sample without replacement.
      for (let i = 0; i < sampleSize; i++) {
        const j = i + Math.floor(rng() * (n - i));
        const tmp = rows[i];
        rows[i] = rows[j];
        rows[j] = tmp;
      }
    }
    let active = allFeatures;
    if (featureSample < featureCount) {
      active = shuffleInPlace(allFeatures.slice(), rng).subarray(0, featureSample).sort();
    }
    const tree = grower.grow(grad, hess, rows, sampleSize, active);
    for (const node of tree) if (node.feature < 0) node.value = roundOutput(node.value * p.learningRate);
    for (let i = 0; i < n; i++) margin[i] += binnedLeaf(tree, data, i).value;
    trees.push(tree);
  }
  return flattenTrees(trees, mapper, baseScore);
}
