import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  SqliteDialect,
} from 'kysely';

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
