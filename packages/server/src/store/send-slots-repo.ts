import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { StoreCapabilities } from './store-capabilities.ts';

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
   * Takes the next moment a paced message may leave on the account's channel: now, or `step` ms
   * after the last one taken, whichever is later. Every node's outbox takes it before a send, so
   * messages that fell due together (a node catching up) still leave `step` apart.
   */
  async pace(accountId: string, channel: string, now: number, step: number): Promise<number> {
    const [at] = await this.paceMany([{ accountId, channel, step, n: 1 }], now);
    return at![0]!;
  }

  /**
   * Takes `n` moments for each account and channel named, `step` ms apart from the next free one,
   * in one transaction: a claimed batch of paced messages waits for one commit, not one each.
   */
  async paceMany(
    wants: readonly { accountId: string; channel: string; step: number; n: number }[],
    now: number,
  ): Promise<number[][]> {
    if (wants.length === 0) return [];
    // Rows locked in one order, so two nodes taking moments at once cannot deadlock.
    const order = wants
      .map((w, i) => ({ w, i }))
      .sort((a, b) =>
        `${a.w.accountId}\u0000${a.w.channel}`.localeCompare(`${b.w.accountId}\u0000${b.w.channel}`),
      );
    return this.db.transaction().execute(async (trx) => {
      const out: number[][] = new Array(wants.length);
      for (const { w, i } of order) out[i] = await this.take(trx, w.accountId, w.channel, now, w.step, w.n);
      return out;
    });
  }

  private async take(
    trx: Kysely<Database>,
    accountId: string,
    channel: string,
    now: number,
    step: number,
    n: number,
  ): Promise<number[]> {
    await trx
      .insertInto('send_pace')
      .values({ account_id: accountId, channel, next_at: 0 })
      .onConflict((oc) => oc.columns(['account_id', 'channel']).doNothing())
      .execute();
    let q = trx
      .selectFrom('send_pace')
      .select('next_at')
      .where('account_id', '=', accountId)
      .where('channel', '=', channel);
    if (this.caps.rowLocks) q = q.forUpdate();
    const row = await q.executeTakeFirstOrThrow();
    const at = Math.max(Number(row.next_at), now);
    await trx
      .updateTable('send_pace')
      .set({ next_at: Math.round(at + step * n) })
      .where('account_id', '=', accountId)
      .where('channel', '=', channel)
      .execute();
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
