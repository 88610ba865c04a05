/**
 * The wire shapes the messaging client reads, written out here so the published package needs
 * nothing else (the server's schemas live in `@beckon/protocol`, which a test checks these against).
 */

/** One line of the conversation as the app user sees it. Text is plain: render it as text. */
export interface MessagingMessage {
  conversationId: string;
  /** Orders the line within its conversation, from 1. */
  seq: number;
  /** `visitor` is the app user; `agent` a person answering; `bot` an agent bot; `system` a notice. */
  senderKind: 'visitor' | 'agent' | 'system' | 'invitation' | 'bot';
  senderName: string | null;
  /** The sending client's id for the line (its own lines), else null. */
  echoId: string | null;
  text: string;
  attachments: MessagingAttachment[];
  createdAt: string;
  /** A bot's quick replies (a tap sends the title) and card. */
  rich?: {
    quickReplies?: { title: string; payload?: string }[];
    card?: { title: string; text?: string; url?: string; linkText?: string };
  };
}

export interface MessagingAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  url: string;
}

/** What the app user may know of their conversation. */
export interface MessagingConversation {
  id: string;
  status: 'queued' | 'offered' | 'active' | 'closed' | 'offline';
  agentName: string | null;
  lastSeq: number;
  /** What the user has read, on any device. */
  visitorReadSeq: number;
  /** What the agent side has read. */
  agentReadSeq: number;
  /** The user's rating of the ended conversation (1–5), or null. */
  csatScore?: number | null;
  /** 1-based place in the queue while waiting, else null. */
  queuePosition?: number | null;
}

/** `POST /api/v1/messaging/session`'s answer. */
export interface MessagingSession {
  /** The app token: for `/v1/chat` `hello` and the messaging routes; keep it private. */
  token: string;
  contactId: string;
  /** The user's open conversation, or null until they write. */
  conversation: MessagingConversation | null;
}

/** Frames the server sends on `/v1/chat` that the client acts on. */
export type ChatServerFrame =
  | { type: 'welcome'; conversation: MessagingConversation }
  | { type: 'conversation'; conversation: MessagingConversation }
  | { type: 'message'; message: MessagingMessage }
  | {
      type: 'ack';
      echoId: string;
      conversationId: string;
      seq: number;
      createdAt: string;
      duplicate: boolean;
      /** The line as stored when it differs from what was sent (a card number masked). */
      text?: string;
    }
  | { type: 'error'; code: string; message: string; echoId?: string }
  | { type: 'typing'; from: 'visitor' | 'agent'; typing: boolean; name?: string }
  | { type: 'read'; by: 'visitor' | 'agent'; seq: number }
  | { type: 'pong' };

/**
 * A campaign's engagement for the app to show: an invitation to chat (`chat_invitation`), a chat
 * button (`chat_button`), a content offer (`content`), a call or callback button (`call`,
 * `callback`), or, while no one can chat, an offline message form (`offline_message`). `engagement`
 * holds its texts and settings as the campaign set them (the web widget's fields).
 */
export interface AppEngagement {
  /** The exposure's id: pass it to `accept` or `decline`. */
  id: string;
  campaignId: string;
  engagement: { type: string; [field: string]: unknown };
  /** The inviting agent, for an invitation an agent sent. */
  agentName?: string;
}

/** Frames the server sends on `/v1/visitor` that the app tracker acts on. */
export type EngageServerFrame =
  | { type: 'welcome'; visitorId: string; sessionId: string; returning: boolean }
  | { type: 'ack'; id: string }
  | {
      type: 'engage';
      exposureId: string;
      campaignId: string;
      engagement: AppEngagement['engagement'];
      agentName?: string;
      withdraw?: true;
    }
  | { type: 'error'; code: string; message: string };

/** An error the server answered with (`{ error: { code, message } }` or an `error` frame). */
export class MessagingError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The HTTP status, for REST calls. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'MessagingError';
  }
}
