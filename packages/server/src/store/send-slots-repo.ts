import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';
import { deferSyncTo } from './sqlite-dialect.ts';
import type { StoreCapabilities } from './store-capabilities.ts';
import type { Deferral } from './wal-sync.ts';

/** The span one `send_slots` row books; its times are spread evenly over it. */
export const SLOT_WINDOW_MS = 60_000;
/** Booked minutes older than this are deleted when the account books again. */
const KEEP_MS = 3_600_000;

/**
 * Sending times per account and channel, shared by every node: a minute holds `perMinute` times,
 * `60 000 / perMinute` ms apart, and each booking takes the next free ones at or after the time
 * wanted. Two nodes booking at once are serialised by the row (PostgreSQL locks it; SQLite has one
 * writer), so the account's limit holds however many nodes send.
 */
export class SendSlotsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly caps: StoreCapabilities,
  ) {}

  /**
   * Takes `n` moments for each account and channel named, `step` ms apart from the next free one:
   * now, or `step` after the last one taken, whichever is later. Every node's outbox takes them
   * before a send, so messages that fell due together (a node catching up) still leave `step` apart.
   * Each channel's moments are one statement (an upsert that moves the row on and returns it): its
   * row is locked only while that statement commits, never across round trips to the node. Taken
   * in a transaction (select for update, then update) the lock was held while the node, busy with
   * a sender's pages, got round to the next statement, and every claim and send of the channel
   * queued behind it.
   */
  async paceMany(
    wants: readonly { accountId: string; channel: string; step: number; n: number }[],
    now: number,
    /** A SQLite file: the moments' sync joins this instead of being awaited (a moment lost in a crash is taken again). */
    unsynced?: Deferral,
  ): Promise<number[][]> {
    if (unsynced)
      return this.db.transaction().execute(async (trx) => {
        await deferSyncTo(trx, unsynced);
        const out: number[][] = [];
        for (const w of wants) out.push(await this.take(w.accountId, w.channel, now, w.step, w.n, trx));
        return out;
      });
    return Promise.all(wants.map((w) => this.take(w.accountId, w.channel, now, w.step, w.n)));
  }

  private async take(
    accountId: string,
    channel: string,
    now: number,
    step: number,
    n: number,
    db: Kysely<Database> = this.db,
  ): Promise<number[]> {
    const span = Math.round(step * n);
    const from = Math.round(now);
    const row = await db
      .insertInto('send_pace')
      .values({ account_id: accountId, channel, next_at: from + span })
      .onConflict((oc) =>
        oc.columns(['account_id', 'channel']).doUpdateSet({
          next_at: sql<number>`(case when send_pace.next_at > ${from} then send_pace.next_at else ${from} end) + ${span}`,
        }),
      )
      .returning('next_at')
      .executeTakeFirstOrThrow();
    const at = Number(row.next_at) - span;
    return Array.from({ length: n }, (_, i) => Math.round(at + step * i));
  }

  /**
   * Books `n` times from `from` on, in the caller's transaction; returns them in order. Times the
   * minute had free before `from` are passed over (they are gone).
   */
  async book(
    trx: Kysely<Database>,
    accountId: string,
    channel: string,
    from: number,
    n: number,
    perMinute: number,
  ): Promise<number[]> {
    const out: number[] = [];
    const step = SLOT_WINDOW_MS / perMinute;
    let window = Math.floor(from / SLOT_WINDOW_MS) * SLOT_WINDOW_MS;
    await trx
      .deleteFrom('send_slots')
      .where('account_id', '=', accountId)
      .where('channel', '=', channel)
      .where('window_at', '<', from - KEEP_MS)
      .execute();
    while (out.length < n) {
      await trx
        .insertInto('send_slots')
        .values({ account_id: accountId, channel, window_at: window, used: 0 })
        .onConflict((oc) => oc.columns(['account_id', 'channel', 'window_at']).doNothing())
        .execute();
      let q = trx
        .selectFrom('send_slots')
        .select('used')
        .where('account_id', '=', accountId)
        .where('channel', '=', channel)
        .where('window_at', '=', window);
      if (this.caps.rowLocks) q = q.forUpdate();
      const row = await q.executeTakeFirstOrThrow();
      const first = Math.max(Number(row.used), Math.ceil((from - window) / step));
      const take = Math.min(n - out.length, perMinute - first);
      if (take > 0) {
        for (let i = 0; i < take; i++) out.push(Math.round(window + (first + i) * step));
        await trx
          .updateTable('send_slots')
          .set({ used: first + take })
          .where('account_id', '=', accountId)
          .where('channel', '=', channel)
          .where('window_at', '=', window)
          .execute();
      }
      window += SLOT_WINDOW_MS;
    }
    return out;
  }
}
