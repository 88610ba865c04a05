import pg from 'pg';
import { probeServiceSync } from './service-probe.ts';

/** The PostgreSQL server tests use: DATABASE_URL, else the machine's local server. */
export const TEST_PG_URL =
  process.env.DATABASE_URL || process.env.BECKON_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';

let probe: Promise<string | null> | undefined;
let known: string | null | undefined;

/**
 * postgresSkipReason's answer without awaiting, for a suite that decides to skip as it is declared
 * (a test file's top level must not await: see service-probe.ts). Asked once per process.
 */
export function postgresSkipReasonNow(): string | null {
  if (known === undefined) {
    const why = probeServiceSync('postgres', TEST_PG_URL);
    known =
      why === null ? null : `PostgreSQL at ${TEST_PG_URL} is unreachable (${why}); PostgreSQL tests skipped`;
    if (known !== null) {
      if (process.env.CI === 'true') throw new Error(`${known} — but CI requires them`);
      console.warn(known);
    }
    probe ??= Promise.resolve(known);
  }
  return known;
}

/**
 * Resolves to null when PostgreSQL answers, else the reason to skip.
 * Under CI (CI=true) an unreachable server is a failure, never a skip. A missing server refuses at
 * once; the long timeout is for a busy process, whose event loop can be held for seconds while the
 * files of its group load (one process probes once for all of them).
 */
export function postgresSkipReason(): Promise<string | null> {
  probe ??= (async () => {
    // Three tries: a file of the same group running synchronous SQLite work can hold this process's
    // event loop past a try's deadline, which then fails although the server answered. A server
    // that is not there refuses each try at once.
    let reason = '';
    for (let attempt = 1; attempt <= 3; attempt++) {
      const c = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 20_000 });
      try {
        await c.connect();
        await c.query('select 1');
        return null;
      } catch (err) {
        reason = `PostgreSQL at ${TEST_PG_URL} is unreachable (${(err as Error).message}); PostgreSQL tests skipped`;
      } finally {
        await c.end().catch(() => {});
      }
    }
    if (process.env.CI === 'true') throw new Error(`${reason} — but CI requires them`);
    console.warn(reason);
    return reason;
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

/**
 * A fresh database name for one test server: its prefix says whose it is and its middle part when
 * it was made, so a later run can tell what a crashed one left behind (schema-template.ts).
 */
export const newDatabaseName = () =>
  `beckon_t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
