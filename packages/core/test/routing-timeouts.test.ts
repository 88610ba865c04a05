import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  afterMissedOffer,
  nextRoutingDeadline,
  offerExpired,
  overflowDecision,
  type SkillRules,
} from '../src/routing/index.ts';

const T0 = 1_700_000_000_000;
const sales: SkillRules = {
  id: 'sales',
  maxWaitSeconds: 120,
  offerTimeoutSeconds: 30,
  transferSkillIds: ['support'],
};
const lonely: SkillRules = {
  id: 'lonely',
  maxWaitSeconds: 60,
  offerTimeoutSeconds: 10,
  transferSkillIds: [],
};

describe('routing policy: offer timeout', () => {
  it('expires an offer exactly at the skill offer timeout', () => {
    assert.equal(offerExpired(T0, sales, T0 + 29_999), false);
    assert.equal(offerExpired(T0, sales, T0 + 30_000), true);
    assert.equal(offerExpired(T0, lonely, T0 + 10_000), true);
  });

  it('sets an agent away after N consecutive misses', () => {
    assert.deepEqual(afterMissedOffer(0), { misses: 1, setAway: false });
    assert.deepEqual(afterMissedOffer(1), { misses: 2, setAway: true });
    assert.deepEqual(afterMissedOffer(0, 1), { misses: 1, setAway: true });
    assert.deepEqual(
      afterMissedOffer(5, 0),
      { misses: 6, setAway: false },
      'a threshold of 0 never sets away',
    );
  });
});

describe('routing policy: maximum wait', () => {
  const waiting = { skillEnteredAt: T0, overflowCount: 0 };
  it('waits until the maximum wait, then overflows to the first transfer target', () => {
    assert.deepEqual(overflowDecision(waiting, sales, T0 + 119_999), { kind: 'wait' });
    assert.deepEqual(overflowDecision(waiting, sales, T0 + 120_000), {
      kind: 'transfer',
      skillId: 'support',
    });
  });

  it('goes to the offline flow without a target, or after it already overflowed once', () => {
    assert.deepEqual(overflowDecision(waiting, lonely, T0 + 60_000), { kind: 'offline' });
    assert.deepEqual(overflowDecision({ skillEnteredAt: T0, overflowCount: 1 }, sales, T0 + 120_000), {
      kind: 'offline',
    });
    const selfLoop: SkillRules = { ...lonely, transferSkillIds: ['lonely'] };
    assert.deepEqual(overflowDecision(waiting, selfLoop, T0 + 60_000), { kind: 'offline' });
  });

  it('finds the next moment the router must look again', () => {
    const skills = new Map([
      ['sales', sales],
      ['lonely', lonely],
    ]);
    const queue = [
      { skillId: 'sales', skillEnteredAt: T0 },
      { skillId: 'lonely', skillEnteredAt: T0 + 5_000 },
    ];
    assert.equal(nextRoutingDeadline(queue, [], skills), T0 + 65_000);
    assert.equal(nextRoutingDeadline(queue, [{ skillId: 'lonely', offeredAt: T0 }], skills), T0 + 10_000);
    assert.equal(nextRoutingDeadline([], [], skills), undefined);
    assert.equal(nextRoutingDeadline([{ skillId: 'gone', skillEnteredAt: T0 }], [], skills), undefined);
  });
});
