import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { connectStore } from '../src/store/connect.ts';
import { openSqlite } from '../src/store/sqlite-dialect.ts';
import { postgresSkipReason, TEST_PG_URL } from './helpers/postgres.ts';
import { startTestServer } from './helpers/test-server.ts';

/** SQLite's `PRAGMA synchronous` values: what an operator reads back with the sqlite3 shell. */
const NORMAL = 1;
const FULL = 2;

const load = (env: Record<string, string>) => loadConfig({ port: 0 }, env);

describe('store durability settings', () => {
  test('acknowledged messages survive power loss unless the operator chooses otherwise', () => {
    assert.equal(load({}).store.sqliteSynchronous, 'full');
    assert.equal(load({ BECKON_SQLITE_SYNCHRONOUS: 'normal' }).store.sqliteSynchronous, 'normal');
    assert.equal(load({ BECKON_SQLITE_SYNCHRONOUS: 'FULL' }).store.sqliteSynchronous, 'full');
  });

  test('a bad value stops the node at start, naming the variable and what it takes', () => {
    for (const v of ['off', 'extra', '2', 'yes']) {
      assert.throws(
        () => load({ BECKON_SQLITE_SYNCHRONOUS: v }),
        (err: Error) => {
          assert.match(err.message, /BECKON_SQLITE_SYNCHRONOUS/);
          assert.match(err.message, new RegExp(v));
          assert.match(err.message, /normal or full/);
          return true;
        },
      );
    }
    for (const v of ['0', 'ten', '2.5', '-3']) {
      assert.throws(() => load({ BECKON_PG_POOL_SIZE: v }), /invalid BECKON_PG_POOL_SIZE/);
    }
    assert.equal(load({}).store.pgPoolSize, 10);
    assert.equal(load({ BECKON_PG_POOL_SIZE: '25' }).store.pgPoolSize, 25);
  });

  for (const [setting, expected] of [
    ['full', FULL],
    ['normal', NORMAL],
  ] as const) {
    test(`BECKON_SQLITE_SYNCHRONOUS=${setting} reaches the connection that commits chat messages`, async () => {
      const server = await startTestServer({ store: 'sqlite', env: { BECKON_SQLITE_SYNCHRONOUS: setting } });
      try {
        const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(
          server.node.ctx.store.db,
        );
        assert.equal(rows[0]?.synchronous, expected);
      } finally {
        await server.close();
      }
    });
  }

  test('a writer thread connection opens with the store setting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'beckon-sync-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    for (const [setting, expected] of [
      ['full', FULL],
      ['normal', NORMAL],
    ] as const) {
      const { sqlite } = openSqlite(join(dir, 'beckon.db'), { thread: true, synchronous: setting });
      try {
        assert.equal(sqlite.pragma('synchronous', { simple: true }), expected);
      } finally {
        sqlite.close();
      }
    }
  });
});

const pgSkip = await postgresSkipReason();

describe('PostgreSQL pool size', { skip: pgSkip ?? false }, () => {
  test('a node holds at most BECKON_PG_POOL_SIZE connections, however many queries wait', async () => {
    const { store } = load({ BECKON_PG_POOL_SIZE: '2' });
    const c = await connectStore({ databaseUrl: TEST_PG_URL, pgPoolSize: store.pgPoolSize });
    try {
      const pids = await Promise.all(
        Array.from({ length: 6 }, () =>
          sql<{ pid: number }>`select pg_backend_pid() as pid, pg_sleep(0.05)`
            .execute(c.db)
            .then((r) => r.rows[0]!.pid),
        ),
      );
      assert.equal(pids.length, 6);
      assert.equal(new Set(pids).size, 2);
    } finally {
      await c.close();
    }
  });
});
