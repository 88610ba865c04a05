// Kevin Hillstrom's MineThatData e-mail experiment (64,000 customers randomised into three arms):
// the lift statistics must reproduce the figures published in shared/data/README.md.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { type CsvTable, parseCsvTable } from '../src/stats/csv-table.ts';
import { liftFromRows } from '../src/stats/lift-from-rows.ts';
import type { LiftReport } from '../src/stats/lift-types.ts';

const HILLSTROM = new URL('../../../../shared/data/hillstrom.csv', import.meta.url);

function near(actual: number | null | undefined, expected: number, tolerance: number, what = ''): void {
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= tolerance,
    `${what} expected ${expected} ± ${tolerance}, got ${actual}`,
  );
}

const percent = (rate: number) => (rate * 100).toFixed(2);

describe('Hillstrom e-mail experiment', () => {
  let table: CsvTable;
  const lift = (treatment: string, outcome: string): LiftReport =>
    liftFromRows(table.rows, {
      groupColumn: 'segment',
      treatment,
      control: 'No E-Mail',
      outcome,
      revenue: 'spend',
    });

  before(() => {
    table = parseCsvTable(readFileSync(HILLSTROM, 'utf8'));
  });

  it('reads all 64,000 customers', () => {
    assert.equal(table.rows.length, 64_000);
    for (const column of ['segment', 'visit', 'conversion', 'spend'])
      assert.ok(table.columns.includes(column));
  });

  it('reproduces the README table for every arm', () => {
    const expected = [
      { arm: 'Mens E-Mail', n: 21_307, visit: '18.28', conversion: '1.25', spend: '1.42' },
      { arm: 'Womens E-Mail', n: 21_387, visit: '15.14', conversion: '0.88', spend: '1.08' },
    ];
    for (const e of expected) {
      const visit = lift(e.arm, 'visit');
      const conversion = lift(e.arm, 'conversion');
      assert.equal(visit.treatment.label, e.arm);
      assert.equal(visit.treatment.n, e.n, `${e.arm} n`);
      assert.equal(percent(visit.treatment.rate), e.visit, `${e.arm} visit rate`);
      assert.equal(percent(conversion.treatment.rate), e.conversion, `${e.arm} conversion rate`);
      assert.equal(visit.treatment.revenuePerVisitor?.toFixed(2), e.spend, `${e.arm} spend per customer`);
      // The control arm is the same in every comparison: No E-Mail.
      assert.equal(visit.control.n, 21_306);
      assert.equal(percent(visit.control.rate), '10.62');
      assert.equal(percent(conversion.control.rate), '0.57');
      assert.equal(visit.control.revenuePerVisitor?.toFixed(2), '0.65');
    }
  });

  it('finds the Mens e-mail lift on visits significant, with an interval excluding 0', () => {
    const r = lift('Mens E-Mail', 'visit');
    assert.equal(r.treatment.conversions, 3894);
    assert.equal(r.control.conversions, 2262);
    assert.ok(r.pValue < 1e-10, `p = ${r.pValue}`);
    assert.ok(r.absoluteLift.ci[0] > 0, `CI ${r.absoluteLift.ci}`);
    assert.equal(r.significant, true);
    assert.equal(r.enoughData, true);
    assert.equal(r.verdict, 'treatment_better');
    // Independently computed (Wilson/Newcombe, log risk ratio and pooled z written out by hand).
    near(r.absoluteLift.estimate, 0.07658956365153125, 1e-14, 'absolute lift');
    near(r.absoluteLift.ci[0], 0.06995330808373154, 1e-12, 'absolute lift low');
    near(r.absoluteLift.ci[1], 0.08322674127411137, 1e-12, 'absolute lift high');
    near(r.relativeLift.estimate, 0.721404616781399, 1e-12, 'relative lift');
    near(r.relativeLift.ci?.[0], 0.6403848884800001, 1e-12, 'relative lift low');
    near(r.relativeLift.ci?.[1], 0.806425964714953, 1e-12, 'relative lift high');
    near(r.z, 22.48604082719282, 1e-10, 'z');
    near(Math.log10(r.pValue), Math.log10(5.685165482802317e-112), 1e-9, 'log10 p');
  });

  it('finds the conversion lift significant too', () => {
    const r = lift('Mens E-Mail', 'conversion');
    assert.equal(r.treatment.conversions, 267);
    assert.equal(r.control.conversions, 122);
    near(r.absoluteLift.ci[0], 0.005014344671481533, 1e-12);
    near(r.absoluteLift.ci[1], 0.008640723396917826, 1e-12);
    near(r.pValue, 1.5232235005955427e-13, 1e-20);
  });

  it('measures revenue per visitor with Welch and a bootstrap that agree', () => {
    const r = lift('Mens E-Mail', 'visit');
    const revenue = r.revenue;
    assert.ok(revenue?.welch && revenue.bootstrap);
    near(revenue.treatment.total, 30311.69, 1e-6, 'Mens total spend');
    near(revenue.control.total, 13908.33, 1e-6, 'No E-Mail total spend');
    near(revenue.difference.estimate, 0.7698271558945375, 1e-12);
    // SciPy ttest_ind(equal_var=False): t 5.30014, df 36671.158, p 1.16381e-7, CI [0.48514, 1.05451].
    near(revenue.welch.t, 5.300140358411669, 1e-10);
    near(revenue.welch.df, 36671.15797736051, 1e-6);
    near(revenue.pValue, 1.163814968225482e-7, 1e-15);
    near(revenue.difference.ci?.[0], 0.4851397325684076, 1e-10);
    near(revenue.difference.ci?.[1], 1.0545145792206658, 1e-10);
    assert.equal(revenue.significant, true);
    // 2000 resamples: the percentile interval lands within a few cents of Welch's.
    near(revenue.bootstrap.ci[0], revenue.welch.ci[0], 0.04, 'bootstrap low');
    near(revenue.bootstrap.ci[1], revenue.welch.ci[1], 0.04, 'bootstrap high');
    assert.equal(revenue.bootstrap.pValue, 2 / 2001);
  });

  it('gives the same bootstrap interval for the same seed', () => {
    const options = {
      groupColumn: 'segment',
      treatment: 'Womens E-Mail',
      control: 'No E-Mail',
      outcome: 'visit',
    };
    const a = liftFromRows(table.rows, { ...options, revenue: 'spend', seed: 2024 });
    const b = liftFromRows(table.rows, { ...options, revenue: 'spend', seed: 2024 });
    assert.deepEqual(a.revenue?.bootstrap, b.revenue?.bootstrap);
    assert.equal(a.revenue?.bootstrap?.seed, 2024);
  });
});
