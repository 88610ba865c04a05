import pg from 'pg';

/** The PostgreSQL server tests use: DATABASE_URL, else the machine's local server. */
export const TEST_PG_URL =
  process.env.DATABASE_URL || process.env.BECKON_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';

let probe: Promise<string | null> | undefined;

/**
 * Resolves to null when PostgreSQL answers, else the reason to skip.
 * Under CI (CI=true) an unreachable server is a failure, never a skip.
 */
export function postgresSkipReason(): Promise<string | null> {
  probe ??= (async () => {
    const c = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.query('select 1');
      return null;
    } catch (err) {
      const reason = `PostgreSQL at ${TEST_PG_URL} is unreachable (${(err as Error).message}); PostgreSQL tests skipped`;
      if (process.env.CI === 'true') throw new Error(`${reason} — but CI requires them`);
      console.warn(reason);
      return reason;
    } finally {
      await c.end().catch(() => {});
    }
  })();
  return probe;
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}

/** A fresh schema name for one test server or store. */
export const newSchemaName = () => `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
