import type { UnseenReplies } from '../../conversations/unseen-replies.ts';
import type { Store } from '../../store/store.ts';
import { bareAddress } from './loop-guard.ts';
import type { MailSender } from './mailer.ts';
import type { ThreadNames } from './reply-token.ts';
import { unsubscribeHeaders } from './unsubscribe.ts';

/**
 * The mail of replies a customer did not see in the chat: the agent's lines, and a Reply-To that
 * leads an answer by mail back into the same conversation (which then goes on by e-mail).
 * Automatic (`Auto-Submitted: auto-replied`), so a vacation responder does not answer it.
 */
export class UnseenReplyMail {
  constructor(
    private readonly store: Store,
    private readonly mailer: MailSender,
    private readonly names: ThreadNames,
    private readonly from: string,
    /** A link back to the conversation, when one can be made. */
    private readonly linkOf: (n: UnseenReplies) => Promise<string | null> = async () => null,
    /** The contact's unsubscribe link, when one can be made. */
    private readonly unsubscribe?: (accountId: string, contactId: string) => string,
  ) {}

  get configured(): boolean {
    return this.mailer.configured;
  }

  async send(n: UnseenReplies): Promise<void> {
    const { accountId, conversation, contact, lines } = n;
    const account = await this.store.accounts.get(accountId);
    const name = account?.name ?? 'Beckon';
    const token = this.names.token(accountId, conversation.id);
    const last = lines.at(-1)!;
    const messageId = this.names.messageId(accountId, `unseen:${conversation.id}:${last.seq}`);
    await this.store.email.recordSent(accountId, conversation.id, token, messageId, last.seq);
    const link = await this.linkOf(n);
    const who = last.senderName ?? name;
    const stop = this.unsubscribe?.(accountId, contact.id);
    const quoted = lines.map((m) => `${m.senderName ?? name}:\n${m.text}`).join('\n\n');
    await this.mailer.send({
      from: { name: `${who} (${name})`, address: bareAddress(this.from) },
      to: contact.email!,
      replyTo: this.names.replyAddress(token),
      subject: `New reply from ${name}`,
      messageId,
      headers: {
        'Auto-Submitted': 'auto-replied',
        ...(stop ? unsubscribeHeaders(stop) : {}),
      },
      text: [
        `${who} replied to your conversation with ${name}:`,
        '',
        quoted,
        '',
        link
          ? `Reply to this e-mail, or continue the conversation here: ${link}`
          : 'Reply to this e-mail to continue the conversation.',
        ...(stop ? ['', `Stop these e-mails: ${stop}`] : []),
      ].join('\n'),
    });
  }
}
