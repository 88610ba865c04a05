import type { Logger } from '../../logger.ts';
import type { ChannelConnection } from '../../store/channel-connections-repo.ts';
import type { Store } from '../../store/store.ts';
import type { ConnectionInbox } from '../connections/connection-inbox.ts';
import type { Connector, HookRequest } from '../connections/connector.ts';
import { keywordOf } from '../connections/opt-out-keywords.ts';
import type { ProviderHttp } from '../connections/provider-http.ts';
import type { OutboxDispatcher } from '../outbox-dispatcher.ts';
import { SmsChannel } from './sms-channel.ts';
import { field, formOf, lineOf, mediaOf, type TwilioParams, validSignature } from './twilio.ts';

/** A phone number as Twilio writes it (E.164). */
const PHONE = /^\+[1-9][0-9]{5,14}$/;

/**
 * Twilio Programmable Messaging connections: `X-Twilio-Signature` on every call, customers' SMS
 * and MMS into the inbox (STOP and START recorded on the contact), and status callbacks onto the
 * delivery state of our messages. Twilio expects TwiML back: an empty `<Response/>` sends nothing.
 */
export class SmsConnector implements Connector {
  readonly type = 'sms' as const;
  readonly channel: SmsChannel;
  readonly answer = {
    contentType: 'text/xml',
    body: '<?xml version="1.0" encoding="UTF-8"?><Response/>',
  };

  constructor(
    private readonly store: Store,
    private readonly inbox: ConnectionInbox,
    private readonly outbox: OutboxDispatcher,
    private readonly log: Logger,
    publicUrl: () => string,
    http: ProviderHttp,
  ) {
    this.channel = new SmsChannel(store, publicUrl, http);
  }

  /** The account's name and the sending number, when Twilio takes the credentials. */
  test(conn: ChannelConnection): Promise<string> {
    return this.channel.accountName(conn);
  }

  authentic(conn: ChannelConnection, hook: HookRequest): boolean {
    return validSignature(
      conn.config.authToken ?? '',
      hook.url,
      formOf(hook.raw),
      hook.headers['x-twilio-signature'],
    );
  }

  parse(hook: HookRequest): TwilioParams {
    return formOf(hook.raw);
  }

  async deliver(conn: ChannelConnection, payload: unknown): Promise<void> {
    const params = payload as TwilioParams;
    const sid = field(params, 'MessageSid');
    const account = field(params, 'AccountSid');
    if (!sid || (account && account !== conn.config.accountSid)) {
      this.log.debug({ connection: conn.id }, 'twilio call without a message of this account ignored');
      return;
    }
    const status = field(params, 'MessageStatus');
    if (status !== undefined) return this.status(conn, sid, status, params);
    const from = field(params, 'From');
    if (!from || !PHONE.test(from)) {
      this.log.debug({ connection: conn.id }, 'twilio message without a phone sender ignored');
      return;
    }
    const text = lineOf(params);
    // Twilio serves media with the account's basic auth when the account requires it.
    const auth = {
      authorization: `Basic ${Buffer.from(`${conn.config.accountSid}:${conn.config.authToken}`).toString('base64')}`,
    };
    const got = await this.inbox.receive(conn, {
      from: { phone: from, address: 'phone' },
      externalId: sid,
      text,
      receivedAt: Date.now(),
      media: mediaOf(params).map((f, n, all) => ({
        label: all.length > 1 ? `file ${n + 1} of the MMS` : 'the MMS file',
        ...(f.contentType ? { contentType: f.contentType } : {}),
        locate: async () => ({ url: f.url, headers: auth }),
      })),
    });
    // The keyword is a line agents see too; a redelivery changes nothing more.
    const keyword = keywordOf(text);
    if (got.duplicate) return;
    const contactId = got.contact.id;
    if (keyword === 'stop') await this.store.consents.withdraw(conn.accountId, contactId, 'sms');
    else {
      // A customer who texts us (START included) opted in; an earlier record keeps its source.
      const detail = keyword === 'start' ? 'texted START' : null;
      const opt = { channel: 'sms' as const, source: 'customer_message' as const, detail };
      await this.store.consents.record(conn.accountId, contactId, opt, { keep: keyword !== 'start' });
    }
    if (keyword !== 'stop' && keyword !== 'start') return;
    await this.store.contacts.setSmsOptOut(conn.accountId, contactId, keyword === 'stop');
    this.log.info({ connection: conn.id, contact: contactId, keyword }, 'sms opt-out changed');
  }

  /** A status callback for a message we sent: delivered, or failed with Twilio's error code. */
  private async status(conn: ChannelConnection, sid: string, status: string, params: TwilioParams) {
    const where = { channel: 'sms' as const, providerId: sid };
    if (status === 'delivered' || status === 'read') {
      await this.outbox.receipt(conn.accountId, where, status);
    } else if (status === 'undelivered' || status === 'failed') {
      const code = field(params, 'ErrorCode');
      await this.outbox.undelivered(
        conn.accountId,
        where,
        `the carrier could not deliver it (${status}${code ? `, Twilio error ${code}` : ''})`,
      );
    } else {
      // queued, sending, sent, accepted: the line already shows as sent.
      this.log.debug({ connection: conn.id, status }, 'sms status ignored');
    }
  }
}
