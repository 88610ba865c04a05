import type Sqlite from 'better-sqlite3';
import { Kysely } from 'kysely';
import pg from 'pg';
import { SchemaPostgresDialect } from './pg-introspector.ts';
import type { Database } from './schema.ts';
import { openSqlite } from './sqlite-dialect.ts';
import { keepPlannerStats } from './sqlite-stats.ts';
import { DEFAULT_PG_POOL_SIZE, DEFAULT_SQLITE_SYNCHRONOUS, type SqliteSynchronous } from './store-config.ts';
import { startWalCheckpoints, type WalCheckpoints, type WalCheckpointTuning } from './wal-checkpoints.ts';
import type { WalSync } from './wal-sync.ts';

export type StoreKind = 'sqlite' | 'postgres';

export interface StoreConnectionOptions {
  /** PostgreSQL URL; when absent the embedded SQLite file at `sqlitePath` is used. */
  databaseUrl?: string;
  /** SQLite file path (or ':memory:'). */
  sqlitePath?: string;
  /** PostgreSQL schema to use (created when missing); tests use one per server. */
  pgSchema?: string;
  /** PostgreSQL pool size (`BECKON_PG_POOL_SIZE`). */
  pgPoolSize?: number;
  /** SQLite: `PRAGMA synchronous` of the store's and the events writer's connections (`BECKON_SQLITE_SYNCHRONOUS`). */
  sqliteSynchronous?: SqliteSynchronous;
  /** SQLite file: the checkpointer thread's timings (tests shorten them). */
  walTuning?: WalCheckpointTuning;
  /** SQLite: how often the planner's statistics are looked at (ms; tests shorten it; sqlite-stats.ts). */
  plannerStatsMs?: number;
  /**
   * PostgreSQL: told when an idle pooled connection fails (the server restarted or the network
   * dropped). Without a listener node-postgres raises an unhandled `'error'` and the process exits.
   */
  onConnectionError?: (err: Error) => void;
}

/** How long a new PostgreSQL connection may take before the work that waits for it fails (ms). */
const PG_CONNECT_TIMEOUT_MS = 5_000;
/**
 * How long work may wait for a pooled connection while every one is busy (ms). A busy store is not
 * an unreachable one: at 5 s, statements queued behind a burst on a loaded machine were answered
 * "the store is unreachable". 30 s is HikariCP's default for the same wait.
 */
const PG_POOL_WAIT_MS = 30_000;

/** node-postgres uses one timeout for both waits; this client keeps the short one for connecting. */
class TimedClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super({
      ...(typeof config === 'string' ? { connectionString: config } : config),
      connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    });
  }
}
/** How long one PostgreSQL statement may wait on a silent network before it fails (ms). */
const PG_QUERY_TIMEOUT_MS = 60_000;

export interface StoreConnection {
  kind: StoreKind;
  db: Kysely<Database>;
  /** SQLite only: the file (':memory:' included) and the connection itself, for a writer thread. */
  /** `wal`: syncs the WAL from the thread pool after each write of a `full` store (wal-sync.ts). */
  sqlite?: {
    file: string;
    connection: Sqlite.Database;
    synchronous: SqliteSynchronous;
    wal: WalSync | null;
  };
  /** A thread moves new chat messages on from `messages_recent` (a SQLite file; see wal-checkpoints.ts). */
  movesMessages?: boolean;
  /** A SQLite file: its checkpointer thread (the counts and hold times the metrics show). */
  checkpoints?: WalCheckpoints | null;
  /** Driver-level close (the Kysely destroy closes the pool/file). */
  close(): Promise<void>;
}

// BIGINT (int8) columns hold epoch milliseconds and counts: read them as numbers.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
// NUMERIC as numbers too (money totals, averages).
pg.types.setTypeParser(1700, (v) => Number.parseFloat(v));

/** Opens Kysely over SQLite (WAL, foreign keys, busy timeout) or PostgreSQL, chosen by configuration. */
export async function connectStore(opts: StoreConnectionOptions): Promise<StoreConnection> {
  if (opts.databaseUrl) {
    if (opts.pgSchema) {
      const admin = new pg.Client({ connectionString: opts.databaseUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA IF NOT EXISTS "${opts.pgSchema.replace(/"/g, '')}"`);
      } finally {
        await admin.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.pgPoolSize ?? DEFAULT_PG_POOL_SIZE,
      // A server that is down refuses at once; one behind a cut network never answers. Either way
      // the work waiting for a connection or an answer fails within these limits, not never.
      Client: TimedClient,
      connectionTimeoutMillis: PG_POOL_WAIT_MS,
      query_timeout: PG_QUERY_TIMEOUT_MS,
      keepAlive: true,
      ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}),
    });
    // A connection that fails (an administrator's shutdown, a failover, a cut network) emits 'error'
    // on its client, idle or checked out between two statements of a transaction; with no listener
    // that is an uncaught exception. Each client gets one for its life: the failure is reported once,
    // the work on it fails with the error, and the pool replaces the client on the next query.
    pool.on('connect', (client) => client.on('error', (err) => opts.onConnectionError?.(err)));
    // The pool re-emits an idle client's failure: already reported by the client's own listener.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new SchemaPostgresDialect({ pool }) });
    return { kind: 'postgres', db, close: () => db.destroy() };
  }
  const file = opts.sqlitePath ?? ':memory:';
  const synchronous = opts.sqliteSynchronous ?? DEFAULT_SQLITE_SYNCHRONOUS;
  const { sqlite, db, gate, wal } = openSqlite(file, { synchronous });
  const checkpoints =
    file === ':memory:' ? null : startWalCheckpoints(file, sqlite, opts.walTuning ?? {}, gate);
  const stopStats = keepPlannerStats(sqlite, gate, opts.plannerStatsMs, (err) =>
    process.emitWarning(`SQLite planner statistics not taken: ${(err as Error).message}`),
  );
  return {
    kind: 'sqlite',
    db,
    sqlite: { file, connection: sqlite, synchronous, wal },
    movesMessages: checkpoints !== null,
    checkpoints,
    close: async () => {
      stopStats();
      await checkpoints?.stop();
      await db.destroy();
    },
  };
}

/** True when a driver error is a unique-constraint violation (SQLite or PostgreSQL). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string };
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
