import type { Attachment, VisitorConversation, VisitorMessage } from '@beckon/protocol/chat-api';
import { t } from '../i18n/i18n.ts';

/** A message the visitor sent that the server has not acknowledged yet (shown at once, confirmed by its ack). */
export interface OutgoingMessage {
  echoId: string;
  text: string;
  attachments: Attachment[];
  /** The latest sequence number known when first sent; every retry repeats it, so the server keeps one copy. */
  afterSeq?: number;
  /** Why the server refused it; the visitor can retry (same echoId) or discard it. */
  error?: string;
}

/** What the widget knows of the visitor's conversation. */
export interface ChatState {
  conversation: VisitorConversation | null;
  /** Stored messages, by sequence number, each once. */
  messages: VisitorMessage[];
  /** Sent, not yet acknowledged, in the order they were written. */
  outbox: OutgoingMessage[];
  /** Messages arrive in order, so everything up to here has been delivered: the point to resume from. */
  deliveredSeq: number;
  /** The agent has read up to here (drives "Seen"). */
  agentReadSeq: number;
  /** The visitor has seen up to here (drives the unread count). */
  visitorReadSeq: number;
  /** The agent is typing (with their name when known). */
  agentTyping: { name: string | null } | null;
}

export type ChatAction =
  | { type: 'welcome' | 'conversation'; conversation: VisitorConversation }
  | { type: 'message'; message: VisitorMessage }
  | { type: 'ack'; echoId: string; seq: number; createdAt: string; text?: string }
  | { type: 'typing'; typing: boolean; name?: string }
  | { type: 'read'; seq: number }
  | { type: 'send'; message: OutgoingMessage }
  | { type: 'refused'; echoId: string; error: string }
  | { type: 'retry' | 'discard'; echoId: string }
  | { type: 'seen'; seq: number };

export const emptyChat = (): ChatState => ({
  conversation: null,
  messages: [],
  outbox: [],
  deliveredSeq: 0,
  agentReadSeq: 0,
  visitorReadSeq: 0,
  agentTyping: null,
});

/** Inserts by sequence number; a number already there is kept (nothing is shown twice). */
function insert(messages: VisitorMessage[], m: VisitorMessage): VisitorMessage[] {
  let i = messages.length;
  while (i > 0 && messages[i - 1]!.seq > m.seq) i--;
  if (i > 0 && messages[i - 1]!.seq === m.seq) return messages;
  return [...messages.slice(0, i), m, ...messages.slice(i)];
}

/** The next state of the conversation after a frame from the server or something the visitor did. */
export function reduceChat(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'welcome':
    case 'conversation': {
      const c = action.conversation;
      const open = c.status !== 'closed' && c.status !== 'offline';
      // Read positions only move forward; the server keeps both, so they survive a reload.
      return {
        ...state,
        conversation: c,
        agentReadSeq: Math.max(state.agentReadSeq, c.agentReadSeq ?? 0),
        visitorReadSeq: Math.max(state.visitorReadSeq, c.visitorReadSeq ?? 0),
        agentTyping: open && action.type === 'conversation' ? state.agentTyping : null,
      };
    }
    case 'message': {
      const m = action.message;
      const outbox = m.echoId ? state.outbox.filter((o) => o.echoId !== m.echoId) : state.outbox;
      return {
        ...state,
        messages: insert(state.messages, m),
        outbox,
        deliveredSeq: Math.max(state.deliveredSeq, m.seq),
        agentTyping: m.senderKind === 'agent' ? null : state.agentTyping,
      };
    }
    case 'ack': {
      const sent = state.outbox.find((o) => o.echoId === action.echoId);
      if (!sent) return state;
      const message: VisitorMessage = {
        conversationId: state.conversation?.id ?? '',
        seq: action.seq,
        senderKind: 'visitor',
        senderName: null,
        echoId: sent.echoId,
        // As stored: a card number in it was masked.
        text: action.text ?? sent.text,
        attachments: sent.attachments,
        createdAt: action.createdAt,
      };
      return {
        ...state,
        messages: insert(state.messages, message),
        outbox: state.outbox.filter((o) => o !== sent),
        visitorReadSeq: Math.max(state.visitorReadSeq, action.seq),
      };
    }
    case 'typing':
      if (!action.typing && !state.agentTyping) return state;
      return { ...state, agentTyping: action.typing ? { name: action.name ?? null } : null };
    case 'read':
      return action.seq > state.agentReadSeq ? { ...state, agentReadSeq: action.seq } : state;
    case 'send':
      if (state.outbox.some((o) => o.echoId === action.message.echoId)) return state;
      return { ...state, outbox: [...state.outbox, action.message] };
    case 'refused':
    case 'retry':
      return {
        ...state,
        outbox: state.outbox.map((o) =>
          o.echoId !== action.echoId
            ? o
            : action.type === 'refused'
              ? { ...o, error: action.error }
              : { echoId: o.echoId, text: o.text, attachments: o.attachments, afterSeq: o.afterSeq },
        ),
      };
    case 'discard':
      return { ...state, outbox: state.outbox.filter((o) => o.echoId !== action.echoId) };
    case 'seen':
      return action.seq > state.visitorReadSeq ? { ...state, visitorReadSeq: action.seq } : state;
  }
}

/** The visitor's last message the agent has read, where "Seen" goes (0: none). */
export function seenSeq(state: ChatState): number {
  for (let i = state.messages.length - 1; i >= 0; i--) {
    const m = state.messages[i]!;
    if (m.senderKind === 'visitor' && m.seq <= state.agentReadSeq) return m.seq;
  }
  return 0;
}

/** Agent messages the visitor has not seen yet (the launcher's badge). */
export function unreadCount(state: ChatState): number {
  return state.messages.filter((m) => m.senderKind === 'agent' && m.seq > state.visitorReadSeq).length;
}

/** The newest sequence number shown, to tell the agent what the visitor has read. */
export const latestSeq = (state: ChatState): number => state.messages[state.messages.length - 1]?.seq ?? 0;

/** True while the conversation can still take messages. */
export const isLive = (state: ChatState): boolean => {
  const s = state.conversation?.status;
  return s === 'queued' || s === 'offered' || s === 'active';
};

/** An agent took the chat at some point (there is someone to rate). */
export const answered = (state: ChatState): boolean =>
  Boolean(state.conversation?.agentName) || state.messages.some((m) => m.senderKind === 'agent');

/** System lines are written for the agent's transcript; the visitor reads the one about them as "you". */
export const forVisitor = (text: string): string =>
  text === 'The visitor ended the chat.' ? t('You ended the chat.') : text;
