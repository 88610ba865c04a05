import type { DeliveryStatus, Message } from '@beckon/protocol/chat-api';
import { type Kysely, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import { AppError, notFound } from '../errors.ts';
import { newTimeId } from '../ids.ts';
import { claimDue, type DueQuery, extendClaims, idsByClaimToken, settleClaim } from './lease-claim.ts';
import type { OutboxStatus, OutboxTable } from './outbox-schema.ts';
import type { ConversationsTable, Database } from './schema.ts';
import type { StoreCapabilities } from './store-capabilities.ts';
import type { Deferral } from './wal-sync.ts';

export type OutboxRow = Selectable<OutboxTable>;

/** A line's delivery as agents see it (`sending` shows as `queued`: it has not left yet). */
export interface Delivery {
  seq: number;
  status: DeliveryStatus;
  reason: string | null;
}

/** How far a status is along the way: a late report never moves a line back. */
const RANK: Record<OutboxStatus, number> = {
  queued: 0,
  sending: 0,
  failed: 0,
  // It may have left: a receipt from the provider says it did.
  in_doubt: 1,
  sent: 1,
  delivered: 2,
  read: 3,
};

/** The outbox row of an agent line, written in the transaction that stores the line. */
export function outboxRowOf(
  accountId: string,
  conversationId: string,
  seq: number,
  channel: ConversationsTable['channel'],
  now: number,
  payload: string | null = null,
): OutboxTable {
  return {
    id: newTimeId('out', now),
    account_id: accountId,
    conversation_id: conversationId,
    seq,
    channel,
    idempotency_key: `${conversationId}:${seq}`,
    status: 'queued',
    attempts: 0,
    next_attempt_at: now,
    lease_until: null,
    claim_token: null,
    last_error: null,
    provider_id: null,
    payload,
    pace_per_minute: null,
    paced_at: null,
    once: 0,
    launched_at: null,
    created_at: now,
    updated_at: now,
  };
}

/** The reason an agent reads for a message in doubt. */
export const IN_DOUBT_REASON =
  'not known whether the provider took it: the send was cut off before its answer (the server stopped, the provider did not answer in time or the connection broke), so it is not sent again';

/** Agents see a message in doubt as failed with the reason: a Retry sends it again, by their choice. */
export const deliveryOf = (r: Pick<OutboxRow, 'seq' | 'status' | 'last_error'>): Delivery => ({
  seq: Number(r.seq),
  status: r.status === 'sending' ? 'queued' : r.status === 'in_doubt' ? 'failed' : r.status,
  reason: r.status === 'failed' || r.status === 'in_doubt' ? r.last_error : null,
});

/**
 * Durable outbound sends: rows are claimed with a lease by any node's dispatcher, then settled
 * by the claim that holds them. A row whose lease ran out (its node died mid-send) is due again.
 */
export class OutboxRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly caps: StoreCapabilities,
  ) {}

  /**
   * Claims up to `limit` due rows (queued and due, or sending with a lapsed lease) for `leaseMs`,
   * counting an attempt each; of a conversation's lines only the earliest one still on its way. PostgreSQL skips rows another node is claiming right now; SQLite
   * runs one writer at a time. Each claim carries a token: only its holder settles the row.
   */
  async claim(
    now: number,
    limit: number,
    leaseMs: number,
    pacedEarlyMs = 0,
    /**
     * A SQLite file: the claim does not wait for its sync. A claim lost in a crash leaves its rows
     * due again, as a crash after it would (they are sent again either way); the settle's sync
     * covers it (the WAL is synced in order). Waiting made every batch wait for a sync behind the
     * sender's pages before its first send.
     */
    unsynced?: Deferral,
    /** Told, per channel, how many messages this claim settled in doubt. */
    onDoubt?: (byChannel: Map<string, number>) => void,
  ): Promise<OutboxRow[]> {
    // A conversation's lines leave in order: a line waits while an earlier one is still on its way
    // (queued, retrying or sending). A line that failed for good holds nothing up.
    // A paced line that holds its moment may be claimed up to `pacedEarlyMs` before it, so the
    // sender waits for the moment rather than the next poll finding it late (outbox-dispatcher.ts).
    return claimDue(
      this.db,
      this.caps,
      'outbox',
      now,
      limit,
      leaseMs,
      (q) => {
        const outbox = q as unknown as SelectQueryBuilder<Database, 'outbox', { id: string }>;
        return (
          outbox
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom('outbox as e')
                    .select(sql`1`.as('one'))
                    .whereRef('e.conversation_id', '=', 'outbox.conversation_id')
                    .whereRef('e.seq', '<', 'outbox.seq')
                    .where('e.status', 'in', ['queued', 'sending']),
                ),
              ),
            )
            // Early only while it waits: a row being sent (its lease not yet out) is never claimed early.
            .where(({ or, and, eb }) =>
              or([
                eb('outbox.next_attempt_at', '<=', now),
                and([eb('outbox.paced_at', 'is not', null), eb('outbox.status', '=', 'queued')]),
              ]),
            ) as unknown as DueQuery
        );
      },
      now + pacedEarlyMs,
      unsynced,
      (trx) => this.doubt(trx, now).then((n) => onDoubt?.(n)),
    );
  }

  /**
   * Messages sent at most once whose claim lapsed during their provider request (its node died, or
   * lost the store for a whole lease): settled `in_doubt`, never claimed again. The claim's token
   * stays, so that claim's late answer may still settle it sent. Per channel, the counts settled.
   */
  async doubt(db: Kysely<Database>, now: number): Promise<Map<string, number>> {
    const rows = await db
      .updateTable('outbox')
      .set({
        status: 'in_doubt',
        last_error: IN_DOUBT_REASON,
        lease_until: null,
        next_attempt_at: now,
        updated_at: now,
      })
      .where('status', '=', 'sending')
      .where('next_attempt_at', '<=', now)
      .where('launched_at', 'is not', null)
      .where('once', '=', 1)
      .returning('channel')
      .execute();
    const n = new Map<string, number>();
    for (const r of rows) n.set(r.channel, (n.get(r.channel) ?? 0) + 1);
    return n;
  }

  /**
   * Marks rows in hand as launched: their provider requests begin. Committed (and, on a SQLite
   * file, synced) before any of them is sent, so a crash during a request leaves the row in doubt
   * rather than due again. Only rows whose claims still hold them; the ids marked.
   */
  async launch(rows: readonly OutboxRow[], now: number): Promise<Set<string>> {
    const byToken = idsByClaimToken(rows);
    const marked = new Set<string>();
    if (byToken.size === 0) return marked;
    await this.db.transaction().execute(async (trx) => {
      for (const [token, ids] of byToken) {
        const r = await trx
          .updateTable('outbox')
          .set({ launched_at: now })
          .where('claim_token', '=', token)
          .where('id', 'in', ids)
          .where('status', '=', 'sending')
          .returning('id')
          .execute();
        for (const x of r) marked.add(x.id);
      }
    });
    return marked;
  }

  /**
   * A message sent at most once whose send was given up on (no answer in time): in doubt, its
   * token kept so the late answer may still settle it sent. False when the claim no longer held it.
   */
  async inDoubt(row: OutboxRow, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('outbox')
      .set({ status: 'in_doubt', last_error: IN_DOUBT_REASON, lease_until: null, updated_at: now })
      .where('id', '=', row.id)
      .where('claim_token', '=', row.claim_token)
      .where('status', '=', 'sending')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Extends the leases of rows in hand to `until`; the ids whose claims still held them. */
  extend(rows: readonly OutboxRow[], until: number): Promise<Set<string>> {
    return extendClaims(this.db, 'outbox', rows, until, this.caps.rowLocks);
  }

  /**
   * Settles many sent rows at once: one update for all (each row only while its claim holds it)
   * and one insert of their provider ids, in one transaction. Row by row, a batch of 64 made 128
   * round trips to PostgreSQL in a row, each a wait on a loaded machine: the outbox could settle
   * no faster than about 100 a second. Returns the ids whose claims still held them.
   */
  async sentMany(
    items: readonly { row: OutboxRow; status: 'sent' | 'delivered'; providerId: string | null }[],
    now: number,
  ): Promise<Set<string>> {
    const done = new Set<string>();
    if (items.length === 0) return done;
    const ids = [...new Set(items.map((i) => i.row.id))].sort();
    const byId = new Map(items.map((i) => [i.row.id, i]));
    const pick = (value: (i: (typeof items)[number]) => string | null) =>
      sql.join(
        ids.map((id) => sql`when ${id} then ${value(byId.get(id)!)}`),
        sql` `,
      );
    await this.db.transaction().execute(async (trx) => {
      // Rows in id order, as the heartbeat locks them: the two never deadlock (PostgreSQL).
      if (this.caps.rowLocks)
        await trx
          .selectFrom('outbox')
          .select('id')
          .where('id', 'in', ids)
          .orderBy('id')
          .forUpdate()
          .execute();
      const settled = await trx
        .updateTable('outbox')
        .set({
          status: sql<OutboxStatus>`case id ${pick((i) => i.status)} end`,
          provider_id: sql<string | null>`case id ${pick((i) => i.providerId)} end`,
          last_error: null,
          updated_at: now,
          lease_until: null,
          claim_token: null,
        })
        .where('id', 'in', ids)
        // A row in doubt keeps its claim's token: that claim's late answer says it was sent.
        .where('status', 'in', ['sending', 'in_doubt'])
        .where('claim_token', '=', sql<string>`case id ${pick((i) => i.row.claim_token)} end`)
        .returning('id')
        .execute();
      for (const r of settled) done.add(r.id);
      const parts = [...done]
        .map((id) => byId.get(id)!)
        .filter((i) => i.providerId !== null)
        .map((i) => ({
          account_id: i.row.account_id,
          channel: i.row.channel,
          external_id: i.providerId!,
          conversation_id: i.row.conversation_id,
          seq: Number(i.row.seq),
          direction: 'out' as const,
          created_at: now,
        }));
      if (parts.length > 0)
        await trx
          .insertInto('channel_messages')
          .values(parts)
          .onConflict((oc) => oc.doNothing())
          .execute();
    });
    return done;
  }

  /** The claim's send failed: due again at `retryAt`, or failed for good when it is null. */
  async failed(row: OutboxRow, reason: string, retryAt: number | null, now: number): Promise<boolean> {
    return settleClaim(this.db, 'outbox', row, {
      status: retryAt === null ? 'failed' : 'queued',
      next_attempt_at: retryAt ?? now,
      last_error: reason.slice(0, 500),
      // a paced message's retry takes a new moment
      paced_at: null,
      launched_at: null,
      updated_at: now,
    });
  }

  /**
   * A paced message claimed before its moment: queued again, due at the moment it now holds,
   * without counting the claim as a try.
   */
  async postpone(row: OutboxRow, at: number, now: number): Promise<boolean> {
    return settleClaim(this.db, 'outbox', row, {
      status: 'queued',
      attempts: Math.max(0, Number(row.attempts) - 1),
      next_attempt_at: at,
      paced_at: at,
      updated_at: now,
    });
  }

  /** A failed line queued again by hand (the console's Retry): due now, with a fresh count of attempts. */
  async retry(accountId: string, conversationId: string, seq: number, now: number): Promise<OutboxRow> {
    const row = await this.get(accountId, conversationId, seq);
    // A message in doubt shows as failed: sending it again is the agent's choice.
    if (row.status !== 'failed' && row.status !== 'in_doubt')
      throw new AppError(409, 'not_failed', `this message is ${deliveryOf(row).status}, not failed`);
    const r = await this.db
      .updateTable('outbox')
      .set({
        status: 'queued',
        attempts: 0,
        next_attempt_at: now,
        last_error: null,
        launched_at: null,
        claim_token: null,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .where('status', '=', row.status)
      .returningAll()
      .executeTakeFirst();
    if (!r) throw new AppError(409, 'conflict', 'the message changed meanwhile; try again');
    return r;
  }

  /**
   * A channel's report of what became of a sent line (a receipt): moves it forward only, never
   * back (a late "delivered" after "read" changes nothing). Returns the row when it moved.
   */
  async report(
    accountId: string,
    where:
      | { conversationId: string; seq: number }
      | { channel: ConversationsTable['channel']; providerId: string },
    status: 'delivered' | 'read',
    now: number,
  ): Promise<OutboxRow | undefined> {
    let q = this.db.selectFrom('outbox').selectAll().where('account_id', '=', accountId);
    q =
      'providerId' in where
        ? q.where('channel', '=', where.channel).where('provider_id', '=', where.providerId)
        : q.where('conversation_id', '=', where.conversationId).where('seq', '=', where.seq);
    const row = await q.executeTakeFirst();
    if (!row || RANK[row.status] === 0 || RANK[row.status] >= RANK[status]) return undefined;
    const r = await this.db
      .updateTable('outbox')
      .set({ status, updated_at: now })
      .where('id', '=', row.id)
      .where('status', '=', row.status)
      .returningAll()
      .executeTakeFirst();
    return r;
  }

  /**
   * A provider's report that a line it accepted never reached the customer (WhatsApp's `failed`
   * status): a sent line ends failed with the provider's reason, so the agent can send it again.
   */
  async undelivered(
    accountId: string,
    where: { channel: ConversationsTable['channel']; providerId: string },
    reason: string,
    now: number,
  ): Promise<OutboxRow | undefined> {
    return this.db
      .updateTable('outbox')
      .set({ status: 'failed', last_error: reason.slice(0, 500), updated_at: now })
      .where('account_id', '=', accountId)
      .where('channel', '=', where.channel)
      .where('provider_id', '=', where.providerId)
      .where('status', 'in', ['sent', 'delivered'])
      .returningAll()
      .executeTakeFirst();
  }

  /** One line's outbox row (404 when the line never went through the outbox). */
  async get(accountId: string, conversationId: string, seq: number): Promise<OutboxRow> {
    const row = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('seq', '=', seq)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (!row) throw notFound('outbound message');
    return row;
  }

  /**
   * Messages with the delivery state of each agent line that went through the outbox (lines of
   * conversations on another channel than web chat); one read, and none without agent lines.
   */
  async decorate(accountId: string, conversationId: string, messages: Message[]): Promise<Message[]> {
    const agentLines = messages.filter((m) => m.senderKind === 'agent');
    if (agentLines.length === 0) return messages;
    const states = await this.deliveries(
      accountId,
      conversationId,
      agentLines[0]!.seq,
      agentLines.at(-1)!.seq,
    );
    for (const m of agentLines) {
      const d = states.get(m.seq);
      if (!d) continue;
      m.deliveryStatus = d.status;
      if (d.reason) m.deliveryReason = d.reason;
    }
    return messages;
  }

  /** Delivery states of a conversation's lines in `[fromSeq, toSeq]`, by sequence number. */
  async deliveries(
    accountId: string,
    conversationId: string,
    fromSeq = 0,
    toSeq = 2 ** 31,
  ): Promise<Map<number, Delivery>> {
    const rows = await this.db
      .selectFrom('outbox')
      .select(['seq', 'status', 'last_error'])
      .where('conversation_id', '=', conversationId)
      .where('seq', '>=', fromSeq)
      .where('seq', '<=', toSeq)
      .where('account_id', '=', accountId)
      .execute();
    return new Map(rows.map((r) => [Number(r.seq), deliveryOf(r)]));
  }

  /**
   * Lines of a conversation sent (or delivered) by `watermark` and not yet at `status`: a
   * provider that reports by time (Messenger's watermark) moves all of them at once.
   */
  async sentBefore(
    accountId: string,
    conversationId: string,
    watermark: number,
    status: 'delivered' | 'read',
  ): Promise<number[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .select('seq')
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .where('status', 'in', status === 'read' ? ['sent', 'delivered'] : ['sent'])
      .where('updated_at', '<=', watermark)
      .orderBy('seq')
      .execute();
    return rows.map((r) => Number(r.seq));
  }
}
