import type { ChannelConnection } from '../../store/channel-connections-repo.ts';
import type { Store } from '../../store/store.ts';
import {
  type Channel,
  type ChannelCapabilities,
  ChannelSendError,
  type OutboundMessage,
  type SendResult,
} from '../channel.ts';
import { callProvider, type ProviderHttp } from '../connections/provider-http.ts';
import { SCORES, scorePayload, surveyOf } from '../csat/csat-survey.ts';

/** Telegram's public Bot API root; a connection's `apiBaseUrl` replaces it. */
export const BOT_API_BASE = 'https://api.telegram.org';

/** Telegram's limit for one message's text. */
const MAX_TEXT = 4096;

/** The platform-id kind a Telegram user is known by (`contact_identities.kind`). */
export const TELEGRAM_IDENTITY = 'telegram';

/** The Bot API's answer: `ok` and a `result`, or an error code and its description. */
export interface BotApiReply<T> {
  ok?: boolean;
  result?: T;
  description?: string;
}

const botError = (body: unknown) => (body as BotApiReply<unknown>)?.description;

/** Calls one Bot API method of a connection's bot. */
export const botCall = <T>(conn: ChannelConnection, method: string, body: unknown, http: ProviderHttp) =>
  callProvider<BotApiReply<T>>(
    `${(conn.apiBaseUrl ?? BOT_API_BASE).replace(/\/+$/, '')}/bot${conn.config.botToken}/${method}`,
    { body },
    http,
    botError,
  );

/** Telegram's outbound side: an agent's line is a `sendMessage` to the customer's private chat with the bot. */
export class TelegramChannel implements Channel {
  readonly kind = 'telegram' as const;
  readonly capabilities: ChannelCapabilities = {
    typing: false,
    readReceipts: false,
    // Files are not sent yet: the composer offers none for Telegram.
    attachments: null,
    richContent: false,
    templates: false,
    maxLength: MAX_TEXT,
  };

  constructor(
    private readonly store: Store,
    private readonly http: ProviderHttp,
  ) {}

  async send(msg: OutboundMessage): Promise<SendResult> {
    const { accountId, conversationId } = msg;
    const conn = await this.store.channelConnections.forReply(accountId, conversationId, 'telegram');
    if (!conn)
      throw new ChannelSendError('the Telegram bot of this conversation is no longer connected', false);
    const chatId =
      msg.contact &&
      (await this.store.channelConnections.platformId(accountId, msg.contact.id, TELEGRAM_IDENTITY));
    if (!chatId) throw new ChannelSendError('the customer has no Telegram chat with the bot', false);
    if (!msg.text.trim())
      throw new ChannelSendError('Telegram files are not sent yet: write the answer as text', false);
    const r = await botCall<{ message_id?: number; chat?: { id?: number } }>(
      conn,
      'sendMessage',
      {
        chat_id: Number(chatId),
        text: msg.text.slice(0, MAX_TEXT),
        // A survey's scores are one row of inline buttons; a tap comes back as a callback query.
        ...(surveyOf(msg.payload)
          ? {
              reply_markup: {
                inline_keyboard: [
                  [...SCORES]
                    .reverse()
                    .map((s) => ({ text: String(s.score), callback_data: scorePayload(s.score) })),
                ],
              },
            }
          : {}),
      },
      this.http,
    );
    const id = r?.result?.message_id;
    return id === undefined ? { status: 'sent' } : { status: 'sent', providerId: `${chatId}:${id}` };
  }
}
