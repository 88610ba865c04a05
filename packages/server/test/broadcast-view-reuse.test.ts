import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ViewReuse } from '../src/broadcasts/view-reuse.ts';

const rule = { minRecipients: 5_000, costFactor: 9 };

/** A reuse on a clock of its own, and a view's computation that takes `costMs` on it, counted. */
function setUp(costMs: number, recipients: number) {
  const clock = { t: 0 };
  const reuse = new ViewReuse<{ recipients: number; n: number }>(
    rule,
    (v) => v.recipients,
    () => clock.t,
  );
  const calls = { n: 0 };
  const compute = async () => {
    calls.n++;
    const n = calls.n;
    await Promise.resolve();
    clock.t += costMs;
    return { recipients, n };
  };
  return { clock, reuse, calls, compute };
}

describe('a large broadcast’s counts, reused for a while', () => {
  it('computes a small broadcast’s view afresh every time', async () => {
    const { reuse, calls, compute } = setUp(300, 4_999);
    for (let i = 0; i < 3; i++) await reuse.get('b1', compute);
    assert.equal(calls.n, 3);
  });

  it('reuses a large one for nine times its cost, then computes it again', async () => {
    const { clock, reuse, calls, compute } = setUp(200, 100_000);
    assert.equal((await reuse.get('b1', compute)).n, 1);
    clock.t += 1_800; // 9 × 200 ms after it was done
    assert.equal((await reuse.get('b1', compute)).n, 1, 'within the window: the same view');
    clock.t += 1;
    assert.equal((await reuse.get('b1', compute)).n, 2, 'past it: computed again');
    assert.equal(calls.n, 2);
    // Another broadcast has its own.
    assert.equal((await reuse.get('b2', compute)).n, 3);
  });

  it('shares one computation among the reads that come while it runs', async () => {
    const { clock, reuse, calls, compute } = setUp(500, 20_000);
    await reuse.get('b1', compute);
    clock.t += 10_000;
    const views = await Promise.all([1, 2, 3].map(() => reuse.get('b1', compute)));
    assert.deepEqual(
      views.map((v) => v.n),
      [2, 2, 2],
    );
    assert.equal(calls.n, 2);
  });

  it('does not keep a failed computation', async () => {
    const { clock, reuse, compute } = setUp(100, 50_000);
    await reuse.get('b1', compute);
    clock.t += 10_000;
    await assert.rejects(reuse.get('b1', async () => Promise.reject(new Error('store unavailable'))));
    assert.equal((await reuse.get('b1', compute)).n, 2);
  });
});
