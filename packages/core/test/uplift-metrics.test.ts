import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../src/model/rng.ts';
import {
  auuc,
  qiniCoefficient,
  qiniCurve,
  randomTargeting,
  upliftCurve,
} from '../src/model/uplift-metrics.ts';

// Four customers: a treated responder, a control non-responder, a treated non-responder, a control responder.
const treated = [1, 0, 1, 0];
const outcome = [1, 0, 0, 1];
const best = [4, 3, 2, 1];
const worst = [1, 2, 3, 4];

const near = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

test('the Qini curve counts treated responders minus control responders scaled by n_t/n_c', () => {
  const c = qiniCurve(best, outcome, treated);
  assert.deepEqual(Array.from(c.x), [0, 1, 2, 3, 4]);
  // 1 (no control yet: 1 − 0), 1 − 0·1/1, 1 − 0·2/1, 1 − 1·2/2.
  assert.deepEqual(Array.from(c.y), [0, 1, 1, 1, 0]);
  const u = upliftCurve(best, outcome, treated);
  // (1/1 − 0)·1, (1/1 − 0/1)·2, (1/2 − 0/1)·3, (1/2 − 1/2)·4.
  assert.deepEqual(Array.from(u.y), [0, 1, 2, 1.5, 0]);
});

test('a perfect ranking scores 1, the reversed one −1/2 (Qini) and −1 (AUUC), worked by hand', () => {
  near(qiniCoefficient(best, outcome, treated), 1, 'qini best');
  near(auuc(best, outcome, treated), 1, 'auuc best');
  // Reversed Qini curve 0, 0, −1, −1/2, 0: area −3/2 against the perfect curve's 3.
  near(qiniCoefficient(worst, outcome, treated), -0.5, 'qini reversed');
  // Reversed uplift curve 0, −1, −2, −3/2, 0: area −9/2 against 9/2.
  near(auuc(worst, outcome, treated), -1, 'auuc reversed');
});

test('tied scores form one step, so a constant score is exactly random targeting (0)', () => {
  assert.deepEqual(Array.from(qiniCurve([5, 5, 5, 5], outcome, treated).x), [0, 4]);
  assert.equal(qiniCoefficient([5, 5, 5, 5], outcome, treated), 0);
  assert.equal(auuc([5, 5, 5, 5], outcome, treated), 0);
});

test('matches scikit-uplift 0.5.1 qini_auc_score and uplift_auc_score on a case with ties', () => {
  const i = Array.from({ length: 40 }, (_, k) => k);
  const t = i.map((k) => ((k * 7) % 3 !== 0 ? 1 : 0));
  const y = i.map((k) => ((k * 5) % 7 < 3 ? 1 : 0));
  const s = i.map((k) => ((k * 37) % 11) / 10);
  // Printed by sklift.metrics on these arrays.
  near(qiniCoefficient(s, y, t), -0.10100989423404984, 'qini');
  near(auuc(s, y, t), -0.10084872356478362, 'auuc');
  const c = qiniCurve(s, y, t);
  assert.deepEqual(Array.from(c.x), [0, 3, 7, 11, 14, 17, 21, 25, 28, 32, 36, 40]);
  near(c.y[3], -7 / 3, 'qini curve at 11');
});

test('random orders average close to 0, and a score that knows the effect beats them', () => {
  const rng = createRng(3);
  const n = 4000;
  const t = Array.from({ length: n }, () => (rng() < 0.5 ? 1 : 0));
  const effect = Array.from({ length: n }, () => rng());
  // Response 20 % without the treatment, plus up to 20 points with it, growing with `effect`.
  const y = effect.map((e, k) => (rng() < 0.2 + 0.2 * e * t[k] ? 1 : 0));
  const random = randomTargeting(y, t, 20, 7);
  assert.ok(Math.abs(random.qini) < 0.03, `random qini ${random.qini}`);
  assert.ok(Math.abs(random.auuc) < 0.03, `random auuc ${random.auuc}`);
  assert.ok(qiniCoefficient(effect, y, t) > random.qini + 0.05, 'informed ranking beats random');
  assert.ok(
    qiniCoefficient(
      effect.map((e) => -e),
      y,
      t,
    ) <
      random.qini - 0.05,
    'reversed loses',
  );
});

test('refuses non-binary outcomes and arrays of different lengths', () => {
  assert.throws(() => qiniCoefficient([1, 2], [0, 2], [0, 1]), RangeError);
  assert.throws(() => auuc([1, 2, 3], [0, 1], [0, 1]), RangeError);
});
