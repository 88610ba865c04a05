import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stratifiedLift } from '../src/stats/index.ts';

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

describe('stratifiedLift: campaigns compared like for like', () => {
  // Cart abandoners convert well with or without help; browsers rarely. Each campaign helps, but a
  // pooled control group, made mostly of held-out cart abandoners, outconverts the engaged.
  const cart = { treatment: { n: 1000, conversions: 300 }, control: { n: 250, conversions: 62 } };
  const browse = { treatment: { n: 9000, conversions: 630 }, control: { n: 100, conversions: 5 } };

  it('finds the effect the pooled groups turn upside down', () => {
    const pooledEngaged = (300 + 630) / 10_000;
    const pooledControl = (62 + 5) / 350;
    assert.ok(pooledControl > pooledEngaged, 'the pooled comparison says engagement hurts');

    const s = stratifiedLift([cart, browse]);
    close(s.treatmentRate, 0.1 * 0.3 + 0.9 * 0.07, 1e-12, 'engaged rate');
    close(s.controlRate, 0.1 * 0.248 + 0.9 * 0.05, 1e-12, 'control rate, weighted like the engaged');
    const variance =
      0.01 * ((0.3 * 0.7) / 1000 + (0.248 * 0.752) / 250) +
      0.81 * ((0.07 * 0.93) / 9000 + (0.05 * 0.95) / 100);
    const half = 1.959963984540054 * Math.sqrt(variance);
    const d = 0.093 - 0.0698;
    close(s.difference!.estimate, d, 1e-12, 'difference');
    close(s.difference!.ci[0], d - half, 1e-9, 'low');
    close(s.difference!.ci[1], d + half, 1e-9, 'high');
    assert.equal(s.strata, 2);
    assert.equal(s.verdict, 'no_significant_difference', 'a hundred held-out browsers cannot settle it');
  });

  it('says engagement wins when the strata are large enough, and leaves out those without a control group', () => {
    const big = { treatment: { n: 9000, conversions: 630 }, control: { n: 3000, conversions: 150 } };
    const none = { treatment: { n: 500, conversions: 40 }, control: { n: 0, conversions: 0 } };
    const s = stratifiedLift([cart, big, none]);
    assert.deepEqual([s.strata, s.excluded, s.verdict], [2, 1, 'treatment_better']);
    assert.ok(s.difference!.ci[0] > 0);
  });

  it('has nothing to say without a stratum holding both groups', () => {
    const s = stratifiedLift([{ treatment: { n: 10, conversions: 1 }, control: { n: 0, conversions: 0 } }]);
    assert.deepEqual([s.difference, s.verdict, s.excluded], [null, 'not_enough_data', 1]);
  });
});
