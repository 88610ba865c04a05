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

/**
 * The lines a phone call's transfers write into the thread (system lines). As with merge lines, the
 * echo id carries what the line says (who, to whom, cold or warm), so each console words it in its
 * own language; the stored text is English, for transcripts and the API.
 * - `transferred`: a cold transfer, to an agent or a skill's queue.
 * - `consulting`: a warm transfer began: the agent talks to the next one (or the skill's) first.
 * - `handed`: the agent completed a warm transfer after the consult with `agentId`.
 * - `ringing_on`: the agent completed a warm transfer before anyone answered: it rings on.
 * - `back`: a warm transfer ended without completing: the call is back with `agentId`.
 */
export type CallLine =
  | { kind: 'transferred' | 'consulting'; from: string; agentId?: string; skillId?: string }
  | { kind: 'handed'; from: string; agentId: string }
  | { kind: 'ringing_on'; from: string }
  | { kind: 'back'; agentId: string };

const CALL_LINE = 'call-line';

/** The echo id of a call line; `nonce` keeps two alike lines of one conversation apart. */
export function callLineEcho(line: CallLine, nonce: string): string {
  const from = 'from' in line ? line.from : '';
  const to =
    'skillId' in line && line.skillId
      ? `s.${line.skillId}`
      : 'agentId' in line && line.agentId
        ? `a.${line.agentId}`
        : '';
  return [CALL_LINE, line.kind, from, to, nonce].join(':');
}

/** What a call line says, from its echo id; null for any other line (or an older one). */
export function readCallLine(m: { senderKind: string; echoId: string | null }): CallLine | null {
  if (m.senderKind !== 'system' || !m.echoId?.startsWith(`${CALL_LINE}:`)) return null;
  const [, kind, from = '', to = ''] = m.echoId.split(':');
  const skillId = to.startsWith('s.') ? to.slice(2) : '';
  const agentId = to.startsWith('a.') ? to.slice(2) : '';
  if ((kind === 'transferred' || kind === 'consulting') && from && (skillId || agentId))
    return { kind, from, ...(skillId ? { skillId } : { agentId }) };
  if (kind === 'handed' && from && agentId) return { kind, from, agentId };
  if (kind === 'ringing_on' && from) return { kind, from };
  if (kind === 'back' && agentId) return { kind, agentId };
  return null;
}

/** Why a scheduled message that asked for it was cancelled: its reason, which the console words. */
export const CANCELLED_BY_REPLY = 'the customer replied first';
