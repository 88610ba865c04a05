import type { ChannelConnection } from '../../store/channel-connections-repo.ts';
import type { Store } from '../../store/store.ts';
import {
  type Channel,
  type ChannelCapabilities,
  ChannelSendError,
  type OutboundMessage,
  type SendResult,
} from '../channel.ts';
import { graphError, graphNode } from '../connections/graph-api.ts';
import { callProvider, type ProviderHttp } from '../connections/provider-http.ts';
import { SCORES, scorePayload, surveyOf } from '../csat/csat-survey.ts';

export { graphError };

/** WhatsApp lets a business write free text only this long after the customer's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** WhatsApp's limit for a text message body. */
const MAX_TEXT = 4096;

/** The Graph API node of a connection's phone number. */
export const graphUrlOf = (conn: ChannelConnection, version: string) =>
  graphNode(conn.apiBaseUrl, conn.config.phoneNumberId ?? '', version);

/** Whether a conversation's customer wrote within WhatsApp's window: free text may be sent. */
export const windowOpen = (lastInboundAt: number | null, now = Date.now()) =>
  lastInboundAt !== null && now - lastInboundAt <= SERVICE_WINDOW_MS;

/**
 * WhatsApp's outbound side: an agent's line is a text message sent through the Cloud API from
 * the number the conversation came in on. Outside the 24-hour customer-service window WhatsApp
 * accepts only approved templates, so a free-text line fails at once with that reason; a line
 * stored with a template (its payload) is sent as that template, in the window or not.
 */
export class WhatsAppChannel implements Channel {
  readonly kind = 'whatsapp' as const;
  readonly capabilities: ChannelCapabilities = {
    typing: false,
    readReceipts: true,
    // Media is not sent yet: the composer offers no files for WhatsApp.
    attachments: null,
    richContent: false,
    templates: true,
    maxLength: MAX_TEXT,
  };

  constructor(
    private readonly store: Store,
    private readonly http: ProviderHttp,
    /** The Graph API version called (`BECKON_GRAPH_API_VERSION`). */
    private readonly graphVersion: string,
  ) {}

  async send(msg: OutboundMessage): Promise<SendResult> {
    const { accountId, conversationId } = msg;
    const conn = await this.store.channelConnections.forReply(accountId, conversationId, 'whatsapp');
    if (!conn)
      throw new ChannelSendError('the WhatsApp number of this conversation is no longer connected', false);
    const to = msg.contact?.phone?.replace(/\D/g, '');
    if (!to) throw new ChannelSendError('the customer has no WhatsApp number', false);
    const template = msg.payload?.template;
    if (!template) {
      const last = await this.store.channelConnections.lastInboundAt(accountId, conversationId);
      if (!windowOpen(last))
        throw new ChannelSendError("outside WhatsApp's 24-hour window: use a template", false);
      if (!msg.text.trim())
        throw new ChannelSendError('WhatsApp files are not sent yet: write the answer as text', false);
    }
    const url = `${graphUrlOf(conn, this.graphVersion)}/messages`;
    const survey = surveyOf(msg.payload);
    const content = template
      ? { type: 'template', template }
      : survey
        ? { type: 'interactive', interactive: surveyList(survey.question) }
        : { type: 'text', text: { preview_url: false, body: msg.text.slice(0, MAX_TEXT) } };
    const r = await callProvider<{ messages?: { id?: string }[] }>(
      url,
      {
        headers: { authorization: `Bearer ${conn.config.accessToken}` },
        body: { messaging_product: 'whatsapp', recipient_type: 'individual', to, ...content },
      },
      this.http,
      graphError,
    );
    const providerId = r?.messages?.[0]?.id;
    return providerId ? { status: 'sent', providerId } : { status: 'sent' };
  }
}

/**
 * A satisfaction survey as an interactive list message (reply buttons hold at most three, a list
 * ten rows): the customer's pick comes back as a `list_reply` whose id is the score's payload.
 */
function surveyList(question: string) {
  return {
    type: 'list',
    body: { text: question },
    footer: { text: 'Or reply with a number from 1 to 5' },
    action: {
      button: 'Rate us',
      sections: [
        { title: 'Your rating', rows: SCORES.map((s) => ({ id: scorePayload(s.score), title: s.title })) },
      ],
    },
  };
}
