import { SURVEY_CHANNELS, type SurveyTemplate } from '@beckon/protocol/channels-api';
import type { Conversation } from '@beckon/protocol/chat-api';
import type { ChatAnnouncer } from '../../conversations/chat-announcer.ts';
import type { Logger } from '../../logger.ts';
import type { Store } from '../../store/store.ts';
import type { ChannelKind } from '../channel.ts';
import { windowOpen } from '../whatsapp/whatsapp-channel.ts';
import { templateMessage, templateView } from '../whatsapp/whatsapp-templates.ts';
import {
  SURVEY_ANSWER_WINDOW_MS,
  type SurveyPayload,
  scoreOf,
  scorePayload,
  surveyQuestion,
  surveyText,
} from './csat-survey.ts';

/** One-click rating links of a conversation, one per score (e-mail's survey). */
export type RatingLinks = (accountId: string, conversationId: string) => { score: number; url: string }[];

/** Why a survey is not sent free-form: Meta's 24-hour window has closed. */
const WINDOW_CLOSED = "outside the provider's 24-hour window";

const PROVIDER: Partial<Record<ChannelKind, string>> = {
  whatsapp: 'WhatsApp',
  messenger: 'Messenger',
  instagram: 'Instagram',
};

/** The note agents read on a conversation whose survey the closed window kept from the customer. */
function skippedNote(channel: ChannelKind, why: string | null): string {
  const head = `No satisfaction survey was sent: the customer's last message is more than 24 hours old, and ${PROVIDER[channel] ?? channel} refuses other messages then.`;
  if (channel !== 'whatsapp') return head;
  return why
    ? `${head} The survey template was not sent: ${why}.`
    : `${head} Choose a survey template in Settings → Channels to send one as an approved template.`;
}

const surveyed = (channel: ChannelKind) => (SURVEY_CHANNELS as readonly string[]).includes(channel);

/**
 * Satisfaction surveys on the customer's own channel. When an agent resolves a conversation of a
 * channel whose setting asks for it, a survey line goes out through the outbox like any line (the
 * channel draws its buttons, list or links); and a customer's answer within the survey's window —
 * a button's payload or a bare digit from 1 to 5 — is recorded as the conversation's CSAT, exactly
 * as the web widget's rating is (`csat.submitted` included), instead of reopening it as a message.
 *
 * Not surveyed: a conversation already rated, a customer with no contact, an SMS number that
 * texted STOP. Outside Meta's 24-hour window a free-form message is refused (Messenger's later
 * tag is for a person's reply): WhatsApp sends the survey as the approved template an admin chose,
 * and without one — or on Messenger and Instagram — agents get a note on the conversation instead.
 */
export class CsatSurveys {
  constructor(
    private readonly store: Store,
    private readonly announcer: ChatAnnouncer,
    private readonly log: Logger,
    /** E-mail's links; without them (no e-mail channel) e-mail conversations are not surveyed. */
    private readonly links?: RatingLinks,
  ) {}

  /** Sends the survey of a conversation an agent just resolved, when its channel asks for one. */
  async resolved(accountId: string, conversation: Conversation): Promise<void> {
    const { id, channel } = conversation;
    if (!surveyed(channel) || conversation.status !== 'closed' || conversation.csatScore !== null) return;
    const setting = await this.store.channelSettings.surveys(accountId, channel);
    if (!setting) return;
    const why = await this.skip(accountId, conversation);
    let template: { text: string; template: Record<string, unknown> } | undefined;
    if (why === WINDOW_CLOSED) {
      // WhatsApp refuses a free-form message now, but sends an approved template at any time.
      const chosen =
        channel === 'whatsapp' ? await this.template(accountId, conversation, setting.template) : null;
      if (typeof chosen === 'string' || chosen === null) {
        await this.announcer.line(accountId, id, skippedNote(channel, chosen));
        return;
      }
      template = chosen;
    } else if (why) {
      this.log.debug({ conversation: id, channel, why }, 'no satisfaction survey');
      return;
    }
    const links = channel === 'email' ? this.links?.(accountId, id) : undefined;
    if (channel === 'email' && !links) return;
    const now = Date.now();
    // Open before the line leaves: an answer quicker than our own commit still finds it.
    await this.store.csatSurveys.open(accountId, id, channel, now, now + SURVEY_ANSWER_WINDOW_MS);
    const payload: SurveyPayload | { template: Record<string, unknown> } = template
      ? { template: template.template }
      : { csat: { question: surveyQuestion() } };
    const r = await this.announcer.writer.append({
      accountId,
      conversationId: id,
      sender: { kind: 'invitation', name: null },
      // One survey per resolution: a retried hook finds the line it wrote.
      echoId: `csat-${Date.parse(conversation.closedAt ?? '') || now}`,
      text: template ? template.text : surveyText(channel, links),
      outboxPayload: JSON.stringify(payload),
    });
    if (!r.ok) this.log.warn({ conversation: id, err: r.error.message }, 'satisfaction survey not stored');
  }

  /**
   * The survey as the chosen WhatsApp template on the conversation's number: its line and the
   * Graph API's `template` object, with each quick-reply button that starts with a score (`5 ·
   * Excellent`) sending that score back. A string says why it cannot be sent; null: none chosen.
   */
  private async template(
    accountId: string,
    c: Conversation,
    chosen: SurveyTemplate | null,
  ): Promise<{ text: string; template: Record<string, unknown> } | string | null> {
    if (!chosen) return null;
    const conn = await this.store.channelConnections.forReply(accountId, c.id, 'whatsapp');
    const stored =
      conn && (await this.store.whatsappTemplates.find(accountId, conn.id, chosen.name, chosen.language));
    if (!stored) return `the template ${chosen.name} (${chosen.language}) is not listed for this number`;
    const view = templateView(stored);
    try {
      const message = templateMessage(view);
      const buttons = view.buttons.flatMap((b, index) => {
        const score = b.type.toUpperCase() === 'QUICK_REPLY' ? /^\s*([1-5])\b/.exec(b.text)?.[1] : undefined;
        return score
          ? [
              {
                type: 'button',
                sub_type: 'quick_reply',
                index: String(index),
                parameters: [{ type: 'payload', payload: scorePayload(Number(score)) }],
              },
            ]
          : [];
      });
      const components = [...((message.template.components as unknown[]) ?? []), ...buttons];
      return {
        text: message.text,
        template: { ...message.template, ...(components.length > 0 ? { components } : {}) },
      };
    } catch (err) {
      return `the template ${chosen.name} (${chosen.language}) cannot be sent: ${(err as Error).message}`;
    }
  }

  /** Why a resolved conversation gets no survey, or null when it gets one. */
  private async skip(accountId: string, c: Conversation): Promise<string | null> {
    if (!c.contactId) return 'no contact';
    if (c.channel === 'sms' && (await this.store.contacts.smsOptedOut(accountId, c.contactId)))
      return 'opted out of SMS';
    if (c.channel === 'whatsapp' || c.channel === 'messenger' || c.channel === 'instagram') {
      // Meta allows a message of the business's own only within 24 hours of the customer's last one
      // (Messenger's 7-day HUMAN_AGENT tag is for a person's reply, not a survey).
      const last = await this.store.channelConnections.lastInboundAt(accountId, c.id);
      if (!windowOpen(last)) return WINDOW_CLOSED;
    }
    return null;
  }

  /**
   * Records a customer's message as the rating of `conversationId` when it answers an open survey
   * there: the conversation is still resolved, the survey not expired, and the message a button's
   * payload or a bare digit. Answers true when the message was the rating (or a redelivery of it);
   * false when it is a message like any other.
   */
  async answer(
    accountId: string,
    conversationId: string,
    msg: { externalId: string; text: string; payload?: string | null; receivedAt?: number },
  ): Promise<boolean> {
    // Most messages are not a score: they cost no read.
    const score = scoreOf(msg.text, msg.payload);
    if (score === null) return false;
    const survey = await this.store.csatSurveys.find(accountId, conversationId);
    if (!survey) return false;
    if (survey.answerId === msg.externalId) return true;
    const now = msg.receivedAt ?? Date.now();
    if (survey.answerId !== null || now > survey.expiresAt) return false;
    const conversation = await this.store.conversations.find(accountId, conversationId);
    if (conversation?.status !== 'closed') return false;
    if (!(await this.store.csatSurveys.answer(accountId, conversationId, msg.externalId, Date.now())))
      return (await this.store.csatSurveys.find(accountId, conversationId))?.answerId === msg.externalId;
    await this.rate(accountId, conversationId, score);
    return true;
  }

  /** Records a rating (a survey's answer, an e-mail's rating page) and shows it to agents. */
  async rate(accountId: string, conversationId: string, score: number): Promise<Conversation> {
    const c = await this.store.conversations.setCsat(accountId, conversationId, score, null);
    await this.announcer.updated(accountId, c);
    return c;
  }
}
