import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BandVisitor, bandIndex, scoreBandLift } from '../src/stats/score-bands.ts';

/** 100 exposed and 100 control visitors with scores in [lo, lo + 0.1), `e` and `c` of them converted. */
function band(lo: number, e: number, c: number): BandVisitor[] {
  const out: BandVisitor[] = [];
  for (let i = 0; i < 100; i++) {
    const score = lo + (i + 0.5) / 1000;
    out.push({ score, control: false, converted: i < e, revenue: i < e ? 50 : 0 });
    out.push({ score, control: true, converted: i < c, revenue: i < c ? 50 : 0 });
  }
  return out;
}

describe('lift by score band', () => {
  // Five bands of 200 visitors (100 per arm): too few for deciles (the smaller arm has 500 < 10 × 100).
  const visitors = [
    ...band(0.0, 5, 5), // no lift
    ...band(0.2, 8, 6),
    ...band(0.4, 2, 3), // 5 conversions in all: below the minimum of 10
    ...band(0.6, 12, 8),
    ...band(0.8, 30, 10), // +20 points
  ];
  const result = scoreBandLift(visitors);

  it('uses quintiles when a decile could not reach the minimum sample', () => {
    assert.equal(result.kind, 'quintile');
    assert.equal(result.bands.length, 5);
    assert.deepEqual(
      result.bands.map((b) => [b.exposed.visitors, b.control.visitors]),
      Array(5).fill([100, 100]),
    );
    assert.equal(result.bands[4]!.from, result.bands[3]!.to);
    assert.ok(Math.abs(result.bands[4]!.to - 0.8995) < 1e-12, 'the highest score');
  });

  it('compares exposed with control in each band, with the same figures as a two-proportion test', () => {
    const top = result.bands[4]!;
    assert.equal(top.exposed.rate, 0.3);
    assert.equal(top.control.rate, 0.1);
    assert.ok(Math.abs(top.comparison.absoluteLift.estimate - 0.2) < 1e-12);
    // Pooled z = 0.2 / sqrt(0.2 · 0.8 · 2 / 100) = 3.5355; two-sided p = erfc(z / √2).
    assert.ok(Math.abs(top.comparison.pValue - 0.00040695201744496) < 1e-9, `${top.comparison.pValue}`);
    assert.equal(top.comparison.verdict, 'treatment_better');
    assert.equal(top.exposed.revenuePerVisitor, 15);
  });

  it('marks each band for positive-lift targeting, with the not-enough-data rule', () => {
    assert.deepEqual(
      result.bands.map((b) => b.status),
      ['excluded', 'targeted', 'learning', 'targeted', 'targeted'],
    );
    assert.equal(result.bands[2]!.comparison.verdict, 'not_enough_data');
    assert.equal(result.enoughData, true);
  });

  it('uses deciles once the smaller arm has ten times the minimum sample', () => {
    const many: BandVisitor[] = [];
    for (let i = 0; i < 2000; i++)
      many.push({ score: i / 2000, control: i % 2 === 1, converted: false, revenue: 0 });
    const deciles = scoreBandLift(many);
    assert.equal(deciles.kind, 'decile');
    assert.equal(deciles.bands.length, 10);
    assert.ok(deciles.bands.every((b) => b.exposed.visitors + b.control.visitors === 200));
    assert.equal(deciles.enoughData, false, 'no conversions at all');
    assert.ok(deciles.bands.every((b) => b.status === 'learning'));
  });

  it('merges bands that tied scores would leave empty, and finds a score’s band', () => {
    const tied = Array.from({ length: 300 }, (_, i) => ({
      score: i < 250 ? 0.05 : 0.5 + i / 1000,
      control: i % 2 === 0,
      converted: false,
      revenue: 0,
    }));
    const r = scoreBandLift(tied);
    assert.equal(r.bands[0]!.to, 0.05);
    assert.equal(r.bands[0]!.exposed.visitors + r.bands[0]!.control.visitors, 250);
    const edges = r.bands.map((b) => b.to);
    assert.equal(bandIndex(edges, 0.01), 0);
    assert.equal(bandIndex(edges, 0.05), 0);
    assert.equal(bandIndex(edges, 0.99), edges.length - 1);
    assert.equal(scoreBandLift([]).kind, 'none');
  });
});
