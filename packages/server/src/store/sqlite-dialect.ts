import Sqlite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  type SqliteDatabase,
  SqliteDialect,
} from 'kysely';
import type { Database } from './schema.ts';
import { WAL_SIZE_LIMIT } from './wal-checkpoints.ts';

/** Prepared statements kept per connection, by SQL text (batch statements vary with their row count). */
const STATEMENT_CACHE_SIZE = 500;
const BEGIN_IMMEDIATE = CompiledQuery.raw('begin immediate');

/**
 * Keeps prepared statements by SQL text, least recently used out first. Kysely prepares every query
 * it runs; on the message path that was about a twentieth of a node's CPU. Safe because Kysely
 * never runs two statements at once on its one SQLite connection.
 */
export function cachingStatements(db: SqliteDatabase, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, ReturnType<SqliteDatabase['prepare']>>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql);
      } else {
        stmt = db.prepare(sql);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

/**
 * Kysely's SQLite dialect with write transactions that take the write lock when they begin
 * (`BEGIN IMMEDIATE`). A deferred transaction that reads and then writes fails at once with
 * SQLITE_BUSY when another connection to the file (a writer thread, a CLI command) committed
 * in between; an immediate one waits for the lock (busy timeout) and then sees the latest rows.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(BEGIN_IMMEDIATE);
    };
    return driver;
  }
}

/**
 * Opens a connection to a store's SQLite file the way every connection of a node does (WAL,
 * foreign keys, a busy timeout so connections wait for each other's write lock), with Kysely over
 * it. `thread`: a writer thread's own connection, which never checkpoints inside its commits
 * (the store's checkpointer thread does, see wal-checkpoints.ts).
 */
export function openSqlite(
  file: string,
  opts: { thread?: boolean; statements?: number } = {},
): { sqlite: Sqlite.Database; db: Kysely<Database> } {
  const sqlite = new Sqlite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Statement journals (every multi-row INSERT or UPDATE inside a transaction keeps one) and
  // temporary sort trees in memory: in a file they cost a create, writes and an unlink per
  // statement — about a third of the CPU of committing a batch of chat messages.
  sqlite.pragma('temp_store = MEMORY');
  if (opts.thread) sqlite.pragma('wal_autocheckpoint = 0');
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`); // a WAL grown past this shrinks back when it starts over
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: cachingStatements(sqlite, opts.statements) }),
  });
  return { sqlite, db };
}
