import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCsvTable } from '../src/stats/csv-table.ts';
import { type LiftOptions, liftFromRows } from '../src/stats/lift-from-rows.ts';
import { StatsInputError } from '../src/stats/stats-input-error.ts';

// 120 exposed visitors (30 converted, spending 10 each) and 110 control visitors (11 converted, 10 each).
function experiment(): Record<string, string | number | boolean>[] {
  const rows: Record<string, string | number | boolean>[] = [];
  for (let i = 0; i < 120; i++)
    rows.push({ arm: 'exposed', converted: i < 30 ? 1 : 0, revenue: i < 30 ? 10 : 0 });
  for (let i = 0; i < 110; i++)
    rows.push({ arm: 'control', converted: i < 11, revenue: i < 11 ? '10' : '0' });
  rows.push({ arm: 'other', converted: 'n/a', revenue: 'x' }); // rows outside both arms are ignored
  return rows;
}

const options: LiftOptions = {
  groupColumn: 'arm',
  treatment: 'exposed',
  control: 'control',
  outcome: 'converted',
};

function inputError(code: string, message: RegExp) {
  return (e: unknown) => e instanceof StatsInputError && e.code === code && message.test(e.message);
}

describe('liftFromRows', () => {
  it('counts each arm and compares them', () => {
    const r = liftFromRows(experiment(), { ...options, revenue: 'revenue' });
    assert.deepEqual(
      { n: r.treatment.n, conversions: r.treatment.conversions, rate: r.treatment.rate },
      { n: 120, conversions: 30, rate: 0.25 },
    );
    assert.deepEqual(
      { n: r.control.n, conversions: r.control.conversions, rate: r.control.rate },
      { n: 110, conversions: 11, rate: 0.1 },
    );
    assert.ok(Math.abs(r.absoluteLift.estimate - 0.15) < 1e-15);
    assert.ok(Math.abs((r.relativeLift.estimate ?? 0) - 1.5) < 1e-12);
    assert.equal(r.treatment.revenue, 300);
    assert.equal(r.treatment.revenuePerVisitor, 2.5);
    assert.equal(r.control.revenuePerVisitor, 1);
    assert.ok(r.revenue);
    assert.ok(Math.abs(r.revenue.difference.estimate - 1.5) < 1e-12);
    assert.equal(r.enoughData, true);
    assert.equal(r.verdict, 'treatment_better');
  });

  it('accepts rows from a CSV file, with values trimmed', () => {
    const csv = 'arm,converted\n exposed ,1\ncontrol,0\nexposed,0\ncontrol,true\n';
    const r = liftFromRows(parseCsvTable(csv).rows, options);
    assert.equal(r.treatment.n, 2);
    assert.equal(r.control.conversions, 1);
    assert.equal(r.enoughData, false);
    assert.equal(r.verdict, 'not_enough_data');
  });

  it('treats a positive count as a conversion', () => {
    const rows = [
      { arm: 'exposed', converted: '3' },
      { arm: 'control', converted: '0' },
    ];
    assert.equal(liftFromRows(rows, options).treatment.conversions, 1);
  });

  it('explains bad input in one line', () => {
    assert.throws(
      () => liftFromRows(experiment(), { ...options, groupColumn: 'segment' }),
      inputError('unknown_column', /unknown column "segment" \(columns: "arm", "converted", "revenue"\)/),
    );
    assert.throws(
      () => liftFromRows(experiment(), { ...options, revenue: 'spend' }),
      inputError('unknown_column', /"spend"/),
    );
    assert.throws(
      () => liftFromRows(experiment(), { ...options, treatment: 'Exposed' }),
      inputError(
        'treatment_not_found',
        /treatment value "Exposed" does not occur in column "arm" \(values seen: "exposed", "control", "other"\)/,
      ),
    );
    assert.throws(
      () => liftFromRows(experiment(), { ...options, control: 'holdout' }),
      inputError('control_not_found', /"holdout"/),
    );
    assert.throws(
      () => liftFromRows(experiment(), { ...options, outcome: 'arm', treatment: 'other' }),
      inputError('bad_outcome', /outcome column "arm" must hold 0\/1.*data row 121 has "control"/),
    );
    assert.throws(
      () => liftFromRows([{ arm: 'exposed', converted: '' }], options),
      inputError('bad_outcome', /an empty value/),
    );
    assert.throws(
      () => liftFromRows([{ arm: 'exposed', converted: '-1' }], options),
      inputError('bad_outcome', /"-1"/),
    );
    assert.throws(
      () =>
        liftFromRows([{ arm: 'control', converted: 1, revenue: '$5' }], { ...options, revenue: 'revenue' }),
      inputError('bad_revenue', /"\$5"/),
    );
    assert.throws(() => liftFromRows([], options), inputError('no_rows', /no data rows/));
    assert.throws(
      () => liftFromRows(experiment(), { ...options, control: 'exposed' }),
      inputError('same_arms', /same value/),
    );
  });

  it('works on any iterable, such as a generator of database rows', () => {
    function* rows() {
      yield* experiment();
    }
    assert.equal(liftFromRows(rows(), options).treatment.n, 120);
  });
});
