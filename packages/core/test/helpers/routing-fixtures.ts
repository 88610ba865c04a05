import type { AgentSnapshot, QueuedConversation } from '../../src/routing/index.ts';

/** A fixed clock for routing tests (epoch ms). */
export const T0 = 1_700_000_000_000;

/** A waiting Sales chat; `over` sets what a case is about. */
export const conv = (id: string, over: Partial<QueuedConversation> = {}): QueuedConversation => ({
  id,
  skillId: 'sales',
  priority: 0,
  value: 0,
  score: null,
  enqueuedAt: T0,
  skillEnteredAt: T0,
  overflowCount: 0,
  passedAgentIds: [],
  ...over,
});

/** An online, connected Sales agent with three free slots; `over` sets what a case is about. */
export const agent = (id: string, over: Partial<AgentSnapshot> = {}): AgentSnapshot => ({
  id,
  status: 'online',
  connected: true,
  skillIds: ['sales'],
  capacity: 3,
  load: 0,
  lastAssignedAt: null,
  ...over,
});
