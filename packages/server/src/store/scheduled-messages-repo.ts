import { CANCELLED_BY_REPLY } from '@beckon/protocol/chat-lines';
import type { ScheduledMessage } from '@beckon/protocol/scheduled-messages';
import { type Kysely, type Selectable, sql } from 'kysely';
import { AppError, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import type { ScheduledMessagesTable } from './collab-schema.ts';
import { claimDue, settleClaim } from './lease-claim.ts';
import { iso } from './rows.ts';
import type { Database } from './schema.ts';
import { runShaped } from './shaped-sql.ts';
import type { StoreCapabilities } from './store-capabilities.ts';

/** The most conversations looked up in one read of `cancelOnReply`. */
const REPLY_CHUNK = 64;

export type ScheduledRow = Selectable<ScheduledMessagesTable>;

/** The echo id of the line a scheduled message becomes: a second try finds the first line. */
export const scheduledEchoId = (id: string) => `scheduled:${id}`;

export const toScheduled = (r: ScheduledRow): ScheduledMessage => ({
  id: r.id,
  conversationId: r.conversation_id,
  authorId: r.author_id,
  authorName: r.author_name,
  text: r.text,
  note: Number(r.note) === 1,
  sendAt: iso(r.send_at)!,
  cancelOnReply: Number(r.cancel_on_reply) === 1,
  status: r.status === 'sending' ? 'queued' : r.status,
  reason: r.last_error,
  sentSeq: r.sent_seq === null ? null : Number(r.sent_seq),
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

const notQueued = (r: ScheduledRow) =>
  new AppError(
    409,
    'not_scheduled',
    `this message is ${r.status === 'sending' ? 'being sent' : r.status}; it can no longer be changed`,
  );

/** Scheduled replies and note reminders: kept until their time, then claimed with a lease by any node. */
export class ScheduledMessagesRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly caps: StoreCapabilities,
  ) {}

  async create(
    accountId: string,
    input: {
      conversationId: string;
      authorId: string;
      authorName: string;
      text: string;
      note: boolean;
      sendAt: number;
      cancelOnReply: boolean;
    },
    now = Date.now(),
  ): Promise<ScheduledMessage> {
    const row: ScheduledRow = {
      id: newId('sched'),
      account_id: accountId,
      conversation_id: input.conversationId,
      author_id: input.authorId,
      author_name: input.authorName,
      note: input.note ? 1 : 0,
      text: input.text,
      send_at: input.sendAt,
      cancel_on_reply: input.cancelOnReply ? 1 : 0,
      status: 'queued',
      attempts: 0,
      next_attempt_at: input.sendAt,
      lease_until: null,
      claim_token: null,
      last_error: null,
      sent_seq: null,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('scheduled_messages').values(row).execute();
    return toScheduled(row);
  }

  /** A conversation's scheduled messages, by time (waiting ones and those settled in the last week). */
  async list(accountId: string, conversationId: string, now = Date.now()): Promise<ScheduledMessage[]> {
    const rows = await this.db
      .selectFrom('scheduled_messages')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .where((eb) =>
        eb.or([eb('status', 'in', ['queued', 'sending']), eb('updated_at', '>=', now - 7 * 86_400_000)]),
      )
      .orderBy('send_at')
      .orderBy('id')
      .limit(200)
      .execute();
    return rows.map(toScheduled);
  }

  async row(accountId: string, conversationId: string, id: string): Promise<ScheduledRow> {
    const row = await this.db
      .selectFrom('scheduled_messages')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('scheduled message');
    return row;
  }

  /** Edits a message still waiting; 409 once it is being sent or settled. */
  async update(
    accountId: string,
    conversationId: string,
    id: string,
    patch: { text?: string; sendAt?: number; cancelOnReply?: boolean },
    now = Date.now(),
  ): Promise<ScheduledMessage> {
    const row = await this.db
      .updateTable('scheduled_messages')
      .set({
        ...(patch.text !== undefined ? { text: patch.text } : {}),
        ...(patch.sendAt !== undefined ? { send_at: patch.sendAt, next_attempt_at: patch.sendAt } : {}),
        ...(patch.cancelOnReply !== undefined ? { cancel_on_reply: patch.cancelOnReply ? 1 : 0 } : {}),
        updated_at: now,
      })
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notQueued(await this.row(accountId, conversationId, id));
    return toScheduled(row);
  }

  /** Cancels a message still waiting; 409 once it is being sent or settled. */
  async cancel(
    accountId: string,
    conversationId: string,
    id: string,
    reason: string | null,
    now = Date.now(),
  ): Promise<ScheduledMessage> {
    const row = await this.db
      .updateTable('scheduled_messages')
      .set({ status: 'cancelled', last_error: reason, updated_at: now })
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notQueued(await this.row(accountId, conversationId, id));
    return toScheduled(row);
  }

  /**
   * Customers wrote in these conversations of an account: waiting messages that asked for it are
   * cancelled. Returns them.
   *
   * This runs for every customer line and nearly always finds nothing: the lines of a turn are
   * looked up together (`ReplyCancels`), in one read compiled once per size, and the write runs only
   * for a conversation with something to cancel. A read per line was about a tenth of the socket
   * thread at half of W3's load; an UPDATE per line was a write statement per line on it.
   */
  async cancelOnReply(
    accountId: string,
    conversationIds: readonly string[],
    now = Date.now(),
  ): Promise<ScheduledMessage[]> {
    const waiting = new Set<string>();
    for (let i = 0; i < conversationIds.length; i += REPLY_CHUNK) {
      const chunk = conversationIds.slice(i, i + REPLY_CHUNK);
      // The list padded to a power of two with its last id: a few statement texts, not one per length.
      let size = 1;
      while (size < chunk.length) size *= 2;
      const ids = [...chunk, ...Array<string>(size - chunk.length).fill(chunk[chunk.length - 1]!)];
      const found = await runShaped<{ conversation_id: string }>(
        this.db,
        `scheduled:cancel-on-reply-waiting:${size}`,
        () =>
          this.db
            .selectFrom('scheduled_messages')
            .select('conversation_id')
            .distinct()
            .where('account_id', '=', accountId)
            .where('conversation_id', 'in', ids)
            .where('cancel_on_reply', '=', sql.lit(1))
            .where('status', '=', sql.lit('queued'))
            .compile(),
        [accountId, ...ids],
      );
      for (const r of found.rows) waiting.add(r.conversation_id);
    }
    const out: ScheduledMessage[] = [];
    for (const conversationId of waiting) {
      const rows = await this.db
        .updateTable('scheduled_messages')
        .set({ status: 'cancelled', last_error: CANCELLED_BY_REPLY, updated_at: now })
        .where('account_id', '=', accountId)
        .where('conversation_id', '=', conversationId)
        .where('cancel_on_reply', '=', 1)
        .where('status', '=', 'queued')
        .returningAll()
        .execute();
      out.push(...rows.map(toScheduled));
    }
    return out;
  }

  /** Claims due messages of every account for `leaseMs`; any node may, none claims one twice. */
  claim(now: number, limit: number, leaseMs: number): Promise<ScheduledRow[]> {
    return claimDue(this.db, this.caps, 'scheduled_messages', now, limit, leaseMs);
  }

  /** The claim stored its line; false when the claim had lapsed. */
  sent(row: ScheduledRow, seq: number, now: number): Promise<boolean> {
    return settleClaim(this.db, 'scheduled_messages', row, {
      status: 'sent',
      sent_seq: seq,
      last_error: null,
      updated_at: now,
    });
  }

  /** The claim could not store its line: due again at `retryAt`, or failed for good when null. */
  failed(row: ScheduledRow, reason: string, retryAt: number | null, now: number): Promise<boolean> {
    return settleClaim(this.db, 'scheduled_messages', row, {
      status: retryAt === null ? 'failed' : 'queued',
      next_attempt_at: retryAt ?? now,
      last_error: reason.slice(0, 500),
      updated_at: now,
    });
  }

  /** Earliest waiting message's time, for the sender's next wake-up. */
  async nextDue(): Promise<number | null> {
    const r = await this.db
      .selectFrom('scheduled_messages')
      .select((eb) => eb.fn.min('next_attempt_at').as('at'))
      .where('status', 'in', ['queued', 'sending'])
      .executeTakeFirst();
    return r?.at == null ? null : Number(r.at);
  }
}
