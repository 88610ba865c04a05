import type { Kysely, Selectable, SelectQueryBuilder } from 'kysely';
import { randomToken } from '../ids.ts';
import type { Database } from './schema.ts';
import { deferSyncTo } from './sqlite-dialect.ts';
import type { StoreCapabilities } from './store-capabilities.ts';
import type { Deferral } from './wal-sync.ts';

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
  /** A SQLite file: the claim's sync joins this instead of being awaited (see `OutboxRepo.claim`). */
  unsynced?: Deferral,
  /** Runs first in the claim's transaction (the outbox: settles lapsed sends in doubt). */
  prelude?: (trx: Kysely<Database>) => Promise<void>,
): Promise<Selectable<Database[T]>[]> {
  const token = randomToken(16);
  const until = now + leaseMs;
  const rows = await leased(db)
    .transaction()
    .execute(async (trx) => {
      if (unsynced) await deferSyncTo(trx as unknown as Kysely<Database>, unsynced);
      if (prelude) await prelude(trx as unknown as Kysely<Database>);
      // One read per status: each walks the index (status, next_attempt_at) in order and stops at
      // the limit. One read of both statuses would sort every due row first, which on a queue tens
      // of thousands deep (a broadcast) made each claim scan it all while holding the write lock.
      const due: { id: string; next_attempt_at: number }[] = [];
      for (const status of ['queued', 'sending']) {
        let q = narrow(
          trx
            .selectFrom(table as LeasedTable)
            .select('id')
            .where('status', '=', status)
            .where('next_attempt_at', '<=', dueBy),
        )
          .select('next_attempt_at')
          .orderBy('next_attempt_at')
          .limit(limit);
        if (caps.rowLocks) q = q.forUpdate().skipLocked();
        due.push(...(await q.execute()));
      }
      const ids = due
        .sort((a, b) => Number(a.next_attempt_at) - Number(b.next_attempt_at))
        .slice(0, limit)
        .map((r) => r.id);
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

/**
 * Extends the lease of rows still in hand to `until` (a heartbeat), only where each claim still
 * holds its row; returns the ids it kept. A row missing from the answer was lost: its lease lapsed
 * before this beat and another claim took it, or it was settled meanwhile.
 */
export async function extendClaims(
  db: Kysely<Database>,
  table: LeasedTable,
  rows: readonly { id: string; claim_token: string | null }[],
  until: number,
  /** PostgreSQL: the rows are locked in id order first, the order a batch of settles takes them. */
  rowLocks = false,
): Promise<Set<string>> {
  const byToken = idsByClaimToken(rows);
  const kept = new Set<string>();
  if (byToken.size === 0) return kept;
  await leased(db)
    .transaction()
    .execute(async (trx) => {
      // An update locks its rows in the order it finds them, which is not the settles' order: a
      // beat and a batch of settles each held a row the other wanted (a deadlock), and the loser's
      // rows were left to their lease, to be sent again.
      if (rowLocks)
        await trx
          .selectFrom(table)
          .select('id')
          .where(
            'id',
            'in',
            rows.filter((r) => r.claim_token !== null).map((r) => r.id),
          )
          .orderBy('id')
          .forUpdate()
          .execute();
      for (const [token, ids] of byToken) {
        const r = await trx
          .updateTable(table)
          .set({ lease_until: until, next_attempt_at: until })
          .where('claim_token', '=', token)
          .where('id', 'in', ids)
          .where('status', '=', 'sending')
          .returning('id')
          .execute();
        for (const x of r) kept.add(x.id);
      }
    });
  return kept;
}

/** Rows' ids grouped by the claim that holds them; rows no claim holds are left out. */
export function idsByClaimToken(
  rows: readonly { id: string; claim_token: string | null }[],
): Map<string, string[]> {
  const byToken = new Map<string, string[]>();
  for (const r of rows) {
    if (r.claim_token === null) continue;
    const ids = byToken.get(r.claim_token);
    if (ids) ids.push(r.id);
    else byToken.set(r.claim_token, [r.id]);
  }
  return byToken;
}
