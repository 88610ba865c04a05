import type { Conversation, Message } from '@beckon/protocol/chat-api';
import type { Contact } from '@beckon/protocol/contacts-api';
import { sql } from 'kysely';
import type { Logger } from '../logger.ts';
import { lastSeq } from '../store/conversation-rows.ts';
import type { Store } from '../store/store.ts';

/** Agent replies a customer has not seen, to send them by e-mail. */
export interface UnseenReplies {
  accountId: string;
  conversation: Conversation;
  contact: Contact;
  /** The agent's lines after what the customer read, oldest first. */
  lines: Message[];
}

/** Sends the notification; throws when it could not (the replies are tried again at the next sweep). */
export type UnseenReplyNotifier = (n: UnseenReplies) => Promise<void>;

/** Replies older than this are history, not news: they are never mailed. */
const MAX_AGE_MS = 7 * 86_400_000;
/** Lines read per conversation and sweep, at most. */
const READ_LIMIT = 100;
/** Conversations looked at per sweep, at most. */
const BATCH = 200;

/**
 * Mails customers the agent replies they have not seen: a web or in-app conversation whose contact
 * has an e-mail address (and did not opt out) gets, once its agent's newest line is `afterMs` old
 * and still unread, one e-mail with every unread agent line. `notified_seq` remembers the last
 * line mailed, so each line is mailed at most once, and a customer who reads in time gets nothing.
 * Lines go out only when a notifier is set (the e-mail channel sets it).
 */
export class UnseenReplyMailer {
  notifier: UnseenReplyNotifier | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly afterMs: number,
    private readonly everyMs = 30_000,
  ) {}

  start(): void {
    if (this.afterMs <= 0) return;
    this.timer = setInterval(() => void this.sweep(), Math.min(this.everyMs, this.afterMs));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Mails what is due at `now`; returns how many conversations were notified. */
  async sweep(now = Date.now()): Promise<number> {
    if (this.running || !this.notifier || this.afterMs <= 0) return 0;
    this.running = true;
    let sent = 0;
    try {
      const candidates = await this.store.db
        .selectFrom((eb) =>
          eb
            .selectFrom('conversations')
            .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
            .select([
              'conversations.id as id',
              'conversations.account_id as account_id',
              'conversations.visitor_read_seq as read_seq',
              'conversations.notified_seq as notified_seq',
              lastSeq,
            ])
            .where('conversations.channel', 'in', ['web', 'app'])
            .where('contacts.email', 'is not', null)
            .where('contacts.email_opt_out', '=', 0)
            .as('c'),
        )
        .selectAll()
        .where(sql<boolean>`c.last_seq > c.read_seq AND c.last_seq > c.notified_seq`)
        .limit(BATCH)
        .execute();
      for (const c of candidates) {
        const after = Math.max(Number(c.read_seq), Number(c.notified_seq));
        if (await this.notify(c.account_id, c.id, after, Number(c.last_seq), now)) sent++;
      }
    } catch (err) {
      this.log.warn({ err }, 'mailing unseen replies failed');
    } finally {
      this.running = false;
    }
    return sent;
  }

  private async notify(
    accountId: string,
    id: string,
    after: number,
    lastSeq: number,
    now: number,
  ): Promise<boolean> {
    const later = await this.store.messages.after(accountId, id, after, {
      limit: READ_LIMIT,
      visitorView: true,
    });
    const lines = later.filter((m) => m.senderKind === 'agent' && now - Date.parse(m.createdAt) < MAX_AGE_MS);
    const newest = lines.at(-1);
    // Nothing of an agent's to mail (the customer's own lines, system lines, old history): passed
    // over for good, so a conversation like that is no candidate again and cannot crowd out others.
    if (!newest) {
      // Up to the conversation's last line (internal notes included) when every line was read.
      await this.passOver(id, later.length < READ_LIMIT ? lastSeq : later.at(-1)!.seq);
      return false;
    }
    // Not yet: the customer may still read it in the chat.
    if (now - Date.parse(newest.createdAt) < this.afterMs) return false;
    const conversation = await this.store.conversations.get(accountId, id);
    const contact = conversation.contactId
      ? await this.store.contacts.find(accountId, conversation.contactId)
      : undefined;
    if (!contact?.email || contact.emailOptOut) return false;
    // Claimed before sending, so two nodes never mail the same lines; a failed send gives them back.
    const claimed = await this.store.db
      .updateTable('conversations')
      .set({ notified_seq: newest.seq })
      .where('id', '=', id)
      .where('notified_seq', '<', newest.seq)
      .where('visitor_read_seq', '<', newest.seq)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return false;
    try {
      await this.notifier!({ accountId, conversation, contact, lines });
      return true;
    } catch (err) {
      this.log.warn({ err, conversationId: id }, 'unseen replies not mailed; trying again later');
      await this.store.db
        .updateTable('conversations')
        .set({ notified_seq: after })
        .where('id', '=', id)
        .where('notified_seq', '=', newest.seq)
        .execute();
      return false;
    }
  }

  /** Marks the lines up to `seq` as looked at: none of them is an agent's reply to mail. */
  private async passOver(id: string, seq: number): Promise<void> {
    await this.store.db
      .updateTable('conversations')
      .set({ notified_seq: seq })
      .where('id', '=', id)
      .where('notified_seq', '<', seq)
      .execute();
  }
}
