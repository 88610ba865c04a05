import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../../src/store/schema.ts';
import { eventually } from './chat-fixtures.ts';

/** A conversation's row changed by a transaction that has not committed yet (PostgreSQL). */
export interface HeldRow {
  /** Waits until another statement waits for the row (it read the row before the change). */
  waited(): Promise<void>;
  /** Commits the change; the waiting statement then finds the row changed under it. */
  commit(): Promise<void>;
}

/**
 * Changes a conversation as the router would (an offer made or ended), in a transaction kept open:
 * a change that reads the row now and writes it after meets the race that a busy node meets by
 * chance, every time.
 */
export async function holdConversationRow(
  db: Kysely<Database>,
  id: string,
  change: { status: 'queued' | 'offered'; offered_to: string | null; offered_at: number | null },
): Promise<HeldRow> {
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  let taken!: () => void;
  const rowTaken = new Promise<void>((r) => {
    taken = r;
  });
  const done = db.transaction().execute(async (trx) => {
    await trx.updateTable('conversations').set(change).where('id', '=', id).execute();
    taken();
    await released;
  });
  await Promise.race([rowTaken, done]);
  return {
    waited: () =>
      eventually(
        async () => {
          const r = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
          return r.rows[0]!.n > 0;
        },
        8000,
        'a statement waiting on the held row',
      ).then(() => {}),
    commit: () => {
      release();
      return done;
    },
  };
}
