import { Counter, Histogram, type Registry } from 'prom-client';
import type { WalCheckpoints } from '../store/wal-checkpoints.ts';

/**
 * A SQLite node's checkpointer, seen from outside: how long the store's statements were held for
 * each WAL reset and each move of recent chat messages (every chat message written meanwhile waits
 * that long), and how often each kind of checkpoint ran. Nothing on PostgreSQL.
 */
export function registerStoreMetrics(registry: Registry, checkpoints: WalCheckpoints | null): void {
  if (!checkpoints) return;
  const held = new Histogram({
    name: 'beckon_sqlite_statements_held_seconds',
    help: "How long the store's statements were held, by why (reset: the checkpointer thread starting the WAL over; move: recent chat messages moved on)",
    labelNames: ['kind'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5],
    registers: [registry],
  });
  checkpoints.onHeld = (kind, ms) => held.observe({ kind }, ms / 1000);
  const seen = { resets: 0, restarts: 0, moves: 0, startsOver: 0, late: 0 };
  const events = {
    resets: 'reset',
    restarts: 'restart',
    moves: 'move',
    startsOver: 'started_over',
    late: 'late',
  };
  new Counter({
    name: 'beckon_sqlite_checkpoints_total',
    help: 'SQLite WAL checkpointer events: reset passes, RESTARTs, message moves, WAL starts over, and holds let go before the thread answered or asked for too late (late)',
    labelNames: ['event'] as const,
    registers: [registry],
    collect() {
      for (const key of Object.keys(seen) as (keyof typeof seen)[]) {
        const now = checkpoints.counts[key];
        if (now > seen[key]) this.inc({ event: events[key] }, now - seen[key]);
        seen[key] = now;
      }
    },
  });
}
