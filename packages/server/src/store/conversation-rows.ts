import type {
  Attachment,
  Conversation,
  ConversationState,
  Message,
  RichContent,
} from '@beckon/protocol/chat-api';
import { type Selectable, sql } from 'kysely';
import { type StoredAttachment, withAgentUrl } from './attachments-repo.ts';
import { iso, jsonArray } from './rows.ts';
import type { ConversationsTable, MessagesTable, Millis } from './schema.ts';

/** What a conversation's messages tell about it, read with its row (see `messageTotals`). */
export interface MessageTotals {
  /** The last sequence number handed out (0 before the first message). */
  last_seq: number;
  last_message_at: Millis | null;
}
export type ConversationRow = Selectable<ConversationsTable> & MessageTotals;

/**
 * The last sequence number, as a column over the `conversations` table not aliased: one key seek
 * of each messages table. The two tables are read one by one (through the `messages` view, SQLite
 * would scan it): a conversation's rows in `messages_recent`, when it has any, come after all of
 * its rows in `messages_stored`, since messages are moved on oldest first (sqlite-checkpointer.js).
 */
export const lastSeq = sql<number>`COALESCE(
  (SELECT MAX(m.seq) FROM messages_recent m WHERE m.conversation_id = conversations.id),
  (SELECT MAX(m.seq) FROM messages_stored m WHERE m.conversation_id = conversations.id), 0)`.as('last_seq');
const lastMessageAt = sql<Millis | null>`COALESCE(
  (SELECT m.created_at FROM messages_recent m WHERE m.conversation_id = conversations.id ORDER BY m.seq DESC LIMIT 1),
  (SELECT m.created_at FROM messages_stored m WHERE m.conversation_id = conversations.id ORDER BY m.seq DESC LIMIT 1))`.as(
  'last_message_at',
);
/**
 * The columns of `MessageTotals`, for a query (or a RETURNING clause) over the `conversations`
 * table not aliased: each is a seek or two of the messages' (conversation_id, seq) keys. A message
 * commit does not rewrite its conversation's row.
 */
export const messageTotals = [lastSeq, lastMessageAt] as const;

/**
 * Where a conversation stands for the people working it: resolved once closed, snoozed until its
 * time, pending while it waits on the customer, open otherwise.
 */
export function stateOf(
  r: Pick<ConversationRow, 'status' | 'waiting_on' | 'snoozed_until'>,
): ConversationState {
  if (r.status === 'closed') return 'resolved';
  if (r.snoozed_until != null) return 'snoozed';
  if (r.waiting_on) return 'pending';
  return 'open';
}

/** The API view of a stored conversation (never its token hash). */
export function toConversation(r: ConversationRow): Conversation {
  return {
    id: r.id,
    siteId: r.site_id,
    visitorId: r.visitor_id,
    contactId: r.contact_id ?? null,
    state: stateOf(r),
    snoozedUntil: iso(r.snoozed_until ?? null),
    channel: r.channel,
    source: r.source,
    originExposureId: r.origin_exposure_id,
    skillId: r.skill_id,
    status: r.status,
    assignedAgentId: r.assigned_agent_id,
    offeredTo: r.offered_to,
    priority: Number(r.priority),
    value: Number(r.value),
    visitorName: r.visitor_name,
    visitorEmail: r.visitor_email,
    topic: r.topic,
    enqueuedAt: iso(r.enqueued_at)!,
    offeredAt: iso(r.offered_at),
    assignedAt: iso(r.assigned_at),
    firstResponseAt: iso(r.first_response_at),
    closedAt: iso(r.closed_at),
    closedBy: r.closed_by,
    disposition: r.disposition,
    tags: jsonArray(r.tags),
    csatScore: r.csat_score == null ? null : Number(r.csat_score),
    csatComment: r.csat_comment,
    lastSeq: Number(r.last_seq),
    lastMessageAt: iso(r.last_message_at),
    visitorReadSeq: Number(r.visitor_read_seq),
    agentReadSeq: Number(r.agent_read_seq),
    botId: r.bot_id ?? null,
    firstBotId: r.first_bot_id ?? null,
    handoffAt: iso(r.handoff_at ?? null),
    joinedAgentId: r.joined_agent_id ?? null,
    ...(r.merged_into ? { mergedInto: r.merged_into } : {}),
    createdAt: iso(r.created_at)!,
  };
}

function attachmentsOf(conversationId: string, text: string | null): Attachment[] {
  if (!text || text.startsWith('{')) return [];
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? (v as StoredAttachment[]).map((a) => withAgentUrl(conversationId, a)) : [];
  } catch {
    return [];
  }
}

/** The API view of a stored message. */
export function toMessage(r: Selectable<MessagesTable>): Message {
  const bot = r.sender_kind === 'bot';
  const m: Message = {
    conversationId: r.conversation_id,
    seq: Number(r.seq),
    senderKind: r.sender_kind,
    senderId: r.sender_kind === 'agent' || r.sender_kind === 'note' || bot ? r.sender_id : null,
    senderName: r.sender_name,
    echoId: r.echo_id,
    text: r.body,
    attachments: attachmentsOf(r.conversation_id, r.attachments),
    createdAt: iso(r.created_at)!,
  };
  if (bot && r.attachments) m.rich = richOf(r.attachments);
  return m;
}

/** A bot line's quick replies and card, stored as a JSON object in the attachments column. */
function richOf(text: string): RichContent | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as RichContent;
  } catch {
    return undefined;
  }
}
