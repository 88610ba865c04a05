import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chooseAgent,
  compareQueued,
  isAvailable,
  orderQueue,
  planOffers,
  queuePositions,
  skillCapacity,
} from '../src/routing/index.ts';
import { agent, conv, T0 } from './helpers/routing-fixtures.ts';

describe('routing policy: queue order', () => {
  it('serves campaign priority first, then visitor value, then score, then the longest waiting', () => {
    const q = [
      conv('late-plain', { enqueuedAt: T0 + 50 }),
      conv('early-plain', { enqueuedAt: T0 }),
      conv('cart-small', { value: 20, enqueuedAt: T0 + 90 }),
      conv('cart-big', { value: 300, enqueuedAt: T0 + 99 }),
      conv('priority', { priority: 5, enqueuedAt: T0 + 100 }),
      conv('scored', { score: 0.9, enqueuedAt: T0 + 80 }),
    ];
    assert.deepEqual(
      orderQueue(q).map((c) => c.id),
      ['priority', 'cart-big', 'cart-small', 'scored', 'early-plain', 'late-plain'],
    );
  });

  it('is a total order: equal conversations sort by id on every node', () => {
    assert.ok(compareQueued(conv('a'), conv('b')) < 0);
    assert.equal(compareQueued(conv('a'), conv('a')), 0);
    assert.ok(compareQueued(conv('a', { priority: -1 }), conv('b')) > 0);
  });

  it('numbers positions within each skill separately', () => {
    const q = [
      conv('s2', { enqueuedAt: T0 + 2 }),
      conv('p1', { skillId: 'support', enqueuedAt: T0 + 5 }),
      conv('s1', { enqueuedAt: T0 + 1 }),
    ];
    const pos = queuePositions(q);
    assert.equal(pos.get('s1'), 1);
    assert.equal(pos.get('s2'), 2);
    assert.equal(pos.get('p1'), 1);
  });
});

describe('routing policy: agent choice', () => {
  it('takes only agents who are online, connected, skilled and under capacity', () => {
    assert.equal(isAvailable(agent('a'), 'sales'), true);
    assert.equal(isAvailable(agent('a', { status: 'away' }), 'sales'), false);
    assert.equal(isAvailable(agent('a', { status: 'offline' }), 'sales'), false);
    assert.equal(isAvailable(agent('a', { connected: false }), 'sales'), false);
    assert.equal(isAvailable(agent('a', { skillIds: ['support'] }), 'sales'), false);
    assert.equal(isAvailable(agent('a', { load: 3 }), 'sales'), false);
    assert.equal(isAvailable(agent('a', { capacity: 0 }), 'sales'), false);
  });

  it('prefers the fewest active chats, then the agent idle longest', () => {
    const agents = [
      agent('busy', { load: 2 }),
      agent('recent', { load: 1, lastAssignedAt: T0 + 100 }),
      agent('idle', { load: 1, lastAssignedAt: T0 }),
    ];
    assert.equal(chooseAgent(conv('c'), agents)?.id, 'idle');
    assert.equal(chooseAgent(conv('c'), [...agents, agent('never', { load: 1 })])?.id, 'never');
    assert.equal(chooseAgent(conv('c'), [...agents, agent('free')])?.id, 'free');
  });

  it('passes over agents who declined or missed the conversation while anyone else can take it', () => {
    const agents = [agent('a'), agent('b', { load: 2 })];
    assert.equal(chooseAgent(conv('c', { passedAgentIds: ['a'] }), agents)?.id, 'b');
    const full = [agent('a'), agent('b', { load: 3 })];
    assert.equal(chooseAgent(conv('c', { passedAgentIds: ['a'] }), full)?.id, 'a', 'the only one free');
  });

  it('offers a conversation everyone passed on again, to the agent whose pass is oldest', () => {
    const agents = [agent('a'), agent('b', { load: 2 })];
    assert.equal(chooseAgent(conv('c', { passedAgentIds: ['b', 'a'] }), agents)?.id, 'b');
    assert.equal(chooseAgent(conv('c', { passedAgentIds: ['a', 'b'] }), agents)?.id, 'a');
    // Still only agents who can take it: away, disconnected or full agents stay out.
    const unable = [
      agent('a', { status: 'away' }),
      agent('b', { connected: false }),
      agent('d', { load: 3 }),
    ];
    assert.equal(chooseAgent(conv('c', { passedAgentIds: ['a', 'b', 'd'] }), unable), undefined);
    assert.equal(chooseAgent(conv('c', { passedAgentIds: ['x', 'a'] }), [agent('a')])?.id, 'a');
  });

  it('keeps queue order after a pass: an older chat takes the agent before newer ones', () => {
    const only = [agent('a', { capacity: 1 })];
    const queue = [
      conv('new', { enqueuedAt: T0 + 5 }),
      conv('old', { enqueuedAt: T0, passedAgentIds: ['a'] }),
    ];
    assert.deepEqual(planOffers(queue, only, T0 + 10), [{ conversationId: 'old', agentId: 'a' }]);
    // With a second agent free, the one who has not passed takes it and the other the newer chat.
    const two = [agent('a', { capacity: 1 }), agent('b', { capacity: 1, load: 0, lastAssignedAt: T0 })];
    assert.deepEqual(planOffers(queue, two, T0 + 10), [
      { conversationId: 'old', agentId: 'b' },
      { conversationId: 'new', agentId: 'a' },
    ]);
  });

  it('offers a chat to the agent whose invitation the visitor accepted, while they can take it', () => {
    const agents = [agent('free'), agent('inviter', { load: 2, lastAssignedAt: T0 })];
    assert.equal(chooseAgent(conv('c', { preferredAgentId: 'inviter' }), agents)?.id, 'inviter');
    // Full, away or passed over: the usual order decides.
    const full = [agent('free'), agent('inviter', { load: 3 })];
    assert.equal(chooseAgent(conv('c', { preferredAgentId: 'inviter' }), full)?.id, 'free');
    const away = [agent('free'), agent('inviter', { status: 'away' })];
    assert.equal(chooseAgent(conv('c', { preferredAgentId: 'inviter' }), away)?.id, 'free');
    const passed = conv('c', { preferredAgentId: 'inviter', passedAgentIds: ['inviter'] });
    assert.equal(chooseAgent(passed, agents)?.id, 'free');
    const plan = planOffers([conv('c', { preferredAgentId: 'inviter' })], agents, T0);
    assert.deepEqual(plan, [{ conversationId: 'c', agentId: 'inviter' }]);
  });

  it('plans a pass in queue order and never beyond any capacity', () => {
    const agents = [agent('a', { capacity: 2 }), agent('b', { capacity: 1, load: 0, lastAssignedAt: T0 })];
    const queue = [
      conv('q3', { enqueuedAt: T0 + 3 }),
      conv('q1', { enqueuedAt: T0 + 1 }),
      conv('vip', { priority: 1, enqueuedAt: T0 + 9 }),
      conv('q2', { enqueuedAt: T0 + 2 }),
    ];
    const plan = planOffers(queue, agents, T0 + 10);
    assert.deepEqual(plan, [
      { conversationId: 'vip', agentId: 'a' },
      { conversationId: 'q1', agentId: 'b' },
      { conversationId: 'q2', agentId: 'a' },
    ]);
    assert.equal(agents[0]!.load, 0, 'the input snapshot is not modified');
  });

  it('skips a chat whose visitor is away, without losing its place when they are back', () => {
    const agents = [agent('a', { capacity: 1 })];
    const gone = conv('gone', { enqueuedAt: T0, visitorAway: true });
    const here = conv('here', { enqueuedAt: T0 + 5 });
    assert.deepEqual(planOffers([gone, here], agents, T0 + 10), [{ conversationId: 'here', agentId: 'a' }]);
    assert.deepEqual(planOffers([gone], agents, T0 + 10), [], 'no one to offer while the visitor is away');
    const back = { ...gone, visitorAway: false };
    assert.deepEqual(planOffers([here, back], agents, T0 + 10), [{ conversationId: 'gone', agentId: 'a' }]);
  });

  it('spreads a burst evenly across equally loaded agents', () => {
    const agents = ['a', 'b', 'c'].map((id) => agent(id, { capacity: 10 }));
    const queue = Array.from({ length: 9 }, (_, i) => conv(`c${i}`, { enqueuedAt: T0 + i }));
    const plan = planOffers(queue, agents, T0);
    const per = new Map<string, number>();
    for (const p of plan) per.set(p.agentId, (per.get(p.agentId) ?? 0) + 1);
    assert.deepEqual([...per.values()], [3, 3, 3]);
  });

  it('reports a skill capacity from connected online agents only', () => {
    const agents = [
      agent('a', { load: 1 }),
      agent('b', { status: 'away' }),
      agent('c', { connected: false }),
      agent('d', { skillIds: ['support'], load: 0 }),
      agent('e', { load: 5, capacity: 3 }),
    ];
    assert.deepEqual(skillCapacity('sales', agents), { agents: 2, freeSlots: 2, slots: 6 });
    assert.deepEqual(skillCapacity('support', agents), { agents: 1, freeSlots: 3, slots: 3 });
  });
});
