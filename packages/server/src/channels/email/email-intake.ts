import { createHash } from 'node:crypto';
import type { Conversation } from '@beckon/protocol/chat-api';
import { MAX_MESSAGE_LENGTH } from '@beckon/protocol/chat-api';
import type { Counter } from 'prom-client';
import type { AttachmentService } from '../../conversations/attachments/attachment-service.ts';
import type { AttachmentStorage } from '../../conversations/attachments/attachment-storage.ts';
import type { ChatAnnouncer } from '../../conversations/chat-announcer.ts';
import { AppError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { Store } from '../../store/store.ts';
import type { ChannelInbox } from '../channel-inbox.ts';
import type { EmailConfig } from './email-config.ts';
import { bareAddress, type DropReason, dropReason } from './loop-guard.ts';
import { REST_IN_ORIGINAL } from './mail-cut.ts';
import { type MailMessage, MalformedMail, parseMail } from './mail-message.ts';
import { strippedReply } from './quoted-text.ts';
import { ThreadNames } from './reply-token.ts';

/** Where mail to one recipient goes: a site's inbox, or a thread its reply token names. */
export interface Recipient {
  accountId: string;
  siteId: string | null;
  conversationId?: string;
}

/** What became of one accepted mail. */
export type IntakeOutcome =
  | { kind: 'stored'; conversationIds: string[]; duplicate: boolean }
  | { kind: 'dropped'; reason: DropReason };

const digest = (s: string | Buffer) => createHash('sha256').update(s).digest('base64url');

/** The storage key of a mail's raw bytes: derived from its id, so a retried mail lands on the same file. */
export const rawMailKey = (accountId: string, externalId: string): string =>
  `${accountId}/mail_${digest(externalId).slice(0, 32)}`;

const TOPIC_MAX = 120;
const NAME_MAX = 120;

/**
 * Turns one received mail into a customer's line: reads it, drops what could start a mail loop,
 * finds the thread (reply token, then In-Reply-To and References), keeps the raw bytes, stores
 * its files like chat uploads, and hands the reply text (quoted history removed) to the channel
 * inbox. Everything is stored when it resolves: the SMTP 250 and the webhook's 200 come after.
 */
export class EmailIntake {
  constructor(
    private readonly store: Store,
    private readonly inbox: ChannelInbox,
    private readonly attachments: AttachmentService,
    private readonly raw: AttachmentStorage,
    private readonly announcer: ChatAnnouncer,
    private readonly config: EmailConfig,
    private readonly dropped: Counter<'reason'>,
    private readonly log: Logger,
    /** The account's masking (`MessageMasker`). */
    private readonly mask: (accountId: string, text: string) => Promise<string> = async (_, t) => t,
  ) {}

  /** Where mail to `address` goes, or undefined for an address nobody here receives at. */
  async recipient(address: string): Promise<Recipient | undefined> {
    const addr = address.trim().toLowerCase();
    const token = ThreadNames.tokenOf(addr);
    if (token) {
      const thread = await this.store.email.byToken(token);
      if (!thread) return undefined;
      const conversation = await this.store.conversations.find(thread.accountId, thread.conversationId);
      return (
        conversation && {
          accountId: thread.accountId,
          siteId: conversation.siteId,
          conversationId: conversation.id,
        }
      );
    }
    const owner = await this.store.email.ownerOf(addr);
    return owner && { accountId: owner.accountId, siteId: owner.siteId };
  }

  /** Stores a mail for its recipients (at least one); throws `MalformedMail` for bytes that are no mail. */
  async accept(
    raw: Buffer,
    envelopeSender: string | null,
    recipients: readonly Recipient[],
  ): Promise<IntakeOutcome> {
    return this.acceptParsed(raw, await parseMail(raw), envelopeSender, recipients);
  }

  /**
   * Stores a mail a provider forwarded for one account (the inbound webhook): the recipients are
   * the given addresses, else the mail's To and Cc, and only those of this account count.
   */
  async acceptFor(
    accountId: string,
    raw: Buffer,
    addresses: readonly string[] | undefined,
  ): Promise<IntakeOutcome> {
    const mail = await parseMail(raw);
    const recipients: Recipient[] = [];
    for (const a of addresses?.length ? addresses : mail.recipients) {
      const r = await this.recipient(a);
      if (r?.accountId === accountId) recipients.push(r);
    }
    if (recipients.length === 0)
      throw new AppError(
        422,
        'unknown_recipient',
        'none of the recipients is an inbound address of this account',
      );
    return this.acceptParsed(raw, mail, null, recipients);
  }

  private async acceptParsed(
    raw: Buffer,
    mail: MailMessage,
    envelopeSender: string | null,
    recipients: readonly Recipient[],
  ): Promise<IntakeOutcome> {
    const reason = dropReason(mail, envelopeSender?.toLowerCase() ?? null, {
      domain: this.config.domain,
      from: bareAddress(this.config.from),
    });
    if (reason) {
      this.dropped.inc({ reason });
      if (reason === 'bounce') await this.bounced(mail, recipients);
      return { kind: 'dropped', reason };
    }
    // One mail to two accounts' addresses is a line in each; to two addresses of one account, one line.
    const byAccount = new Map<string, Recipient>();
    for (const r of recipients) {
      const seen = byAccount.get(r.accountId);
      if (!seen || (!seen.conversationId && r.conversationId)) byAccount.set(r.accountId, r);
    }
    const conversationIds: string[] = [];
    let duplicate = true;
    for (const r of byAccount.values()) {
      const got = await this.deliver(raw, mail, envelopeSender, r);
      conversationIds.push(got.conversationId);
      duplicate &&= got.duplicate;
    }
    return { kind: 'stored', conversationIds, duplicate };
  }

  private async deliver(raw: Buffer, mail: MailMessage, envelopeSender: string | null, r: Recipient) {
    const { accountId } = r;
    const externalId = mail.messageId ?? `digest:${digest(raw)}`;
    // The raw bytes first: a line in the store always has them beside it. Not when masking
    // changed the subject or the text: the original would keep what the account masks.
    const masked =
      (await this.mask(accountId, mail.subject)) !== mail.subject ||
      (await this.mask(accountId, mail.text)) !== mail.text;
    if (!masked) await this.raw.put(rawMailKey(accountId, externalId), raw);
    const threadConversationId =
      r.conversationId ?? (await this.store.email.threadOf(accountId, mail.threadIds));
    const sender = mail.from?.address ?? envelopeSender?.toLowerCase();
    if (!sender) throw new MalformedMail('the message names no sender');
    const received = await this.inbox.receive(
      {
        channel: 'email',
        accountId,
        siteId: r.siteId,
        from: {
          email: sender,
          ...(mail.from?.name ? { name: mail.from.name.slice(0, NAME_MAX) } : {}),
          address: 'email',
        },
        ...(threadConversationId ? { threadConversationId } : {}),
        externalId,
        text: '',
        topic: mail.subject.slice(0, TOPIC_MAX) || null,
      },
      (conversation) => this.storeFiles(accountId, conversation, mail),
    );
    return { conversationId: received.conversation.id, duplicate: received.duplicate };
  }

  /** Stores the files chat can show; names the others in the line (they stay in the raw mail). */
  private async storeFiles(accountId: string, conversation: Conversation, mail: MailMessage) {
    const ids: string[] = [];
    const skipped: string[] = [];
    for (const f of mail.files) {
      try {
        const a = await this.attachments.upload(
          { accountId, conversation, side: 'visitor', userId: null, address: 'email' },
          f.contentType,
          f.name,
          f.content,
        );
        ids.push(a.id);
      } catch (err) {
        skipped.push(f.name);
        this.log.debug(
          { err: (err as Error).message, file: f.name },
          'mail attachment kept in the raw mail only',
        );
      }
    }
    return { attachmentIds: ids, text: lineOf(mail, skipped, ids.length > 0) };
  }

  /** A bounce of a mail we sent: the agent sees, in the thread, that the customer did not get it. */
  private async bounced(mail: MailMessage, recipients: readonly Recipient[]): Promise<void> {
    for (const accountId of new Set(recipients.map((r) => r.accountId))) {
      for (const id of mail.reportedIds) {
        const conversationId = await this.store.email.sentIn(accountId, id);
        if (!conversationId) continue;
        await this.announcer.line(
          accountId,
          conversationId,
          `An e-mail to the customer could not be delivered (${mail.subject.slice(0, 200) || 'bounce'}).`,
        );
        return;
      }
    }
  }
}

/**
 * The line an agent reads: the reply without its quoted history (a forward keeps what it
 * forwards), within a message's length.
 */
export function lineOf(mail: MailMessage, skipped: readonly string[], withFiles: boolean): string {
  const notes = skipped.map((n) => `[${n}: kept in the original mail only]`);
  const body = mail.forward ? mail.text.trim() : strippedReply(mail.text);
  const tail = notes.length ? `\n\n${notes.join('\n')}` : '';
  const room = MAX_MESSAGE_LENGTH - tail.length;
  const text = body.length > room ? `${body.slice(0, room - 60)}\n${REST_IN_ORIGINAL}` : body;
  return (text + tail).trim() || (withFiles ? '' : '(an empty mail)');
}
