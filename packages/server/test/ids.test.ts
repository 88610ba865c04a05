import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { interned, newId, newTimeId, timeOfId } from '../src/ids.ts';

describe('ids', () => {
  it('time-ordered ids have the shape of random ones and sort by creation time', () => {
    const shape = /^exp_[0-9a-hjkmnp-tv-z]{20}$/;
    assert.match(newId('exp'), shape);
    const times = [0, 1, 31, 32, 1_000_000, Date.UTC(2026, 10, 24), Date.UTC(2026, 10, 24) + 1, 2 ** 50 - 1];
    const ids = times.map((t) => newTimeId('exp', t));
    for (const id of ids) assert.match(id, shape);
    assert.deepEqual([...ids].sort(), ids, 'string order is time order');
    assert.notEqual(newTimeId('exp', 5), newTimeId('exp', 5), 'the rest is random');
  });

  it('reads back the time a time-ordered id names, and nothing from other ids', () => {
    for (const t of [0, 31, 32, Date.UTC(2026, 10, 25, 2, 0, 0, 123), 2 ** 50 - 1])
      assert.equal(timeOfId(newTimeId('exp', t), 'exp'), t);
    assert.equal(timeOfId(newTimeId('ses', 7), 'exp'), null, 'another prefix');
    assert.equal(timeOfId('exp_short', 'exp'), null);
    assert.equal(timeOfId('exp_00000u0000aaaaaaaaaa', 'exp'), null, 'a letter outside the alphabet');
    assert.equal(timeOfId('p0_v0_a', 'exp'), null);
  });

  it('an interned id is the same text, whatever it looks like', () => {
    for (const id of [randomUUID(), newId('sock'), '42', '', 'constructor', '__proto__', 'ü-ñ'])
      assert.equal(interned(id), id);
  });
});
