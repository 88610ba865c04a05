import type { Kysely, Selectable, SelectQueryBuilder } from 'kysely';
import { randomToken } from '../ids.ts';
import type { Database } from './schema.ts';
import type { StoreCapabilities } from './store-capabilities.ts';

/** Queues worked under a lease: rows with these columns, claimed and settled alike. */
export type LeasedTable =
  | 'outbox'
  | 'webhook_deliveries'
  | 'automation_events'
  | 'retention_sweeps'
  | 'sla_sweeps'
  | 'broadcast_jobs'
  | 'scheduled_messages';

/** The columns every leased queue has. */
interface LeaseColumns {
  id: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  claim_token: string | null;
  updated_at: number;
}

/** The query of due rows' ids, before its order and limit. */
export type DueQuery = SelectQueryBuilder<Record<LeasedTable, LeaseColumns>, LeasedTable, { id: string }>;

/** The table seen through its lease columns only, so one query serves every leased queue. */
const leased = (db: Kysely<Database>) => db as unknown as Kysely<Record<LeasedTable, LeaseColumns>>;

/**
 * Claims up to `limit` due rows of a leased queue (queued and due, or sending with a lapsed
 * lease) for `leaseMs`, counting an attempt each. PostgreSQL skips rows another node is claiming
 * right now (`FOR UPDATE SKIP LOCKED`); SQLite runs one writer at a time. Each claim carries a
 * token: only its holder settles the row.
 */
export async function claimDue<T extends LeasedTable>(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  table: T,
  now: number,
  limit: number,
  leaseMs: number,
  /** Narrows which due rows may be claimed (the outbox: a conversation's lines in order). */
  narrow: (q: DueQuery) => DueQuery = (q) => q,
  /** Rows due up to this time are looked at (default `now`; `narrow` decides which may go early). */
  dueBy = now,
): Promise<Selectable<Database[T]>[]> {
  const token = randomToken(16);
  const until = now + leaseMs;
  const rows = await leased(db)
    .transaction()
    .execute(async (trx) => {
      let due = narrow(
        trx
          .selectFrom(table as LeasedTable)
          .select('id')
          .where('status', 'in', ['queued', 'sending'])
          .where('next_attempt_at', '<=', dueBy),
      )
        .orderBy('next_attempt_at')
        .limit(limit);
      if (caps.rowLocks) due = due.forUpdate().skipLocked();
      const ids = (await due.execute()).map((r) => r.id);
      if (ids.length === 0) return [];
      return trx
        .updateTable(table as LeasedTable)
        .set((eb) => ({
          status: 'sending',
          attempts: eb('attempts', '+', 1),
          next_attempt_at: until,
          lease_until: until,
          claim_token: token,
          updated_at: now,
        }))
        .where('id', 'in', ids)
        .returningAll()
        .execute();
    });
  return rows as unknown as Selectable<Database[T]>[];
}

/**
 * Settles a claimed row with `values` (and its lease cleared), only while the claim still holds
 * it; false when the lease had lapsed and another claim took the row.
 */
export async function settleClaim<T extends LeasedTable>(
  db: Kysely<Database>,
  table: T,
  row: { id: string; claim_token: string | null },
  values: Partial<Selectable<Database[T]>>,
): Promise<boolean> {
  const r = await leased(db)
    .updateTable(table as LeasedTable)
    .set({ ...(values as Partial<LeaseColumns>), lease_until: null, claim_token: null })
    .where('id', '=', row.id)
    .where('claim_token', '=', row.claim_token)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Settles many claimed rows in one transaction (one commit, one sync of the log for them all);
 * each result says whether its claim still held the row.
 */
export async function settleClaims<T extends LeasedTable>(
  db: Kysely<Database>,
  table: T,
  items: readonly {
    row: { id: string; claim_token: string | null };
    values: Partial<Selectable<Database[T]>>;
  }[],
): Promise<boolean[]> {
  if (items.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const out: boolean[] = [];
    for (const it of items) out.push(await settleClaim(trx, table, it.row, it.values));
    return out;
  });
}
