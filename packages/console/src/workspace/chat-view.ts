/**
 * One conversation as the workspace holds it: its messages in sequence order (each once), the
 * sends waiting for their ack, read positions and typing. Pure, like the reducer that uses it.
 */
import type { Attachment, Conversation, Message } from '@beckon/protocol/chat-api';
import { deliveryMovesOn } from '@beckon/protocol/chat-lines';

/** How this console holds a conversation: assigned to me, offered to me, or only read (queue preview, supervisor). */
export type Relation = 'mine' | 'offer' | 'watch';

/** A message typed here and sent, not yet acknowledged (or refused) by the server. */
export interface PendingSend {
  echoId: string;
  conversationId: string;
  text: string;
  note: boolean;
  attachments: Attachment[];
  /** The latest sequence number known here when first sent; every retry repeats it, so the server keeps one copy. */
  afterSeq: number;
  state: 'sending' | 'failed';
  error?: string;
  /** The error's code (`translation_failed`: the reply was not sent, it may go as written). */
  errorCode?: string;
  /** Live translation: the language the customer is sent the reply in. */
  translateTo?: string;
  createdAt: string;
}

export interface ChatView {
  conversation: Conversation;
  relation: Relation;
  /** Stored messages (visitor, agent, system lines and notes), ordered by `seq`, each once. */
  messages: Message[];
  pending: PendingSend[];
  /** The last sequence number this agent has read. */
  agentReadSeq: number;
  /** The last sequence number the visitor has read ("Seen"). */
  visitorReadSeq: number;
  /** Until when the visitor shows as typing (epoch ms); 0 when not. */
  visitorTypingUntil: number;
  /** The first page of history arrived (the `watch` answered). */
  loaded: boolean;
  /** Ended while it was mine (by the visitor or a supervisor): kept until the agent dismisses it. */
  ended: boolean;
}

/** How long a typing signal lasts without a refresh. */
export const TYPING_TTL_MS = 8000;

export function newChat(conversation: Conversation, relation: Relation): ChatView {
  return {
    conversation,
    relation,
    messages: [],
    pending: [],
    agentReadSeq: conversation.agentReadSeq ?? 0,
    visitorReadSeq: conversation.visitorReadSeq ?? 0,
    visitorTypingUntil: 0,
    loaded: false,
    ended: false,
  };
}

/** Inserts a stored message in sequence order (once), retiring the optimistic copy with the same echo id. */
export function addMessage(chat: ChatView, m: Message): ChatView {
  const list = chat.messages;
  const pending = m.echoId ? chat.pending.filter((p) => p.echoId !== m.echoId) : chat.pending;
  if (list.some((x) => x.seq === m.seq)) return pending === chat.pending ? chat : { ...chat, pending };
  let at = list.length;
  while (at > 0 && list[at - 1]!.seq > m.seq) at--;
  const messages = [...list.slice(0, at), m, ...list.slice(at)];
  const typing = m.senderKind === 'visitor' ? 0 : chat.visitorTypingUntil;
  return { ...chat, messages, pending, visitorTypingUntil: typing };
}

/**
 * A channel reported where an agent line is on its way (sent, delivered, read, failed): the line
 * shows it. Lines of web chat never get one.
 */
export function withDelivery(
  chat: ChatView,
  seq: number,
  status: NonNullable<Message['deliveryStatus']>,
  reason: string | undefined,
): ChatView {
  const at = chat.messages.findIndex((m) => m.seq === seq);
  if (at < 0 || !deliveryMovesOn(chat.messages[at]!.deliveryStatus, status)) return chat;
  const { deliveryReason: _old, ...m } = chat.messages[at]!;
  const updated: Message = { ...m, deliveryStatus: status, ...(reason ? { deliveryReason: reason } : {}) };
  return { ...chat, messages: [...chat.messages.slice(0, at), updated, ...chat.messages.slice(at + 1)] };
}

/** A conversation is known in one of the lists: keep its latest state, keep everything else. */
export function withConversation(chat: ChatView | undefined, c: Conversation, relation: Relation): ChatView {
  if (!chat) return newChat(c, relation);
  const rank = { watch: 0, offer: 1, mine: 2 } as const;
  return {
    ...withReads(chat, c),
    relation: rank[relation] >= rank[chat.relation] ? relation : chat.relation,
  };
}

/** A newer conversation state: read positions only move forward. */
export function withReads(chat: ChatView, c: Conversation): ChatView {
  return {
    ...chat,
    conversation: c,
    agentReadSeq: Math.max(chat.agentReadSeq, c.agentReadSeq ?? 0),
    visitorReadSeq: Math.max(chat.visitorReadSeq, c.visitorReadSeq ?? 0),
  };
}

/** Visitor messages after what I have read. */
export function unreadCount(chat: ChatView): number {
  let n = 0;
  for (let i = chat.messages.length - 1; i >= 0; i--) {
    const m = chat.messages[i]!;
    if (m.seq <= chat.agentReadSeq) break;
    if (m.senderKind === 'visitor') n++;
  }
  return n;
}

/** The highest sequence number known in a row with no gap before it: where to resume after a cut. */
export function contiguousSeq(chat: ChatView): number {
  let seq = 0;
  for (const m of chat.messages) {
    if (m.seq === seq + 1) seq = m.seq;
    else if (m.seq > seq + 1) break;
  }
  return seq;
}

/** Whether the visitor is typing now. */
export function visitorTyping(chat: ChatView, now: number): boolean {
  return chat.visitorTypingUntil > now;
}

/** A live chat I barged into: I write to the visitor beside the agent who holds it. */
export function joinedByMe(chat: ChatView, myId: string | undefined): boolean {
  const c = chat.conversation;
  return !chat.ended && c.status === 'active' && myId !== undefined && c.joinedAgentId === myId;
}
