import type { Readable } from 'node:stream';
import { MAX_MESSAGE_LENGTH } from '@beckon/protocol/chat-api';
import { ATTACHMENT_TYPES } from '@beckon/protocol/chat-attachments';
import type Mail from 'nodemailer/lib/mailer';
import type { Store } from '../../store/store.ts';
import { escapeHtml } from '../../web/html-page.ts';
import {
  type Channel,
  type ChannelCapabilities,
  ChannelSendError,
  type OutboundMessage,
  type SendResult,
} from '../channel.ts';
import { bareAddress } from './loop-guard.ts';
import { oneLine } from './mail-message.ts';
import type { MailSender } from './mailer.ts';
import type { ThreadNames } from './reply-token.ts';
import { unsubscribeHeaders } from './unsubscribe.ts';

/** Opens a sent attachment's bytes (the chat attachment service). */
export type AttachmentOpener = (
  conversationId: string,
  attachmentId: string,
) => Promise<Readable | undefined>;

/** The subject of a reply in a thread: the customer's subject, on one line, with one "Re:". */
export const replySubject = (topic: string | null, accountName: string): string => {
  const line = oneLine(topic ?? '');
  if (!line) return `Your conversation with ${accountName}`;
  return /^re:/i.test(line) ? line : `Re: ${line}`;
};

/**
 * The e-mail channel's outbound side: an agent's line becomes a mail to the customer, threaded
 * under the mail it answers (In-Reply-To, References), with a Reply-To that leads the answer
 * back to the conversation. Its Message-ID derives from the line's idempotency key, so a send the
 * outbox tries again is the same mail to the customer's client.
 */
export class EmailChannel implements Channel {
  readonly kind = 'email' as const;
  readonly capabilities: ChannelCapabilities;

  constructor(
    private readonly store: Store,
    private readonly mailer: MailSender,
    private readonly names: ThreadNames,
    private readonly from: string,
    private readonly openAttachment: AttachmentOpener,
    attachmentMaxBytes: number,
    /** A contact's unsubscribe link, put on threads we start (a campaign's message). */
    private readonly unsubscribe?: (accountId: string, contactId: string) => string,
  ) {
    this.capabilities = {
      typing: false,
      readReceipts: false,
      attachments: { maxBytes: attachmentMaxBytes, types: ATTACHMENT_TYPES },
      richContent: false,
      templates: false,
      maxLength: MAX_MESSAGE_LENGTH,
    };
  }

  async send(msg: OutboundMessage): Promise<SendResult> {
    const { accountId, conversationId } = msg;
    const conversation = await this.store.conversations.mailHeads(accountId, conversationId);
    if (!conversation) throw new ChannelSendError('the conversation no longer exists', false);
    const to = msg.contact?.email ?? conversation.visitorEmail;
    if (!to) throw new ChannelSendError('the customer has no e-mail address', false);
    const account = await this.store.accounts.get(accountId);
    const accountName = account?.name ?? 'Beckon';
    const messageId = this.names.messageId(accountId, msg.idempotencyKey);
    const { lastInbound: inReplyTo, references } = await this.store.email.thread(accountId, conversationId);
    const token = this.names.token(accountId, conversationId);
    // A topic stored before subjects were folded may still hold a line break: a header never does.
    const topic = oneLine(conversation.topic ?? '') || null;
    // Recorded before it leaves: a quick answer naming this Message-ID finds its thread.
    await this.store.email.recordSent(accountId, conversationId, token, messageId, msg.seq);
    // A thread we start (nothing of the customer's to answer) is ours to stop: it carries an unsubscribe link.
    const stop = !inReplyTo && msg.contact ? this.unsubscribe?.(accountId, msg.contact.id) : undefined;
    const attachments: Mail.Attachment[] = [];
    for (const a of msg.attachments) {
      const body = await this.openAttachment(conversationId, a.id);
      if (body) attachments.push({ filename: a.name, contentType: a.contentType, content: body });
    }
    await this.mailer.send({
      from: {
        name: msg.senderName ? `${msg.senderName} (${accountName})` : accountName,
        address: bareAddress(this.from),
      },
      to,
      replyTo: this.names.replyAddress(token),
      // The first mail of a thread we start (a campaign's message) carries its subject as it is.
      subject: !inReplyTo && topic ? topic : replySubject(topic, accountName),
      messageId,
      ...(inReplyTo ? { inReplyTo } : {}),
      ...(references.length ? { references: references.filter((id) => id !== messageId) } : {}),
      text: stop ? `${msg.text}\n\n--\nStop e-mail from ${accountName}: ${stop}` : msg.text,
      // A broadcast's mail may carry HTML beside its text (its payload); the stop link goes in both.
      ...(typeof msg.payload?.html === 'string'
        ? { html: withStopLink(msg.payload.html, accountName, stop) }
        : {}),
      ...(stop ? { headers: unsubscribeHeaders(stop) } : {}),
      attachments,
    });
    return { status: 'sent', providerId: messageId };
  }
}

/** A broadcast's HTML with the stop link at its foot (before `</body>` when it has one). */
function withStopLink(html: string, accountName: string, stop: string | undefined): string {
  if (!stop) return html;
  const foot = `<p style="font-size:12px;color:#666">Stop e-mail from ${escapeHtml(accountName)}: <a href="${escapeHtml(stop)}">unsubscribe</a></p>`;
  const at = html.toLowerCase().lastIndexOf('</body>');
  return at < 0 ? html + foot : html.slice(0, at) + foot + html.slice(at);
}
