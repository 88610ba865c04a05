import type { Conversation, Message } from '@beckon/protocol/chat-api';
import type { ChatAnnouncer } from '../../conversations/chat-announcer.ts';
import { KeyedLimiter } from '../../conversations/chat-limits.ts';
import { transcriptText } from '../../conversations/transcript.ts';
import { AppError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import { bareAddress } from './loop-guard.ts';
import type { MailSender } from './mailer.ts';
import type { ThreadNames } from './reply-token.ts';

/**
 * A chat's transcript by e-mail, on the customer's request, to the conversation's own address.
 * It is an automatic mail (`Auto-Submitted: auto-generated`, RFC 3834) and capped per address per
 * hour: a script that asks again and again cannot make Beckon flood someone's mailbox.
 */
export class TranscriptMail {
  private readonly perAddress: KeyedLimiter;

  constructor(
    private readonly store: Store,
    private readonly announcer: ChatAnnouncer,
    private readonly mailer: MailSender,
    private readonly names: ThreadNames,
    private readonly from: string,
    perHour: number,
  ) {
    this.perAddress = new KeyedLimiter({ rate: perHour / 3600, burst: Math.max(1, perHour) });
  }

  /** Sends the transcript; answers the address it went to. */
  async send(accountId: string, conversation: Conversation): Promise<string> {
    const contact = conversation.contactId
      ? await this.store.contacts.find(accountId, conversation.contactId)
      : undefined;
    const to = contact?.email ?? conversation.visitorEmail;
    if (!to) throw new AppError(409, 'no_email', 'this conversation has no e-mail address to send to');
    if (!this.mailer.configured)
      throw new AppError(503, 'email_unavailable', 'sending e-mail is not set up on this server');
    if (!this.perAddress.take(to.toLowerCase()))
      throw new AppError(429, 'rate_limited', 'a transcript went to this address recently; try again later');
    const messages: Message[] = [];
    for (;;) {
      const page = await this.store.messages.after(accountId, conversation.id, messages.at(-1)?.seq ?? 0, {
        limit: 1000,
        visitorView: true,
      });
      messages.push(...page);
      if (page.length < 1000) break;
    }
    const account = await this.store.accounts.get(accountId);
    const agent = await this.announcer.agentName(accountId, conversation.assignedAgentId);
    const name = account?.name ?? 'Beckon';
    await this.mailer.send({
      from: { name, address: bareAddress(this.from) },
      to,
      subject: `Your conversation with ${name}`,
      messageId: this.names.messageId(
        accountId,
        `transcript:${conversation.id}:${messages.at(-1)?.seq ?? 0}`,
      ),
      headers: { 'Auto-Submitted': 'auto-generated' },
      text: transcriptText(conversation, messages, { agent: agent ?? undefined }),
    });
    return to;
  }
}
