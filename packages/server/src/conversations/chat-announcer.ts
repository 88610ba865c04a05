import type { Conversation, Message } from '@beckon/protocol/chat-api';
import type { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AppendItem } from '../store/messages-repo.ts';
import type { Store } from '../store/store.ts';
import type { ChatEvents } from './chat-events.ts';
import type { MessageWriter } from './message-writer.ts';
import { type VisitorLine, visitorLine } from './visitor-lines.ts';

/**
 * Tells everyone concerned after a conversation changed (its participants, the account's
 * supervisors and queue views) and writes the system lines the visitor sees ("… joined").
 */
export class ChatAnnouncer {
  constructor(
    private readonly store: Store,
    readonly events: ChatEvents,
    readonly writer: MessageWriter,
    private readonly log: Logger,
  ) {}

  /** The display name of an agent, or null. */
  async agentName(accountId: string, agentId: string | null): Promise<string | null> {
    if (!agentId) return null;
    const row = await this.store.db
      .selectFrom('users')
      .select('name')
      .where('account_id', '=', accountId)
      .where('id', '=', agentId)
      .executeTakeFirst();
    return row?.name ?? null;
  }

  /** Publishes a conversation's new state to its participants and its account; `queue` when queues changed too. */
  async updated(
    accountId: string,
    conversation: Conversation,
    opts: { queue?: boolean } = {},
  ): Promise<void> {
    const agentName = await this.agentName(accountId, conversation.assignedAgentId);
    this.events.toConversation(conversation.id, { t: 'conversation.updated', conversation, agentName });
    this.events.toAccount(accountId, { t: 'conversation.updated', conversation });
    if (opts.queue) this.events.toAccount(accountId, { t: 'queue.changed' });
  }

  /**
   * Appends a system line for the visitor, in the language they started the chat in (English when
   * unknown). `vars` may depend on that language (a duration, a date, a translated fallback name).
   */
  async visitorLine(
    accountId: string,
    conversationId: string,
    line: VisitorLine,
    vars: Record<string, string> | ((language: string | null) => Record<string, string>) = {},
  ): Promise<Message | undefined> {
    const language = await this.language(accountId, conversationId);
    const values = typeof vars === 'function' ? vars(language) : vars;
    return this.line(accountId, conversationId, visitorLine(language, line, values));
  }

  /** The widget language a web chat was started in (`null`: English, and every other channel). */
  private async language(accountId: string, conversationId: string): Promise<string | null> {
    const row = await this.store.db
      .selectFrom('conversations')
      .select('language')
      .where('account_id', '=', accountId)
      .where('id', '=', conversationId)
      .executeTakeFirst();
    return row?.language ?? null;
  }

  /**
   * Appends a line from the system (or an agent's note) to the conversation, after any pending
   * sends. `echoId` may carry what the line says, for consoles to word it (`chat-lines.ts`).
   */
  async line(
    accountId: string,
    conversationId: string,
    text: string,
    sender: AppendItem['sender'] = { kind: 'system' },
    echoId: string | null = null,
  ): Promise<Message | undefined> {
    const r = await this.writer.append({ accountId, conversationId, sender, echoId, text });
    if (r.ok) return r.message;
    this.log.warn({ err: r.error as AppError, conversationId }, 'system line not stored');
    return undefined;
  }
}
