import type { Conversation, Message } from '@beckon/protocol/chat-api';
import type { Contact } from '@beckon/protocol/contacts-api';
import type { Logger } from '../logger.ts';
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
/** Agents' lines read per page of a walk (see `sweep`). */
const PAGE = 500;
/** Pages read per sweep, at most: a sweep's work is bounded however much history there is. */
const PAGES = 20;
/** Conversations looked at again per sweep, at most (a failed send, more lines than one read). */
const AGAIN = 200;

/** A place in the agents' lines, ordered by time, conversation and sequence number. */
interface LineKey {
  at: number;
  conversationId: string;
  seq: number;
}

/** The place before every line written at `at` or later. */
const from = (at: number): LineKey => ({ at, conversationId: '', seq: 0 });

/** A stretch of agents' lines still to look at: after `next`, up to `upTo` (ms) included. */
interface Walk {
  next: LineKey;
  upTo: number;
}

/**
 * Mails customers the agent replies they have not seen: a web or in-app conversation whose contact
 * has an e-mail address (and did not opt out) gets, once its agent's newest line is `afterMs` old
 * and still unread, one e-mail with every unread agent line. `notified_seq` remembers the last
 * line mailed, so each line is mailed at most once, and a customer who reads in time gets nothing.
 * Lines go out only when a notifier is set (the e-mail channel sets it).
 *
 * A sweep does not look at every conversation: it walks the agents' lines that became `afterMs`
 * old since the last sweep, in short pages of an index (0097-agent-line-times.ts), and looks only
 * at their conversations. A conversation whose newest agent line is not due yet is left for that
 * line's own turn. Its first sweep (and one after the clock went back) also walks the lines of
 * the last `MAX_AGE_MS` once, in pages, after the new ones each time: a restart misses nothing
 * that fell due meanwhile. A failed send, or more unread lines than one read takes, is looked at
 * again at the next sweep. Two nodes walk the same lines; the claim on `notified_seq` lets only
 * one of them mail them.
 */
export class UnseenReplyMailer {
  notifier: UnseenReplyNotifier | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** The lines due since the last sweep; undefined before the first. */
  private live: Walk | undefined;
  /** The lines due before the first sweep, walked after the new ones. */
  private backlog: Walk | undefined;
  /** Conversations to look at again at the next sweep, with their accounts. */
  private again = new Map<string, string>();

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
      // Never past the present: a line is written with the time it was written (`now` may be later).
      const upTo = Math.min(now - this.afterMs, Date.now());
      const oldest = now - MAX_AGE_MS;
      // The first sweep, or the clock went back: everything due in the last MAX_AGE_MS is walked.
      if (!this.live || this.live.next.at > upTo + 1) {
        this.backlog = { next: from(oldest), upTo };
        this.live = { next: from(upTo + 1), upTo };
      }
      this.live.upTo = upTo;
      if (this.backlog && this.backlog.next.at < oldest) this.backlog.next = from(oldest);
      const again = [...this.again].slice(0, AGAIN);
      for (const [id] of again) this.again.delete(id);
      sent += await this.lookAt(
        again.map(([id, accountId]) => ({ id, accountId, seq: Number.POSITIVE_INFINITY })),
        now,
      );
      let pages = PAGES;
      for (const walk of [this.live, this.backlog]) {
        while (walk && pages > 0) {
          pages--;
          const lines = await this.page(walk);
          if (lines.length < PAGE) walk.next = from(walk.upTo + 1);
          else {
            const last = lines.at(-1)!;
            walk.next = {
              at: Number(last.created_at),
              conversationId: last.conversation_id,
              seq: Number(last.seq),
            };
          }
          sent += await this.lookAt(
            lines.map((l) => ({ id: l.conversation_id, accountId: l.account_id, seq: Number(l.seq) })),
            now,
          );
          if (lines.length < PAGE) break;
        }
      }
      if (this.backlog && this.backlog.next.at > this.backlog.upTo) this.backlog = undefined;
    } catch (err) {
      this.log.warn({ err }, 'mailing unseen replies failed');
    } finally {
      this.running = false;
    }
    return sent;
  }

  /** The next agents' lines of a walk, oldest first, from both message tables. */
  private async page(walk: Walk) {
    const { at, conversationId, seq } = walk.next;
    const read = (table: 'messages_recent' | 'messages_stored') =>
      this.store.db
        .selectFrom(table)
        .select(['conversation_id', 'seq', 'account_id', 'created_at'])
        .where('sender_kind', '=', 'agent')
        .where('created_at', '>=', at)
        .where('created_at', '<=', walk.upTo)
        .where((eb) =>
          eb.or([
            eb('created_at', '>', at),
            eb('conversation_id', '>', conversationId),
            eb.and([eb('conversation_id', '=', conversationId), eb('seq', '>', seq)]),
          ]),
        )
        .orderBy('created_at')
        .orderBy('conversation_id')
        .orderBy('seq')
        .limit(PAGE)
        .execute();
    // The recent table first: a line moved on between the two reads is read twice, never missed.
    const recent = await read('messages_recent');
    const stored = await read('messages_stored');
    // Only SQLite writes the recent table, and compares ids as bytes, as `<` does here.
    if (recent.length === 0) return stored;
    const before = (a: (typeof recent)[number], b: (typeof recent)[number]) =>
      Number(a.created_at) - Number(b.created_at) ||
      (a.conversation_id < b.conversation_id ? -1 : a.conversation_id > b.conversation_id ? 1 : 0) ||
      Number(a.seq) - Number(b.seq);
    return [...recent, ...stored].sort(before).slice(0, PAGE);
  }

  /**
   * Looks at the conversations of these agents' lines: each web or in-app one whose contact can be
   * mailed, and whose line (the newest of them here) is past what the customer read and was mailed.
   */
  private async lookAt(
    lines: { id: string; accountId: string; seq: number }[],
    now: number,
  ): Promise<number> {
    const newest = new Map<string, { accountId: string; seq: number }>();
    for (const l of lines) {
      const seen = newest.get(l.id);
      if (!seen || seen.seq < l.seq) newest.set(l.id, { accountId: l.accountId, seq: l.seq });
    }
    if (newest.size === 0) return 0;
    const rows = await this.store.db
      .selectFrom('conversations')
      .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
      .select([
        'conversations.id as id',
        'conversations.account_id as account_id',
        'conversations.visitor_read_seq as read_seq',
        'conversations.notified_seq as notified_seq',
      ])
      .where('conversations.id', 'in', [...newest.keys()])
      .where('conversations.channel', 'in', ['web', 'app'])
      .where('contacts.email', 'is not', null)
      .where('contacts.email_opt_out', '=', 0)
      .execute();
    let sent = 0;
    for (const c of rows) {
      const after = Math.max(Number(c.read_seq), Number(c.notified_seq));
      if (newest.get(c.id)!.seq <= after) continue;
      if (await this.notify(c.account_id, c.id, after, now)) sent++;
    }
    return sent;
  }

  private async notify(accountId: string, id: string, after: number, now: number): Promise<boolean> {
    const later = await this.store.messages.after(accountId, id, after, {
      limit: READ_LIMIT,
      visitorView: true,
    });
    // More lines than one read: the rest are looked at next time.
    if (later.length === READ_LIMIT) this.again.set(id, accountId);
    const lines = later.filter((m) => m.senderKind === 'agent' && now - Date.parse(m.createdAt) < MAX_AGE_MS);
    const newest = lines.at(-1);
    // Nothing of an agent's to mail (the customer's own lines, system lines, old history): passed over.
    if (!newest) {
      if (later.length > 0) await this.passOver(id, later.at(-1)!.seq);
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
      this.again.set(id, accountId);
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
