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

/** A Graph API messaging product: a Facebook page's Messenger, or its Instagram account. */
export type MetaMessaging = 'messenger' | 'instagram';

/** After the customer's last message, a business may answer freely this long (`RESPONSE`). */
export const STANDARD_WINDOW_MS = 24 * 60 * 60 * 1000;
/** After that, a person (not a bot) may still answer with the `HUMAN_AGENT` tag this long. */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** The platforms' limits for one text message (Messenger 2000 characters, Instagram 1000). */
const MAX_TEXT: Record<MetaMessaging, number> = { messenger: 2000, instagram: 1000 };
/** Files we send by URL; the platform fetches them itself, up to its own 25 MB. */
const SEND_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf'] as const;

export const PLATFORM_NAMES: Record<MetaMessaging, string> = {
  messenger: 'Messenger',
  instagram: 'Instagram',
};

/** The customer's page-scoped id kind in `contact_identities` (a PSID, or an IGSID). */
export const identityKindOf = (type: MetaMessaging) => type;

/** The page's `/messages` edge: the Send API for Messenger, and for Instagram through its page. */
export const pageNode = (conn: ChannelConnection, version: string) =>
  graphNode(conn.apiBaseUrl, conn.config.pageId ?? '', version);

/** Meta's limits for quick replies: at most 13 buttons, each title at most 20 characters. */
const MAX_QUICK_REPLIES = 13;
const MAX_QUICK_TITLE = 20;
const QUICK_LINE = /\n?^Quick replies:[ \t]*(.+)$(?![\s\S])/im;

/**
 * An agent's text and the quick replies its last line offers: a line `Quick replies: Yes | No`
 * becomes buttons under the message (the customer's tap comes back as a line with its payload).
 */
export function quickRepliesOf(text: string): { text: string; quickReplies: string[] } {
  const m = QUICK_LINE.exec(text.trimEnd());
  if (!m) return { text, quickReplies: [] };
  const quickReplies = [
    ...new Set(
      m[1]!
        .split('|')
        .map((t) => t.trim().slice(0, MAX_QUICK_TITLE))
        .filter(Boolean),
    ),
  ].slice(0, MAX_QUICK_REPLIES);
  if (quickReplies.length === 0) return { text, quickReplies: [] };
  return { text: text.slice(0, m.index).trimEnd(), quickReplies };
}

/**
 * Which send a moment allows (Meta's messaging window): within 24 hours of the customer's last
 * message a `RESPONSE`; within 7 days a `MESSAGE_TAG` with `HUMAN_AGENT`; beyond that nothing.
 */
export function windowOf(lastInboundAt: number | null, now: number): 'response' | 'human_agent' | 'closed' {
  if (lastInboundAt === null) return 'closed';
  const age = now - lastInboundAt;
  if (age <= STANDARD_WINDOW_MS) return 'response';
  return age <= HUMAN_AGENT_WINDOW_MS ? 'human_agent' : 'closed';
}

/**
 * Messenger's and Instagram's outbound side: an agent's line is a Send API call from the page to
 * the customer's page-scoped id, its text first and then each file by URL (a signed URL of ours
 * the platform fetches). The messaging window decides the message type; past 7 days the line is
 * refused with the reason the agent sees.
 */
export class MessengerChannel implements Channel {
  readonly capabilities: ChannelCapabilities;

  constructor(
    readonly kind: MetaMessaging,
    private readonly store: Store,
    /** A URL the platform can fetch an agent's file from (signed, expiring). */
    private readonly fileUrl: (conversationId: string, attachmentId: string) => string,
    maxBytes: number,
    private readonly http: ProviderHttp,
    /** The Graph API version called (`BECKON_GRAPH_API_VERSION`). */
    private readonly graphVersion: string,
  ) {
    this.capabilities = {
      typing: false,
      readReceipts: true,
      attachments: { maxBytes, types: SEND_TYPES },
      richContent: false,
      templates: false,
      maxLength: MAX_TEXT[kind],
    };
  }

  async send(msg: OutboundMessage): Promise<SendResult> {
    const { accountId, conversationId } = msg;
    const name = PLATFORM_NAMES[this.kind];
    const conn = await this.store.channelConnections.forReply(accountId, conversationId, this.kind);
    if (!conn)
      throw new ChannelSendError(`the ${name} page of this conversation is no longer connected`, false);
    const recipient =
      msg.contact &&
      (await this.store.channelConnections.platformId(accountId, msg.contact.id, identityKindOf(this.kind)));
    if (!recipient) throw new ChannelSendError(`the customer has no ${name} id for this page`, false);
    const last = await this.store.channelConnections.lastInboundAt(accountId, conversationId);
    const window = windowOf(last, Date.now());
    if (window === 'closed')
      throw new ChannelSendError(
        `outside ${name}'s 7-day window for human agents: the customer has to write first`,
        false,
      );
    const survey = surveyOf(msg.payload);
    // The HUMAN_AGENT tag is for a person's reply: a survey goes only within the 24 hours.
    if (survey && window !== 'response')
      throw new ChannelSendError(`outside ${name}'s 24-hour window: the survey was not sent`, false);
    const type =
      window === 'response'
        ? { messaging_type: 'RESPONSE' }
        : { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
    const parts: Record<string, unknown>[] = [];
    const { text, quickReplies } = survey ? { text: msg.text, quickReplies: [] } : quickRepliesOf(msg.text);
    if (text.trim()) parts.push({ text: text.slice(0, MAX_TEXT[this.kind]) });
    for (const a of msg.attachments) {
      parts.push({
        attachment: {
          type: a.contentType.startsWith('image/') ? 'image' : 'file',
          payload: { url: this.fileUrl(conversationId, a.id), is_reusable: false },
        },
      });
    }
    if (parts.length === 0) throw new ChannelSendError('there is nothing to send', false);
    // Quick replies hang under the last part: the buttons go away once the customer answers.
    if (quickReplies.length)
      parts[parts.length - 1] = {
        ...parts[parts.length - 1],
        quick_replies: quickReplies.map((title) => ({ content_type: 'text', title, payload: title })),
      };
    // A survey's scores are quick replies whose payload names the score.
    if (survey)
      parts[parts.length - 1] = {
        ...parts[parts.length - 1],
        quick_replies: SCORES.map((s) => ({
          content_type: 'text',
          title: s.title,
          payload: scorePayload(s.score),
        })),
      };
    // A retry after a part went through sends only the parts not sent yet.
    const done = await this.store.channelConnections.sentParts(accountId, conversationId, msg.seq);
    let first: string | undefined = done[0];
    for (const message of parts.slice(done.length)) {
      const r = await callProvider<{ recipient_id?: string; message_id?: string }>(
        `${pageNode(conn, this.graphVersion)}/messages`,
        {
          headers: { authorization: `Bearer ${conn.config.pageAccessToken}` },
          body: { recipient: { id: recipient }, ...type, message },
        },
        this.http,
        graphError,
      );
      const mid = r?.message_id;
      if (mid)
        await this.store.channelConnections.sentPart(accountId, this.kind, conversationId, msg.seq, mid);
      first ??= mid;
    }
    return first ? { status: 'sent', providerId: first } : { status: 'sent' };
  }
}
