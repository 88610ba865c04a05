import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RATE_LIMITED_RETRY_MS, rateLimitedText, reconnectDelay } from '../src/workspace/reconnect-delay.ts';

const at = (r: number) => () => r;

describe('the console socket’s reconnect delay', () => {
  it('pauses 10–30 s after the server closed it for too many requests (4429), at random', () => {
    assert.deepEqual(RATE_LIMITED_RETRY_MS, { min: 10_000, max: 30_000 });
    assert.equal(reconnectDelay(4429, true, 0, at(0)), 10_000);
    assert.equal(reconnectDelay(4429, true, 0, at(0.5)), 20_000);
    assert.equal(reconnectDelay(4429, true, 0, at(0.999_99)), 30_000);
    // However it got there: a first attempt, or after failures.
    assert.equal(reconnectDelay(4429, false, 3, at(0)), 10_000);
    const spread = new Set(Array.from({ length: 50 }, () => reconnectDelay(4429, true, 0)));
    assert.ok(spread.size > 10, 'two tabs refused together do not come back together');
    for (const d of spread) assert.ok(d >= 10_000 && d <= 30_000, `${d}`);
  });

  it('comes back quickly after any other close: half a second once open, else a growing backoff', () => {
    assert.equal(reconnectDelay(1006, true, 0, at(0.9)), 500);
    assert.equal(reconnectDelay(4408, true, 0, at(0.9)), 500, 'a missed heartbeat is no reason to wait');
    assert.deepEqual(
      [1, 2, 3, 4, 9].map((failures) => reconnectDelay(1006, false, failures, at(0.5))),
      [2000, 4000, 8000, 15_000, 15_000],
    );
    assert.equal(reconnectDelay(1006, false, 1, at(0)), 1500, '−25 %');
    assert.equal(reconnectDelay(1006, false, 1, at(1)), 2500, '+25 %');
  });

  it('says why it waits and for how long, in whole seconds', () => {
    assert.equal(rateLimitedText(12_300, 0), 'Too many requests — reconnecting in 13 s');
    assert.equal(rateLimitedText(10_000, 0), 'Too many requests — reconnecting in 10 s');
    assert.equal(rateLimitedText(1000, 1200), 'Too many requests — reconnecting in 1 s', 'never 0 or less');
  });
});
