import type { RetentionKind } from '@beckon/protocol/governance-api';
import { type Kysely, sql } from 'kysely';
import { refreshVisitorsFacts } from './contact-facts.ts';
import type { Database } from './schema.ts';
import type { StoreCapabilities } from './store-capabilities.ts';
import { forgetMarksBefore } from './visitor-marks.ts';

/** What one batch removed: rows, and where the bytes of removed files were. */
export interface BatchResult {
  rows: number;
  files: string[];
}

const rowsOf = (r: { numAffectedRows?: bigint }) => Number(r.numAffectedRows ?? 0n);

/**
 * Each account's retention limits, and the batched deletes that apply them. Every delete takes at
 * most `limit` rows in one statement (one short transaction), so a large backlog is removed in
 * many small steps and other writers run in between.
 */
export class RetentionRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly caps: StoreCapabilities,
  ) {}

  /** The limits an account has set (kinds it has not set are absent). */
  async policyOf(accountId: string): Promise<Partial<Record<RetentionKind, number>>> {
    const rows = await this.db
      .selectFrom('retention_policies')
      .select(['kind', 'days'])
      .where('account_id', '=', accountId)
      .execute();
    return Object.fromEntries(rows.map((r) => [r.kind, Number(r.days)]));
  }

  async setPolicy(accountId: string, limits: Partial<Record<RetentionKind, number>>): Promise<void> {
    const rows = Object.entries(limits).map(([kind, days]) => ({ account_id: accountId, kind, days: days! }));
    if (rows.length === 0) return;
    await this.db
      .insertInto('retention_policies')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['account_id', 'kind']).doUpdateSet((eb) => ({ days: eb.ref('excluded.days') })),
      )
      .execute();
  }

  /** When the account's last sweep settled and when the next is due. */
  async sweepOf(accountId: string): Promise<{ lastAt: number | null; nextAt: number | null }> {
    const row = await this.db
      .selectFrom('retention_sweeps')
      .select(['updated_at', 'next_attempt_at', 'attempts'])
      .where('id', '=', accountId)
      .executeTakeFirst();
    if (!row) return { lastAt: null, nextAt: null };
    return {
      lastAt: Number(row.attempts) > 0 ? Number(row.updated_at) : null,
      nextAt: Number(row.next_attempt_at),
    };
  }

  /** Gives every account without one a sweep row, due now. */
  async scheduleNewAccounts(now: number): Promise<void> {
    await sql`insert into retention_sweeps (id, status, attempts, next_attempt_at, updated_at, last_deleted)
      select a.id, 'queued', 0, ${now}, ${now}, 0 from accounts a
      where not exists (select 1 from retention_sweeps s where s.id = a.id)
      on conflict (id) do nothing`.execute(this.db);
  }

  /** Deletes up to `limit` rows of a key-less log table older than `before`. */
  async deleteOld(
    table: 'events' | 'event_frames' | 'visitor_sessions' | 'visitors' | 'audit_log',
    column: 'ts' | 'last_event_at' | 'last_seen_at' | 'at',
    accountId: string,
    before: number,
    limit: number,
  ): Promise<BatchResult> {
    const ref = sql.raw(this.caps.rowRef);
    const doomed = sql`${sql.table(table)} where ${ref} in (
      select ${ref} from ${sql.table(table)}
      where account_id = ${accountId} and ${sql.ref(column)} < ${before} limit ${limit})`;
    if (table !== 'visitor_sessions') {
      const r = await sql`delete from ${doomed}`.execute(this.db);
      // Sections viewed and carts put together before then go with the frames they came from
      // (and with the carts, their contacts' open carts).
      if (table === 'event_frames')
        await this.db.transaction().execute((trx) => forgetMarksBefore(trx, accountId, before));
      return { rows: rowsOf(r), files: [] };
    }
    // A deleted visit may have been its contact's latest with a country (the contact's facts).
    return this.db.transaction().execute(async (trx) => {
      const r = await sql<{ site_id: string; visitor_id: string }>`delete from ${doomed}
        returning site_id, visitor_id`.execute(trx);
      await refreshVisitorsFacts(
        trx,
        r.rows.map((v) => [v.site_id, v.visitor_id] as const),
      );
      return { rows: r.rows.length, files: [] };
    });
  }

  /**
   * Deletes up to `limit` messages of conversations closed before `before` (both message tables,
   * live translation's lines beside them, and assist's summary, which quotes them).
   */
  async deleteClosedMessages(accountId: string, before: number, limit: number): Promise<BatchResult> {
    const ref = sql.raw(this.caps.rowRef);
    let rows = 0;
    for (const table of [
      'messages_stored',
      'messages_recent',
      'message_translations',
      'conversation_summaries',
    ] as const) {
      const r = await sql`delete from ${sql.table(table)} where ${ref} in (
        select m.${ref} from ${sql.table(table)} m join conversations c on c.id = m.conversation_id
        where c.account_id = ${accountId} and c.closed_at < ${before} limit ${limit - rows})`.execute(
        this.db,
      );
      rows += rowsOf(r);
      if (rows >= limit) break;
    }
    return { rows, files: [] };
  }

  /** Clears the visitor's name, e-mail and comment of up to `limit` conversations closed before `before`. */
  async scrubClosedConversations(accountId: string, before: number, limit: number): Promise<BatchResult> {
    const r = await this.db
      .updateTable('conversations')
      .set({ visitor_name: null, visitor_email: null, csat_comment: null })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('conversations')
          .select('id')
          .where('account_id', '=', accountId)
          .where('closed_at', '<', before)
          .where((w) =>
            w.or([
              w('visitor_name', 'is not', null),
              w('visitor_email', 'is not', null),
              w('csat_comment', 'is not', null),
            ]),
          )
          .limit(limit),
      )
      .executeTakeFirst();
    return { rows: Number(r.numUpdatedRows), files: [] };
  }

  /**
   * Up to `limit` attachments, uploaded before `before` or (with `closedBefore`) in conversations
   * closed before it: their storage keys, so the files go first, then `forgetAttachments`.
   */
  async oldAttachments(accountId: string, before: number, limit: number, closedBefore = false) {
    let q = this.db
      .selectFrom('attachments as a')
      .select(['a.id', 'a.storage_key'])
      .where('a.account_id', '=', accountId)
      .limit(limit);
    q = closedBefore
      ? q.innerJoin('conversations as c', 'c.id', 'a.conversation_id').where('c.closed_at', '<', before)
      : q.where('a.created_at', '<', before);
    return q.execute();
  }

  async forgetAttachments(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const r = await this.db.deleteFrom('attachments').where('id', 'in', ids).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
