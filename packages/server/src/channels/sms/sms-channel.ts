import type { ChannelConnection } from '../../store/channel-connections-repo.ts';
import type { Store } from '../../store/store.ts';
import {
  type Channel,
  type ChannelCapabilities,
  ChannelSendError,
  type OutboundMessage,
  type SendResult,
} from '../channel.ts';
import { webhookUrlOf } from '../connections/channel-connections-routes.ts';
import { callProvider, type ProviderHttp } from '../connections/provider-http.ts';
import { TWILIO_API_BASE, twilioError } from './twilio.ts';

/** Twilio's limit for one message's body: it splits it into up to ten segments. */
const MAX_TEXT = 1600;

/** The opt-out reason agents see on a refused line. */
export const OPTED_OUT = 'the customer opted out of SMS (STOP)';

/**
 * SMS's outbound side: an agent's line is a Twilio message from the connection's number (or
 * Messaging Service) to the customer's phone, with a status callback to the connection's webhook.
 * A customer who texted STOP gets nothing until START.
 */
export class SmsChannel implements Channel {
  readonly kind = 'sms' as const;
  readonly capabilities: ChannelCapabilities = {
    typing: false,
    // Twilio reports delivered, never read.
    readReceipts: false,
    // MMS is not sent yet: the composer offers no files for SMS.
    attachments: null,
    richContent: false,
    templates: false,
    maxLength: MAX_TEXT,
  };

  constructor(
    private readonly store: Store,
    /** Read at each send: the public address may be settled after start (a test's port). */
    private readonly publicUrl: () => string,
    private readonly http: ProviderHttp,
  ) {}

  async send(msg: OutboundMessage): Promise<SendResult> {
    const { accountId, conversationId } = msg;
    const conn = await this.store.channelConnections.forReply(accountId, conversationId, 'sms');
    if (!conn)
      throw new ChannelSendError('the SMS number of this conversation is no longer connected', false);
    const to = msg.contact?.phone;
    if (!msg.contact || !to) throw new ChannelSendError('the customer has no phone number', false);
    if (await this.store.contacts.smsOptedOut(accountId, msg.contact.id))
      throw new ChannelSendError(OPTED_OUT, false);
    if (!msg.text.trim())
      throw new ChannelSendError('SMS files are not sent yet: write the answer as text', false);
    const { accountSid = '', authToken = '', from = '' } = conn.config;
    const base = (conn.apiBaseUrl ?? TWILIO_API_BASE).replace(/\/+$/, '');
    const r = await callProvider<{ sid?: string }>(
      `${base}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`,
      {
        headers: { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` },
        form: {
          To: to,
          // A Messaging Service picks the sending number itself.
          ...(from.startsWith('MG') ? { MessagingServiceSid: from } : { From: from }),
          Body: msg.text.slice(0, MAX_TEXT),
          StatusCallback: `${webhookUrlOf(this.publicUrl(), conn)}?status=1`,
        },
      },
      this.http,
      twilioError,
    );
    return r?.sid ? { status: 'sent', providerId: r.sid } : { status: 'sent' };
  }

  /** Whether the credentials work: the Twilio account's name (`GET /2010-04-01/Accounts/{sid}.json`). */
  async accountName(conn: ChannelConnection): Promise<string> {
    const { accountSid = '', authToken = '', from = '' } = conn.config;
    const base = (conn.apiBaseUrl ?? TWILIO_API_BASE).replace(/\/+$/, '');
    const r = await callProvider<{ friendly_name?: string; status?: string }>(
      `${base}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}.json`,
      {
        method: 'GET',
        headers: { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` },
      },
      this.http,
      twilioError,
    );
    if (r?.status && r.status !== 'active') throw new Error(`the Twilio account is ${r.status}`);
    return `${r?.friendly_name ?? accountSid} (${from})`;
  }
}
