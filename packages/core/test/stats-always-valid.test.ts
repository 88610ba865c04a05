import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { alwaysValidDifference, conversionMoments } from '../src/stats/always-valid-difference.ts';
import { confidenceSequence, type SequenceLook } from '../src/stats/confidence-sequence.ts';
import { mixtureHalfWidth, mixturePrior, mixturePValue } from '../src/stats/mixture-boundary.ts';
import { normalQuantile } from '../src/stats/normal-distribution.ts';
import { sequentialVerdict } from '../src/stats/sequential-verdict.ts';

const rate = (n: number, x: number) => conversionMoments(n, x);
/** An arm of n visitors with x conversions, as a fast-check arbitrary. */
const arm = fc
  .integer({ min: 1, max: 200_000 })
  .chain((n) => fc.integer({ min: 0, max: n }).map((x) => ({ n, x })));

describe('normal-mixture boundary', () => {
  it('matches the closed form of Howard et al. (2021) for a standardized sum', () => {
    // u(v) = √((v + ρ_H) · ln((v + ρ_H) / (ρ_H α²))) with ρ_H = 1/ρ², on the scale of a mean: u(t)/t.
    const alpha = 0.05;
    const rho2 = mixturePrior(alpha, 5000);
    for (const t of [10, 1000, 5000, 1e6]) {
      const rhoH = 1 / rho2;
      const u = Math.sqrt((t + rhoH) * Math.log((t + rhoH) / (rhoH * alpha * alpha)));
      const half = mixtureHalfWidth(1 / t, t, alpha, rho2);
      assert.ok(Math.abs(half - u / t) < 1e-12 * (u / t), `t=${t}: ${half} vs ${u / t}`);
    }
  });

  it('is wider than the fixed-sample interval, by a modest factor where it is tuned', () => {
    const alpha = 0.05;
    const rho2 = mixturePrior(alpha, 10_000);
    const fixed = normalQuantile(0.975) * Math.sqrt(1 / 10_000);
    const ratio = mixtureHalfWidth(1 / 10_000, 10_000, alpha, rho2) / fixed;
    assert.ok(ratio > 1 && ratio < 2, `ratio ${ratio}`);
  });

  it('gives a p-value of 1 at no evidence and below α exactly where the interval leaves 0', () => {
    const rho2 = mixturePrior(0.05);
    assert.equal(mixturePValue(0, 1000, rho2), 1);
    const half = mixtureHalfWidth(1, 1000, 0.05, rho2);
    assert.ok(mixturePValue(half * 1.0001, 1000, rho2) < 0.05);
    assert.ok(mixturePValue(half * 0.9999, 1000, rho2) > 0.05);
  });
});

describe('always-valid difference of two conversion rates (properties)', () => {
  it('holds the estimate inside its interval, within [−1, 1], with a p-value in [0, 1]', () => {
    fc.assert(
      fc.property(arm, arm, (a, b) => {
        const r = alwaysValidDifference(rate(a.n, a.x), rate(b.n, b.x));
        const [low, high] = r.interval!;
        assert.ok(low <= r.difference && r.difference <= high);
        assert.ok(low >= -1 && high <= 1);
        assert.ok(r.pValue >= 0 && r.pValue <= 1);
        if (r.relative?.interval) {
          const [rl, rh] = r.relative.interval;
          assert.ok(rl <= r.relative.estimate + 1e-12 && r.relative.estimate <= rh + 1e-12);
        }
      }),
    );
  });

  it('calls a difference (p < α) exactly when the interval leaves 0', () => {
    fc.assert(
      fc.property(arm, arm, (a, b) => {
        const r = alwaysValidDifference(rate(a.n, a.x), rate(b.n, b.x));
        const [low, high] = r.interval!;
        const margin = 1e-9;
        if (low > margin || high < -margin) assert.ok(r.pValue < 0.05 + 1e-9);
        if (low < -margin && high > margin) assert.ok(r.pValue > 0.05 - 1e-9);
      }),
    );
  });

  it('is antisymmetric: swapping the arms negates the difference and mirrors the interval', () => {
    fc.assert(
      fc.property(arm, arm, (a, b) => {
        const ab = alwaysValidDifference(rate(a.n, a.x), rate(b.n, b.x));
        const ba = alwaysValidDifference(rate(b.n, b.x), rate(a.n, a.x));
        assert.ok(Math.abs(ab.difference + ba.difference) < 1e-15);
        assert.ok(Math.abs(ab.interval![0] + ba.interval![1]) < 1e-12);
        assert.ok(Math.abs(ab.pValue - ba.pValue) < 1e-12);
      }),
    );
  });

  it('narrows as the same rates are seen on more visitors', () => {
    fc.assert(
      fc.property(arm, arm, fc.integer({ min: 2, max: 50 }), (a, b, k) => {
        const small = alwaysValidDifference(rate(a.n, a.x), rate(b.n, b.x));
        const large = alwaysValidDifference(rate(a.n * k, a.x * k), rate(b.n * k, b.x * k));
        const width = (r: typeof small) => r.interval![1] - r.interval![0];
        assert.ok(width(large) <= width(small) + 1e-12, `${width(large)} > ${width(small)}`);
      }),
    );
  });

  it('gains evidence as the treated arm converts more (p-value falls as its conversions rise above b)', () => {
    fc.assert(
      fc.property(arm, fc.integer({ min: 1, max: 100 }), (b, more) => {
        const n = b.n;
        const x1 = Math.min(n, b.x + more);
        const x2 = Math.min(n, x1 + more);
        const p1 = alwaysValidDifference(rate(n, x1), rate(b.n, b.x)).pValue;
        const p2 = alwaysValidDifference(rate(n, x2), rate(b.n, b.x)).pValue;
        assert.ok(p2 <= p1 + 1e-12);
      }),
    );
  });
});

describe('confidence sequence over looks (properties)', () => {
  const looks = fc
    .array(
      fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 }), fc.nat(40), fc.nat(40)),
      {
        minLength: 1,
        maxLength: 30,
      },
    )
    .map((days) => {
      const out: SequenceLook[] = [];
      let [na, nb, xa, xb] = [0, 0, 0, 0];
      for (const [da, db, ca, cb] of days) {
        na += da;
        nb += db;
        xa = Math.min(na, xa + ca);
        xb = Math.min(nb, xb + cb);
        out.push({ a: rate(na, xa), b: rate(nb, xb) });
      }
      return out;
    });

  it('only narrows (unless a look misses it altogether), and its p-value only falls, look after look', () => {
    fc.assert(
      fc.property(looks, (ls) => {
        const s = confidenceSequence(ls);
        let previous: [number, number] | null = null;
        let p = 1;
        for (const step of s.steps) {
          if (!step.enoughData) continue;
          assert.ok(step.pValue <= p);
          p = step.pValue;
          if (previous && step.interval) {
            const [low, high] = step.interval;
            const nested = low >= previous[0] - 1e-15 && high <= previous[1] + 1e-15;
            // The one exception: a look that misses the running interval altogether starts it over.
            const disjoint = low > previous[1] || high < previous[0];
            assert.ok(nested || disjoint, `${step.interval} after ${previous}`);
          }
          previous = step.interval;
        }
      }),
    );
  });

  it('gives no verdict before the minimum sample', () => {
    const s = confidenceSequence([{ a: rate(50, 40), b: rate(50, 0) }]);
    assert.equal(s.enoughData, false);
    assert.equal(s.verdict, 'keep_running');
  });
});

describe('sequential verdict', () => {
  it('reads the interval against 0 and the equivalence band', () => {
    assert.equal(sequentialVerdict([0.001, 0.02], 0.005, true), 'wins');
    assert.equal(sequentialVerdict([-0.02, -0.001], 0.005, true), 'loses');
    assert.equal(sequentialVerdict([-0.004, 0.003], 0.005, true), 'no_difference_likely');
    assert.equal(sequentialVerdict([-0.01, 0.003], 0.005, true), 'keep_running');
    assert.equal(sequentialVerdict([0.001, 0.02], 0.005, false), 'keep_running');
  });
});

describe('revenue per visitor', () => {
  it('compares means of amounts with the same boundary', () => {
    // a: 1000 visitors, 100 spent 50 each; b: 1000 visitors, 100 spent 30 each.
    const a = { n: 1000, sum: 5000, sumSquares: 100 * 2500 };
    const b = { n: 1000, sum: 3000, sumSquares: 100 * 900 };
    const r = alwaysValidDifference(a, b, {}, 'mean');
    assert.equal(r.difference, 2);
    assert.ok(r.interval![0] < 2 && r.interval![1] > 2);
    assert.ok(r.relative && Math.abs(r.relative.estimate - 2 / 3) < 1e-12);
    assert.equal(alwaysValidDifference({ n: 1, sum: 5, sumSquares: 25 }, b, {}, 'mean').interval, null);
  });
});
