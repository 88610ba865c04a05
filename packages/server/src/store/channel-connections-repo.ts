import type { Kysely, Selectable } from 'kysely';
import { notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import type { ChannelConnectionsTable, ConnectionType } from './connection-schema.ts';
import { jsonObject } from './rows.ts';
import type { ConversationsTable, Database } from './schema.ts';
import type { SecretsRef } from './secret-box.ts';

export type { ConnectionType };

/** A connection as the server uses it: its credentials parsed. */
export interface ChannelConnection {
  id: string;
  accountId: string;
  type: ConnectionType;
  name: string;
  /** The provider's credentials and ids, secrets included: never sent to a client. */
  config: Record<string, string>;
  apiBaseUrl: string | null;
  defaultSkillId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface NewConnection {
  type: ConnectionType;
  name: string;
  config: Record<string, string>;
  apiBaseUrl: string | null;
  defaultSkillId: string | null;
}

/** The most opened credentials kept (`OpenedConfigs`). */
const OPENED_MAX = 256;

/**
 * Opened credentials by their sealed value. A provider message read its connection's credentials
 * and opened them (AES-GCM, then JSON) every time: about a fifth of what a broadcast's message
 * cost the socket thread. A sealed value has a random nonce, so a changed config is a new key and
 * a stale copy is never answered. Frozen: every reader shares one.
 */
class OpenedConfigs {
  private readonly opened = new Map<string, Readonly<Record<string, string>>>();

  open(sealed: string, secrets: SecretsRef): Readonly<Record<string, string>> {
    const hit = this.opened.get(sealed);
    if (hit) return hit;
    const config = Object.freeze(jsonObject(secrets.box.open(sealed)) as Record<string, string>);
    if (this.opened.size >= OPENED_MAX) this.opened.delete(this.opened.keys().next().value!);
    this.opened.set(sealed, config);
    return config;
  }
}

const toConnection = (
  r: Selectable<ChannelConnectionsTable>,
  secrets: SecretsRef,
  opened: OpenedConfigs,
): ChannelConnection => ({
  id: r.id,
  accountId: r.account_id,
  type: r.type,
  name: r.name,
  config: opened.open(r.config, secrets),
  apiBaseUrl: r.api_base_url,
  defaultSkillId: r.default_skill_id,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** An account's connections to providers, and which one each conversation came in on. */
export class ChannelConnectionsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    /** The credentials are sealed: a copy of the database does not hand over the tokens. */
    private readonly secrets: SecretsRef,
  ) {}

  private readonly changeListeners = new Set<(id: string) => void>();
  private readonly opened = new OpenedConfigs();

  async create(accountId: string, input: NewConnection, now = Date.now()): Promise<ChannelConnection> {
    const row: Selectable<ChannelConnectionsTable> = {
      id: newId('chn'),
      account_id: accountId,
      type: input.type,
      name: input.name,
      config: this.secrets.box.seal(JSON.stringify(input.config)),
      api_base_url: input.apiBaseUrl,
      default_skill_id: input.defaultSkillId,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('channel_connections').values(row).execute();
    return toConnection(row, this.secrets, this.opened);
  }

  async list(accountId: string): Promise<ChannelConnection[]> {
    const rows = await this.db
      .selectFrom('channel_connections')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => toConnection(r, this.secrets, this.opened));
  }

  async find(accountId: string, id: string): Promise<ChannelConnection | undefined> {
    const row = await this.db
      .selectFrom('channel_connections')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toConnection(row, this.secrets, this.opened) : undefined;
  }

  /**
   * The connection a webhook URL names. The one lookup without an account: a provider's call
   * carries only the URL, and the connection's secret (a signature) then proves the caller.
   */
  /** Calls `fn` with a connection's id after this node changed or removed it (caches forget it). */
  onChange(fn: (id: string) => void): void {
    this.changeListeners.add(fn);
  }

  private changed(id: string): void {
    for (const fn of this.changeListeners) fn(id);
  }

  async forWebhook(type: ConnectionType, id: string): Promise<ChannelConnection | undefined> {
    const row = await this.db
      .selectFrom('channel_connections')
      .selectAll()
      .where('id', '=', id)
      .where('type', '=', type)
      .executeTakeFirst();
    return row ? toConnection(row, this.secrets, this.opened) : undefined;
  }

  /** Adds or replaces credential fields of a connection (an id added later); answers it as stored. */
  async updateConfig(
    accountId: string,
    id: string,
    patch: Record<string, string>,
    now = Date.now(),
  ): Promise<ChannelConnection> {
    const conn = await this.find(accountId, id);
    if (!conn) throw notFound('channel');
    const config = { ...conn.config, ...patch };
    await this.db
      .updateTable('channel_connections')
      .set({ config: this.secrets.box.seal(JSON.stringify(config)), updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
    this.changed(id);
    return { ...conn, config, updatedAt: now };
  }

  async remove(accountId: string, id: string): Promise<void> {
    const r = await this.db
      .deleteFrom('channel_connections')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound('channel');
    this.changed(id);
  }

  /** Records the connection a conversation came in on. */
  async bind(accountId: string, conversationId: string, connectionId: string): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({ connection_id: connectionId })
      .where('account_id', '=', accountId)
      .where('id', '=', conversationId)
      // Already bound (every later message of a thread): no write, so no commit to wait for.
      .where((eb) => eb.or([eb('connection_id', 'is', null), eb('connection_id', '!=', connectionId)]))
      .execute();
  }

  /** The connection a conversation's replies leave by, when it still exists. */
  async ofConversation(accountId: string, conversationId: string): Promise<ChannelConnection | undefined> {
    const row = await this.db
      .selectFrom('conversations')
      .innerJoin('channel_connections', 'channel_connections.id', 'conversations.connection_id')
      .selectAll('channel_connections')
      .where('conversations.account_id', '=', accountId)
      .where('conversations.id', '=', conversationId)
      .where('channel_connections.account_id', '=', accountId)
      .executeTakeFirst();
    return row ? toConnection(row, this.secrets, this.opened) : undefined;
  }

  /**
   * The connection a conversation's replies leave by: the one it came in on, else the account's
   * first of that type (a conversation we started, or one from before the connection existed).
   */
  async forReply(
    accountId: string,
    conversationId: string,
    type: ConnectionType,
  ): Promise<ChannelConnection | undefined> {
    const bound = await this.ofConversation(accountId, conversationId);
    if (bound?.type === type) return bound;
    const row = await this.db
      .selectFrom('channel_connections')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('type', '=', type)
      .orderBy('created_at')
      .orderBy('id')
      .executeTakeFirst();
    return row ? toConnection(row, this.secrets, this.opened) : undefined;
  }

  /** The newest conversation of a contact on a connection: their next message joins it. */
  async lastConversation(
    accountId: string,
    connectionId: string,
    contactId: string,
  ): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('conversations')
      .select('id')
      .where('account_id', '=', accountId)
      .where('connection_id', '=', connectionId)
      .where('contact_id', '=', contactId)
      .orderBy('enqueued_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.id;
  }

  /** A contact's id on a platform (see `contact_identities`), for channels that write to that id. */
  async platformId(accountId: string, contactId: string, kind: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('contact_identities')
      .select('value')
      .where('account_id', '=', accountId)
      .where('contact_id', '=', contactId)
      .where('kind', '=', kind)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    return row?.value;
  }

  /**
   * The provider ids of the parts of one agent line already sent (a line a provider takes as
   * several messages), oldest first: a retry sends only the rest.
   */
  async sentParts(accountId: string, conversationId: string, seq: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('channel_messages')
      .select('external_id')
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .where('seq', '=', seq)
      .where('direction', '=', 'out')
      .orderBy('created_at')
      .orderBy('external_id')
      .execute();
    return rows.map((r) => r.external_id);
  }

  /** Records a sent agent line (or one part of it) by its provider id, for threading, receipts and retries. */
  async sentPart(
    accountId: string,
    channel: ConversationsTable['channel'],
    conversationId: string,
    seq: number,
    providerId: string,
    now = Date.now(),
    db: Kysely<Database> = this.db,
  ): Promise<void> {
    await recordOutgoing(db, accountId, channel, conversationId, seq, providerId, now);
  }

  /** When the customer last wrote in a conversation (a provider's service window counts from it). */
  async lastInboundAt(accountId: string, conversationId: string): Promise<number | null> {
    const row = await this.db
      .selectFrom('channel_messages')
      .select((eb) => eb.fn.max('created_at').as('at'))
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .where('direction', '=', 'in')
      .executeTakeFirst();
    return row?.at == null ? null : Number(row.at);
  }
}

/** Records a message we sent by its provider's id (a Message-ID for mail); the same one twice is fine. */
export async function recordOutgoing(
  db: Kysely<Database>,
  accountId: string,
  channel: ConversationsTable['channel'],
  conversationId: string,
  seq: number | null,
  externalId: string,
  now: number,
): Promise<void> {
  await db
    .insertInto('channel_messages')
    .values({
      account_id: accountId,
      channel,
      external_id: externalId,
      conversation_id: conversationId,
      seq,
      direction: 'out',
      created_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
