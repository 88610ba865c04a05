import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { crossValidate } from '../src/model/cross-validation.ts';
import { topContributions } from '../src/model/explain.ts';
import { auroc } from '../src/model/metrics.ts';
import { modelFromJson } from '../src/model/model-json.ts';
import { score } from '../src/model/propensity-model.ts';
import { parseUciCsv } from '../src/model/uci-csv.ts';
import { toDataset } from '../src/model/uci-features.ts';
import { toUciLiveDataset } from '../src/model/uci-live.ts';
import { sharedData } from './helpers/shared-data.ts';

const DATA = sharedData('online_shoppers_intention.csv');
const DEFAULT_MODEL = new URL('../models/uci-default.json', import.meta.url);
const { features, labels } = toDataset(parseUciCsv(readFileSync(DATA, 'utf8')));
const baseRate = 1908 / 12330;

test('3-fold cross-validation on the UCI sessions reaches AUROC >= 0.92 with calibrated scores', () => {
  const cv = crossValidate(features, labels, { folds: 3, seed: 11, train: { calibrationFolds: 2 } });
  assert.equal(cv.folds.length, 3);
  assert.equal(
    cv.folds.reduce((s, f) => s + f.rows, 0),
    12330,
  );
  for (const fold of cv.folds) {
    assert.ok(fold.auroc >= 0.92, `fold ${fold.fold} AUROC ${fold.auroc}`);
    assert.ok(fold.aupr >= 0.68, `fold ${fold.fold} AUPR ${fold.aupr}`);
  }
  assert.ok(cv.mean.auroc >= 0.925, `mean AUROC ${cv.mean.auroc}`);
  assert.ok(cv.mean.brier < 0.075, `Brier ${cv.mean.brier}`);
  // F1 at the threshold chosen on training folds is close to the oracle F1 on the test fold.
  assert.ok(
    cv.mean.f1 > 0.6 && cv.mean.f1 <= cv.mean.oracleF1 + 1e-9,
    `F1 ${cv.mean.f1} / ${cv.mean.oracleF1}`,
  );
  assert.ok(cv.mean.accuracy > 0.88);

  // Calibration: out-of-fold probabilities average to the base rate, and each score decile's mean
  // prediction matches its observed purchase rate.
  const p = cv.predictions;
  const mean = p.reduce((s, v) => s + v, 0) / p.length;
  assert.ok(Math.abs(mean - baseRate) < 0.015, `mean prediction ${mean} vs base rate ${baseRate}`);
  const order = Array.from(p.keys()).sort((a, b) => p[a] - p[b]);
  let gap = 0;
  for (let d = 0; d < 10; d++) {
    const slice = order.slice(Math.floor((d * order.length) / 10), Math.floor(((d + 1) * order.length) / 10));
    const predicted = slice.reduce((s, i) => s + p[i], 0) / slice.length;
    const observed = slice.reduce((s, i) => s + labels[i], 0) / slice.length;
    gap += (Math.abs(predicted - observed) * slice.length) / order.length;
  }
  assert.ok(gap < 0.02, `expected calibration error ${gap}`);
});

test('the shipped cold-start model loads, is small, ranks sessions and explains with PageValues', () => {
  const text = readFileSync(DEFAULT_MODEL, 'utf8');
  assert.ok(text.length < 1024 * 1024, `${text.length} bytes`);
  const model = modelFromJson(JSON.parse(text));
  assert.equal(model.training.rows, 12330);
  // It reads the thirteen UCI columns a tag reproduces live, and carries its cross-validated figures.
  assert.equal(model.featureNames.length, 13);
  assert.ok(!model.featureNames.includes('Browser'));
  assert.ok(model.evaluation!.auroc >= 0.93, `CV AUROC ${model.evaluation!.auroc}`);
  assert.equal(Object.keys(model.importances!).length, 13);
  const live = toUciLiveDataset(parseUciCsv(readFileSync(DATA, 'utf8'))).features;
  const probs = live.map((x) => score(model, x));
  assert.ok(probs.every((v) => v > 0 && v < 1));
  // In-sample, so only a sanity check that the file is the trained model (held-out figures come from CV).
  assert.ok(auroc(probs, labels) > 0.93);
  const pageValues = model.featureNames.indexOf('PageValues');
  const buyer = live.findIndex((x, i) => labels[i] === 1 && x[pageValues] > 50);
  const top = topContributions(model, live[buyer]);
  assert.equal(top[0].feature, 'PageValues');
  assert.ok(top[0].contribution > 0);
  assert.ok(probs[buyer] > model.threshold);
});
