import type { Message } from '@beckon/protocol/chat-api';
import { ChatErrorCode } from '@beckon/protocol/chat-protocol';
import { AppError } from '../errors.ts';

/** A reply asked to go out translated where translation is off: not sent. */
export const translationOff = () =>
  new AppError(409, ChatErrorCode.TranslationFailed, 'live translation is off');

/** An agent's reply made ready to go out translated: the text to send, and what to keep once stored. */
export interface TranslatedReply {
  /** What the customer is sent (in their language). */
  text: string;
  /** Keeps the agent's own words beside the stored line, and tells the agent. */
  keep(message: Message): Promise<void>;
}

/** Translates agents' replies into the customer's language (assist's live translation). */
export interface ReplyTranslator {
  /** The reply in `to`; throws an `AppError` (`translation_failed`) when it cannot be translated. */
  translate(
    accountId: string,
    agentId: string,
    conversationId: string,
    text: string,
    to: string,
  ): Promise<TranslatedReply>;
}

/** Where assist installs its reply translator (the chat feature starts before it); empty while assist is absent. */
export interface ReplyTranslation {
  translator?: ReplyTranslator;
}
