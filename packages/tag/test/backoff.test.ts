import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACKOFF_BASE_MS, BACKOFF_MAX_MS, backoffDelay, nextAttempt } from '../src/backoff.ts';

describe('reconnect backoff', () => {
  it('doubles from one second and caps at a minute', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 7, 20, 1000].map((a) => backoffDelay(a, 1));
    assert.deepEqual(ceilings.slice(0, 7), [1000, 2000, 4000, 8000, 16000, 32000, BACKOFF_MAX_MS]);
    assert.ok(ceilings.every((d) => d <= BACKOFF_MAX_MS));
    assert.equal(backoffDelay(0, 0), BACKOFF_BASE_MS / 2);
  });

  it('adds jitter between half and all of the ceiling, so tabs spread out', () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const ceiling = backoffDelay(attempt, 1);
      for (const r of [0, 0.25, 0.5, 0.99]) {
        const d = backoffDelay(attempt, r);
        assert.ok(d >= ceiling / 2 && d <= ceiling, `attempt ${attempt}, random ${r}: ${d}`);
      }
    }
    const spread = new Set(Array.from({ length: 50 }, () => Math.round(backoffDelay(3))));
    assert.ok(spread.size > 10, 'real randomness spreads the delays');
  });

  it('stops for good when the site or origin is refused (4403)', () => {
    assert.equal(nextAttempt(4403, 0), -1);
    assert.equal(nextAttempt(4403, 5), -1);
  });

  it('waits at least half a minute after rate limiting (4429)', () => {
    const attempt = nextAttempt(4429, 0);
    assert.ok(backoffDelay(attempt - 1, 0) >= 30000);
    assert.equal(nextAttempt(4429, 9), 10);
  });

  it('counts other closes (network loss, timeout, bad frame, restart) as one more failure', () => {
    for (const code of [1000, 1001, 1006, 4400, 4408]) assert.equal(nextAttempt(code, 2), 3);
  });
});
