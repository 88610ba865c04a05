import type { ConversationTranslations, MessageTranslation } from '@beckon/protocol/assist-api';
import type { Message } from '@beckon/protocol/chat-api';
import { ChatErrorCode } from '@beckon/protocol/chat-protocol';
import {
  type ReplyTranslator,
  type TranslatedReply,
  translationOff,
} from '../conversations/reply-translation.ts';
import { AppError } from '../errors.ts';
import { detectLanguage } from './language-detector.ts';
import { modelMasking } from './model-masking.ts';
import type { SummaryDeps } from './summary-writer.ts';
import { canTranslate, type TranslationResult, translate } from './translation-client.ts';

/** The customer's latest lines translated for an agent who opens a conversation they took over. */
const CATCH_UP_LINES = 10;

/** A customer's line with words in it: an emoji or a number alone has no language to translate. */
const wordy = (m: Message) => m.senderKind === 'visitor' && /\p{L}/u.test(m.text);

/** The agent's language when they chose none in the console. */
export const DEFAULT_AGENT_LANGUAGE = 'en';

/** Why a reply was not sent: its translation failed (the console has these in de and es). */
function refusal(state: Exclude<TranslationResult['state'], 'done'>): AppError {
  const code = ChatErrorCode.TranslationFailed;
  if (state === 'timeout') return new AppError(504, code, 'the translation service did not answer in time');
  if (state === 'garbage')
    return new AppError(502, code, 'the translation service gave no usable translation');
  if (state === 'too_long') return new AppError(422, code, 'the translation is longer than a message may be');
  return new AppError(502, code, 'the translation service is down');
}

/** What live translation uses: the same services as the summaries. */
export type LiveTranslationDeps = SummaryDeps;

/**
 * Live translation: each customer line's language is detected; when it is not the holding
 * agent's console language, the line is translated for them (the original stays the line), and
 * the agent's replies go out in the customer's language with their own words kept beside them.
 * A language the detector does not know, or a service that is down, is a state the agent sees.
 */
export class LiveTranslation implements ReplyTranslator {
  constructor(private readonly d: LiveTranslationDeps) {}

  /** The language the agent reads in: their profile's reading language, else their console's, else English. */
  async agentLanguage(accountId: string, agentId: string): Promise<string> {
    const chosen = await this.d.store.users.languages(accountId, agentId).catch(() => null);
    return chosen?.reading ?? chosen?.console ?? DEFAULT_AGENT_LANGUAGE;
  }

  /** A committed line: a customer's is detected and, in another language than the agent's, translated. */
  onLine(accountId: string, message: Message): void {
    if (!wordy(message)) return;
    this.forLine(accountId, message).catch((err: unknown) =>
      this.d.log.warn({ err, conversationId: message.conversationId }, 'line not translated'),
    );
  }

  private async forLine(accountId: string, message: Message): Promise<void> {
    const plan = await this.d.suggestions.plan(accountId);
    if (!canTranslate(plan)) return;
    const { conversationId, seq } = message;
    const found = await detectLanguage(message.text);
    const detected = found === 'unsure' ? null : found;
    this.d.metrics.detected(found !== null);
    const had = await this.d.store.translations.customerLanguage(accountId, conversationId);
    if (detected && detected !== had)
      await this.d.store.translations.setCustomerLanguage(accountId, conversationId, detected);
    // A line the detector knows nothing like is `unknown`, whatever came before; a short one
    // ("ok") keeps the conversation's language, and before any is known there is nothing to say.
    const language = found === null ? null : (detected ?? had);
    if (!language && found === 'unsure') return;
    const conversation = await this.d.store.conversations.find(accountId, conversationId);
    const agentId = conversation?.assignedAgentId;
    if (!agentId) return;
    const agentLanguage = await this.agentLanguage(accountId, agentId);
    let translation: MessageTranslation;
    if (!language) {
      translation = { language: null, agentLanguage, text: '', state: 'unknown' };
    } else if (language === agentLanguage) {
      return;
    } else {
      const mask = await modelMasking(this.d.masker, accountId);
      const r = await translate(
        this.d.egress,
        plan,
        { text: message.text, from: language, to: agentLanguage, direction: 'incoming' },
        mask,
        this.d.metrics,
        this.d.log,
      );
      translation = { language, agentLanguage, text: r.state === 'done' ? r.text : '', state: r.state };
    }
    await this.d.store.translations.put(accountId, conversationId, seq, translation);
    this.d.events.toAgent(agentId, {
      t: 'assist.translation',
      conversationId,
      seq,
      translation,
      customerLanguage: language,
    });
  }

  /** An agent's reply in the customer's language; refused (nothing sent) when it cannot be translated. */
  async translate(
    accountId: string,
    agentId: string,
    conversationId: string,
    text: string,
    to: string,
  ): Promise<TranslatedReply> {
    const plan = await this.d.suggestions.plan(accountId);
    if (!canTranslate(plan)) throw translationOff();
    const agentLanguage = await this.agentLanguage(accountId, agentId);
    if (to === agentLanguage) return { text, keep: async () => {} };
    const mask = await modelMasking(this.d.masker, accountId);
    const r = await translate(
      this.d.egress,
      plan,
      { text, from: agentLanguage, to, direction: 'outgoing' },
      mask,
      this.d.metrics,
      this.d.log,
    );
    if (r.state !== 'done') throw refusal(r.state);
    return {
      text: r.text,
      keep: async (message) => {
        // The agent's words are kept as the account stores lines: masked like the line itself.
        const own = await this.d.masker.mask(accountId, text);
        const translation: MessageTranslation = { language: to, agentLanguage, text: own, state: 'done' };
        await this.d.store.translations.put(accountId, conversationId, message.seq, translation);
        const customerLanguage = await this.d.store.translations.customerLanguage(accountId, conversationId);
        this.d.events.toAgent(agentId, {
          t: 'assist.translation',
          conversationId,
          seq: message.seq,
          translation,
          customerLanguage,
        });
      },
    };
  }

  /**
   * A conversation's translations and languages, for the agent opening it. The agent who holds it
   * first gets the customer's latest lines that were written before they took it (or read in
   * another language) translated.
   */
  async list(accountId: string, agentId: string, conversationId: string): Promise<ConversationTranslations> {
    await this.catchUp(accountId, agentId, conversationId);
    const [customerLanguage, agentLanguage, items] = await Promise.all([
      this.d.store.translations.customerLanguage(accountId, conversationId),
      this.agentLanguage(accountId, agentId),
      this.d.store.translations.list(accountId, conversationId),
    ]);
    return { customerLanguage, agentLanguage, items };
  }

  private async catchUp(accountId: string, agentId: string, conversationId: string): Promise<void> {
    const conversation = await this.d.store.conversations.find(accountId, conversationId);
    if (conversation?.assignedAgentId !== agentId || conversation.status === 'closed') return;
    if (!canTranslate(await this.d.suggestions.plan(accountId))) return;
    const from = Math.max(0, conversation.lastSeq - CATCH_UP_LINES);
    const [lines, had, agentLanguage] = await Promise.all([
      this.d.store.messages.after(accountId, conversationId, from, {
        visitorView: true,
        limit: CATCH_UP_LINES,
      }),
      this.d.store.translations.list(accountId, conversationId, from + 1),
      this.agentLanguage(accountId, agentId),
    ]);
    const done = new Map(had.map((t) => [t.seq, t.agentLanguage]));
    const missing = lines.filter((m) => wordy(m) && done.get(m.seq) !== agentLanguage);
    for (const m of missing) await this.forLine(accountId, m);
  }
}
