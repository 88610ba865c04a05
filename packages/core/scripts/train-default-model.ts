/**
 * Train the cold-start purchase-propensity model on the whole UCI online-shoppers file, in the live
 * layout (the thirteen columns a tag reproduces), and write it to packages/core/models/uci-default.json
 * with its cross-validated figures and feature importances.
 * Run: node --import tsx packages/core/scripts/train-default-model.ts [CSV] [OUT]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UCI_LIVE_FEATURES } from '../src/features/live-features.ts';
import {
  crossValidate,
  featureImportances,
  modelToJson,
  parseUciCsv,
  toUciLiveDataset,
  trainModel,
} from '../src/model/index.ts';
import { sharedData } from '../test/helpers/shared-data.ts';

const csv = process.argv[2] ?? sharedData('online_shoppers_intention.csv');
const out = process.argv[3] ?? fileURLToPath(new URL('../models/uci-default.json', import.meta.url));

const started = performance.now();
const { features, labels } = toUciLiveDataset(parseUciCsv(readFileSync(csv, 'utf8')));
const featureNames = UCI_LIVE_FEATURES;
// Held-out figures of this very pipeline: stratified 5-fold cross-validation on the same file.
const cv = crossValidate(features, labels, { folds: 5, seed: 1, train: { featureNames } });
// Five inner folds for the shipped model: calibration and threshold from more out-of-fold predictions.
const model = trainModel(features, labels, { calibrationFolds: 5, featureNames });
model.evaluation = {
  method: 'stratified 5-fold cross-validation on the UCI online-shoppers sessions',
  rows: features.length,
  positives: model.training.positives,
  auroc: cv.mean.auroc,
  aupr: cv.mean.aupr,
  brier: cv.mean.brier,
};
model.importances = featureImportances(model, features);
const text = `${JSON.stringify(modelToJson(model), null, 2)}\n`;
writeFileSync(out, text);
// Format as the repository's formatter would, so `biome check .` stays clean (number arrays packed per line).
const biome = fileURLToPath(new URL('../../../node_modules/.bin/biome', import.meta.url));
try {
  execFileSync(biome, ['format', '--write', out], { stdio: 'ignore' });
} catch {
  console.warn(`could not run ${biome}; run "npx biome format --write ${out}" before committing`);
}
process.stdout.write(
  `trained on ${features.length} sessions (${model.training.positives} purchases) in ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s: ${model.forest.roots.length} trees, ` +
    `${model.forest.thresholds.length} splits, threshold ${model.threshold.toFixed(3)}, ` +
    `CV AUROC ${cv.mean.auroc.toFixed(4)}, AUPR ${cv.mean.aupr.toFixed(4)}, ` +
    `${(statSync(out).size / 1024).toFixed(0)} KB -> ${out}\n`,
);
