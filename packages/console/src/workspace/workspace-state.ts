/**
 * The agent workspace's state and how each agent-socket frame changes it. Pure (no DOM, no I/O)
 * so the rules — ordering by sequence number, confirming optimistic sends with acks, unread
 * counts, offers and the supervisor's live view — are unit-tested on their own.
 */
import type { AgentStatus } from '@beckon/protocol/api';
import type {
  ConversationSummary,
  ConversationTranslations,
  MessageTranslation,
  ModelState,
  Suggestion,
} from '@beckon/protocol/assist-api';
import type { Attachment, Conversation, Message, QueueEntry } from '@beckon/protocol/chat-api';
import type { AgentProfile, AgentServerFrame } from '@beckon/protocol/chat-protocol';
import { t } from '../i18n/i18n.ts';
import {
  addMessage,
  type ChatView,
  joinedByMe,
  type PendingSend,
  type Relation,
  TYPING_TTL_MS,
  unreadCount,
  withConversation,
  withDelivery,
  withReads,
} from './chat-view.ts';

export {
  addMessage,
  contiguousSeq,
  joinedByMe,
  TYPING_TTL_MS,
  unreadCount,
  visitorTyping,
} from './chat-view.ts';
export type {
  AgentProfile,
  AgentServerFrame,
  Attachment,
  ChatView,
  Conversation,
  Message,
  PendingSend,
  QueueEntry,
  Relation,
};

export interface Offer {
  conversationId: string;
  /** When the offer passes to the next agent (ISO), if known. */
  expiresAt: string | null;
}

export type Connection = 'connecting' | 'open' | 'reconnecting' | 'refused';

/** Something the agent should read once: why the status changed, a chat taken away. */
export interface Notice {
  id: number;
  tone: 'info' | 'warning' | 'error';
  text: string;
  action?: 'go-online';
}

export interface WorkspaceState {
  connection: Connection;
  /** Why the server refused the socket (a 4403), shown instead of the workspace. */
  refusedReason: string | null;
  /** When a socket the server closed for too many requests (4429) tries again (ms); null otherwise. */
  retryAt: number | null;
  agent: AgentProfile | null;
  status: AgentStatus;
  chats: Record<string, ChatView>;
  /** My conversations in the order they arrived. */
  mine: string[];
  /** Live chats I barged into (owners and admins), listed under "Mine" beside my own until I leave. */
  joined: string[];
  offers: Offer[];
  queue: QueueEntry[];
  /** Supervisors: every live (active) conversation of the account. */
  live: Record<string, Conversation>;
  selectedId: string | null;
  notices: Notice[];
  /** Agent assist per conversation: suggestions for the latest customer line, and the summary. */
  assist: Record<string, AssistView>;
}

/** What assist shows beside one conversation. */
export interface AssistView {
  /** The customer's line the suggestions answer. */
  seq: number;
  items: Suggestion[];
  /** The model's suggestion: off, writing (with `draft` so far), done, or why it failed. */
  model: ModelState;
  draft: string;
  draftArticleIds?: string[];
  summary?: ConversationSummary;
  /** Live translation: the customer's language as last detected (null: none recognised yet). */
  customerLanguage?: string | null;
  /** The language the server translates into for this agent. */
  agentLanguage?: string;
  /** Lines in the agent's language, by sequence number. */
  translations?: Record<number, MessageTranslation>;
}

const NO_ASSIST: AssistView = { seq: -1, items: [], model: 'off', draft: '' };

/** Applies assist's frames: newer lines replace older suggestions; a stream of an older line is dropped. */
function withAssist(s: WorkspaceState, f: AgentServerFrame): WorkspaceState {
  const put = (id: string, v: AssistView) => ({ ...s, assist: { ...s.assist, [id]: v } });
  if (f.type === 'suggestions') {
    const had = s.assist[f.conversationId] ?? NO_ASSIST;
    if (f.seq < had.seq) return s;
    return put(f.conversationId, { ...had, seq: f.seq, items: f.items, model: f.model, draft: '' });
  }
  if (f.type === 'suggestion_stream') {
    const had = s.assist[f.conversationId] ?? NO_ASSIST;
    if (f.seq < had.seq) return s;
    const draftArticleIds = f.articleIds;
    return put(f.conversationId, {
      ...had,
      seq: f.seq,
      model: f.state,
      draft: f.state === 'done' || f.state === 'writing' ? f.text : '',
      ...(draftArticleIds ? { draftArticleIds } : {}),
    });
  }
  if (f.type === 'summary')
    return put(f.conversationId, { ...(s.assist[f.conversationId] ?? NO_ASSIST), summary: f.summary });
  if (f.type === 'translation') {
    const had = s.assist[f.conversationId] ?? NO_ASSIST;
    return put(f.conversationId, {
      ...had,
      customerLanguage: f.customerLanguage,
      agentLanguage: f.translation.agentLanguage,
      translations: { ...had.translations, [f.seq]: f.translation },
    });
  }
  return s;
}

/** Puts a conversation's translations read from the server beside those the socket brought. */
export function withTranslations(s: WorkspaceState, id: string, t: ConversationTranslations): WorkspaceState {
  const had = s.assist[id] ?? NO_ASSIST;
  const translations: Record<number, MessageTranslation> = {};
  for (const { seq, ...one } of t.items) translations[seq] = one;
  return {
    ...s,
    assist: {
      ...s.assist,
      [id]: {
        ...had,
        customerLanguage: had.customerLanguage ?? t.customerLanguage,
        agentLanguage: t.agentLanguage,
        translations: { ...translations, ...had.translations },
      },
    },
  };
}

export const initialState: WorkspaceState = {
  connection: 'connecting',
  refusedReason: null,
  retryAt: null,
  agent: null,
  status: 'offline',
  chats: {},
  mine: [],
  joined: [],
  offers: [],
  queue: [],
  live: {},
  selectedId: null,
  notices: [],
  assist: {},
};

let noticeSeq = 0;
/** Adds a notice (the newest last, at most five kept). */
export function withNotice(s: WorkspaceState, notice: Omit<Notice, 'id'>): WorkspaceState {
  return { ...s, notices: [...s.notices, { ...notice, id: ++noticeSeq }].slice(-5) };
}

/** Why routing set the agent away (how many offers in a row went unanswered), with a way back. */
function withSetAwayNotice(s: WorkspaceState, missedOffers: number | undefined): WorkspaceState {
  const text =
    missedOffers === undefined
      ? t(
          'You were set to Away because chat offers to you went unanswered; no chats are offered to you until you go online.',
        )
      : t(
          'You were set to Away {count, plural, one {after missing a chat offer} other {after missing # chat offers in a row}}; no chats are offered to you until you go online.',
          { count: missedOffers },
        );
  const notices = s.notices.filter((n) => n.action !== 'go-online');
  return withNotice({ ...s, notices }, { tone: 'warning', text, action: 'go-online' });
}

export function putChat(s: WorkspaceState, chat: ChatView): WorkspaceState {
  return { ...s, chats: { ...s.chats, [chat.conversation.id]: chat } };
}

export function dropChat(s: WorkspaceState, id: string): WorkspaceState {
  if (!(id in s.chats)) return s;
  const { [id]: _gone, ...chats } = s.chats;
  return { ...withJoined(s, id, false), chats, selectedId: s.selectedId === id ? null : s.selectedId };
}

/** Lists `id` under the chats I joined, or takes it off; the same state when nothing changes. */
function withJoined(s: WorkspaceState, id: string, joined: boolean): WorkspaceState {
  if (s.joined.includes(id) === joined) return s;
  return { ...s, joined: joined ? [...s.joined, id] : s.joined.filter((x) => x !== id) };
}

function isLive(c: Conversation): boolean {
  return c.status === 'active';
}

/** Applies one frame from the agent socket. `me` is the agent's id; `now` the clock (ms). */
export function applyFrame(s: WorkspaceState, f: AgentServerFrame, now: number): WorkspaceState {
  switch (f.type) {
    case 'ready': {
      let next: WorkspaceState = {
        ...s,
        connection: 'open',
        agent: f.agent,
        status: f.agent.status,
        offers: [],
        mine: [],
      };
      // Chats that were mine or offered and are no longer in the inbox ended while we were away.
      const inbox = new Set(f.conversations.map((c) => c.id));
      for (const chat of Object.values(s.chats)) {
        if (chat.relation === 'offer' && !inbox.has(chat.conversation.id))
          next = dropChat(next, chat.conversation.id);
      }
      for (const c of f.conversations) {
        const offered = c.status === 'offered' && c.offeredTo === f.agent.id;
        const relation: Relation = offered ? 'offer' : 'mine';
        next = putChat(next, withConversation(next.chats[c.id], c, relation));
        if (offered) {
          const known = s.offers.find((o) => o.conversationId === c.id);
          next.offers = [...next.offers, { conversationId: c.id, expiresAt: known?.expiresAt ?? null }];
        } else next.mine = [...next.mine, c.id];
      }
      // Set away by routing while this console was closed or reconnecting: say why once.
      const setAway = f.agent.status === 'away' && f.agent.statusReason === 'missed_offers';
      if (setAway && s.status !== 'away') next = withSetAwayNotice(next, f.agent.missedOffers);
      // Mine that ended while disconnected stay listed as ended until dismissed.
      for (const id of s.mine) {
        const chat = next.chats[id];
        if (!inbox.has(id) && chat) {
          next = putChat(next, { ...chat, ended: true });
          next.mine = [...next.mine, id];
        }
      }
      return next;
    }
    case 'offer': {
      const c = f.conversation;
      const offers = s.offers.filter((o) => o.conversationId !== c.id);
      const next = putChat(s, withConversation(s.chats[c.id], c, 'offer'));
      return { ...next, offers: [...offers, { conversationId: c.id, expiresAt: f.expiresAt }] };
    }
    case 'offer_revoked': {
      const next = { ...s, offers: s.offers.filter((o) => o.conversationId !== f.conversationId) };
      const chat = next.chats[f.conversationId];
      if (chat?.relation !== 'offer') return next;
      const dropped = dropChat(next, f.conversationId);
      if (f.reason !== 'timeout') return dropped;
      const who = chat.conversation.visitorName ?? t('a visitor');
      return withNotice(dropped, {
        tone: 'info',
        text: t('The chat offer from {who} timed out and was passed on.', { who }),
      });
    }
    case 'assigned': {
      const c = f.conversation;
      const chat = withConversation(s.chats[c.id], c, 'mine');
      return {
        ...withJoined(putChat(s, { ...chat, relation: 'mine', ended: false }), c.id, false),
        offers: s.offers.filter((o) => o.conversationId !== c.id),
        mine: s.mine.includes(c.id) ? s.mine : [...s.mine, c.id],
      };
    }
    case 'unassigned': {
      const chat = s.chats[f.conversationId];
      const next = { ...dropChat(s, f.conversationId), mine: s.mine.filter((id) => id !== f.conversationId) };
      if (f.reason !== 'reassigned' || !chat) return next;
      const who = chat.conversation.visitorName ?? t('a visitor');
      return withNotice(next, {
        tone: 'info',
        text: t('A supervisor reassigned your chat with {who}.', { who }),
      });
    }
    case 'queue':
      return { ...s, queue: f.items };
    case 'conversation': {
      const c = f.conversation;
      let next = s;
      if (s.agent && (s.agent.role === 'owner' || s.agent.role === 'admin')) {
        const { [c.id]: _old, ...rest } = s.live;
        next = { ...s, live: isLive(c) ? { ...rest, [c.id]: c } : rest };
      }
      const chat = next.chats[c.id];
      if (!chat) return next;
      const ended = chat.relation === 'mine' && c.status === 'closed';
      const updated = { ...withReads(chat, c), ended: chat.ended || ended };
      const joined = updated.relation === 'watch' && joinedByMe(updated, s.agent?.id);
      return withJoined(putChat(next, updated), c.id, joined);
    }
    case 'message': {
      const chat = s.chats[f.message.conversationId];
      if (!chat) return s;
      const next = addMessage(chat, f.message);
      return next === chat ? s : putChat(s, next);
    }
    case 'ack': {
      const chat = s.chats[f.conversationId];
      const p = chat?.pending.find((x) => x.echoId === f.echoId);
      if (!chat || !p) return s;
      const me = s.agent;
      const message: Message = {
        conversationId: f.conversationId,
        seq: f.seq,
        senderKind: p.note ? 'note' : 'agent',
        senderId: me?.id ?? null,
        senderName: me?.name ?? null,
        echoId: f.echoId,
        // As stored: a card number in it was masked.
        text: f.text ?? p.text,
        attachments: p.attachments,
        createdAt: f.createdAt,
        ...(f.deliveryStatus ? { deliveryStatus: f.deliveryStatus } : {}),
      };
      const added = addMessage(
        { ...chat, pending: chat.pending.filter((x) => x.echoId !== f.echoId) },
        message,
      );
      // What I wrote, I have read.
      return putChat(s, { ...added, agentReadSeq: Math.max(added.agentReadSeq, f.seq) });
    }
    case 'delivery': {
      const chat = s.chats[f.conversationId];
      if (!chat) return s;
      const next = withDelivery(chat, f.seq, f.status, f.reason);
      return next === chat ? s : putChat(s, next);
    }
    case 'typing': {
      const chat = s.chats[f.conversationId];
      if (!chat || f.from !== 'visitor') return s;
      return putChat(s, { ...chat, visitorTypingUntil: f.typing ? now + TYPING_TTL_MS : 0 });
    }
    case 'read': {
      const chat = s.chats[f.conversationId];
      if (!chat) return s;
      if (f.by === 'visitor')
        return putChat(s, { ...chat, visitorReadSeq: Math.max(chat.visitorReadSeq, f.seq) });
      if (chat.relation !== 'mine') return s;
      return putChat(s, { ...chat, agentReadSeq: Math.max(chat.agentReadSeq, f.seq) });
    }
    case 'status': {
      const agent = s.agent && {
        ...s.agent,
        status: f.status,
        statusReason: f.reason,
        missedOffers: f.missedOffers,
        awayReason: f.awayReason,
      };
      const next = { ...s, status: f.status, agent };
      if (f.reason === 'missed_offers' && f.status === 'away') return withSetAwayNotice(next, f.missedOffers);
      // Back online however the agent got there: the invitation to go online has done its job.
      if (f.status === 'online')
        return { ...next, notices: next.notices.filter((n) => n.action !== 'go-online') };
      return next;
    }
    case 'error': {
      if (!f.echoId || !f.conversationId) return s;
      const chat = s.chats[f.conversationId];
      if (!chat) return s;
      const pending = chat.pending.map((p) =>
        p.echoId === f.echoId ? { ...p, state: 'failed' as const, error: f.message, errorCode: f.code } : p,
      );
      return putChat(s, { ...chat, pending });
    }
    case 'suggestions':
    case 'suggestion_stream':
    case 'summary':
    case 'translation':
      return withAssist(s, f);
    case 'done':
    case 'viewers':
    case 'mention':
    case 'pong':
    // SLA breaches become notices in sla-alerts.ts, which also catches up on those a reconnect missed.
    case 'sla_breach':
    // The send-later list reads itself again (collab-store.ts).
    case 'scheduled_changed':
    // Calls keep their own state (`call-state.ts`).
    case 'call':
    case 'call_signal':
    case 'call_media':
      return s;
  }
}

/** The number the tab title and the navigation show: unread visitor messages in my chats plus offers waiting. */
export function attentionCount(s: WorkspaceState): number {
  let n = s.offers.length;
  for (const id of s.mine) {
    const chat = s.chats[id];
    if (chat && !chat.ended) n += unreadCount(chat);
  }
  return n;
}
