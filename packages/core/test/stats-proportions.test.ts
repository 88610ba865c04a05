import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareProportions, newcombeInterval, pooledZTest } from '../src/stats/proportion-comparison.ts';
import { wilsonInterval } from '../src/stats/wilson-interval.ts';

const Z95 = 1.959963984540054;

function near(actual: number | null | undefined, expected: number, tolerance: number, what = ''): void {
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= tolerance,
    `${what} expected ${expected} ± ${tolerance}, got ${actual}`,
  );
}

// Every number in a report must survive JSON (no NaN or Infinity, which would turn into null).
function assertAllFinite(value: unknown, path = 'report'): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) assertAllFinite(child, `${path}.${key}`);
  }
}

describe('Wilson score interval', () => {
  // Newcombe (1998a), Statistics in Medicine 17:857, table I, method 3 (score, no correction).
  it('reproduces the published examples', () => {
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [x, n, lo, hi] of cases) {
      const [low, high] = wilsonInterval(x, n, Z95);
      near(low, lo, 5e-5, `${x}/${n} low`);
      near(high, hi, 5e-5, `${x}/${n} high`);
    }
  });

  it('is exact at the boundaries and uninformative with no data', () => {
    assert.equal(wilsonInterval(0, 10, Z95)[0], 0);
    assert.equal(wilsonInterval(10, 10, Z95)[1], 1);
    assert.deepEqual(wilsonInterval(0, 0, Z95), [0, 1]);
  });
});

describe('Newcombe hybrid score interval for a difference', () => {
  // Newcombe (1998b), Statistics in Medicine 17:873, table II, method 10.
  const published: [number, number, number, number, number, number][] = [
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [0, 10, 0, 10, -0.2775, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
    [10, 10, 0, 10, 0.6075, 1],
  ];
  for (const [x1, n1, x2, n2, lo, hi] of published) {
    it(`${x1}/${n1} − ${x2}/${n2} → [${lo}, ${hi}]`, () => {
      const [low, high] = newcombeInterval({ n: n1, conversions: x1 }, { n: n2, conversions: x2 }, Z95);
      near(low, lo, 5e-5, 'low');
      near(high, hi, 5e-5, 'high');
    });
  }
});

describe('pooled two-proportion z test', () => {
  it('matches a hand computation', () => {
    // 56/70 vs 48/80: pooled 104/150, SE = √(0.69333·0.30667·(1/70 + 1/80)) = 0.075467, z = 0.2/SE.
    const { statistic, pValue } = pooledZTest({ n: 70, conversions: 56 }, { n: 80, conversions: 48 });
    near(statistic, 2.6501719512585336, 1e-12, 'z');
    near(pValue, 0.00804508136819656, 1e-12, 'p');
  });

  it('gives p = 1 when nothing can differ', () => {
    assert.equal(pooledZTest({ n: 50, conversions: 0 }, { n: 60, conversions: 0 }).pValue, 1);
    assert.equal(pooledZTest({ n: 50, conversions: 50 }, { n: 60, conversions: 60 }).pValue, 1);
    assert.equal(pooledZTest({ n: 50, conversions: 5 }, { n: 50, conversions: 5 }).pValue, 1);
  });

  it('is symmetric in the arms', () => {
    const a = pooledZTest({ n: 1000, conversions: 130 }, { n: 900, conversions: 90 });
    const b = pooledZTest({ n: 900, conversions: 90 }, { n: 1000, conversions: 130 });
    near(a.statistic, -b.statistic, 1e-15);
    near(a.pValue, b.pValue, 1e-15);
  });
});

describe('compareProportions', () => {
  it('reports lifts, intervals and the p-value together', () => {
    const r = compareProportions(
      { n: 70, conversions: 56, label: 'A' },
      { n: 80, conversions: 48, label: 'B' },
    );
    assert.deepEqual(r.treatment, { label: 'A', n: 70, conversions: 56, rate: 0.8 });
    near(r.absoluteLift.estimate, 0.2, 1e-15);
    near(r.absoluteLift.ci[0], 0.0524, 5e-5);
    near(r.absoluteLift.ci[1], 0.3339, 5e-5);
    assert.equal(r.absoluteLift.method, 'newcombe-hybrid-score');
    // Relative lift: RR = 0.8/0.6, SE(ln RR) = √(1/56 − 1/70 + 1/48 − 1/80) = 0.109109.
    near(r.relativeLift.estimate, 1 / 3, 1e-15);
    near(r.relativeLift.ci?.[0], Math.exp(Math.log(4 / 3) - Z95 * 0.10910894511799617) - 1, 1e-12);
    near(r.relativeLift.ci?.[1], Math.exp(Math.log(4 / 3) + Z95 * 0.10910894511799617) - 1, 1e-12);
    near(r.pValue, 0.00804508136819656, 1e-12);
    // Only 70 and 80 visitors: below the default minimum of 100 per arm, so no verdict yet.
    assert.equal(r.enoughData, false);
    assert.equal(r.significant, false);
    assert.equal(r.verdict, 'not_enough_data');
  });

  it('gives a verdict once the minimum sample is reached, and the minimum is a parameter', () => {
    const small = compareProportions(
      { n: 70, conversions: 56 },
      { n: 80, conversions: 48 },
      {
        minimumSample: { visitorsPerArm: 50 },
      },
    );
    assert.equal(small.enoughData, true);
    assert.equal(small.verdict, 'treatment_better');
    assert.deepEqual(small.minimumSample, { visitorsPerArm: 50, totalConversions: 10 });
    const unset = compareProportions(
      { n: 70, conversions: 56 },
      { n: 80, conversions: 48 },
      {
        minimumSample: { visitorsPerArm: undefined, totalConversions: undefined },
      },
    );
    assert.deepEqual(
      unset.minimumSample,
      { visitorsPerArm: 100, totalConversions: 10 },
      'undefined keeps defaults',
    );
    const worse = compareProportions({ n: 500, conversions: 20 }, { n: 500, conversions: 45 });
    assert.equal(worse.verdict, 'control_better');
    const flat = compareProportions({ n: 500, conversions: 30 }, { n: 500, conversions: 31 });
    assert.equal(flat.verdict, 'no_significant_difference');
    const fewConversions = compareProportions({ n: 5000, conversions: 6 }, { n: 5000, conversions: 0 });
    assert.equal(fewConversions.verdict, 'not_enough_data', '6 conversions < 10');
  });

  it('handles zero counts without NaN or Infinity', () => {
    const r = compareProportions({ n: 56, conversions: 5 }, { n: 29, conversions: 0 });
    assert.equal(r.relativeLift.estimate, null, 'no ratio over a zero control rate');
    // Interval from the 2×2 table with 0.5 added to each cell: 5.5/57 vs 0.5/30.
    near(r.relativeLift.ci?.[0], -0.6688102002418685, 1e-12);
    near(r.relativeLift.ci?.[1], 100.2048244379641, 1e-9);
    const none = compareProportions({ n: 200, conversions: 0 }, { n: 200, conversions: 0 });
    assert.equal(none.pValue, 1);
    assert.equal(none.absoluteLift.estimate, 0);
    assert.equal(none.relativeLift.estimate, null);
    assertAllFinite(none);
    const treatmentZero = compareProportions({ n: 200, conversions: 0 }, { n: 200, conversions: 10 });
    assert.equal(treatmentZero.relativeLift.estimate, -1);
    const empty = compareProportions({ n: 0, conversions: 0 }, { n: 10, conversions: 1 });
    assert.equal(empty.relativeLift.ci, null);
    assert.equal(empty.treatment.rate, 0);
  });

  it('honours another confidence level', () => {
    const r90 = compareProportions(
      { n: 70, conversions: 56 },
      { n: 80, conversions: 48 },
      { confidenceLevel: 0.9 },
    );
    const r95 = compareProportions({ n: 70, conversions: 56 }, { n: 80, conversions: 48 });
    assert.ok(
      r90.absoluteLift.ci[0] > r95.absoluteLift.ci[0] && r90.absoluteLift.ci[1] < r95.absoluteLift.ci[1],
    );
  });

  it('rejects impossible counts', () => {
    assert.throws(
      () => compareProportions({ n: 10, conversions: 11 }, { n: 10, conversions: 1 }),
      RangeError,
    );
    assert.throws(
      () => compareProportions({ n: 10.5, conversions: 1 }, { n: 10, conversions: 1 }),
      RangeError,
    );
  });
});
