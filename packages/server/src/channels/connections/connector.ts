import type { ChannelConnection, ConnectionType } from '../../store/channel-connections-repo.ts';
import type { Channel } from '../channel.ts';

/** What a webhook call carried, as a connector needs it to check and read it. */
export interface HookRequest {
  query: Record<string, string | undefined>;
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as sent: signatures are computed over these bytes. */
  raw: Buffer;
  /** The URL the provider called, on the public address with its query (Twilio signs it). */
  url: string;
}

/** What a webhook answers the provider besides 200 `{ ok: true }` (Twilio expects TwiML). */
export interface HookAnswer {
  contentType: string;
  body: string;
}

/**
 * One provider's side of the connections: its webhook (handshake, signature, deliveries), its
 * `Channel` for the outbox (which sends through the conversation's connection), and what it does
 * when a connection is made (Telegram's `setWebhook`).
 */
export interface Connector {
  readonly type: ConnectionType;
  readonly channel: Channel;
  /** A GET on the webhook (a subscription handshake): the text to answer, or null for 403. */
  handshake?(conn: ChannelConnection, hook: HookRequest): string | null;
  /** Whether a delivery really comes from the provider (its signature or secret header). */
  authentic(conn: ChannelConnection, hook: HookRequest): boolean;
  /** Reads a delivery's body; without it the body is JSON. Throws to answer 400. */
  parse?(hook: HookRequest): unknown;
  /** The answer a delivery gets, when the provider expects one of its own. */
  readonly answer?: HookAnswer;
  /** Stores what a delivery holds; events it does not know are ignored (and logged at debug). */
  deliver(conn: ChannelConnection, payload: unknown): Promise<void>;
  /** Called once a connection is stored, before it is answered; throws to refuse it. */
  connected?(conn: ChannelConnection, webhookUrl: string): Promise<void>;
  /**
   * Asks the provider whether the stored credentials work; answers who they belong to (shown to
   * the admin) or throws with the provider's reason.
   */
  test?(conn: ChannelConnection): Promise<string>;
}
