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

/**
 * The lines a merge and its undo write into the kept conversation's thread (notes for the team).
 * Their echo ids carry what the line says, so each console words it in its own language; the
 * stored text is the English wording, for transcripts and the API.
 */
export type MergeLine =
  | { kind: 'merged'; mergeId: string; channel: string; conversationId: string }
  | { kind: 'unmerged'; mergeId: string; conversationId: string };

export const mergeLineEcho = (mergeId: string, channel: string, conversationId: string) =>
  `merge:${mergeId}:${channel}:${conversationId}`;

export const unmergeLineEcho = (mergeId: string, conversationId: string) =>
  `unmerge:${mergeId}:${conversationId}`;

/** What a merge or undo line says, from its echo id; null for any other line (or an older one). */
export function readMergeLine(m: { senderKind: string; echoId: string | null }): MergeLine | null {
  if (m.senderKind !== 'note' || !m.echoId) return null;
  const parts = m.echoId.split(':');
  if (parts[0] === 'merge' && parts.length === 4)
    return { kind: 'merged', mergeId: parts[1]!, channel: parts[2]!, conversationId: parts[3]! };
  if (parts[0] === 'unmerge' && parts.length === 3)
    return { kind: 'unmerged', mergeId: parts[1]!, conversationId: parts[2]! };
  return null;
}

/** Why a scheduled message that asked for it was cancelled: its reason, which the console words. */
export const CANCELLED_BY_REPLY = 'the customer replied first';
