import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../logger.ts';
import type { ChannelConnection } from '../../store/channel-connections-repo.ts';
import type { Store } from '../../store/store.ts';
import type { ConnectionInbox } from '../connections/connection-inbox.ts';
import type { Connector, HookRequest } from '../connections/connector.ts';
import type { MediaRef } from '../connections/media-download.ts';
import type { ProviderHttp } from '../connections/provider-http.ts';
import { SCORES, scorePayload } from '../csat/csat-survey.ts';
import { BOT_API_BASE, botCall, TELEGRAM_IDENTITY, TelegramChannel } from './telegram-channel.ts';

interface TgMessage {
  message_id?: number;
  date?: number;
  from?: { id?: number; is_bot?: boolean; first_name?: string; last_name?: string; username?: string };
  chat?: { id?: number; type?: string };
  text?: string;
  caption?: string;
  photo?: TgFile[];
  document?: TgFile & { file_name?: string; mime_type?: string };
}

/** A tap on an inline keyboard's button (a survey's score), as the Bot API sends it. */
interface TgCallbackQuery {
  id?: string;
  from?: TgMessage['from'];
  message?: TgMessage;
  data?: string;
}

/** A file Telegram holds: fetched by `getFile`, then from `/file/bot<token>/<file_path>`. */
interface TgFile {
  file_id?: string;
  file_size?: number;
}

/**
 * The secret Telegram sends back in `X-Telegram-Bot-Api-Secret-Token`: derived from the bot's
 * token and the connection id, so it needs no storage and changes with either.
 */
export const secretTokenOf = (conn: ChannelConnection): string =>
  createHmac('sha256', conn.config.botToken ?? '')
    .update(`beckon-webhook:${conn.id}`)
    .digest('base64url');

/** The updates the bot's webhook asks for: messages, and taps on a survey's inline keyboard. */
const ALLOWED_UPDATES = ['message', 'callback_query'];

/**
 * The connection's config key that remembers the updates its webhook was last set to ask for.
 * Bots connected before surveys asked for messages only, so Telegram never sent them the taps.
 */
export const WEBHOOK_UPDATES_KEY = 'webhookUpdates';
const UPDATES_MARK = ALLOWED_UPDATES.join(',');

/** The line an agent sees for a customer's message (its photo or file comes as an attachment); null for anything else. */
function lineOf(m: TgMessage): string | null {
  if (m.text !== undefined) return m.text;
  if (!m.photo && !m.document) return null;
  return m.caption ?? '';
}

/**
 * Telegram Bot API connections: `setWebhook` with a secret when the connection is made, the
 * secret header checked on every delivery, private messages into the inbox. A customer is known
 * by their Telegram user id (a platform id, see docs/contacts.md).
 */
export class TelegramConnector implements Connector {
  readonly type = 'telegram' as const;
  readonly channel: TelegramChannel;

  constructor(
    private readonly store: Store,
    private readonly inbox: ConnectionInbox,
    private readonly log: Logger,
    private readonly http: ProviderHttp,
    /** Where Telegram sends a connection's updates (the public webhook URL). */
    private readonly webhookUrl: (conn: ChannelConnection) => string,
  ) {
    this.channel = new TelegramChannel(store, http);
  }

  /** Connections whose webhook is being set again on this node: one call at a time each. */
  private readonly resetting = new Set<string>();

  async connected(conn: ChannelConnection, webhookUrl: string): Promise<void> {
    await this.setWebhook(conn, webhookUrl);
  }

  /** `setWebhook` with the secret and the updates we read; remembered on the connection once Telegram agrees. */
  private async setWebhook(conn: ChannelConnection, url: string): Promise<void> {
    await botCall(
      conn,
      'setWebhook',
      { url, secret_token: secretTokenOf(conn), allowed_updates: ALLOWED_UPDATES },
      this.http,
    );
    await this.store.channelConnections.updateConfig(conn.accountId, conn.id, {
      [WEBHOOK_UPDATES_KEY]: UPDATES_MARK,
    });
  }

  /**
   * A bot connected before surveys gets its webhook set again on its next delivery, so Telegram
   * starts sending the taps on a survey's buttons. It runs beside the delivery (which is answered
   * as before) and once: a failure is tried again on a later delivery.
   */
  private ensureUpdates(conn: ChannelConnection): void {
    if (conn.config[WEBHOOK_UPDATES_KEY] === UPDATES_MARK || this.resetting.has(conn.id)) return;
    this.resetting.add(conn.id);
    this.setWebhook(conn, this.webhookUrl(conn))
      .then(() => this.log.info({ connection: conn.id }, 'telegram webhook set again to receive button taps'))
      .catch((err: Error) =>
        this.log.warn({ connection: conn.id, err: err.message }, 'telegram webhook not set again'),
      )
      .finally(() => this.resetting.delete(conn.id));
  }

  async test(conn: ChannelConnection): Promise<string> {
    const me = await botCall<{ username?: string; first_name?: string }>(conn, 'getMe', {}, this.http);
    const name = me?.result?.username ? `@${me.result.username}` : me?.result?.first_name;
    if (!name) throw new Error('Telegram answered without the bot');
    return name;
  }

  authentic(conn: ChannelConnection, hook: HookRequest): boolean {
    const got = hook.headers['x-telegram-bot-api-secret-token'];
    if (typeof got !== 'string') return false;
    const a = Buffer.from(got);
    const b = Buffer.from(secretTokenOf(conn));
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async deliver(conn: ChannelConnection, payload: unknown): Promise<void> {
    this.ensureUpdates(conn);
    const tap = (payload as { callback_query?: TgCallbackQuery })?.callback_query;
    if (tap) return this.tapped(conn, tap);
    const m = (payload as { message?: TgMessage })?.message;
    if (!m) {
      this.log.debug({ connection: conn.id }, 'telegram update ignored (not a new message)');
      return;
    }
    const from = m.from;
    const text = lineOf(m);
    if (
      m.chat?.type !== 'private' ||
      !from?.id ||
      from.is_bot ||
      m.message_id === undefined ||
      text === null
    ) {
      this.log.debug({ connection: conn.id, chat: m.chat?.type }, 'telegram message ignored');
      return;
    }
    const name = [from.first_name, from.last_name].filter(Boolean).join(' ') || from.username || null;
    const now = Date.now();
    const sent = Number(m.date) * 1000;
    await this.inbox.receive(conn, {
      from: { name, platform: { kind: TELEGRAM_IDENTITY, id: String(from.id) } },
      // Message ids count per chat and per bot: the three name one message.
      externalId: `${conn.id}:${m.chat.id ?? from.id}:${m.message_id}`,
      text,
      receivedAt: Number.isFinite(sent) && sent > 0 ? Math.min(now, sent) : now,
      media: this.mediaOf(conn, m),
    });
  }

  /**
   * A tap on a survey's score: the customer's answer, with the button's payload. Telegram shows a
   * spinner on the button until the bot answers the query, so it is answered (once stored).
   */
  private async tapped(conn: ChannelConnection, q: TgCallbackQuery): Promise<void> {
    const from = q.from;
    if (
      !q.id ||
      !from?.id ||
      from.is_bot ||
      q.message?.chat?.type !== 'private' ||
      typeof q.data !== 'string'
    ) {
      this.log.debug({ connection: conn.id }, 'telegram callback query ignored');
      return;
    }
    const name = [from.first_name, from.last_name].filter(Boolean).join(' ') || from.username || null;
    const score = SCORES.find((s) => scorePayload(s.score) === q.data);
    const got = await this.inbox.receive(conn, {
      from: { name, platform: { kind: TELEGRAM_IDENTITY, id: String(from.id) } },
      externalId: `${conn.id}:query:${q.id}`,
      text: score ? score.title : `[The customer tapped a button (${q.data.slice(0, 64)})]`,
      payload: q.data,
      receivedAt: Date.now(),
    });
    const text = got.message === null ? 'Thank you for your rating!' : undefined;
    await botCall(
      conn,
      'answerCallbackQuery',
      { callback_query_id: q.id, ...(text ? { text } : {}) },
      this.http,
    ).catch((err: Error) =>
      this.log.debug({ connection: conn.id, err: err.message }, 'callback query not answered'),
    );
  }

  /** The message's photo (its largest size) or document, as files to download. */
  private mediaOf(conn: ChannelConnection, m: TgMessage): MediaRef[] {
    const photo = Array.isArray(m.photo) ? m.photo.at(-1) : undefined;
    const doc = m.document;
    const file = photo ?? doc;
    if (typeof file?.file_id !== 'string') return [];
    const fileId = file.file_id;
    const base = (conn.apiBaseUrl ?? BOT_API_BASE).replace(/\/+$/, '');
    return [
      {
        label: photo ? 'a photo' : doc?.file_name ? `"${doc.file_name}"` : 'a file',
        ...(doc?.file_name ? { name: doc.file_name } : {}),
        ...(doc?.mime_type && !photo ? { contentType: doc.mime_type } : {}),
        ...(typeof file.file_size === 'number' ? { size: file.file_size } : {}),
        locate: async () => {
          const r = await botCall<{ file_path?: string; file_size?: number }>(
            conn,
            'getFile',
            { file_id: fileId },
            this.http,
          );
          const path = r?.result?.file_path;
          if (!path) throw new Error('Telegram answered without the file path');
          return { url: `${base}/file/bot${conn.config.botToken}/${path}` };
        },
      },
    ];
  }
}
