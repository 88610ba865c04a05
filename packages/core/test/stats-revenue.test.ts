import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrapMeanDifference, quantileSorted } from '../src/stats/bootstrap-mean-difference.ts';
import { compareRevenue } from '../src/stats/revenue-comparison.ts';
import { summarizeSample } from '../src/stats/sample-summary.ts';
import { createSeededRandom, sampleBinomial } from '../src/stats/seeded-random.ts';
import { welchTest } from '../src/stats/welch-test.ts';

function near(actual: number | null | undefined, expected: number, tolerance: number, what = ''): void {
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= tolerance,
    `${what} expected ${expected} ± ${tolerance}, got ${actual}`,
  );
}

describe('sample summary', () => {
  it('gives the unbiased variance, stably for large offsets', () => {
    const s = summarizeSample([2, 4, 4, 4, 5, 5, 7, 9]);
    assert.equal(s.mean, 5);
    near(s.variance, 32 / 7, 1e-15);
    const shifted = summarizeSample([1e9 + 2, 1e9 + 4, 1e9 + 4, 1e9 + 4, 1e9 + 5, 1e9 + 5, 1e9 + 7, 1e9 + 9]);
    near(shifted.variance, 32 / 7, 1e-6);
    assert.deepEqual(summarizeSample([]), { n: 0, sum: 0, mean: 0, variance: 0 });
  });
});

describe("Welch's t test", () => {
  it('matches a hand computation', () => {
    // x = 1..4: mean 2.5, s² = 5/3; y = 2, 4, …, 12: mean 7, s² = 14.
    // SE² = (5/3)/4 + 14/6 = 2.75; t = −4.5/√2.75; df = 2.75² / ((5/12)²/3 + (7/3)²/5) = 6.594671.
    const r = welchTest(summarizeSample([1, 2, 3, 4]), summarizeSample([2, 4, 6, 8, 10, 12]));
    assert.ok(r);
    near(r.difference, -4.5, 1e-15);
    near(r.standardError, Math.sqrt(2.75), 1e-15);
    near(r.t, -4.5 / Math.sqrt(2.75), 1e-14);
    near(r.df, 7.5625 / ((5 / 12) ** 2 / 3 + (7 / 3) ** 2 / 5), 1e-12);
    near(r.pValue, 0.03182444378084147, 1e-12);
    near(r.ci[0], -8.470676788343704, 1e-11);
    near(r.ci[1], -0.5293232116562954, 1e-11);
  });

  it('agrees with SciPy ttest_ind(equal_var=False) on a textbook pair of samples', () => {
    const a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const r = welchTest(summarizeSample(a), summarizeSample(b));
    assert.ok(r);
    near(r.t, -2.455356398286006, 1e-12);
    near(r.df, 24.988529290231416, 1e-9);
    near(r.pValue, 0.021378001462866992, 1e-12);
    near(r.ci[0], -3.984096267140929, 1e-11);
    near(r.ci[1], -0.3492370661924069, 1e-11);
  });

  it('is undefined below two values per arm and exact for constant arms', () => {
    assert.equal(welchTest(summarizeSample([1]), summarizeSample([1, 2, 3])), null);
    const constant = welchTest(summarizeSample([3, 3, 3]), summarizeSample([1, 1]));
    assert.deepEqual(constant?.ci, [2, 2]);
    assert.equal(constant?.pValue, 0);
  });
});

describe('seeded random numbers', () => {
  it('repeat for a seed and differ between seeds', () => {
    const a = createSeededRandom(42);
    const b = createSeededRandom(42);
    const c = createSeededRandom(43);
    const first = Array.from({ length: 5 }, () => a.next());
    assert.deepEqual(
      first,
      Array.from({ length: 5 }, () => b.next()),
    );
    assert.notDeepEqual(
      first,
      Array.from({ length: 5 }, () => c.next()),
    );
    for (const x of first) assert.ok(x >= 0 && x < 1);
  });

  it('draw uniform indices', () => {
    const random = createSeededRandom(7);
    const counts = new Array(7).fill(0);
    const draws = 70_000;
    for (let i = 0; i < draws; i++) counts[random.nextIndex(7)]++;
    // Chi-square with 6 df: 22.46 is its 0.999 quantile.
    const chi2 = counts.reduce((sum, c) => sum + (c - draws / 7) ** 2 / (draws / 7), 0);
    assert.ok(chi2 < 22.46, `chi-square ${chi2}`);
  });

  it('draw binomial counts with the right mean and variance', () => {
    const random = createSeededRandom(3);
    for (const [n, p] of [
      [1000, 0.03],
      [200, 0.9],
    ]) {
      const samples = Array.from({ length: 20_000 }, () => sampleBinomial(random, n, p));
      const s = summarizeSample(samples);
      near(s.mean, n * p, 4 * Math.sqrt((n * p * (1 - p)) / 20_000), `mean of Bin(${n}, ${p})`);
      near(s.variance, n * p * (1 - p), 0.05 * n * p * (1 - p), `variance of Bin(${n}, ${p})`);
      assert.ok(samples.every((x) => Number.isInteger(x) && x >= 0 && x <= n));
    }
    assert.equal(sampleBinomial(random, 10, 0), 0);
    assert.equal(sampleBinomial(random, 10, 1), 10);
  });
});

describe('percentile bootstrap of a mean difference', () => {
  // Revenue-like data: most visitors spend nothing, a few spend a skewed amount.
  function revenue(n: number, buyers: number, scale: number): number[] {
    const values = new Array(n).fill(0);
    for (let i = 0; i < buyers; i++) values[(i * 7919) % n] = scale * (1 + ((i * 37) % 11) ** 2);
    return values;
  }
  const treatment = revenue(4000, 160, 1.5);
  const control = revenue(3500, 120, 1.2);

  it('is deterministic given the seed', () => {
    const a = bootstrapMeanDifference(treatment, control, { seed: 11, iterations: 500 });
    const b = bootstrapMeanDifference(treatment, control, { seed: 11, iterations: 500 });
    const c = bootstrapMeanDifference(treatment, control, { seed: 12, iterations: 500 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a?.ci, c?.ci);
  });

  it('has the spread the theory predicts (the sparse resampling shortcut is exact)', () => {
    // The bootstrap distribution of a mean has variance σ²/n with σ² the population (1/n) variance.
    const popVariance = (v: number[]) => (summarizeSample(v).variance * (v.length - 1)) / v.length;
    const sd = Math.sqrt(popVariance(treatment) / treatment.length + popVariance(control) / control.length);
    const diff = summarizeSample(treatment).mean - summarizeSample(control).mean;
    const r = bootstrapMeanDifference(treatment, control, { seed: 5, iterations: 20_000 });
    assert.ok(r);
    near(r.difference, diff, 1e-12);
    const halfWidth = (r.ci[1] - r.ci[0]) / 2;
    near(halfWidth, 1.959963984540054 * sd, 0.05 * 1.96 * sd, 'half width');
    // Dense data goes through the plain path and must agree as well.
    const shift = (v: number[]) => v.map((x) => x + 1);
    const dense = bootstrapMeanDifference(shift(treatment), shift(control), { seed: 5, iterations: 5000 });
    near(((dense?.ci[1] ?? 0) - (dense?.ci[0] ?? 0)) / 2, 1.96 * sd, 0.05 * 1.96 * sd, 'dense half width');
  });

  it('gives a p-value at its floor for a clear difference and near 1 for none', () => {
    const clear = bootstrapMeanDifference(revenue(3000, 600, 5), revenue(3000, 60, 1), { iterations: 999 });
    assert.equal(clear?.pValue, 2 / 1000);
    const none = bootstrapMeanDifference(treatment, treatment, { iterations: 999 });
    assert.ok((none?.pValue ?? 0) > 0.5, `p ${none?.pValue}`);
  });

  it('uses type-7 quantiles', () => {
    near(quantileSorted([1, 2, 3, 4], 0.25), 1.75, 1e-15);
    near(quantileSorted([1, 2, 3, 4], 0.975), 3.925, 1e-15);
  });
});

describe('compareRevenue', () => {
  it('puts Welch in the headline and the bootstrap beside it', () => {
    const r = compareRevenue([1, 2, 3, 4], [2, 4, 6, 8, 10, 12], { seed: 9, bootstrapIterations: 200 });
    assert.equal(r.difference.method, 'welch-t');
    near(r.difference.estimate, -4.5, 1e-15);
    near(r.difference.ci?.[0], -8.470676788343704, 1e-11);
    near(r.pValue, 0.03182444378084147, 1e-12);
    assert.equal(r.significant, true);
    assert.equal(r.bootstrap?.seed, 9);
    assert.equal(r.bootstrap?.iterations, 200);
    near(r.relativeDifference, 2.5 / 7 - 1, 1e-15);
    near(r.treatment.standardDeviation, Math.sqrt(5 / 3), 1e-15);
  });

  it('degrades gracefully on tiny or empty revenue', () => {
    const r = compareRevenue([5], [0, 0, 0], { enoughData: false });
    assert.equal(r.welch, null);
    assert.equal(r.difference.ci, null);
    assert.equal(r.pValue, null);
    assert.equal(r.relativeDifference, null);
    assert.equal(r.significant, false);
    assert.equal(compareRevenue([1, 2], [3, 4], { bootstrapIterations: 0 }).bootstrap, null);
  });
});
