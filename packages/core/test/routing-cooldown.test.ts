import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chooseAgent,
  DEFAULT_DECLINE_COOLDOWN_MS,
  nextCooldownEnd,
  planOffers,
  restingAgentIds,
} from '../src/routing/index.ts';
import { agent, conv, T0 } from './helpers/routing-fixtures.ts';

const MIN = 60_000;
/** `agentId` declined the chat at `at`: a pass like any other, plus the cool-down. */
const declinedBy = (id: string, agentId: string, at: number) =>
  conv(id, { passedAgentIds: [agentId], declines: [{ agentId, at }] });

describe('routing policy: cool-down after an explicit decline', () => {
  it('lasts a minute unless configured otherwise', () => {
    assert.equal(DEFAULT_DECLINE_COOLDOWN_MS, MIN);
  });

  it('keeps a declined chat from its only agent until the cool-down ends, then offers it again', () => {
    const only = [agent('a')];
    const c = declinedBy('c', 'a', T0);
    assert.deepEqual(planOffers([c], only, T0 + 1, MIN), [], 'straight after the decline: it waits');
    assert.deepEqual(planOffers([c], only, T0 + MIN - 1, MIN), []);
    assert.deepEqual(planOffers([c], only, T0 + MIN, MIN), [{ conversationId: 'c', agentId: 'a' }]);
    assert.deepEqual(planOffers([c], only, T0 + 1), [], 'the default cool-down applies');
    assert.deepEqual(planOffers([c], only, T0 + 1, 0), [{ conversationId: 'c', agentId: 'a' }], '0: none');
  });

  it('gives the chat to another agent meanwhile, even one who passed on it before', () => {
    const agents = [agent('a'), agent('b', { load: 2 })];
    assert.equal(
      chooseAgent(declinedBy('c', 'a', T0), agents, restingAgentIds(declinedBy('c', 'a', T0), T0 + 5, MIN))
        ?.id,
      'b',
    );
    const both = conv('c', {
      passedAgentIds: ['b', 'a'],
      declines: [{ agentId: 'a', at: T0 }],
    });
    assert.deepEqual(planOffers([both], agents, T0 + 5, MIN), [{ conversationId: 'c', agentId: 'b' }]);
  });

  it('lets a newer chat reach the agent while the one they declined rests', () => {
    const only = [agent('a', { capacity: 1 })];
    const queue = [declinedBy('old', 'a', T0), conv('new', { enqueuedAt: T0 + 5 })];
    assert.deepEqual(planOffers(queue, only, T0 + 10, MIN), [{ conversationId: 'new', agentId: 'a' }]);
    // After the cool-down the usual order holds again: the older chat first.
    assert.deepEqual(planOffers(queue, only, T0 + MIN, MIN), [{ conversationId: 'old', agentId: 'a' }]);
  });

  it('starts only from an explicit decline: a missed offer comes back at once when nobody else can take it', () => {
    const missed = conv('c', { passedAgentIds: ['a'] });
    assert.deepEqual(planOffers([missed], [agent('a')], T0 + 1, MIN), [
      { conversationId: 'c', agentId: 'a' },
    ]);
    assert.deepEqual([...restingAgentIds(missed, T0 + 1, MIN)], []);
  });

  it('names the moment the next cool-down ends, so routing wakes on time, and nothing once all ended', () => {
    const queue = [
      declinedBy('a1', 'a', T0 + 10_000),
      conv('b1', {
        declines: [
          { agentId: 'b', at: T0 },
          { agentId: 'c', at: T0 + 20_000 },
        ],
      }),
      conv('plain'),
    ];
    assert.equal(nextCooldownEnd(queue, T0 + 30_000, MIN), T0 + MIN);
    assert.equal(nextCooldownEnd(queue, T0 + MIN, MIN), T0 + 10_000 + MIN, 'an ended one is not a deadline');
    assert.equal(nextCooldownEnd(queue, T0 + 20_000 + MIN, MIN), undefined);
    assert.equal(nextCooldownEnd(queue, T0, 0), undefined);
  });
});
