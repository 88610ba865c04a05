import type { Attachment } from '@beckon/protocol/chat-api';
import type { Contact, ContactKeys } from '@beckon/protocol/contacts-api';
import type { ConversationsTable } from '../store/schema.ts';

/** Where a conversation's customer writes from. */
export type ChannelKind = ConversationsTable['channel'];

/** Where an outbound message is on its way to the customer. */
export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

/** What a channel can carry: the composer and the outbox hold to it. */
export interface ChannelCapabilities {
  /** The customer's typing is seen, and they see the agent's. */
  typing: boolean;
  /** The channel reports when the customer read a message. */
  readReceipts: boolean;
  /** Files it carries, or null when it carries none. */
  attachments: { maxBytes: number; types: readonly string[] } | null;
  /** Buttons, cards and the like beyond text. */
  richContent: boolean;
  /** Pre-approved templates (needed by some channels to write first). */
  templates: boolean;
  /** Longest text of one message, in characters. */
  maxLength: number;
}

/** Traffic a channel received, normalised: who wrote, in which thread, what. */
export interface InboundMessage {
  channel: ChannelKind;
  accountId: string;
  siteId: string | null;
  /** The sender, as the channel knows them. */
  from: ContactKeys;
  /** The conversation the channel found this belongs to (a reply token, In-Reply-To…); a new one otherwise. */
  threadConversationId?: string;
  /** The provider's id of the message: the same id twice is stored once. */
  externalId: string;
  text: string;
  /** Uploads already stored for this conversation by the customer's side. */
  attachmentIds?: readonly string[];
  /** The skill a new conversation joins (a connection's default skill); else the channel's choice. */
  skillId?: string | null;
  /** The subject or topic, for a new conversation. */
  topic?: string | null;
  receivedAt?: number;
}

/** A line an agent wrote, on its way out through a channel. */
export interface OutboundMessage {
  accountId: string;
  conversationId: string;
  seq: number;
  channel: ChannelKind;
  contact: Contact | null;
  text: string;
  attachments: readonly Attachment[];
  /** `${conversationId}:${seq}`: a provider that knows it never sends twice. */
  idempotencyKey: string;
  senderName: string | null;
  /** What to send instead of the text, as stored with the line (a WhatsApp template), if anything. */
  payload?: Record<string, unknown>;
}

export interface SendResult {
  status: 'sent' | 'delivered';
  /** The provider's id of what it sent (a Message-ID…), kept for threading and receipts. */
  providerId?: string;
}

/**
 * A send that failed: `retryable` when trying again later may work (a timeout, a 5xx), and
 * `retryAfterMs` when the provider said how long to wait (a 429's Retry-After). `mayHaveArrived`
 * when the provider may have the message all the same: the connection broke after the request was
 * written, or no answer came. A message sent at most once is then in doubt, not sent again.
 */
export class ChannelSendError extends Error {
  constructor(
    readonly reason: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    readonly mayHaveArrived = false,
  ) {
    super(reason);
    this.name = 'ChannelSendError';
  }
}

/** One way customers reach an account: web chat, e-mail, an app, … */
export interface Channel {
  readonly kind: ChannelKind;
  readonly capabilities: ChannelCapabilities;
  /** Delivers an agent's line to the customer; throws `ChannelSendError` when it cannot. */
  send(msg: OutboundMessage): Promise<SendResult>;
}

/** The channels a node knows, by kind. */
export class ChannelRegistry {
  private readonly byKind = new Map<ChannelKind, Channel>();

  register(channel: Channel): void {
    this.byKind.set(channel.kind, channel);
  }

  get(kind: ChannelKind): Channel | undefined {
    return this.byKind.get(kind);
  }

  all(): Channel[] {
    return [...this.byKind.values()];
  }
}
