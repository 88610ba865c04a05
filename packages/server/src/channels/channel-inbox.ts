import { hash } from 'node:crypto';
import type { Conversation, Message } from '@beckon/protocol/chat-api';
import type { Contact } from '@beckon/protocol/contacts-api';
import type { Kysely } from 'kysely';
import type { ChatAnnouncer } from '../conversations/chat-announcer.ts';
import { newVisitorToken } from '../conversations/visitor-token.ts';
import { AppError } from '../errors.ts';
import { isUniqueViolation } from '../store/connect.ts';
import type { Database } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import type { ChannelKind, InboundMessage } from './channel.ts';

/** What became of one inbound message. */
export interface Received {
  conversation: Conversation;
  contact: Contact;
  message: Message;
  /** The provider sent this message before: nothing new was stored. */
  duplicate: boolean;
  /**
   * The line joined a thread the node knew from the sender's previous message (ThreadCache): the
   * contact is as that message left it, consents included.
   */
  followed?: boolean;
}

/** The skill a new conversation from a channel goes to. */
export type ChannelSkillChooser = (
  accountId: string,
  channel: ChannelKind,
  topic: string | null,
) => Promise<string | null>;

/** `prefix` and a digest of the parts: the same message always names the same row. */
const derivedId = (prefix: string, ...parts: string[]) =>
  `${prefix}_${hash('sha256', parts.join('\u0000'), 'base64url').slice(0, 27)}`;

/** How many times a line is tried again when its conversation closes under it. */
const REOPEN_TRIES = 3;

/**
 * Where every channel's inbound traffic enters: the sender becomes a contact, the message joins
 * its thread (a conversation the channel found) or starts one, a resolved conversation reopens
 * into its skill's queue, and the line is stored as the customer's, then announced and routed.
 *
 * Idempotent on the provider's message id: a message delivered twice (a retried webhook, a mail
 * server that did not see our 250) is stored once. A new thread's conversation id and the line's
 * echo id are derived from that id, so a retry after a crash at any step finds what the first try
 * wrote instead of writing it again.
 */
export class ChannelInbox {
  constructor(
    private readonly store: Store,
    private readonly announcer: ChatAnnouncer,
    private readonly chooseSkill: ChannelSkillChooser,
    private readonly route: (accountId: string) => void,
    /** The account's masking (`MessageMasker`): a mail's subject becomes the topic masked. */
    private readonly mask: (accountId: string, text: string) => Promise<string> = async (_, t) => t,
  ) {}

  /**
   * `prepare` runs once the thread is known and before the line is stored: a channel stores the
   * message's files in the conversation there (files need their conversation) and answers their
   * ids, and the line's text when the files changed it.
   */
  async receive(
    msg: InboundMessage,
    prepare?: (conversation: Conversation) => Promise<{ attachmentIds: readonly string[]; text?: string }>,
  ): Promise<Received> {
    const { accountId, channel, externalId } = msg;
    const now = msg.receivedAt ?? Date.now();
    // The line itself is masked by the message writer; the topic is stored with the conversation.
    if (msg.topic) msg = { ...msg, topic: await this.mask(accountId, msg.topic) };
    const known = await this.recorded(msg);
    if (known?.seq != null) {
      const first = await this.original(msg, known);
      if (first) return first;
    }
    let contact: Contact | undefined;
    let conversation: Conversation;
    if (known) {
      contact = await this.store.contacts.resolve(accountId, msg.from, now);
      conversation = await this.store.conversations.get(accountId, known.conversation_id);
    } else ({ conversation, contact } = await this.thread(msg, now));
    if (!conversation.contactId) {
      await this.store.conversations.setContact(accountId, conversation.id, contact.id, now);
    }
    // The customer answered from another channel (a mail to a web chat's reply address): the
    // conversation moves there, so the agent's next lines reach them where they wrote from.
    if (conversation.channel !== channel && channel !== 'web') {
      await this.store.conversations.setChannel(accountId, conversation.id, channel, now);
    }
    const prepared = await prepare?.(conversation);
    const attachmentIds = [...(msg.attachmentIds ?? []), ...(prepared?.attachmentIds ?? [])];
    const text = prepared?.text ?? msg.text;
    const echoId = derivedId('in', channel, externalId).slice(0, 64);
    let message: Message | undefined;
    let duplicate = false;
    for (let attempt = 0; attempt < REOPEN_TRIES && !message; attempt++) {
      const reopened = await this.store.assignment.reopen(accountId, conversation.id, now);
      if (reopened) {
        await this.announcer.line(
          accountId,
          conversation.id,
          'The customer wrote again; the conversation reopened.',
        );
      }
      const r = await this.announcer.writer.append({
        accountId,
        conversationId: conversation.id,
        sender: { kind: 'visitor' },
        echoId,
        text,
        ...(attachmentIds.length ? { attachmentIds } : {}),
        channelRecord: { channel, externalId },
      });
      if (r.ok) {
        message = r.message;
        duplicate = r.duplicate;
      } else if (r.error.code === 'channel_recorded') {
        // Stored meanwhile by another request for the same delivery (a provider's quick retry).
        const first = await this.original(msg);
        if (first) return first;
        throw r.error;
      } else if (r.error.code !== 'conversation_closed') {
        throw r.error;
      }
    }
    if (!message)
      throw new AppError(409, 'conversation_closed', 'the conversation closed while the message arrived');
    // A new line recorded its seq in its own transaction; a retry's original may predate that.
    if (duplicate)
      await this.store.db
        .updateTable('channel_messages')
        .set({ seq: message.seq })
        .where('account_id', '=', accountId)
        .where('channel', '=', channel)
        .where('external_id', '=', externalId)
        .execute();
    if (!duplicate) {
      // The customer wrote: a pending or snoozed conversation is open again, and a campaign's
      // message they answer counts as accepted.
      await this.store.assignment.customerBack(accountId, conversation.id, now);
      await this.store.exposures.acceptMessage(accountId, conversation.id, now);
    }
    conversation = await this.store.conversations.get(accountId, conversation.id);
    await this.announcer.updated(accountId, conversation, { queue: true });
    this.route(accountId);
    return { conversation, contact, message, duplicate };
  }

  /**
   * A message in a thread this node knows open and with an agent: the line alone, in the message
   * writer's group commit, answered after that commit. Undefined when the thread is not as known
   * (closed meanwhile…): the caller then takes the full path.
   */
  async follow(
    msg: InboundMessage,
    thread: { conversation: Conversation; contact: Contact },
    /** The contact's `last_seen_at` is due to move: the line's transaction moves it. */
    seen = false,
  ): Promise<Received | undefined> {
    const r = await this.announcer.writer.append({
      ...(seen ? { seenContactId: thread.contact.id } : {}),
      accountId: msg.accountId,
      conversationId: thread.conversation.id,
      sender: { kind: 'visitor' },
      echoId: derivedId('in', msg.channel, msg.externalId).slice(0, 64),
      text: msg.text,
      channelRecord: { channel: msg.channel, externalId: msg.externalId },
    });
    if (r.ok)
      return {
        conversation: thread.conversation,
        contact: thread.contact,
        message: r.message,
        duplicate: r.duplicate,
        followed: true,
      };
    if (r.error.code === 'channel_recorded') return this.original(msg);
    return undefined;
  }

  /** Where a provider's message went, when it came before. */
  private recorded(msg: InboundMessage) {
    return this.store.db
      .selectFrom('channel_messages')
      .select(['conversation_id', 'seq'])
      .where('account_id', '=', msg.accountId)
      .where('channel', '=', msg.channel)
      .where('external_id', '=', msg.externalId)
      .executeTakeFirst();
  }

  /** What a provider's message became the first time it was stored, if its line is. */
  async original(
    msg: InboundMessage,
    known?: { conversation_id: string; seq: number | null },
  ): Promise<Received | undefined> {
    const at = known ?? (await this.recorded(msg));
    if (at?.seq == null) return undefined;
    const { accountId } = msg;
    const [message] = await this.store.messages.after(accountId, at.conversation_id, Number(at.seq) - 1, {
      limit: 1,
    });
    if (!message) return undefined;
    const contact = await this.store.contacts.resolve(accountId, msg.from, msg.receivedAt ?? Date.now());
    const conversation = await this.store.conversations.get(accountId, at.conversation_id);
    return { conversation, contact, message, duplicate: true };
  }

  /** Notes which conversation a provider's message went to (its line's seq comes once stored). */
  private async record(
    msg: InboundMessage,
    conversationId: string,
    now: number,
    db: Kysely<Database> = this.store.db,
  ): Promise<void> {
    await db
      .insertInto('channel_messages')
      .values({
        account_id: msg.accountId,
        channel: msg.channel,
        external_id: msg.externalId,
        conversation_id: conversationId,
        seq: null,
        direction: 'in',
        created_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  /**
   * The thread the channel named, or a new conversation whose id derives from the message's; with
   * the sender's contact, and the message recorded against the thread. A new thread's contact,
   * conversation and record are written in one transaction: on SQLite one sync to disk instead of
   * three for every message that starts a conversation, as most mails do.
   */
  private async thread(
    msg: InboundMessage,
    now: number,
  ): Promise<{ conversation: Conversation; contact: Contact }> {
    const { accountId } = msg;
    const id = derivedId('conv', accountId, msg.channel, msg.externalId);
    const named = msg.threadConversationId
      ? await this.store.conversations.find(accountId, msg.threadConversationId)
      : undefined;
    let found = named ?? (await this.store.conversations.find(accountId, id));
    // A thread an agent merged into another: the customer writing again on it joins the kept one
    // (and the kept one moves to this channel, below, so the answer reaches them here).
    if (found?.mergedInto)
      found = (await this.store.conversations.find(accountId, found.mergedInto)) ?? found;
    if (found) return this.joined(msg, found, now);
    const skillId = msg.skillId ?? (await this.chooseSkill(accountId, msg.channel, msg.topic ?? null));
    try {
      return await this.store.db.transaction().execute(async (trx) => {
        const contact = await this.store.contacts.resolve(accountId, msg.from, now, trx);
        const conversation = await this.store.conversations.create(
          {
            id,
            accountId,
            siteId: msg.siteId,
            visitorId: null,
            channel: msg.channel,
            source: 'api',
            skillId,
            status: 'queued',
            visitorName: contact.name,
            visitorEmail: contact.email,
            topic: msg.topic ?? null,
            contactId: contact.id,
            tokenHash: newVisitorToken().hash,
          },
          now,
          trx,
        );
        await this.record(msg, conversation.id, now, trx);
        return { conversation, contact };
      });
    } catch (err) {
      // Another node took the same message at the same moment: its conversation is this one.
      if (!isUniqueViolation(err)) throw err;
      const raced = await this.store.conversations.find(accountId, id);
      if (!raced) throw err;
      return this.joined(msg, raced, now);
    }
  }

  /**
   * The sender's contact in a thread that already exists. The message is recorded against it by
   * its line's own transaction (`channelRecord`), not by a commit of its own before it: a busy
   * thread's every message would otherwise wait for one more sync to disk.
   */
  private async joined(msg: InboundMessage, conversation: Conversation, now: number) {
    const contact = await this.store.contacts.resolve(msg.accountId, msg.from, now);
    return { conversation, contact };
  }
}
