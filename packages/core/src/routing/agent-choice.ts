import { DEFAULT_DECLINE_COOLDOWN_MS, restingAgentIds } from './decline-cooldown.ts';
import { orderQueue } from './queue-order.ts';
import type { AgentSnapshot, PlannedOffer, QueuedConversation } from './routing-types.ts';

/** True when the agent can take a chat of `skillId` now: online, connected, skilled, under capacity. */
export function isAvailable(agent: AgentSnapshot, skillId: string): boolean {
  return (
    agent.status === 'online' &&
    agent.connected &&
    agent.load < agent.capacity &&
    agent.skillIds.includes(skillId)
  );
}

/** Agent order among the available: fewest active chats, then idle longest, then id. */
export function compareAgents(a: AgentSnapshot, b: AgentSnapshot): number {
  if (a.load !== b.load) return a.load - b.load;
  const ia = a.lastAssignedAt ?? Number.NEGATIVE_INFINITY;
  const ib = b.lastAssignedAt ?? Number.NEGATIVE_INFINITY;
  if (ia !== ib) return ia < ib ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The best agent for a conversation; undefined when no agent can take it. Agents who already
 * passed on it come last: it goes back to one of them (the one whose pass is oldest, so they take
 * turns) only when nobody else can take it, because a chat left waiting while a capable agent sits
 * idle is worse than offering it twice. The conversation's preferred agent (whose own invitation
 * the visitor accepted) comes first whenever they can take it and have not passed on it, so the
 * visitor talks to the person who invited them. Agents in `resting` (who declined it moments ago)
 * are not considered at all.
 */
export function chooseAgent(
  conversation: Pick<QueuedConversation, 'skillId' | 'passedAgentIds' | 'preferredAgentId'>,
  agents: readonly AgentSnapshot[],
  resting: ReadonlySet<string> = new Set(),
): AgentSnapshot | undefined {
  let best: AgentSnapshot | undefined;
  let passedBest: AgentSnapshot | undefined;
  let passedRank = Number.POSITIVE_INFINITY;
  for (const agent of agents) {
    if (!isAvailable(agent, conversation.skillId) || resting.has(agent.id)) continue;
    const rank = conversation.passedAgentIds.indexOf(agent.id);
    if (rank >= 0) {
      if (rank < passedRank) {
        passedBest = agent;
        passedRank = rank;
      }
      continue;
    }
    if (agent.id === conversation.preferredAgentId) return agent;
    if (!best || compareAgents(agent, best) < 0) best = agent;
  }
  return best ?? passedBest;
}

/**
 * Plans one routing pass: walks the queue in order and offers each conversation to the best
 * agent, counting each planned offer against that agent's capacity. A conversation someone passed
 * on keeps its place: it takes a free agent before the newer ones behind it — except the agent who
 * declined it within `declineCooldownMs`, who may take newer chats meanwhile. A chat whose visitor
 * is away is skipped (it keeps its place for when they are back). Pure: the store decides
 * atomically whether each offer still holds.
 */
export function planOffers(
  queue: readonly QueuedConversation[],
  agents: readonly AgentSnapshot[],
  now: number,
  declineCooldownMs = DEFAULT_DECLINE_COOLDOWN_MS,
): PlannedOffer[] {
  const working = agents.map((a) => ({ ...a }));
  const plan: PlannedOffer[] = [];
  for (const conversation of orderQueue(queue)) {
    if (conversation.visitorAway) continue;
    const agent = chooseAgent(conversation, working, restingAgentIds(conversation, now, declineCooldownMs));
    if (!agent) continue;
    plan.push({ conversationId: conversation.id, agentId: agent.id });
    // Rounded to the thousandths weights are kept in, so repeated sums stay exact.
    agent.load = Math.round((agent.load + (conversation.weight ?? 1)) * 1000) / 1000;
    agent.lastAssignedAt = now;
  }
  return plan;
}

/** Available agents, free chat slots and all their slots for a skill: whether a chat could start now. */
export function skillCapacity(
  skillId: string,
  agents: readonly AgentSnapshot[],
): { agents: number; freeSlots: number; slots: number } {
  let count = 0;
  let freeSlots = 0;
  let slots = 0;
  for (const a of agents) {
    if (a.status !== 'online' || !a.connected || !a.skillIds.includes(skillId)) continue;
    count++;
    // An agent under capacity by any amount takes one more chat (a weighed load may be fractional).
    freeSlots += Math.max(0, Math.ceil(a.capacity - a.load));
    slots += a.capacity;
  }
  return { agents: count, freeSlots, slots };
}
