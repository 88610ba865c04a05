import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calibrate, fitPlatt } from '../src/model/calibration.ts';
import {
  auroc,
  averagePrecision,
  bestF1,
  binaryMetrics,
  brierScore,
  thresholdMetrics,
} from '../src/model/metrics.ts';
import { createRng } from '../src/model/rng.ts';
import { splitByFold, stratifiedFolds } from '../src/model/stratified-folds.ts';

const scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4];
const labels = [1, 0, 1, 1, 0, 0];

test('AUROC counts pairs a positive outranks a negative (7 of 9 here), ties count half', () => {
  assert.equal(auroc(scores, labels), 7 / 9);
  assert.equal(auroc([0.5, 0.5], [1, 0]), 0.5);
  assert.equal(auroc([0.1, 0.2, 0.3], [0, 1, 1]), 1);
  assert.equal(auroc([0.1, 0.2, 0.3], [1, 0, 0]), 0);
  // Order of the input does not matter.
  assert.equal(auroc([0.4, 0.9, 0.6, 0.8, 0.5, 0.7], [0, 1, 1, 0, 0, 1]), 7 / 9);
  assert.ok(Number.isNaN(auroc([0.1, 0.2], [1, 1])));
});

test('average precision sums precision at each recall step: 1/3·1 + 1/3·2/3 + 1/3·3/4', () => {
  assert.ok(Math.abs(averagePrecision(scores, labels) - 29 / 36) < 1e-12);
  assert.equal(averagePrecision([0.5, 0.5], [1, 0]), 0.5);
  assert.equal(averagePrecision([0.9, 0.1], [1, 0]), 1);
});

test('best F1 is 6/7 at threshold 0.6 with accuracy 5/6', () => {
  const best = bestF1(scores, labels);
  assert.equal(best.threshold, 0.6);
  assert.ok(Math.abs(best.f1 - 6 / 7) < 1e-12);
  assert.ok(Math.abs(best.accuracy - 5 / 6) < 1e-12);
  const at = thresholdMetrics(scores, labels, 0.7);
  assert.ok(Math.abs(at.f1 - 2 / 3) < 1e-12);
  assert.ok(Math.abs(at.accuracy - 4 / 6) < 1e-12);
});

test('Brier score is the mean squared error of probabilities', () => {
  assert.ok(Math.abs(brierScore(scores, labels) - 1.31 / 6) < 1e-12);
  assert.equal(brierScore([1, 0], [1, 0]), 0);
  const m = binaryMetrics(scores, labels, 0.6);
  assert.equal(m.threshold, 0.6);
  assert.ok(Math.abs(m.f1 - 6 / 7) < 1e-12);
  assert.equal(m.auroc, 7 / 9);
});

test('Platt scaling recovers the slope and intercept that generated the labels', () => {
  const rng = createRng(42);
  const n = 20000;
  const margins = new Float64Array(n);
  const ys = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    margins[i] = rng() * 6 - 3;
    ys[i] = rng() < 1 / (1 + Math.exp(-(2 * margins[i] - 1))) ? 1 : 0;
  }
  const c = fitPlatt(margins, ys);
  assert.ok(Math.abs(c.a - 2) < 0.15, `a = ${c.a}`);
  assert.ok(Math.abs(c.b + 1) < 0.15, `b = ${c.b}`);
  assert.ok(Math.abs(calibrate(c, 0.5) - 0.5) < 0.05);
});

test('stratified folds keep the positive share in every fold and depend only on the seed', () => {
  const ys: number[] = Array.from({ length: 1003 }, (_, i) => (i % 7 === 0 ? 1 : 0));
  const positives = ys.reduce((s, y) => s + y, 0);
  const fold = stratifiedFolds(ys, 5, 3);
  for (let k = 0; k < 5; k++) {
    const { train, test: held } = splitByFold(fold, k);
    assert.equal(train.length + held.length, ys.length);
    const pos = held.filter((i) => ys[i] === 1).length;
    assert.ok(Math.abs(pos - positives / 5) <= 1, `fold ${k} has ${pos} positives`);
    assert.ok(Math.abs(held.length - ys.length / 5) <= 1, `fold ${k} has ${held.length} rows`);
  }
  assert.deepEqual(stratifiedFolds(ys, 5, 3), fold);
  assert.notDeepEqual(stratifiedFolds(ys, 5, 4), fold);
  assert.throws(() => stratifiedFolds([1, 0, 0], 2, 1), /cannot stratify/);
});
