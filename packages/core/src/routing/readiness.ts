import { chooseAgent, skillCapacity } from './agent-choice.ts';
import type { AgentSnapshot, SkillRules } from './routing-types.ts';

/** Whether a skill can take one more chat now, as routing would serve it. */
export interface SkillReadiness {
  /** Offer a chat engagement: a slot is free for it, or its expected wait is under the skill's maximum. */
  canTake: boolean;
  /** How long a chat started now would wait for an agent (0 with a free slot; Infinity when unknown). */
  expectedWaitMs: number;
  /** The agent routing would offer it to, when that is clear (a free slot and nobody queued ahead). */
  nextAgentId?: string;
}

/**
 * Expected wait of the `position`-th chat in line when every slot is busy: slots free up at
 * `slots / avgHandleMs` per ms in total, so the wait is position × avgHandleMs / slots. Infinity
 * without slots or without a known handle time (nothing to promise).
 */
export function expectedWaitMs(position: number, slots: number, avgHandleMs: number | null): number {
  if (slots <= 0 || avgHandleMs === null || !(avgHandleMs > 0)) return Number.POSITIVE_INFINITY;
  return (position * avgHandleMs) / slots;
}

/**
 * Can `skill` take a chat now? Counts agents as routing does (online, connected, holding the
 * skill; load = active chats + pending offers) and serves the `queued` conversations of the skill
 * first: a new chat gets a slot only if one is left after them, else it waits its turn, which is
 * acceptable while the expected wait stays under the skill's maximum wait.
 */
export function skillReadiness(
  skill: Pick<SkillRules, 'id' | 'maxWaitSeconds'>,
  agents: readonly AgentSnapshot[],
  queued: number,
  avgHandleMs: number | null,
): SkillReadiness {
  const { agents: present, freeSlots, slots } = skillCapacity(skill.id, agents);
  if (present === 0) return { canTake: false, expectedWaitMs: Number.POSITIVE_INFINITY };
  if (freeSlots > queued) {
    const next = queued === 0 ? chooseAgent({ skillId: skill.id, passedAgentIds: [] }, agents) : undefined;
    return { canTake: true, expectedWaitMs: 0, ...(next ? { nextAgentId: next.id } : {}) };
  }
  const wait = expectedWaitMs(queued - freeSlots + 1, slots, avgHandleMs);
  return { canTake: wait < skill.maxWaitSeconds * 1000, expectedWaitMs: wait };
}
