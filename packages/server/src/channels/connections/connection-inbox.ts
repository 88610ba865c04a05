import { type Conversation, MAX_MESSAGE_LENGTH } from '@beckon/protocol/chat-api';
import type { ChannelConnection } from '../../store/channel-connections-repo.ts';
import { LAST_SEEN_STEP_MS } from '../../store/contacts-repo.ts';
import type { Store } from '../../store/store.ts';
import type { InboundMessage } from '../channel.ts';
import type { ChannelInbox, Received } from '../channel-inbox.ts';
import type { CsatSurveys } from '../csat/csat-surveys.ts';
import type { MediaDownloader, MediaRef } from './media-download.ts';
import type { ThreadCache } from './thread-cache.ts';

/** An inbound message as a connector reads it; the connection supplies the rest. */
export type ConnectionMessage = Pick<InboundMessage, 'from' | 'externalId' | 'text' | 'receivedAt'> & {
  /** The message's files, downloaded into the conversation before the line is stored. */
  media?: readonly MediaRef[];
  /** What a button the customer tapped sends back (a quick reply's payload, a list row's id). */
  payload?: string | null;
};

/** A message that rated the conversation's survey: no line was stored, nothing reopened. */
export type Rated = Omit<Received, 'message'> & { message: null; duplicate: true };

/** Provider names agents read in notes ("open WhatsApp to see it"). */
const PROVIDER_NAMES: Record<ChannelConnection['type'], string> = {
  whatsapp: 'WhatsApp',
  messenger: 'Messenger',
  instagram: 'Instagram',
  telegram: 'Telegram',
  sms: 'the phone',
};

/** The customer's text and the notes on files not kept, within a message's length. */
export function withNotes(text: string, notes: readonly string[]): string {
  if (notes.length === 0) return text;
  const tail = notes.join('\n').slice(0, MAX_MESSAGE_LENGTH / 2);
  const room = MAX_MESSAGE_LENGTH - tail.length - 1;
  return text ? `${text.slice(0, room)}\n${tail}` : tail;
}

/** A thread a line joins as it is: with an agent, open, on this connection's channel. */
const followable = (c: Conversation, conn: ChannelConnection) =>
  c.status === 'active' && c.state === 'open' && c.channel === conn.type;

/**
 * The inbox as a connection uses it: a customer's message joins their latest conversation on the
 * same connection (reopening it when resolved), a new one joins the connection's default skill,
 * and the conversation remembers the connection so the agent's replies leave by it. The
 * message's files are downloaded into the conversation first, so the line carries them.
 */
export class ConnectionInbox {
  constructor(
    private readonly store: Store,
    private readonly inbox: ChannelInbox,
    private readonly media: MediaDownloader,
    private readonly threads: ThreadCache,
    private readonly surveys?: CsatSurveys,
  ) {}

  /**
   * Stores a customer's message; an answer to the satisfaction survey of their resolved
   * conversation is recorded as its rating instead (answered as a duplicate: no line, no reopen).
   */
  async receive(conn: ChannelConnection, msg: ConnectionMessage): Promise<Received | Rated> {
    const { accountId } = conn;
    const { media = [], payload, ...line } = msg;
    const inbound = {
      ...line,
      text: line.text || '[An empty message]',
      channel: conn.type,
      accountId,
      siteId: null,
      skillId: conn.defaultSkillId,
    };
    const known = media.length === 0 ? this.threads.get(conn.id, msg.from) : undefined;
    if (known && followable(known.conversation, conn)) {
      const now = Date.now();
      const seen = now - known.seenAt >= LAST_SEEN_STEP_MS;
      const got = await this.inbox.follow(inbound, known, seen);
      if (got) {
        if (seen && !got.duplicate) known.seenAt = now;
        return got;
      }
    }
    const got = await this.full(conn, msg, inbound, media, { ...line, payload });
    if (!got.duplicate) this.threads.remember(accountId, conn.id, msg.from, got.contact, got.conversation);
    return got;
  }

  /** The contact, their latest conversation on the connection, and the inbox's whole way in. */
  private async full(
    conn: ChannelConnection,
    msg: ConnectionMessage,
    inbound: InboundMessage,
    media: readonly MediaRef[],
    answer: Parameters<CsatSurveys['answer']>[2],
  ): Promise<Received | Rated> {
    const { accountId } = conn;
    const contact = await this.store.contacts.resolve(accountId, msg.from, msg.receivedAt);
    const thread = await this.store.channelConnections.lastConversation(accountId, conn.id, contact.id);
    if (thread && media.length === 0 && (await this.surveys?.answer(accountId, thread, answer))) {
      const conversation = await this.store.conversations.get(accountId, thread);
      return { conversation, contact, message: null, duplicate: true };
    }
    return this.inbox.receive(
      { ...inbound, ...(thread ? { threadConversationId: thread } : {}) },
      async (conversation) => {
        await this.store.channelConnections.bind(accountId, conversation.id, conn.id);
        if (media.length === 0) return { attachmentIds: [] };
        const got = await this.media.store(accountId, conversation, media, PROVIDER_NAMES[conn.type]);
        const text = withNotes(msg.text, got.notes);
        return {
          attachmentIds: got.attachmentIds,
          text: text || (got.attachmentIds.length ? '' : '[An empty message]'),
        };
      },
    );
  }
}
