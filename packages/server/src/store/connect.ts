import type Sqlite from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { openSqlite } from './sqlite-dialect.ts';
import { DEFAULT_PG_POOL_SIZE, DEFAULT_SQLITE_SYNCHRONOUS, type SqliteSynchronous } from './store-config.ts';
import { startWalCheckpoints, type WalCheckpointTuning } from './wal-checkpoints.ts';

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
}

export interface StoreConnection {
  kind: StoreKind;
  db: Kysely<Database>;
  /** SQLite only: the file (':memory:' included) and the connection itself, for a writer thread. */
  sqlite?: { file: string; connection: Sqlite.Database; synchronous: SqliteSynchronous };
  /** A thread moves new chat messages on from `messages_recent` (a SQLite file; see wal-checkpoints.ts). */
  movesMessages?: boolean;
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
      ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { kind: 'postgres', db, close: () => db.destroy() };
  }
  const file = opts.sqlitePath ?? ':memory:';
  const synchronous = opts.sqliteSynchronous ?? DEFAULT_SQLITE_SYNCHRONOUS;
  const { sqlite, db, gate } = openSqlite(file, { synchronous });
  const checkpoints =
    file === ':memory:' ? null : startWalCheckpoints(file, sqlite, opts.walTuning ?? {}, gate);
  return {
    kind: 'sqlite',
    db,
    sqlite: { file, connection: sqlite, synchronous },
    movesMessages: checkpoints !== null,
    close: async () => {
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
