/**
 * How durable a SQLite commit is (`PRAGMA synchronous`, docs/operations.md). Both keep every
 * commit through a crash of the process. `full` also keeps it through power loss or an OS crash:
 * the WAL is synced to disk at every commit, before a chat message is acknowledged.
 */
export type SqliteSynchronous = 'normal' | 'full';

/** The store's own settings, from the environment. */
export interface StoreTuning {
  /** `BECKON_SQLITE_SYNCHRONOUS`: for the connections that commit new rows (the store's, the events writer's). */
  sqliteSynchronous: SqliteSynchronous;
  /** `BECKON_PG_POOL_SIZE`: most PostgreSQL connections one node holds. */
  pgPoolSize: number;
}

/** The default: acknowledged messages survive power loss (docs/operations.md, "Durability"). */
export const DEFAULT_SQLITE_SYNCHRONOUS: SqliteSynchronous = 'full';
export const DEFAULT_PG_POOL_SIZE = 10;

/** Reads the store's settings; a bad value stops the node at start with the variable named. */
export function loadStoreTuning(env: NodeJS.ProcessEnv): StoreTuning {
  const sync = (env.BECKON_SQLITE_SYNCHRONOUS || DEFAULT_SQLITE_SYNCHRONOUS).toLowerCase();
  if (sync !== 'normal' && sync !== 'full')
    throw new Error(
      `invalid BECKON_SQLITE_SYNCHRONOUS: ${env.BECKON_SQLITE_SYNCHRONOUS} (use normal or full)`,
    );
  const pool = Number(env.BECKON_PG_POOL_SIZE ?? DEFAULT_PG_POOL_SIZE);
  if (!Number.isInteger(pool) || pool < 1 || pool > 1000)
    throw new Error(`invalid BECKON_PG_POOL_SIZE: ${env.BECKON_PG_POOL_SIZE} (an integer from 1 to 1000)`);
  return { sqliteSynchronous: sync, pgPoolSize: pool };
}
