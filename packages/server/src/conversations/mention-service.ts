import type { Message } from '@beckon/protocol/chat-api';
import { findMentions } from '@beckon/protocol/mention-names';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import type { AgentChatService, StaffCaller } from './agent-chat-service.ts';
import type { AgentPresence } from './agent-presence.ts';
import type { ChatEvents } from './chat-events.ts';

/** Sends a colleague an e-mail through the e-mail channel's relay (set when one is configured). */
export type MentionMailer = (to: string, subject: string, text: string) => Promise<void>;

/**
 * Mentions in internal notes: before a note is stored, the colleagues its `@Name`s name are
 * checked (everyone must be able to see the conversation, else the note is refused, naming who
 * cannot); the note and its mentions then commit together (messages-repo). After the commit each
 * colleague is told on their console, and by e-mail when they are away or have no console open.
 */
export class MentionService {
  /** Set by the e-mail channel when it has a relay; without it, away colleagues read the console later. */
  mail: MentionMailer | undefined;

  constructor(
    private readonly store: Store,
    private readonly agents: AgentChatService,
    private readonly events: ChatEvents,
    private readonly presence: AgentPresence,
    private readonly log: Logger,
    private readonly publicUrl: string,
  ) {}

  /**
   * The colleagues a note names (user ids, the author left out). Throws a 400 naming everyone
   * mentioned who cannot see the conversation: the note is then not stored at all.
   */
  async check(author: StaffCaller, conversationId: string, text: string): Promise<string[]> {
    if (!text.includes('@')) return [];
    const { accountId } = author;
    const authorId = author.userId;
    const users = await this.store.users.list(accountId);
    const ids = findMentions(text, users).filter((id) => id !== authorId);
    if (ids.length === 0) return [];
    // The author must see it first: a refusal never tells them about a conversation they cannot see.
    const c = await this.agents.visible(author, conversationId);
    const refused: string[] = [];
    for (const id of ids) {
      const u = users.find((x) => x.id === id)!;
      const caller: StaffCaller = { accountId, role: u.role, userId: u.id };
      if (this.agents.canSee(caller, u.skillIds, c)) continue;
      if (u.role === 'agent' && (await this.store.messages.hasSender(accountId, conversationId, u.id)))
        continue;
      refused.push(u.name);
    }
    if (refused.length > 0)
      throw new AppError(
        400,
        'mention_without_access',
        `${refused.join(', ')} cannot see this conversation, so the note was not saved; remove the mention or transfer the conversation first`,
      );
    return ids;
  }

  /** After a note's commit: each colleague it named hears of it live, and by e-mail when away. */
  async committed(accountId: string, message: Message): Promise<void> {
    if (message.senderKind !== 'note' || !message.text.includes('@')) return;
    try {
      const mentions = await this.store.mentions.ofNote(accountId, message.conversationId, message.seq);
      if (mentions.length === 0) return;
      const connected = await this.presence.connected(accountId);
      for (const { userId, ...mention } of mentions) {
        this.events.toAgent(userId, { t: 'mention.created', mention });
        const user = await this.store.users.get(accountId, userId);
        if (user.status === 'online' && connected.has(userId)) continue;
        if (!this.mail) continue;
        await this.mail(
          user.email,
          `${mention.authorName} mentioned you in a note`,
          [
            `${mention.authorName} mentioned you in an internal note:`,
            '',
            mention.text,
            '',
            `Read your mentions: ${this.publicUrl.replace(/\/$/, '')}/console/conversations/mentions`,
          ].join('\n'),
        ).then(
          () => this.store.mentions.markEmailed(accountId, mention.id),
          (err: unknown) => this.log.warn({ err, mentionId: mention.id }, 'mention e-mail not sent'),
        );
      }
    } catch (err) {
      this.log.warn({ err, conversationId: message.conversationId }, 'mentions of a note not announced');
    }
  }
}
