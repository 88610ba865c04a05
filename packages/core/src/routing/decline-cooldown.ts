import type { QueuedConversation } from './routing-types.ts';

/** How long a chat is kept from an agent who declined it, unless configured otherwise (ms). */
export const DEFAULT_DECLINE_COOLDOWN_MS = 60_000;

const NOBODY: ReadonlySet<string> = new Set();

/**
 * Agents who declined the conversation less than `cooldownMs` before `now`: it is not offered to
 * them meanwhile, so a "no" is not answered by the same chat again at once. Afterwards they are
 * agents who passed like any other (last, oldest pass first).
 */
export function restingAgentIds(
  conversation: Pick<QueuedConversation, 'declines'>,
  now: number,
  cooldownMs: number,
): ReadonlySet<string> {
  const declines = conversation.declines ?? [];
  if (cooldownMs <= 0 || declines.length === 0) return NOBODY;
  return new Set(declines.filter((d) => now < d.at + cooldownMs).map((d) => d.agentId));
}

/** The earliest cool-down of a queued conversation still to end after `now`: when routing must look again. */
export function nextCooldownEnd(
  queue: readonly Pick<QueuedConversation, 'declines'>[],
  now: number,
  cooldownMs: number,
): number | undefined {
  if (cooldownMs <= 0) return undefined;
  let next: number | undefined;
  for (const c of queue) {
    for (const d of c.declines ?? []) {
      const end = d.at + cooldownMs;
      if (end > now && (next === undefined || end < next)) next = end;
    }
  }
  return next;
}
