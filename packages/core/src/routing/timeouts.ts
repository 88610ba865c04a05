import type { QueuedConversation, SkillRules } from './routing-types.ts';

/** Consecutive missed offers after which an agent is set to away, unless configured otherwise. */
export const DEFAULT_MISSES_BEFORE_AWAY = 2;

/** The moment an offer made at `offeredAt` expires (epoch ms). */
export function offerDeadline(offeredAt: number, skill: Pick<SkillRules, 'offerTimeoutSeconds'>): number {
  return offeredAt + skill.offerTimeoutSeconds * 1000;
}

/** True once an offer has waited its skill's offer timeout without an answer. */
export function offerExpired(
  offeredAt: number,
  skill: Pick<SkillRules, 'offerTimeoutSeconds'>,
  now: number,
): boolean {
  return now >= offerDeadline(offeredAt, skill);
}

/** After an agent lets an offer expire: their new consecutive-miss count and whether to set them away. */
export function afterMissedOffer(
  previousMisses: number,
  threshold = DEFAULT_MISSES_BEFORE_AWAY,
): { misses: number; setAway: boolean } {
  const misses = previousMisses + 1;
  return { misses, setAway: threshold > 0 && misses >= threshold };
}

/** The moment a queued conversation has waited its skill's maximum (epoch ms). */
export function waitDeadline(
  conversation: Pick<QueuedConversation, 'skillEnteredAt'>,
  skill: Pick<SkillRules, 'maxWaitSeconds'>,
): number {
  return conversation.skillEnteredAt + skill.maxWaitSeconds * 1000;
}

/** What to do with a queued conversation now. */
export type OverflowDecision = { kind: 'wait' } | { kind: 'transfer'; skillId: string } | { kind: 'offline' };

/**
 * Past the skill's maximum wait, a conversation overflows once to the skill's first transfer
 * target; past that (or with no target) it goes to the offline flow, to be answered later.
 */
export function overflowDecision(
  conversation: Pick<QueuedConversation, 'skillEnteredAt' | 'overflowCount'>,
  skill: SkillRules,
  now: number,
  maxOverflows = 1,
): OverflowDecision {
  if (now < waitDeadline(conversation, skill)) return { kind: 'wait' };
  const target = skill.transferSkillIds.find((id) => id !== skill.id);
  if (target && conversation.overflowCount < maxOverflows) return { kind: 'transfer', skillId: target };
  return { kind: 'offline' };
}

/** The earliest moment a pending offer expires or a queued conversation reaches its maximum wait. */
export function nextRoutingDeadline(
  queue: readonly Pick<QueuedConversation, 'skillId' | 'skillEnteredAt'>[],
  offers: readonly { skillId: string; offeredAt: number }[],
  skills: ReadonlyMap<string, SkillRules>,
): number | undefined {
  let next: number | undefined;
  const consider = (t: number) => {
    if (next === undefined || t < next) next = t;
  };
  for (const c of queue) {
    const skill = skills.get(c.skillId);
    if (skill) consider(waitDeadline(c, skill));
  }
  for (const o of offers) {
    const skill = skills.get(o.skillId);
    if (skill) consider(offerDeadline(o.offeredAt, skill));
  }
  return next;
}
