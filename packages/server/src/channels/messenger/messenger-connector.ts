import type { Logger } from '../../logger.ts';
import type { ChannelConnection } from '../../store/channel-connections-repo.ts';
import type { Store } from '../../store/store.ts';
import type { ConnectionInbox } from '../connections/connection-inbox.ts';
import type { Connector } from '../connections/connector.ts';
import { graphError, graphNode } from '../connections/graph-api.ts';
import type { MediaRef } from '../connections/media-download.ts';
import { metaAuthentic, metaHandshake, receivedAt } from '../connections/meta-webhook.ts';
import { callProvider, type ProviderHttp } from '../connections/provider-http.ts';
import type { OutboxDispatcher } from '../outbox-dispatcher.ts';
import {
  identityKindOf,
  MessengerChannel,
  type MetaMessaging,
  PLATFORM_NAMES,
  pageNode,
} from './messenger-channel.ts';
import { attachmentsOf, entriesOf, lineOf, MEDIA_TYPES, type MessagingEvent } from './messenger-webhook.ts';

/** A PSID or IGSID: digits only. */
const SCOPED_ID = /^[0-9]{1,64}$/;

/** The label of a file in a note: "a photo", "a video". */
const LABELS: Record<string, string> = {
  image: 'a photo',
  video: 'a video',
  audio: 'a voice message',
  file: 'a file',
};

/**
 * Messenger Platform connections, for a Facebook page (`messenger`) or its Instagram professional
 * account (`instagram`): Meta's handshake and `X-Hub-Signature-256`, customers' messages,
 * quick replies, postbacks and files into the inbox, and deliveries and reads onto our lines. A
 * customer is known by their page-scoped id (PSID or IGSID, see docs/contacts.md).
 */
export class MessengerConnector implements Connector {
  readonly channel: MessengerChannel;
  readonly handshake = metaHandshake;
  readonly authentic = metaAuthentic;
  private readonly name: string;

  constructor(
    readonly type: MetaMessaging,
    private readonly store: Store,
    private readonly inbox: ConnectionInbox,
    private readonly outbox: OutboxDispatcher,
    private readonly log: Logger,
    fileUrl: (conversationId: string, attachmentId: string) => string,
    maxBytes: number,
    private readonly http: ProviderHttp,
    /** The Graph API version called (`BECKON_GRAPH_API_VERSION`). */
    private readonly graphVersion: string,
  ) {
    this.channel = new MessengerChannel(type, store, fileUrl, maxBytes, http, graphVersion);
    this.name = PLATFORM_NAMES[type];
  }

  private get(conn: ChannelConnection, url: string) {
    return callProvider<Record<string, unknown>>(
      url,
      { method: 'GET', headers: { authorization: `Bearer ${conn.config.pageAccessToken}` } },
      this.http,
      graphError,
    );
  }

  /** Reads the page with its token: its name, and for Instagram the account it is linked to. */
  async test(conn: ChannelConnection): Promise<string> {
    if (this.type === 'messenger') {
      const page = await this.get(conn, `${pageNode(conn, this.graphVersion)}?fields=name`);
      if (typeof page?.name !== 'string') throw new Error('the Graph API answered without the page');
      return page.name;
    }
    const page = await this.get(
      conn,
      `${pageNode(conn, this.graphVersion)}?fields=name,instagram_business_account{id,username}`,
    );
    const ig = page?.instagram_business_account as { id?: string; username?: string } | undefined;
    if (!ig?.id) throw new Error('this page has no Instagram professional account linked');
    if (ig.id !== conn.config.instagramAccountId)
      throw new Error(
        `this page is linked to Instagram account ${ig.id}, not ${conn.config.instagramAccountId}`,
      );
    return `@${ig.username ?? ig.id}${typeof page.name === 'string' ? ` (${page.name})` : ''}`;
  }

  async deliver(conn: ChannelConnection, payload: unknown): Promise<void> {
    const entries = entriesOf(payload, this.type === 'messenger' ? 'page' : 'instagram');
    if (entries.length === 0)
      this.log.debug({ connection: conn.id }, `${this.type} delivery with nothing we read`);
    for (const entry of entries) {
      const target = await this.accountOf(conn, entry.id);
      if (!target) continue;
      for (const e of entry.events) await this.event(target, entry.id, e);
    }
  }

  /** The id the platform names this connection by in `entry.id`, `recipient.id` and echoes' `sender.id`. */
  private ownId(conn: ChannelConnection): string | undefined {
    return this.type === 'messenger' ? conn.config.pageId : conn.config.instagramAccountId;
  }

  /**
   * The connection an entry is for. Meta sends every page of an app to the app's one webhook
   * URL: an entry for another page of the account goes to that page's connection.
   */
  private async accountOf(conn: ChannelConnection, id: string): Promise<ChannelConnection | undefined> {
    if (id === this.ownId(conn)) return conn;
    const sibling = (await this.store.channelConnections.list(conn.accountId)).find(
      (c) => c.type === this.type && id === this.ownId(c),
    );
    if (!sibling)
      this.log.debug({ connection: conn.id, entry: id }, `${this.type} entry for a page not connected`);
    return sibling;
  }

  private async event(conn: ChannelConnection, own: string, e: MessagingEvent): Promise<void> {
    const customer = e.message?.is_echo ? e.recipient?.id : e.sender?.id;
    // Page-scoped ids are digits; anything else is not an event Meta sent.
    if (typeof customer !== 'string' || !SCOPED_ID.test(customer) || customer === own) {
      this.log.debug({ connection: conn.id }, `${this.type} event without a customer ignored`);
      return;
    }
    if (e.message?.is_echo) {
      // What the page sent (by us, or from Meta's own inbox): the line is on its way, nothing to store.
      this.log.debug({ connection: conn.id }, `${this.type} echo acknowledged`);
      return;
    }
    if (e.delivery)
      return this.receipts(conn, customer, 'delivered', e.delivery.mids ?? [], e.delivery.watermark);
    if (e.read)
      return this.receipts(conn, customer, 'read', e.read.mid ? [e.read.mid] : [], e.read.watermark);
    if (e.message?.is_deleted) {
      this.log.debug({ connection: conn.id }, `${this.type} unsent message ignored`);
      return;
    }
    if (e.message || e.postback) return this.message(conn, customer, e);
    this.log.debug({ connection: conn.id, keys: Object.keys(e) }, `${this.type} event ignored`);
  }

  private async message(conn: ChannelConnection, customer: string, e: MessagingEvent): Promise<void> {
    const now = Date.now();
    const given = e.message?.mid ?? e.postback?.mid;
    const mid =
      typeof given === 'string'
        ? given
        : Number.isFinite(e.timestamp)
          ? `postback:${customer}:${e.timestamp}`
          : undefined;
    if (!mid || mid.length > 256) {
      this.log.debug({ connection: conn.id }, `${this.type} message without an id ignored`);
      return;
    }
    const media: MediaRef[] = [];
    for (const a of attachmentsOf(e)) {
      const url = a.payload?.url;
      if (!MEDIA_TYPES.has(a.type ?? '') || typeof url !== 'string' || !/^https?:\/\//.test(url)) continue;
      // The URL is a CDN address Meta signs; it needs no token.
      const declared = a.type === 'audio' || a.type === 'video' ? `${a.type}/*` : undefined;
      // Meta's CDN keeps the file's name as the URL's last segment.
      const name = /\/([^/?#]+\.[A-Za-z0-9]{2,5})(?:[?#]|$)/.exec(url)?.[1];
      media.push({
        label: LABELS[a.type!]!,
        ...(name ? { name } : {}),
        ...(declared ? { contentType: declared } : {}),
        locate: async () => ({ url }),
      });
    }
    await this.inbox.receive(conn, {
      from: {
        name: await this.profileName(conn, customer),
        platform: { kind: identityKindOf(this.type), id: customer },
      },
      externalId: mid,
      text: lineOf(e),
      payload: e.message?.quick_reply?.payload ?? e.postback?.payload ?? null,
      receivedAt: receivedAt(e.timestamp, now, 'ms'),
      media,
    });
  }

  /**
   * The customer's name, asked of the platform once: when their page-scoped id already names a
   * contact, nothing is asked. Without the permission (or on any failure) the contact stays unnamed.
   */
  private async profileName(conn: ChannelConnection, id: string): Promise<string | null> {
    if (await this.store.contacts.platformHolder(conn.accountId, identityKindOf(this.type), id)) return null;
    const fields = this.type === 'messenger' ? 'first_name,last_name,name' : 'name,username';
    try {
      const p = await this.get(conn, `${graphNode(conn.apiBaseUrl, id, this.graphVersion)}?fields=${fields}`);
      const full =
        (typeof p?.name === 'string' && p.name) ||
        [p?.first_name, p?.last_name].filter((s) => typeof s === 'string' && s).join(' ') ||
        (typeof p?.username === 'string' ? p.username : '');
      return full ? full.slice(0, 120) : null;
    } catch (err) {
      this.log.debug({ connection: conn.id, err: (err as Error).message }, `${this.type} profile not read`);
      return null;
    }
  }

  /**
   * A delivery or read report: the lines it names by id, and every line of the customer's
   * conversation sent before its watermark (Messenger reports by time, Instagram by message id).
   */
  private async receipts(
    conn: ChannelConnection,
    customer: string,
    status: 'delivered' | 'read',
    mids: readonly string[],
    watermark: number | undefined,
  ): Promise<void> {
    for (const mid of mids)
      await this.outbox.receipt(conn.accountId, { channel: this.type, providerId: mid }, status);
    if (!watermark || !Number.isFinite(watermark)) return;
    const contactId = await this.store.contacts.platformHolder(
      conn.accountId,
      identityKindOf(this.type),
      customer,
    );
    const conversationId =
      contactId && (await this.store.channelConnections.lastConversation(conn.accountId, conn.id, contactId));
    if (!conversationId) return;
    for (const seq of await this.store.outbox.sentBefore(conn.accountId, conversationId, watermark, status))
      await this.outbox.receipt(conn.accountId, { conversationId, seq }, status);
  }
}
