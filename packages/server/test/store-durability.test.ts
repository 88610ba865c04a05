import assert from 'node:assert/strict';
import { fsync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { connectStore } from '../src/store/connect.ts';
import { deferSyncTo, openSqlite } from '../src/store/sqlite-dialect.ts';
import { Deferral, type Fsync, WalSync } from '../src/store/wal-sync.ts';
import { postgresSkipReasonNow, TEST_PG_URL } from './helpers/postgres.ts';
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

  for (const setting of ['full', 'normal'] as const) {
    test(`BECKON_SQLITE_SYNCHRONOUS=${setting} reaches the connection that commits chat messages`, async () => {
      const server = await startTestServer({ store: 'sqlite', env: { BECKON_SQLITE_SYNCHRONOUS: setting } });
      try {
        const { store } = server.node.ctx;
        // SQLite's own sync at COMMIT is off on the socket thread either way: `full` syncs the WAL
        // from the thread pool before a write's caller goes on.
        const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
        assert.equal(rows[0]?.synchronous, NORMAL);
        if (setting === 'normal') return assert.equal(store.walSync, null);
        const wal = store.walSync!;
        const before = wal.syncs;
        await store.db.selectFrom('accounts').selectAll().execute();
        assert.equal(wal.syncs, before, 'a read syncs nothing');
        await store.accounts.create('Durable Ltd');
        assert.ok(wal.syncs > before, 'a write is synced before it returns');
        // Writes at once share syncs: each waits for one that began after its commit.
        const synced = wal.syncs;
        await Promise.all(Array.from({ length: 40 }, (_, i) => store.accounts.create(`Shop ${i}`)));
        const used = wal.syncs - synced;
        assert.ok(used >= 1 && used < 40, `${used} syncs for 40 writes`);
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

const pgSkip = postgresSkipReasonNow();

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

describe('the WAL sync of a full store, off the socket thread', () => {
  test('a write waits for a sync that began after its commit; those that come meanwhile share one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beckon-walsync-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'beckon.db-wal'), 'frames');
    // The disk's flushes, finished when the test says so (each one really flushes the file).
    const pending: Array<() => void> = [];
    const wal = new WalSync(join(dir, 'beckon.db-wal'), (fd, done) => pending.push(() => fsync(fd, done)));
    const settled: string[] = [];
    const track = (name: string, p: Promise<void>) => p.then(() => settled.push(name));
    const first = track('first', wal.sync());
    const second = track('second', wal.sync()); // committed while the first flush runs
    const third = track('third', wal.sync());
    assert.equal(pending.length, 1, 'one flush at a time');
    pending.shift()!();
    await first;
    assert.deepEqual(settled, ['first'], 'the first flush may have missed what came after it');
    await until(() => pending.length === 1);
    pending.shift()!();
    await Promise.all([second, third]);
    assert.deepEqual(settled, ['first', 'second', 'third']);
    assert.equal(wal.syncs, 2);
    wal.close();
  });

  test("a batch's commit returns before its sync, which its deferral awaits; other writes wait for their own", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beckon-walsync-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const pending: Array<() => void> = [];
    const flush: Fsync = (fd, done) => pending.push(() => fsync(fd, done));
    const { db, wal } = openSqlite(join(dir, 'beckon.db'), { synchronous: 'full', flush });
    try {
      const created = sql`create table lines (body text)`.execute(db);
      await until(() => pending.length === 1);
      pending.shift()!();
      await created;
      const batch = new Deferral();
      await db.transaction().execute(async (trx) => {
        await deferSyncTo(trx, batch);
        await sql`insert into lines values ('first')`.execute(trx);
      });
      assert.equal(pending.length, 1, 'committed, and its flush begun but not finished');
      let durable = false;
      const synced = batch.durable().then(() => {
        durable = true;
      });
      // A write that did not join waits for a flush that began after its commit.
      let plainDone = false;
      const plain = sql`insert into lines values ('second')`.execute(db).then(() => {
        plainDone = true;
      });
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(durable, false, 'not durable before the flush');
      assert.equal(plainDone, false, 'a plain write waits for its sync');
      pending.shift()!();
      await synced;
      await until(() => pending.length === 1);
      pending.shift()!();
      await plain;
      // The connection forgets the deferral with its transaction: the next one waits for its sync.
      let thirdDone = false;
      const third = db
        .transaction()
        .execute((trx) => sql`insert into lines values ('third')`.execute(trx))
        .then(() => {
          thirdDone = true;
        });
      await until(() => pending.length === 1);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(thirdDone, false, 'an unmarked transaction waits for its own sync');
      pending.shift()!();
      await third;
      const rows = await sql<{ body: string }>`select body from lines`.execute(db);
      assert.deepEqual(
        rows.rows.map((r) => r.body),
        ['first', 'second', 'third'],
      );
    } finally {
      while (pending.length > 0) pending.shift()!();
      await db.destroy();
      wal?.close();
    }
  });

  test("a bulk load's commits are synced once, when it ends (the demo's history)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beckon-walsync-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    let flushes = 0;
    const flush: Fsync = (fd, done) => {
      flushes++;
      fsync(fd, done);
    };
    const { db, wal } = openSqlite(join(dir, 'beckon.db'), { synchronous: 'full', flush });
    try {
      await sql`create table lines (body text)`.execute(db);
      const before = flushes;
      let flushesInside = -1;
      await wal!.unsyncedDuring(async () => {
        for (let i = 0; i < 50; i++) await sql`insert into lines values (${String(i)})`.execute(db);
        flushesInside = flushes - before;
      });
      assert.equal(flushesInside, 0, 'no flush per commit inside the section');
      assert.equal(flushes - before, 1, 'one flush once it ends, before it resolves');
      await sql`insert into lines values ('after')`.execute(db);
      assert.equal(flushes - before, 2, 'a write after it waits for its own flush again');
      const rows = await sql<{ n: number }>`select count(*) as n from lines`.execute(db);
      assert.equal(rows.rows[0]?.n, 51);
    } finally {
      await db.destroy();
      wal?.close();
    }
  });

  test('a failed flush fails the writes that waited for it, and the next write tries again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beckon-walsync-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'beckon.db-wal'), 'frames');
    let fail = true;
    const wal = new WalSync(join(dir, 'beckon.db-wal'), (fd, done) =>
      fail ? done(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' })) : fsync(fd, done),
    );
    await assert.rejects(wal.sync(), /EIO/);
    fail = false;
    await wal.sync();
    wal.close();
  });
});

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(ok());
}
