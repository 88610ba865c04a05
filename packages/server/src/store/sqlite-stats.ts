import type Sqlite from 'better-sqlite3';

/** How often the planner's statistics are looked at (a look that finds nothing to do costs ~30 µs). */
export const PLANNER_STATS_EVERY_MS = 60_000;
/** The errors of a file locked by another connection: the look is made again next time. */
const LOCKED = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED']);
/** Rows read per index when a table is analysed: a few milliseconds even for a large table. */
const ANALYSIS_LIMIT = 400;

/**
 * Keeps SQLite's planner statistics (`sqlite_stat1`) current, as SQLite advises for a long-lived
 * connection: `PRAGMA optimize` when the store opens and every minute. It analyses only the tables
 * never analysed or grown or shrunk many times over since, each on a sample of its indexes.
 *
 * Without statistics SQLite read `account_id = ? and id in (…)` through the account's index, that
 * is every conversation of the account, instead of by id: 24 ms for 16 conversations of an account
 * with 100,000, on the socket thread, for each batch a broadcast sent. PostgreSQL keeps its own.
 * A tick that finds a transaction open, the checkpointer's hold or another connection's write lock
 * waits for the next one.
 */
export function keepPlannerStats(
  sqlite: Sqlite.Database,
  gate: { readonly closed: boolean },
  everyMs = PLANNER_STATS_EVERY_MS,
  /** Told of a look that failed for another reason than a lock (it is tried again next time). */
  onError?: (err: unknown) => void,
): () => void {
  const look = () => {
    // Not inside another's transaction, nor while the checkpointer holds the connection's statements.
    if (!sqlite.open || sqlite.inTransaction || gate.closed) return;
    try {
      sqlite.pragma('optimize = 0x10002');
    } catch (err) {
      // Another connection holds the write lock (a writer thread, the checkpointer): the pragma does
      // not wait past the connection's few milliseconds. Thrown from a timer, it ended the node.
      if (!LOCKED.has((err as { code?: string }).code ?? '')) onError?.(err);
    }
  };
  sqlite.pragma(`analysis_limit = ${ANALYSIS_LIMIT}`);
  look();
  const timer = setInterval(look, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
