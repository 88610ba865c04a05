import { type Forest, NODE_STRIDE } from './forest.ts';
import type { PropensityModel } from './propensity-model.ts';

/** One feature's push on a visitor's score, in log-odds (positive raises the score). */
export interface FeatureContribution {
  feature: string;
  index: number;
  value: number;
  contribution: number;
}

/** Why a score is what it is: the expected margin plus per-feature contributions that sum to the margin. */
export interface Explanation {
  /** Margin (log-odds) of an average training session, before any feature is looked at. */
  bias: number;
  /** Per feature, in feature order; bias + sum = the model's raw margin. */
  contributions: Float64Array;
}

function nodeValue(forest: Forest, ref: number): number {
  return ref >= 0 ? forest.nodeValues[ref] : forest.leafValues[~ref];
}

/** Path contributions (Saabas): each split on the visitor's path credits its feature with the change it made. */
export function featureContributions(model: PropensityModel, features: Float64Array): Explanation {
  const forest = model.forest;
  if (features.length !== forest.featureCount) {
    throw new RangeError(`expected ${forest.featureCount} features, got ${features.length}`);
  }
  const contributions = new Float64Array(forest.featureCount);
  let bias = forest.baseScore;
  const { nodes, thresholds } = forest;
  for (const root of forest.roots) {
    bias += nodeValue(forest, root);
    let node = root;
    while (node >= 0) {
      const k = node * NODE_STRIDE;
      const f = nodes[k];
      const x = features[f];
      const next = x <= thresholds[node] ? nodes[k + 1] : x > thresholds[node] ? nodes[k + 2] : nodes[k + 3];
      contributions[f] += nodeValue(forest, next) - nodeValue(forest, node);
      node = next;
    }
  }
  return { bias, contributions };
}

/** The `count` features that moved this visitor's score most (largest absolute contribution first). */
export function topContributions(
  model: PropensityModel,
  features: Float64Array,
  count = 3,
): FeatureContribution[] {
  const { contributions } = featureContributions(model, features);
  return Array.from(contributions, (contribution, index) => ({
    feature: model.featureNames[index],
    index,
    value: features[index],
    contribution,
  }))
    .filter((c) => c.contribution !== 0)
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    .slice(0, count);
}

/**
 * Share of the average score movement each feature accounts for over `rows` (mean absolute path
 * contribution, normalised to sum to 1): what the console shows as feature importance.
 */
export function featureImportances(
  model: PropensityModel,
  rows: readonly Float64Array[],
): Record<string, number> {
  const totals = new Float64Array(model.forest.featureCount);
  for (const row of rows) {
    const { contributions } = featureContributions(model, row);
    for (let i = 0; i < totals.length; i++) totals[i] += Math.abs(contributions[i]!);
  }
  const sum = totals.reduce((s, v) => s + v, 0);
  const out: Record<string, number> = {};
  model.featureNames.forEach((name, i) => {
    out[name] = sum > 0 ? totals[i]! / sum : 0;
  });
  return out;
}
