import assert from 'node:assert/strict';
import { test } from 'node:test';
import { featureContributions, topContributions } from '../src/model/explain.ts';
import { completeMargin, walkMargin } from '../src/model/forest.ts';
import { trainForest } from '../src/model/gbdt-trainer.ts';
import { auroc } from '../src/model/metrics.ts';
import { rawMargin, score, trainModel } from '../src/model/propensity-model.ts';
import { createRng } from '../src/model/rng.ts';

const NAMES = ['a', 'b', 'noise'];

/** Label = XOR of two thresholds (needs an interaction), plus 5% label noise; the third feature is noise. */
function xorData(n: number, seed: number): { x: Float64Array[]; y: Uint8Array } {
  const rng = createRng(seed);
  const x: Float64Array[] = [];
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const row = Float64Array.of(rng(), rng(), rng());
    x.push(row);
    const truth = row[0] > 0.5 !== row[1] > 0.3;
    y[i] = (rng() < 0.05 ? !truth : truth) ? 1 : 0;
  }
  return { x, y };
}

test('the trainer learns an interaction it has never seen on fresh data', () => {
  const train = xorData(4000, 1);
  const holdout = xorData(2000, 2);
  const model = trainModel(train.x, train.y, { featureNames: NAMES, calibrationFolds: 2 });
  const probs = holdout.x.map((x) => score(model, x));
  assert.ok(auroc(probs, holdout.y) > 0.93, `AUROC ${auroc(probs, holdout.y)}`);
  // Calibrated: clear cases are confident, and the mean matches the share of positives.
  assert.ok(score(model, Float64Array.of(0.9, 0.1, 0.5)) > 0.85);
  assert.ok(score(model, Float64Array.of(0.9, 0.9, 0.5)) < 0.15);
  const mean = probs.reduce((s, p) => s + p, 0) / probs.length;
  const rate = holdout.y.reduce((s, v) => s + v, 0) / holdout.y.length;
  assert.ok(Math.abs(mean - rate) < 0.03, `mean ${mean} vs rate ${rate}`);
  // The noise feature barely moves scores; the real ones do.
  const top = topContributions(model, Float64Array.of(0.9, 0.1, 0.5));
  assert.notEqual(top[0].feature, 'noise');
  assert.ok(top.length <= 3);
});

test('a few trees on a tiny problem: one split on the informative feature', () => {
  const x = [0, 1, 2, 3, 4, 5, 6, 7].map((v) => Float64Array.of(v, 7 - v > 3 ? 1 : 0));
  const y = [0, 0, 0, 0, 1, 1, 1, 1];
  const forest = trainForest(x, y, { rounds: 1, minSamplesLeaf: 1, learningRate: 1, l2: 0, subsample: 1 });
  assert.equal(forest.roots.length, 1);
  assert.ok(forest.thresholds.length >= 1);
  // The first split separates 0..3 from 4..7 exactly: threshold 3 on either feature.
  assert.ok(walkMargin(forest, Float64Array.of(3, 1)) < 0);
  assert.ok(walkMargin(forest, Float64Array.of(4, 0)) > 0);
});

test('missing values get a learned direction: NaN here behaves like a low value (a likely buyer)', () => {
  const rng = createRng(5);
  const x: Float64Array[] = [];
  const y: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const missing = rng() < 0.2;
    const v = rng();
    x.push(Float64Array.of(missing ? Number.NaN : v, rng()));
    y.push(missing || v < 0.2 ? 1 : 0);
  }
  const model = trainModel(x, y, { featureNames: ['v', 'noise'], calibrationFolds: 2 });
  assert.ok(score(model, Float64Array.of(Number.NaN, 0.5)) > 0.9);
  assert.ok(score(model, Float64Array.of(0.1, 0.5)) > 0.9);
  assert.ok(score(model, Float64Array.of(0.6, 0.5)) < 0.1);
  // The first split sends missing values left, with the low values.
  const f = model.forest;
  assert.equal(f.nodes[0], 0);
  assert.equal(f.nodes[3], f.nodes[1]);
});

test('the branch-free layout scores like the tree walk at every depth', () => {
  const { x, y } = xorData(3000, 3);
  const shapes = [
    { depth: 4, params: {} },
    { depth: 3, params: { maxDepth: 3, maxLeaves: 8 } },
    { depth: 3, params: { maxDepth: 3, maxLeaves: 8, rounds: 31 } }, // odd tree count: the kernel's single-tree tail
    { depth: 4, params: { rounds: 31 } },
    { depth: 3, params: { maxDepth: 1, rounds: 20 } }, // stumps padded to depth 3
    { depth: 4, params: { maxDepth: 4, maxLeaves: 16, rounds: 41 } },
    { depth: 5, params: { maxDepth: 5, maxLeaves: 12, rounds: 40 } },
  ];
  for (const { depth, params } of shapes) {
    const forest = trainForest(x, y, params);
    assert.ok(forest.complete !== null);
    assert.equal(forest.complete.depth, depth);
    for (const row of xorData(500, 4).x) {
      // Equal up to float rounding: the kernels add two trees' leaves before adding them to the sum.
      const fast = completeMargin(forest.complete, forest.baseScore, row);
      assert.ok(
        Math.abs(fast - walkMargin(forest, row)) < 1e-12,
        `depth ${depth}: ${fast} vs ${walkMargin(forest, row)}`,
      );
    }
  }
});

test('training is reproducible from the seed, and the seed matters when rows are sampled', () => {
  const { x, y } = xorData(1500, 6);
  const probe = Float64Array.of(0.51, 0.29, 0.5);
  const a = trainForest(x, y, { seed: 7 });
  const b = trainForest(x, y, { seed: 7 });
  const c = trainForest(x, y, { seed: 8 });
  assert.deepEqual(a.leafValues, b.leafValues);
  assert.notDeepEqual(a.leafValues, c.leafValues);
  assert.equal(walkMargin(a, probe), walkMargin(b, probe));
});

test('contributions add up to the margin', () => {
  const { x, y } = xorData(2000, 9);
  const model = trainModel(x, y, { featureNames: NAMES, calibrationFolds: 0 });
  for (const row of x.slice(0, 50)) {
    const { bias, contributions } = featureContributions(model, row);
    const total = contributions.reduce((s, v) => s + v, bias);
    assert.ok(Math.abs(total - rawMargin(model, row)) < 1e-9);
  }
});

test('bad input is refused', () => {
  const { x, y } = xorData(200, 1);
  assert.throws(() => trainForest(x, y, { learningRate: 0 }), /learningRate/);
  assert.throws(() => trainForest(x, y.slice(1)), /labels/);
  assert.throws(() => trainModel(x, y), /expected 17/);
  const model = trainModel(x, y, { featureNames: NAMES, calibrationFolds: 0, boosting: { rounds: 3 } });
  assert.throws(() => score(model, new Float64Array(2)), /expected 3 features/);
  assert.throws(() => trainModel(x, y, { featureNames: NAMES, calibrationFolds: 1 }), /calibrationFolds/);
  // Too few purchases to calibrate on inner folds: trained anyway, and the record says so.
  const few = Uint8Array.from({ length: y.length }, (_, i) => (i < 2 ? 1 : 0));
  const small = trainModel(x, few, { featureNames: NAMES, boosting: { rounds: 5 } });
  assert.equal(small.training.calibrationFolds, 0);
  assert.equal(small.training.positives, 2);
});
