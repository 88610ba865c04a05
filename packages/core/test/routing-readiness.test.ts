import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AgentSnapshot, expectedWaitMs, skillReadiness } from '../src/routing/index.ts';

const agent = (id: string, over: Partial<AgentSnapshot> = {}): AgentSnapshot => ({
  id,
  status: 'online',
  connected: true,
  skillIds: ['sales'],
  capacity: 2,
  load: 0,
  lastAssignedAt: null,
  ...over,
});
const sales = { id: 'sales', maxWaitSeconds: 120 };
const MIN = 60_000;

describe('routing policy: can a skill take a chat now (capacity-aware engagement)', () => {
  it('says yes with a free slot, naming the agent routing would choose when nobody is queued', () => {
    const agents = [agent('a', { load: 1, lastAssignedAt: 5 }), agent('b', { load: 1, lastAssignedAt: 1 })];
    const r = skillReadiness(sales, agents, 0, null);
    assert.deepEqual(r, { canTake: true, expectedWaitMs: 0, nextAgentId: 'b' }, 'idle longest wins a tie');
    // With someone queued ahead, a slot is still left but the next agent is not this visitor's.
    assert.deepEqual(skillReadiness(sales, agents, 1, null), { canTake: true, expectedWaitMs: 0 });
  });

  it('counts only agents who are online, connected and hold the skill', () => {
    for (const a of [
      agent('away', { status: 'away' }),
      agent('closed-console', { connected: false }),
      agent('other-skill', { skillIds: ['support'] }),
    ]) {
      const r = skillReadiness(sales, [a], 0, 5 * MIN);
      assert.equal(r.canTake, false, a.id);
      assert.equal(r.expectedWaitMs, Number.POSITIVE_INFINITY);
    }
  });

  it('when every slot is busy, offers a chat only while the expected wait is under the skill’s maximum', () => {
    const full = [agent('a', { load: 2 }), agent('b', { load: 2 })]; // 4 slots, all busy
    // 4 slots freeing every 4 min on average: the first in line waits ~1 min (< 2 min).
    assert.deepEqual(skillReadiness(sales, full, 0, 4 * MIN), { canTake: true, expectedWaitMs: MIN });
    // Two already queued: third in line, ~3 min — over the maximum, so the fallback.
    const late = skillReadiness(sales, full, 2, 4 * MIN);
    assert.equal(late.canTake, false);
    assert.equal(late.expectedWaitMs, 3 * MIN);
    // No handle-time history: nothing to promise.
    assert.equal(skillReadiness(sales, full, 0, null).canTake, false);
  });

  it('serves the queued conversations before a new chat', () => {
    const one = [agent('a', { load: 1 })]; // one free slot
    assert.equal(skillReadiness(sales, one, 1, null).canTake, false, 'the queued chat takes it');
    assert.equal(skillReadiness(sales, one, 1, 30_000).canTake, true, 'but a short wait is fine');
  });

  it('estimates the wait as position × handle time / slots', () => {
    assert.equal(expectedWaitMs(3, 6, 120_000), 60_000);
    assert.equal(expectedWaitMs(1, 0, 120_000), Number.POSITIVE_INFINITY);
    assert.equal(expectedWaitMs(1, 2, null), Number.POSITIVE_INFINITY);
  });
});
