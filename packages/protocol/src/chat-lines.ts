/**
 * Rules about a conversation's lines that clients apply at run time, with no schema library
 * attached, so the console's first load does not carry TypeBox. `chat-api.ts` re-exports them.
 */

/** Where an agent's line is on its way (the values of `DeliveryStatus` in chat-api.ts). */
export type LineStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

const REACHED: Partial<Record<LineStatus, number>> = { sent: 1, delivered: 2, read: 3 };

/**
 * Whether a report of `next` replaces `current`: a line never goes back from where it got
 * (a late "sent" after "read" is an old report). `failed`, and a retry's `queued` after it, always apply.
 */
export function deliveryMovesOn(current: LineStatus | undefined, next: LineStatus): boolean {
  if (!current || current === 'failed' || next === 'failed') return true;
  return (REACHED[next] ?? 0) >= (REACHED[current] ?? 0);
}

/**
 * Echo ids of the timeline's supervisor events (monitoring started, taken over): internal notes the
 * server writes, shown as events rather than as someone's note, and never sent to the visitor.
 */
export const TIMELINE_ECHO_PREFIX = 'timeline:';

/** Whether a message is one of the timeline's supervisor events. */
export const isTimelineEvent = (m: { senderKind: string; echoId: string | null }) =>
  m.senderKind === 'note' && m.echoId?.startsWith(TIMELINE_ECHO_PREFIX) === true;
