import type { Logger } from '../../logger.ts';
import type { ChannelConnection } from '../../store/channel-connections-repo.ts';
import type { Store } from '../../store/store.ts';
import type { ConnectionInbox } from '../connections/connection-inbox.ts';
import type { Connector } from '../connections/connector.ts';
import { graphNode } from '../connections/graph-api.ts';
import type { MediaRef } from '../connections/media-download.ts';
import { metaAuthentic, metaHandshake, receivedAt } from '../connections/meta-webhook.ts';
import { keywordOf } from '../connections/opt-out-keywords.ts';
import { callProvider, type ProviderHttp } from '../connections/provider-http.ts';
import type { OutboxDispatcher } from '../outbox-dispatcher.ts';
import { graphError, graphUrlOf, WhatsAppChannel } from './whatsapp-channel.ts';
import { fetchTemplates } from './whatsapp-templates.ts';
import {
  changesOf,
  lineOf,
  mediaOf,
  payloadOf,
  statusReason,
  type WaChangeValue,
} from './whatsapp-webhook.ts';

/**
 * WhatsApp Cloud API connections: Meta's verification handshake, `X-Hub-Signature-256` on every
 * delivery, customers' messages into the inbox, and the statuses of our messages onto their
 * delivery state.
 */
export class WhatsAppConnector implements Connector {
  readonly type = 'whatsapp' as const;
  readonly channel: WhatsAppChannel;

  constructor(
    private readonly store: Store,
    private readonly inbox: ConnectionInbox,
    private readonly outbox: OutboxDispatcher,
    private readonly log: Logger,
    private readonly http: ProviderHttp,
    /** The Graph API version called (`BECKON_GRAPH_API_VERSION`). */
    private readonly graphVersion: string,
  ) {
    this.channel = new WhatsAppChannel(store, http, graphVersion);
  }

  /** Reads the phone number's node: its verified business name and display number. */
  async test(conn: ChannelConnection): Promise<string> {
    const n = await callProvider<{ verified_name?: string; display_phone_number?: string }>(
      `${graphUrlOf(conn, this.graphVersion)}?fields=verified_name,display_phone_number`,
      { method: 'GET', headers: { authorization: `Bearer ${conn.config.accessToken}` } },
      this.http,
      graphError,
    );
    const parts = [n?.verified_name, n?.display_phone_number].filter(Boolean);
    if (parts.length === 0) throw new Error('the Graph API answered without the number');
    return parts.length === 2 ? `${parts[0]} (${parts[1]})` : parts[0]!;
  }

  /** Meta's handshake and signature, as for every Graph API product. */
  readonly handshake = metaHandshake;
  readonly authentic = metaAuthentic;

  /** Reads the account's templates once the connection is made; a failure leaves the Sync button to try again. */
  async connected(conn: ChannelConnection): Promise<void> {
    if (!conn.config.wabaId) return;
    await this.syncTemplates(conn).catch((err: unknown) =>
      this.log.warn({ err, connection: conn.id }, 'whatsapp templates not read at connection'),
    );
  }

  /** Replaces the connection's stored templates with what Meta lists now; throws with Meta's reason. */
  async syncTemplates(conn: ChannelConnection): Promise<void> {
    const list = await fetchTemplates(conn, this.http, this.graphVersion);
    await this.store.whatsappTemplates.replace(conn.accountId, conn.id, list);
  }

  async deliver(conn: ChannelConnection, payload: unknown): Promise<void> {
    const changes = changesOf(payload);
    if (changes.length === 0)
      this.log.debug({ connection: conn.id }, 'whatsapp delivery with nothing we read');
    for (const { field, value } of changes) {
      if (field !== 'messages') {
        this.log.debug({ connection: conn.id, field }, 'whatsapp event ignored');
        continue;
      }
      const target = await this.numberOf(conn, value);
      if (!target) continue;
      await this.messages(target, value);
      await this.statuses(target, value);
    }
  }

  /**
   * The connection of the number a change is for. Meta sends every number of an app to the one
   * webhook URL of the app: a change for another number of the account goes to its connection.
   */
  private async numberOf(
    conn: ChannelConnection,
    value: WaChangeValue,
  ): Promise<ChannelConnection | undefined> {
    const number = value.metadata?.phone_number_id;
    if (!number || number === conn.config.phoneNumberId) return conn;
    const sibling = (await this.store.channelConnections.list(conn.accountId)).find(
      (c) => c.type === 'whatsapp' && c.config.phoneNumberId === number,
    );
    if (!sibling)
      this.log.debug({ connection: conn.id, number }, 'whatsapp change for a number not connected');
    return sibling;
  }

  private async messages(conn: ChannelConnection, value: WaChangeValue): Promise<void> {
    const now = Date.now();
    for (const m of value.messages ?? []) {
      if (!m?.id || !m.from || !/^\d{6,15}$/.test(m.from)) {
        this.log.debug({ connection: conn.id }, 'whatsapp message without an id or sender ignored');
        continue;
      }
      const profile = value.contacts?.find((c) => c.wa_id === m.from)?.profile;
      const file = mediaOf(m);
      const text = lineOf(m);
      const got = await this.inbox.receive(conn, {
        from: { phone: `+${m.from}`, name: profile?.name ?? null, address: 'phone' },
        externalId: m.id,
        text,
        payload: payloadOf(m),
        receivedAt: receivedAt(m.timestamp, now),
        ...(file ? { media: [this.mediaRef(conn, file)] } : {}),
      });
      if (got.duplicate) continue;
      // STOP (or UNSUBSCRIBE, CANCEL…) withdraws the opt-in and keeps broadcasts away until START.
      const keyword = keywordOf(text);
      if (keyword === 'stop' || keyword === 'start')
        await this.store.contacts.setWhatsAppOptOut(conn.accountId, got.contact.id, keyword === 'stop');
      if (keyword === 'stop') {
        await this.store.consents.withdraw(conn.accountId, got.contact.id, 'whatsapp');
        this.log.info({ connection: conn.id, contact: got.contact.id }, 'whatsapp opt-out recorded');
        continue;
      }
      // A customer who writes to the business opted in to its WhatsApp messages; an earlier record
      // stays. A line that followed the sender's previous message was recorded by that one.
      if (!got.followed)
        await this.store.consents.record(
          conn.accountId,
          got.contact.id,
          { channel: 'whatsapp', source: 'customer_message', detail: null },
          { keep: true },
        );
    }
  }

  /**
   * Where a WhatsApp file is: `GET /{media-id}` answers a short-lived URL and the size, and the
   * download itself needs the same bearer token.
   */
  private mediaRef(conn: ChannelConnection, file: NonNullable<ReturnType<typeof mediaOf>>): MediaRef {
    const auth = { authorization: `Bearer ${conn.config.accessToken}` };
    return {
      label: file.label,
      ...(file.name ? { name: file.name } : {}),
      ...(file.mimeType ? { contentType: file.mimeType } : {}),
      locate: async () => {
        const m = await callProvider<{ url?: string; file_size?: number }>(
          graphNode(conn.apiBaseUrl, file.id, this.graphVersion),
          { method: 'GET', headers: auth },
          this.http,
          graphError,
        );
        if (!m?.url) throw new Error('the Graph API answered without the media URL');
        return {
          url: m.url,
          headers: auth,
          ...(typeof m.file_size === 'number' ? { size: m.file_size } : {}),
        };
      },
    };
  }

  private async statuses(conn: ChannelConnection, value: WaChangeValue): Promise<void> {
    for (const s of value.statuses ?? []) {
      if (!s?.id) continue;
      const where = { channel: 'whatsapp' as const, providerId: s.id };
      if (s.status === 'delivered' || s.status === 'read') {
        await this.outbox.receipt(conn.accountId, where, s.status);
      } else if (s.status === 'failed') {
        await this.outbox.undelivered(conn.accountId, where, statusReason(s));
      } else if (s.status !== 'sent') {
        this.log.debug({ connection: conn.id, status: s.status }, 'whatsapp status ignored');
      }
    }
  }
}
