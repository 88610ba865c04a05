import type { QueuedConversation } from './routing-types.ts';

type Ordered = Pick<QueuedConversation, 'id' | 'priority' | 'value' | 'score' | 'enqueuedAt'>;

/**
 * Queue order: campaign priority, then visitor value, then score (when known), each highest
 * first; then the longest waiting; the id last so every node sorts identically.
 */
export function compareQueued(a: Ordered, b: Ordered): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.value !== b.value) return b.value - a.value;
  const sa = a.score ?? Number.NEGATIVE_INFINITY;
  const sb = b.score ?? Number.NEGATIVE_INFINITY;
  if (sa !== sb) return sb > sa ? 1 : -1;
  if (a.enqueuedAt !== b.enqueuedAt) return a.enqueuedAt - b.enqueuedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A sorted copy of a queue, first to be served first. */
export function orderQueue<T extends Ordered>(queue: readonly T[]): T[] {
  return [...queue].sort(compareQueued);
}

/** 1-based positions of each conversation within its own skill's queue. */
export function queuePositions<T extends Ordered & { skillId: string }>(
  queue: readonly T[],
): Map<string, number> {
  const bySkill = new Map<string, number>();
  const out = new Map<string, number>();
  for (const c of orderQueue(queue)) {
    const n = (bySkill.get(c.skillId) ?? 0) + 1;
    bySkill.set(c.skillId, n);
    out.set(c.id, n);
  }
  return out;
}
