import { type Message, RETRY_WINDOW, type RichContent, type SenderKind } from '@beckon/protocol/chat-api';
import type { WebhookEvent } from '@beckon/protocol/webhooks-api';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { AppError, notFound } from '../errors.ts';
import { AttachmentClaims, type StoredAttachment } from './attachments-repo.ts';
import type { ChannelMessagesTable } from './contact-schema.ts';
import { lastSeq, toMessage } from './conversation-rows.ts';
import { type ConversationState, ConversationStates } from './conversation-states.ts';
import { insertMentions, type NoteMentions } from './mentions-repo.ts';
import { outboxRowOf } from './outbox-repo.ts';
import type { OutboxTable } from './outbox-schema.ts';
import type { Database, MessagesTable } from './schema.ts';
import { runShaped, statementRuns } from './shaped-sql.ts';
import { deferSyncTo } from './sqlite-dialect.ts';
import type { StoreCapabilities } from './store-capabilities.ts';
import type { Deferral } from './wal-sync.ts';
import type { WebhooksRepo } from './webhooks-repo.ts';

/** Who sends: the visitor, an agent (a message or an internal note), the system, or a campaign's words. */
export type Sender =
  | { kind: 'visitor' }
  | {
      kind: 'agent' | 'note';
      agentId: string;
      name: string;
      supervisor: boolean;
      /** An automation rule's reply: the account's own line, whoever holds the conversation; no first response. */
      automated?: boolean;
    }
  | { kind: 'system' }
  | { kind: 'invitation'; name: string | null }
  | { kind: 'bot'; botId: string; name: string };

export interface AppendItem {
  accountId: string;
  conversationId: string;
  sender: Sender;
  /** The sender's client id: a retry with the same echo id returns the stored original. */
  echoId: string | null;
  /** The highest sequence number the sender had seen when it first sent this (see `SentAfterSeq`). */
  afterSeq?: number;
  /** May be empty when the send names at least one attachment. */
  text: string;
  /** Uploads of this conversation by the sender's side, not sent before. */
  attachmentIds?: readonly string[];
  /**
   * The channel message this line stores (`channel_messages`): it gets the line's sequence number
   * in the line's own transaction, which saves an inbound message a commit of its own.
   */
  channelRecord?: { channel: string; externalId: string };
  /** What the channel sends instead of the text (JSON: a WhatsApp template); the text is what agents read. */
  outboxPayload?: string;
  /** A bot's quick replies and card (bot lines only). */
  rich?: RichContent;
  /** The customer's contact, whose `last_seen_at` moves to now in the line's transaction (no commit of its own). */
  seenContactId?: string;
  /** A note's mentioned colleagues (user ids, checked before): recorded in the note's transaction. */
  mentions?: readonly string[];
}

export type AppendResult =
  | { ok: true; message: Message; duplicate: boolean }
  | { ok: false; error: AppError };

const CONV_COLUMNS = [
  'id',
  'account_id',
  'channel',
  'status',
  'assigned_agent_id',
  'joined_agent_id',
  'first_response_at',
] as const;
type ConvRow = Pick<Selectable<Database['conversations']>, (typeof CONV_COLUMNS)[number]> & {
  last_seq: number | string | null;
};
/** The messages table's columns, in the order the batch INSERT binds them. */
const MESSAGE_COLUMNS = [
  'conversation_id',
  'seq',
  'account_id',
  'sender_kind',
  'sender_id',
  'sender_name',
  'echo_id',
  'body',
  'attachments',
  'created_at',
] as const satisfies readonly (keyof MessagesTable)[];
const pick = <T, K extends keyof T>(row: T, keys: readonly K[]): Pick<T, K> =>
  Object.fromEntries(keys.map((k) => [k, row[k]])) as Pick<T, K>;
/** Appends a row's values in MESSAGE_COLUMNS order, by name (a loop over the names read them megamorphically). */
function pushRow(params: unknown[], r: Selectable<MessagesTable>): void {
  params.push(
    r.conversation_id,
    r.seq,
    r.account_id,
    r.sender_kind,
    r.sender_id,
    r.sender_name,
    r.echo_id,
    r.body,
    r.attachments,
    r.created_at,
  );
}

/**
 * Most rows in one INSERT: well under both stores' bound-parameter limits, and a power of two like
 * the other most counts here (see statementRuns).
 */
const INSERT_CHUNK = 256;
/** Most retries probed by one query (SQLite nests an OR chain one level per term; its limit is 1000). */
const PROBE_CHUNK = 128;
/** Most conversations looked up by one query on SQLite. */
const LOOKUP_CHUNK = 256;

const senderIdOf = (s: Sender): string =>
  s.kind === 'agent' || s.kind === 'note' ? s.agentId : s.kind === 'bot' ? s.botId : s.kind;
const channelKey = (accountId: string, r: { channel: string; externalId: string }) =>
  `${accountId}\u0000${r.channel}\u0000${r.externalId}`;

/** A channel line whose provider id is stored already (see `appendIn`). */
export const channelRecorded = () =>
  new AppError(409, 'channel_recorded', 'the provider sent this message before');

const echoKey = (conversationId: string, echoId: string, senderId: string) =>
  `${conversationId}\u0000${echoId}\u0000${senderId}`;

const stateOf = (r: ConvRow): ConversationState => ({
  account_id: r.account_id,
  channel: r.channel,
  status: r.status,
  assigned_agent_id: r.assigned_agent_id,
  joined_agent_id: r.joined_agent_id ?? null,
  first_response_at: r.first_response_at,
  last_seq: Number(r.last_seq),
});

/** Why a sender may not write to a conversation in its current state, or null when they may. */
function refusal(conv: ConversationState, sender: Sender): AppError | null {
  // A campaign's message may reach a resolved conversation: it stays resolved until the customer answers.
  if (sender.kind === 'system' || sender.kind === 'invitation') return null;
  if (conv.status === 'closed') return new AppError(409, 'conversation_closed', 'the conversation is closed');
  // A bot's hold is checked by the bot service before it writes (the state cache holds no bot).
  if (sender.kind === 'visitor' || sender.kind === 'bot') return null;
  // A supervisor who barged in writes beside the agent who holds it, until they leave.
  const holds =
    conv.status === 'active' &&
    (conv.assigned_agent_id === sender.agentId || conv.joined_agent_id === sender.agentId);
  if (sender.kind === 'note' && (holds || sender.supervisor)) return null;
  if (sender.kind === 'agent' && (holds || sender.automated)) return null;
  return new AppError(403, 'not_assigned', 'this conversation is not assigned to you');
}

/** Messages: appended in batches (group commit) with per-conversation sequence numbers; read back by range. */
export class MessagesRepo {
  /** SQLite: the conversations written to lately, kept between commits (PostgreSQL locks and reads them). */
  private readonly states: ConversationStates | null;
  /** Told after a commit that queued lines in the outbox (the dispatcher wakes). */
  private readonly outboxListeners = new Set<() => void>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly caps: StoreCapabilities,
    private readonly webhooks: WebhooksRepo,
  ) {
    this.states = caps.rowLocks ? null : new ConversationStates();
  }

  /**
   * Stores a batch of sends from many conversations in one transaction: locks the conversations
   * (in id order), drops retries whose echo id is already stored (returning the original), checks
   * each sender against the conversation's current state, hands out sequence numbers, and writes
   * everything with one UPDATE and one INSERT. Results are in input order.
   *
   * `deferral` (a SQLite file at `full` only, see `Store.walSync`): the commit returns before the
   * WAL's sync, which joins it; the caller answers its senders once `deferral.durable()` resolves.
   */
  async appendBatch(
    items: readonly AppendItem[],
    now = Date.now(),
    deferral?: Deferral,
  ): Promise<AppendResult[]> {
    if (items.length === 0) return [];
    let out: { results: AppendResult[]; queuedOut: number; hooks: number };
    try {
      out = await this.db.transaction().execute(async (trx) => {
        if (deferral) await deferSyncTo(trx, deferral);
        return this.appendIn(trx, items, now);
      });
    } catch (err) {
      this.states?.forget();
      throw err;
    }
    if (out.queuedOut > 0) this.outboxQueued();
    this.webhooks.committed(out.hooks);
    return out.results;
  }

  /** Calls `fn` after each commit that queued agent lines for a channel's outbox; returns the unsubscribe. */
  onOutbox(fn: () => void): () => void {
    this.outboxListeners.add(fn);
    return () => this.outboxListeners.delete(fn);
  }

  /** Tells the outbox listeners that a commit outside this writer queued lines (a broadcast's page). */
  outboxQueued(): void {
    for (const fn of this.outboxListeners) fn();
  }

  private async appendIn(
    trx: Transaction<Database>,
    items: readonly AppendItem[],
    now: number,
  ): Promise<{ results: AppendResult[]; queuedOut: number; hooks: number }> {
    const ids = [...new Set(items.map((i) => i.conversationId))].sort();
    const convs = await this.conversationsOf(trx, ids);
    /** Conversations whose agent's first reply is in this batch: their first response time is set. */
    const answered: string[] = [];
    const recordedBefore = await this.channelRecords(trx, items);
    // Retries: a send whose echo id is stored already gets the original back. The original can
    // only be among the messages after the one the client had seen when it first sent
    // (`afterSeq`, repeated by the retry), so each probe is a short range of the
    // (conversation_id, seq) key; no index of echo ids is kept. Written as OR-ed terms: one range
    // scan each (SQLite: MULTI-INDEX OR), where a row-value IN list would scan the whole table.
    const probes = new Map<string, { c: string; e: string; after: number }>();
    for (const i of items) {
      const conv = convs.get(i.conversationId);
      if (!i.echoId || !conv) continue;
      // A channel line's provider id is recorded with its seq in the line's own transaction, so
      // the record answers for a replay. Only a record without a seq (a thread opened for the
      // message, or a line stored before records had seqs) leaves the echo id to be probed. A
      // provider's message carries no `afterSeq`: its probe would scan the conversation's last
      // RETRY_WINDOW lines, the largest cost of a busy thread's every line (BENCHMARKS.md, W9).
      if (i.channelRecord && recordedBefore.get(channelKey(i.accountId, i.channelRecord))?.seq !== null)
        continue;
      const after = Math.max(i.afterSeq ?? 0, conv.last_seq - RETRY_WINDOW);
      if (after >= conv.last_seq) continue; // nothing was stored after what the client had seen: a first send
      const key = `${i.conversationId}\u0000${i.echoId}`;
      const known = probes.get(key);
      if (!known || after < known.after) probes.set(key, { c: i.conversationId, e: i.echoId, after });
    }
    const seen = new Map<string, Message>();
    const wanted = [...probes.values()];
    for (const chunk of statementRuns(wanted, PROBE_CHUNK, this.caps.keptStatements)) {
      const existing = await runShaped<Selectable<MessagesTable>>(
        trx,
        `messages:retry-probe:${chunk.length}`,
        () =>
          trx
            .selectFrom('messages')
            .selectAll()
            .where((eb) =>
              eb.or(
                chunk.map((p) =>
                  eb.and([eb('conversation_id', '=', p.c), eb('seq', '>', p.after), eb('echo_id', '=', p.e)]),
                ),
              ),
            )
            .compile(),
        chunk.flatMap((p) => [p.c, p.after, p.e]),
      );
      for (const r of existing.rows)
        seen.set(echoKey(r.conversation_id, r.echo_id!, r.sender_id), toMessage(r));
    }

    const claims = await AttachmentClaims.load(
      trx,
      items.flatMap((i) => i.attachmentIds ?? []),
      this.caps.rowLocks,
    );

    const results: AppendResult[] = [];
    const rows: Selectable<MessagesTable>[] = [];
    /** Agent lines of conversations on a channel other than web chat: sent through the outbox. */
    const outbound: OutboxTable[] = [];
    const recorded: { item: AppendItem; seq: number }[] = [];
    const mentioned: NoteMentions[] = [];
    /** `message.created` for webhooks, per account: queued in this transaction. */
    const hooks = new Map<string, WebhookEvent[]>();
    const timestamp = new Date(now).toISOString();
    for (const item of items) {
      const conv = convs.get(item.conversationId);
      if (!conv || conv.account_id !== item.accountId) {
        results.push({ ok: false, error: notFound('conversation') });
        continue;
      }
      const senderId = senderIdOf(item.sender);
      const key = item.echoId ? echoKey(item.conversationId, item.echoId, senderId) : undefined;
      const original = key ? seen.get(key) : undefined;
      if (original) {
        results.push({ ok: true, message: original, duplicate: true });
        continue;
      }
      // The provider's id is stored already, for a line or for another conversation: a replay the
      // caller sorts out (ChannelInbox finds the original), never a second copy.
      const before = item.channelRecord && recordedBefore.get(channelKey(item.accountId, item.channelRecord));
      if (before && (before.seq !== null || before.conversation_id !== item.conversationId)) {
        results.push({ ok: false, error: channelRecorded() });
        continue;
      }
      const refused = refusal(conv, item.sender);
      if (refused) {
        results.push({ ok: false, error: refused });
        continue;
      }
      let files: StoredAttachment[] = [];
      if (item.attachmentIds?.length && item.sender.kind !== 'system') {
        const side = item.sender.kind === 'visitor' ? 'visitor' : 'agent';
        const claimed = claims.claim(item.accountId, item.conversationId, side, item.attachmentIds);
        if (claimed instanceof AppError) {
          results.push({ ok: false, error: claimed });
          continue;
        }
        files = claimed;
      } else if (item.text.length === 0) {
        results.push({
          ok: false,
          error: new AppError(400, 'empty_message', 'write something or attach a file'),
        });
        continue;
      }
      conv.last_seq += 1;
      if (item.sender.kind === 'agent' && !item.sender.automated && conv.first_response_at === null) {
        conv.first_response_at = now;
        answered.push(item.conversationId);
      }
      const row: Selectable<MessagesTable> = {
        conversation_id: item.conversationId,
        seq: conv.last_seq,
        account_id: item.accountId,
        sender_kind: item.sender.kind as SenderKind,
        sender_id: senderId,
        sender_name:
          item.sender.kind === 'visitor' || item.sender.kind === 'system' ? null : item.sender.name,
        echo_id: item.echoId,
        body: item.text,
        attachments:
          files.length > 0
            ? JSON.stringify(files)
            : item.rich && item.sender.kind === 'bot'
              ? JSON.stringify(item.rich)
              : null,
        created_at: now,
      };
      rows.push(row);
      if (item.channelRecord) recorded.push({ item, seq: conv.last_seq });
      if (item.mentions?.length && item.sender.kind === 'note')
        mentioned.push({
          accountId: item.accountId,
          conversationId: item.conversationId,
          seq: conv.last_seq,
          authorId: senderId,
          userIds: item.mentions,
        });
      if (files.length > 0) claims.sent(item.conversationId, item.attachmentIds!, conv.last_seq);
      const message = toMessage(row);
      // Web chat delivers over the socket after commit; every other channel sends through the
      // outbox, written in this transaction so a crash after commit still sends and one before sends nothing.
      if ((item.sender.kind === 'agent' || item.sender.kind === 'invitation') && conv.channel !== 'web') {
        outbound.push(
          outboxRowOf(
            item.accountId,
            item.conversationId,
            conv.last_seq,
            conv.channel,
            now,
            item.outboxPayload ?? null,
          ),
        );
        message.deliveryStatus = 'queued';
      }
      if (key) seen.set(key, message);
      results.push({ ok: true, message, duplicate: false });
      const list = hooks.get(item.accountId) ?? [];
      if (list.length === 0) hooks.set(item.accountId, list);
      list.push({ type: 'message.created', timestamp, data: { message, channel: conv.channel } });
    }

    if (rows.length > 0) {
      // The conversations' rows change only on an agent's first reply: their last sequence
      // number and message time are read from the messages themselves (see `messageTotals`
      // in conversation-rows.ts).
      if (answered.length > 0) {
        await trx
          .updateTable('conversations')
          .set({ first_response_at: now })
          .where('id', 'in', answered)
          .where('first_response_at', 'is', null)
          .execute();
        // Nothing else writes while this transaction holds SQLite's write lock: the count moved by this update alone.
        if (this.states) this.states.movedTo(await this.changeCount(trx));
      }
      for (const chunk of statementRuns(rows, INSERT_CHUNK, this.caps.keptStatements)) {
        const params: unknown[] = [];
        for (const r of chunk) pushRow(params, r);
        await runShaped(
          trx,
          `${this.caps.messageTable}:insert:${chunk.length}`,
          () =>
            trx
              .insertInto(this.caps.messageTable)
              .values(chunk.map((r) => pick(r, MESSAGE_COLUMNS)))
              .compile(),
          params,
        );
      }
      await claims.bind(trx);
      const seen = new Map<string, string[]>();
      for (const { item } of recorded) {
        if (!item.seenContactId) continue;
        const ids = seen.get(item.accountId) ?? [];
        if (ids.length === 0) seen.set(item.accountId, ids);
        ids.push(item.seenContactId);
      }
      for (const [accountId, ids] of seen)
        await trx
          .updateTable('contacts')
          .set({ last_seen_at: now })
          .where('account_id', '=', accountId)
          .where('id', 'in', [...new Set(ids)])
          .where('last_seen_at', '<', now)
          .execute();
      if (outbound.length > 0) await trx.insertInto('outbox').values(outbound).execute();
      if (mentioned.length > 0) await insertMentions(trx, mentioned, now);
      // Written here, not before: the line and its provider id commit together, in one sync to disk.
      if (recorded.length > 0) await this.recordChannelLines(trx, recorded, now);
    }
    let queuedHooks = 0;
    for (const [accountId, events] of hooks)
      queuedHooks += await this.webhooks.queueIn(trx, accountId, events, now);
    return { results, queuedOut: outbound.length, hooks: queuedHooks };
  }

  /**
   * The provider ids of the batch's channel lines, with their lines' seqs: one statement per run of
   * rows (statementRuns), its SQL text compiled once per row count. A busy webhook's batch of a few
   * dozen lines paid a query built and compiled for each.
   */
  private async recordChannelLines(
    trx: Transaction<Database>,
    recorded: readonly { item: AppendItem; seq: number }[],
    now: number,
  ): Promise<void> {
    // One row per provider id (the last line's seq, as one upsert after another would leave it):
    // PostgreSQL refuses a statement that updates the same row twice.
    const rows = new Map<string, ChannelMessagesTable>();
    for (const { item, seq } of recorded) {
      const r = item.channelRecord!;
      rows.set(channelKey(item.accountId, r), {
        account_id: item.accountId,
        channel: r.channel,
        external_id: r.externalId,
        conversation_id: item.conversationId,
        seq,
        direction: 'in',
        created_at: now,
      });
    }
    const all = [...rows.values()];
    for (const chunk of statementRuns(all, INSERT_CHUNK, this.caps.keptStatements)) {
      const params: unknown[] = [];
      for (const r of chunk)
        params.push(
          r.account_id,
          r.channel,
          r.external_id,
          r.conversation_id,
          r.seq,
          r.direction,
          r.created_at,
        );
      await runShaped(
        trx,
        `channel_messages:record:${chunk.length}`,
        () =>
          trx
            .insertInto('channel_messages')
            .values(chunk)
            .onConflict((oc) =>
              oc
                .columns(['account_id', 'channel', 'external_id'])
                .doUpdateSet((eb) => ({ seq: eb.ref('excluded.seq') })),
            )
            .compile(),
        params,
      );
    }
  }

  /** The `channel_messages` rows the batch's channel lines name already, by `channelKey`. */
  private async channelRecords(
    trx: Transaction<Database>,
    items: readonly AppendItem[],
  ): Promise<Map<string, { conversation_id: string; seq: number | null }>> {
    const found = new Map<string, { conversation_id: string; seq: number | null }>();
    const groups = new Map<string, { accountId: string; channel: string; ids: string[] }>();
    for (const i of items) {
      if (!i.channelRecord) continue;
      const g = `${i.accountId}\u0000${i.channelRecord.channel}`;
      const group = groups.get(g) ?? { accountId: i.accountId, channel: i.channelRecord.channel, ids: [] };
      if (group.ids.length === 0) groups.set(g, group);
      group.ids.push(i.channelRecord.externalId);
    }
    for (const { accountId, channel, ids } of groups.values())
      for (const chunk of statementRuns(ids, PROBE_CHUNK, this.caps.keptStatements)) {
        const { rows } = await runShaped<{
          external_id: string;
          conversation_id: string;
          seq: number | null;
        }>(
          trx,
          `channel_messages:recorded:${chunk.length}`,
          () =>
            trx
              .selectFrom('channel_messages')
              .select(['external_id', 'conversation_id', 'seq'])
              .where('account_id', '=', accountId)
              .where('channel', '=', channel as ChannelMessagesTable['channel'])
              .where('external_id', 'in', chunk)
              .compile(),
          [accountId, channel, ...chunk],
        );
        for (const r of rows)
          found.set(channelKey(accountId, { channel, externalId: r.external_id }), {
            conversation_id: r.conversation_id,
            seq: r.seq === null ? null : Number(r.seq),
          });
      }
    return found;
  }

  /**
   * The batch's conversations with their last sequence numbers, which the batch updates in place.
   * SQLite: the states kept in memory (see ConversationStates) for those written to since the store
   * last counted a conversation change, read from the store for the others; a failed batch drops
   * them all (appendBatch).
   */
  private async conversationsOf(
    trx: Kysely<Database>,
    ids: string[],
  ): Promise<Map<string, ConversationState>> {
    const states = this.states;
    const read = async (of: string[]) =>
      (await this.lockConversations(trx, of)).map((r) => [r.id, stateOf(r)] as const);
    if (!states) return new Map(await read(ids));
    const count = await this.changeCount(trx);
    if (count < 0) {
      states.forget(); // not counted (a store migrated without the count): read them all
      return new Map(await read(ids));
    }
    states.sync(count);
    const missing = ids.filter((id) => states.get(id) === undefined);
    if (missing.length > 0) for (const [id, state] of await read(missing)) states.set(id, state);
    const out = new Map<string, ConversationState>();
    for (const id of ids) {
      const state = states.get(id);
      if (state) out.set(id, state);
    }
    return out;
  }

  /** SQLite: how many conversation changes the store has counted (0014-conversation-changes.ts). */
  private async changeCount(trx: Kysely<Database>): Promise<number> {
    const r = await runShaped<{ n: number }>(
      trx,
      'messages:conversation-changes',
      () => trx.selectFrom('conversation_changes').select('n').compile(),
      [],
    );
    return Number(r.rows[0]?.n ?? -1);
  }

  /**
   * The batch's conversations with their last sequence numbers, locked until the transaction ends
   * (PostgreSQL: row locks in id order; SQLite: the transaction holds the write lock already).
   * PostgreSQL reads the numbers in a statement of its own, after the locks: a statement that
   * waited for a lock still reads with the snapshot it started with, which would miss the
   * messages of the transaction it waited for.
   */
  private async lockConversations(trx: Kysely<Database>, ids: string[]): Promise<ConvRow[]> {
    if (!this.caps.rowLocks) {
      const found: ConvRow[] = [];
      for (const run of statementRuns(ids, LOOKUP_CHUNK, this.caps.keptStatements)) {
        const { rows } = await runShaped<ConvRow>(
          trx,
          `messages:conversations:${run.length}`,
          () =>
            trx
              .selectFrom('conversations')
              .select([...CONV_COLUMNS, lastSeq])
              .where('id', 'in', run)
              .compile(),
          run,
        );
        found.push(...rows);
      }
      return found;
    }
    const locked = await runShaped<ConvRow>(
      trx,
      `messages:lock-conversations:${ids.length}`,
      () =>
        trx
          .selectFrom('conversations')
          .select(CONV_COLUMNS)
          .where('id', 'in', ids)
          .orderBy('id')
          .forNoKeyUpdate()
          .compile(),
      ids,
    );
    // Per conversation, as on SQLite: one backward seek of the (conversation_id, seq) key each.
    // An aggregate grouped over the batch's conversations read all their messages, so a batch got
    // slower as its conversations grew (9 ms at 300 lines each, against under 1 ms this way).
    const seqs = await runShaped<{ id: string; last_seq: number | string }>(
      trx,
      `messages:last-seqs:${ids.length}`,
      () => trx.selectFrom('conversations').select(['id', lastSeq]).where('id', 'in', ids).compile(),
      ids,
    );
    const last = new Map(seqs.rows.map((r) => [r.id, r.last_seq]));
    return locked.rows.map((r) => ({ ...r, last_seq: last.get(r.id) ?? 0 }));
  }

  /**
   * True when this user wrote in the conversation (a reply or a note): they may read it after it
   * moved on. With `echoId`: when they wrote that line (a timeline entry written once).
   */
  async hasSender(
    accountId: string,
    conversationId: string,
    senderId: string,
    echoId?: string,
  ): Promise<boolean> {
    let q = this.db
      .selectFrom('messages')
      .select('seq')
      .where('conversation_id', '=', conversationId)
      .where('account_id', '=', accountId)
      .where('sender_id', '=', senderId);
    q =
      echoId === undefined
        ? q.where('sender_kind', 'in', ['agent', 'note'])
        : q.where('echo_id', '=', echoId);
    const row = await q.limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /** Messages by conversation and sequence number, in one read; keyed `conversationId:seq`. */
  async atSeqs(
    accountId: string,
    keys: readonly { conversationId: string; seq: number }[],
  ): Promise<Map<string, Message>> {
    const out = new Map<string, Message>();
    if (keys.length === 0) return out;
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('account_id', '=', accountId)
      .where(({ or, and, eb }) =>
        or(keys.map((k) => and([eb('conversation_id', '=', k.conversationId), eb('seq', '=', k.seq)]))),
      )
      .execute();
    for (const row of rows) {
      const m = toMessage(row);
      out.set(`${m.conversationId}:${m.seq}`, m);
    }
    return out;
  }

  /** Messages after `afterSeq`, in order; `visitorView` leaves internal notes out. */
  async after(
    accountId: string,
    conversationId: string,
    afterSeq: number,
    opts: { limit?: number; visitorView?: boolean } = {},
  ): Promise<Message[]> {
    let q = this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('account_id', '=', accountId)
      .where('seq', '>', afterSeq);
    if (opts.visitorView) q = q.where('sender_kind', '!=', 'note');
    const rows = await q
      .orderBy('seq')
      .limit(Math.min(Math.max(opts.limit ?? 500, 1), 1000))
      .execute();
    return rows.map(toMessage);
  }
}
