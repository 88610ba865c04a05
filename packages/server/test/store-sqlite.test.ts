import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Conversation } from '@beckon/protocol/chat-api';
import Sqlite from 'better-sqlite3';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { registerStoreMetrics } from '../src/ops/store-metrics.ts';
import { EventsWriter } from '../src/store/events-writer.ts';
import { openSqlite } from '../src/store/sqlite-dialect.ts';
import { SqliteReaders } from '../src/store/sqlite-readers.ts';
import { Store } from '../src/store/store.ts';
import { ThreadEventsWriter } from '../src/store/thread-events-writer.ts';
import { startWalCheckpoints, type WalCheckpoints } from '../src/store/wal-checkpoints.ts';
import { eventually } from './engagement-fixtures.ts';
import { storeContract } from './store-contract.ts';

/** A migrated store on a file of its own, and how to let go of it. */
async function fileStore() {
  const dir = mkdtempSync(join(tmpdir(), 'beckon-store-'));
  const file = join(dir, 'beckon.db');
  const store = await Store.open({ sqlitePath: file });
  await store.migrate();
  return {
    store,
    file,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

storeContract('SQLite', fileStore);

/** A conversation a visitor opened with the chat button, waiting in the skill's queue. */
function queuedChat(
  store: Store,
  at: { accountId: string; siteId: string; skillId: string },
  visitorId: string,
  extra: Partial<Parameters<Store['conversations']['create']>[0]> = {},
): Promise<Conversation> {
  return store.conversations.create({
    ...at,
    visitorId,
    source: 'button',
    status: 'queued',
    visitorName: null,
    tokenHash: `hash-${visitorId}`,
    ...extra,
  });
}

describe('SQLite store while another connection holds the write lock', () => {
  it('waits for the lock without holding up the thread, then writes (alone and in a transaction)', async () => {
    const { store, file, dispose } = await fileStore();
    const other = new Sqlite(file);
    try {
      other.exec('BEGIN IMMEDIATE'); // another connection (a writer thread, a CLI command) holds the lock
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 5);
      const alone = store.accounts.create('Waits');
      const inTransaction = store.db
        .transaction()
        .execute((trx) =>
          trx
            .insertInto('accounts')
            .values({ id: 'acc_in_trx', name: 'In a transaction', created_at: 1 })
            .execute(),
        );
      let settled = false;
      void Promise.allSettled([alone, inTransaction]).then(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      clearInterval(ticker);
      assert.equal(settled, false, 'nothing is written while the lock is held');
      // SQLite's own wait sleeps the thread: a 5 s busy timeout would have stopped the timers (no
      // tick at all) and then failed with SQLITE_BUSY, since the lock holder could never have let
      // go. A loaded machine runs the 5 ms timer late (15 of 60 ticks seen at load 10): a few ticks
      // already tell a running thread from a sleeping one.
      assert.ok(
        ticks >= 5,
        `the thread kept running while the writes waited (${ticks} ticks of 5 ms in 300 ms)`,
      );
      other.exec('COMMIT');
      const account = await alone;
      await inTransaction;
      assert.equal((await store.accounts.get(account.id))?.name, 'Waits');
      assert.equal((await store.accounts.get('acc_in_trx'))?.name, 'In a transaction');
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      await dispose();
    }
  });
});

describe('SQLite WAL checkpoints', () => {
  it('keeps statement journals and sort trees in memory, not in temporary files', async () => {
    // A multi-row INSERT inside a transaction keeps a statement journal; in a file it costs a
    // create, writes and an unlink per batch of chat messages (a third of the batch's CPU).
    const { store, dispose } = await fileStore();
    try {
      const setting = await sql<{ temp_store: number }>`PRAGMA temp_store`.execute(store.db);
      assert.equal(setting.rows[0]?.temp_store, 2, 'temp_store = MEMORY');
    } finally {
      await dispose();
    }
  });

  it('run on a thread of their own from the start, never inside the store connection’s commits', async () => {
    const { store, file, dispose } = await fileStore();
    try {
      const setting = await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(store.db);
      assert.equal(setting.rows[0]?.wal_autocheckpoint, 0, 'the store connection does not checkpoint');
      // No tag event yet (a node serving only chats): writes land in the WAL, and the thread moves them.
      const before = statSync(file).size;
      for (let i = 0; i < 300; i++) await store.accounts.create(`Account ${i} ${'x'.repeat(500)}`);
      await eventually(() => statSync(file).size > before, 5000);
    } finally {
      await dispose();
    }
  });
});

/** The WAL header's salts: they change each time the WAL starts over. */
function walSalts(file: string): string {
  const fd = openSync(`${file}-wal`, 'r');
  const header = Buffer.alloc(32);
  readSync(fd, header, 0, 32, 0);
  closeSync(fd);
  return header.subarray(16, 24).toString('hex');
}

describe('SQLite WAL under constant writes', () => {
  /**
   * Commits every `pauseMs` or so, as on a chat node, until the WAL started over a few times.
   * `gated`: the store's connection can hold its statements for the checkpointer thread.
   */
  async function constantWrites(gated: boolean, pauseMs = 1, watch?: (checkpoints: WalCheckpoints) => void) {
    const dir = mkdtempSync(join(tmpdir(), 'beckon-wal-'));
    const file = join(dir, 'wal.db');
    const { sqlite, db, gate } = openSqlite(file);
    sqlite.exec('CREATE TABLE lines (k INTEGER PRIMARY KEY, v TEXT)');
    // The WAL header's salts change each time the WAL starts over: these are the thread's.
    const threads = new Set<string>();
    const checkpoints = startWalCheckpoints(
      file,
      sqlite,
      { intervalMs: 50, resetPages: 512, onStartOver: (salts) => threads.add(salts) },
      gated ? gate : undefined,
    );
    watch?.(checkpoints);
    const salts = () => walSalts(file);
    const seen = new Set<string>();
    /** Salts seen after the thread first started the WAL over; checked once its messages are in. */
    const afterThreads = new Set<string>();
    const enough = () =>
      gated ? checkpoints.counts.startsOver >= 4 : checkpoints.counts.resets >= 3 && seen.size >= 4;
    try {
      // A pass the thread makes too slowly on a loaded machine is not counted: the store stops
      // holding after 250 ms; hence the time. The loop ends as soon as the WAL started over enough:
      // a fast machine takes a few seconds, a slow disk beside a browser test took more than 30 s.
      const until = Date.now() + 75_000;
      while (Date.now() < until && !enough()) {
        await db.transaction().execute(async (trx) => {
          for (let j = 0; j < 20; j++)
            await sql`INSERT INTO lines (v) VALUES (${'x'.repeat(400)})`.execute(trx);
        });
        const now = salts();
        seen.add(now);
        if (threads.size > 0) afterThreads.add(now);
        await new Promise((r) => setTimeout(r, pauseMs));
      }
    } finally {
      await checkpoints.stop();
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
    // A hold let go late, or asked for too late (a loaded machine), may leave the WAL growing and
    // the thread RESTARTs for a while, as without a gate. When every hold came in time, none.
    if (checkpoints.counts.late === 0) assert.equal(checkpoints.counts.restarts, 0, 'no writer was held off');
    assert.ok(seen.size >= 3, `the WAL started over (${seen.size - 1} times)`);
    if (!gated) {
      assert.ok(checkpoints.counts.resets >= 2, `reset ${checkpoints.counts.resets} times`);
      return checkpoints.counts;
    }
    // Every time the WAL started over, the thread's commit did it, so the new header's sync ran
    // there; the store's connection (the thread that serves sockets) never did, unless a hold
    // ran out before the thread answered (a loaded machine: the store goes on, as without a gate).
    assert.ok(
      checkpoints.counts.startsOver >= 4,
      `the thread started it over ${checkpoints.counts.startsOver} times`,
    );
    const notThreads = [...afterThreads].filter((salts) => !threads.has(salts));
    assert.ok(
      notThreads.length <= checkpoints.counts.late,
      `the store’s connection started the WAL over ${notThreads.length} times, after ${checkpoints.counts.late} late holds`,
    );
    return checkpoints.counts;
  }

  it('starts over from the thread while the store holds its statements, its thread free (constant writes)', async () => {
    const registry = new Registry();
    const counts = await constantWrites(true, 1, (checkpoints) =>
      registerStoreMetrics(registry, checkpoints),
    );
    assert.ok(counts.resets >= 1, `reset ${counts.resets} times`);
    // What an operator's Prometheus reads: each hold timed, each event counted.
    const text = await registry.metrics();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    const holds = value('beckon_sqlite_statements_held_seconds_count\\{kind="reset"\\}');
    // Each answered reset, each one let go late, and one the stop may have ended.
    assert.ok(
      holds >= counts.resets && holds <= counts.resets + counts.late + 1,
      `${holds} reset holds timed, ${counts.resets} resets, ${counts.late} late`,
    );
    assert.ok(value('beckon_sqlite_statements_held_seconds_sum\\{kind="reset"\\}') > 0);
    assert.equal(value('beckon_sqlite_checkpoints_total\\{event="started_over"\\}'), counts.startsOver);
  });

  it('starts over from the thread after a pass that reached the WAL’s end (paced writes)', async () => {
    await constantWrites(true, 15);
  });

  it('keeps a busy node’s WAL small when it commits during every pass', async () => {
    // A chat node commits every millisecond or so: every checkpoint pass ends after commits it did
    // not copy. The WAL must still start over (the held round copies them), not grow for as long
    // as the node stays busy (it reached 270 MB in ten seconds of W3 before).
    const dir = mkdtempSync(join(tmpdir(), 'beckon-wal-'));
    const file = join(dir, 'wal.db');
    const { sqlite, db, gate } = openSqlite(file);
    sqlite.exec('CREATE TABLE lines (k INTEGER PRIMARY KEY, v TEXT)');
    const resetPages = 512;
    const checkpoints = startWalCheckpoints(file, sqlite, { intervalMs: 50, resetPages }, gate);
    let pages = 0;
    try {
      // Each line is most of a page: thousands of pages go through the WAL (2 s here; a loaded
      // machine takes longer).
      let written = 0;
      const until = Date.now() + 60_000;
      while (written < 6 * resetPages && Date.now() < until) {
        await sql`INSERT INTO lines (v) VALUES (${'x'.repeat(3000)})`.execute(db);
        written++;
        await new Promise((r) => setImmediate(r));
        // A WAL frame: a 24-byte header and a page (4 KB).
        pages = Math.max(pages, Math.round(statSync(`${file}-wal`).size / (24 + 4096)));
      }
      assert.equal(written, 6 * resetPages, 'the lines were written in time');
    } finally {
      await checkpoints.stop();
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
    const { startsOver, late } = checkpoints.counts;
    assert.ok(startsOver >= 1, `started over ${startsOver} times`);
    // Started over soon after passing RESET_PAGES: a few rounds of growth at most, not all of it.
    // A hold let go before the thread answered (a loaded machine) lets the store write during the
    // held round, and that round does not start the WAL over.
    if (late === 0) assert.ok(pages < 4 * resetPages, `the WAL grew to ${pages} pages, ${startsOver} starts`);
  });

  it('holds no writer off while a report read is open: the WAL starts over between reads', async () => {
    // A report read keeps the snapshot it began with, so the WAL cannot start over under it. The
    // missed reset brought RESTARTs, and a RESTART waited for the read while it held every writer
    // (beside a broadcast whose view read for up to a second: 42 in 8 minutes, W12).
    const dir = mkdtempSync(join(tmpdir(), 'beckon-wal-'));
    const file = join(dir, 'wal.db');
    const { sqlite, db, gate } = openSqlite(file);
    sqlite.exec('CREATE TABLE lines (k INTEGER PRIMARY KEY, v TEXT)');
    const checkpoints = startWalCheckpoints(file, sqlite, { intervalMs: 50, resetPages: 512 }, gate);
    const readers = new SqliteReaders(file, 1);
    let reads = 0;
    let writing = true;
    let walPages = 0;
    try {
      // Long reads, with a pause between them, while the store writes all along.
      const reading = (async () => {
        while (writing) {
          await readers.query(
            // Reads the table (so the read holds a snapshot of the file) for a second or so.
            'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) + (SELECT count(*) FROM lines) AS n FROM c',
            [],
          );
          reads++;
          await new Promise((r) => setTimeout(r, 300));
        }
      })();
      const until = Date.now() + 75_000;
      while (Date.now() < until && (reads < 3 || checkpoints.counts.startsOver < 3)) {
        await db.transaction().execute(async (trx) => {
          for (let j = 0; j < 20; j++)
            await sql`INSERT INTO lines (v) VALUES (${'x'.repeat(400)})`.execute(trx);
        });
        await new Promise((r) => setTimeout(r, 1));
      }
      writing = false;
      await reading;
      // The WAL file keeps the largest size the WAL reached (a frame: a 24-byte header and a page).
      walPages = Math.round(statSync(`${file}-wal`).size / (24 + 4096));
    } finally {
      writing = false;
      await readers.close();
      await checkpoints.stop();
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
    const { startsOver, restarts, late } = checkpoints.counts;
    assert.ok(reads >= 3, `${reads} reads`);
    assert.ok(startsOver >= 3, `the WAL started over ${startsOver} times`);
    // A hold let go late (a loaded machine) may leave the thread RESTARTing, as without a gate; and
    // past four times the reset size (a read that took seconds) a RESTART comes in any case.
    if (late === 0 && walPages < 4 * 512)
      assert.equal(restarts, 0, `no writer was held off (the WAL reached ${walPages} pages)`);
  });

  it('leaves an idle WAL alone, and starts it over from the thread after the next commit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beckon-wal-'));
    const file = join(dir, 'wal.db');
    const { sqlite, db, gate } = openSqlite(file);
    sqlite.exec('CREATE TABLE lines (k INTEGER PRIMARY KEY, v TEXT)');
    const threads: string[] = [];
    const checkpoints = startWalCheckpoints(
      file,
      sqlite,
      { intervalMs: 20, onStartOver: (salts) => threads.push(salts) },
      gate,
    );
    const header = () => walSalts(file);
    const write = () => sql`INSERT INTO lines (v) VALUES ('line')`.execute(db);
    try {
      await write();
      await eventually(() => threads.length >= 1, 10_000);
      // Idle: no pass has anything to copy, and nothing starts the WAL over (no hold, no sync).
      const idle = threads.length;
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(threads.length, idle, 'the WAL started over while nothing was written');
      // The store's commit goes after the thread's own; the thread then starts the WAL over.
      await write();
      assert.equal(header(), threads.at(-1), 'the store’s connection started the WAL over');
      await eventually(() => threads.length > idle, 10_000);
      assert.equal(header(), threads.at(-1));
    } finally {
      await checkpoints.stop();
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts over from the writing connection when nothing can hold its statements', async () => {
    await constantWrites(false);
  });
});

describe('SQLite statement gate', () => {
  it('starts a hold asked for inside a transaction at its COMMIT, before the code that awaited it goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beckon-gate-'));
    const { sqlite, db, gate } = openSqlite(join(dir, 'gate.db'));
    try {
      sqlite.exec('CREATE TABLE t (v TEXT)');
      const order: string[] = [];
      let release: (() => void) | null = null;
      await db.transaction().execute(async (trx) => {
        await sql`INSERT INTO t (v) VALUES ('in')`.execute(trx);
        void gate.hold((r) => {
          release = r;
          order.push('held');
        });
        await new Promise((r) => setTimeout(r, 20)); // the transaction stays open a while
        order.push('committing');
      });
      order.push('after commit');
      assert.deepEqual(order, ['committing', 'held', 'after commit']);
      // Held: a statement outside a transaction waits (the thread is free) until the release.
      let written = false;
      const write = sql`INSERT INTO t (v) VALUES ('out')`.execute(db).then(() => {
        written = true;
      });
      await new Promise((r) => setTimeout(r, 30));
      assert.equal(written, false);
      release!();
      await write;
      assert.equal(written, true);
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite statements queued behind a hold', () => {
  it('run in the order they came, each woken once when the hold ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beckon-queue-'));
    const { sqlite, db, gate } = openSqlite(join(dir, 'queue.db'));
    try {
      sqlite.exec('CREATE TABLE lines (k INTEGER PRIMARY KEY, v INTEGER)');
      // A WAL reset's hold: chat lines keep coming and queue for the one connection meanwhile.
      let release!: () => void;
      await new Promise<void>((held) => {
        void gate.hold((r) => {
          release = r;
          held();
        });
      });
      const n = 3000;
      const done: number[] = [];
      const writes = Array.from({ length: n }, (_, i) =>
        sql`INSERT INTO lines (v) VALUES (${i})`.execute(db).then(() => done.push(i)),
      );
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(done.length, 0, 'nothing ran while held');
      // The work of draining the queue, counted in promises made: a lock that wakes every waiter
      // at each turn makes about n²/2 of them (4.5 million here), and its turn holds the socket
      // thread for hundreds of milliseconds. Each statement's own path makes a few dozen.
      let promises = 0;
      const hook = createHook({
        init(_id, type) {
          if (type === 'PROMISE') promises++;
        },
      }).enable();
      release();
      await Promise.all(writes);
      hook.disable();
      assert.deepEqual(done, [...Array(n).keys()], 'in the order they came');
      assert.ok(promises < 50 * n, `${promises} promises made to run ${n} queued statements`);
      const rows = sqlite.prepare('SELECT v FROM lines ORDER BY k').pluck().all();
      assert.deepEqual(rows, [...Array(n).keys()]);
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite chat messages moved on from the recent table', () => {
  it('reads every line once and in order, before, during and after the moves, and finds retries of moved lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beckon-moves-'));
    const store = await Store.open({
      sqlitePath: join(dir, 'beckon.db'),
      // Moves of every row and, past 45, of the oldest 45 only: both ways a move takes rows.
      walTuning: { moveCheckMs: 5, moveAtRows: 40, moveAfterMs: 50, moveMaxRows: 45 },
    });
    try {
      await store.migrate();
      assert.equal(store.caps.messageTable, 'messages_recent');
      const account = await store.accounts.create('Moves');
      const site = await store.sites.create(account.id, { name: 'Shop' });
      const skill = await store.skills.create(account.id, { name: 'Sales' });
      const at = { accountId: account.id, siteId: site.id, skillId: skill.id };
      const conversations: Conversation[] = [];
      for (let i = 0; i < 6; i++)
        conversations.push(
          await queuedChat(
            store,
            at,
            `v${i}`,
            i === 0 ? { invitation: { text: 'Need a hand?', from: 'Sales' } } : {},
          ),
        );
      // A conversation deleted while its lines wait in the recent table takes them with it: no move
      // writes a line whose conversation is gone (the moving connection does not check its key).
      const doomed = await queuedChat(store, at, 'v-doomed');
      await store.messages.appendBatch(
        Array.from({ length: 30 }, (_, i) => ({
          accountId: account.id,
          conversationId: doomed.id,
          sender: { kind: 'visitor' as const },
          echoId: `d${i}`,
          text: `doomed ${i}`,
        })),
      );
      await sql`DELETE FROM conversations WHERE id = ${doomed.id}`.execute(store.db);
      const recent = async () =>
        Number(
          (await sql<{ n: number }>`SELECT count(*) AS n FROM messages_recent`.execute(store.db)).rows[0]!.n,
        );
      // Batches from every conversation for a while, as a busy node writes them, while the thread moves.
      const sent = new Map<string, string[]>(
        conversations.map((c) => [c.id, c.id === conversations[0]!.id ? ['Need a hand?'] : []]),
      );
      const until = Date.now() + 1500;
      let k = 0;
      let sawMoves = false;
      while (Date.now() < until || !sawMoves) {
        const items = conversations.map((c) => {
          const text = `line ${k++}`;
          sent.get(c.id)!.push(text);
          return {
            accountId: account.id,
            conversationId: c.id,
            sender: { kind: 'visitor' as const },
            echoId: `e${k}`,
            text,
          };
        });
        const results = await store.messages.appendBatch(items);
        assert.ok(results.every((r) => r.ok && !r.duplicate));
        const stored = await sql<{ n: number }>`SELECT count(*) AS n FROM messages_stored`.execute(store.db);
        sawMoves ||= Number(stored.rows[0]!.n) > 0;
        // While the moves go on, one conversation reads whole (its lines in either table, none twice).
        const c = conversations[k % conversations.length]!;
        const soFar = await store.messages.after(account.id, c.id, 0, { limit: 1000 });
        assert.deepEqual(
          soFar.map((m) => m.text),
          sent.get(c.id),
        );
        await new Promise((r) => setTimeout(r, 2));
      }
      await eventually(async () => (await recent()) === 0, 5000);
      const orphans = await sql`PRAGMA foreign_key_check(messages_stored)`.execute(store.db);
      assert.deepEqual(orphans.rows, [], 'no stored line without its conversation');
      const doomedLines = await sql<{
        n: number;
      }>`SELECT count(*) AS n FROM messages WHERE conversation_id = ${doomed.id}`.execute(store.db);
      assert.equal(Number(doomedLines.rows[0]!.n), 0);
      for (const c of conversations) {
        const lines = await store.messages.after(account.id, c.id, 0, { limit: 1000 });
        assert.deepEqual(
          lines.map((m) => m.text),
          sent.get(c.id),
          'every line once, in the order sent',
        );
        assert.deepEqual(
          lines.map((m) => m.seq),
          lines.map((_, i) => i + 1),
        );
        const again = await store.conversations.get(account.id, c.id);
        assert.equal(again.lastSeq, lines.length);
        // A retry of a line already moved gets the original back, not a copy.
        const first = lines.find((m) => m.senderKind === 'visitor')!;
        const [retry] = await store.messages.appendBatch([
          {
            accountId: account.id,
            conversationId: c.id,
            sender: { kind: 'visitor' },
            echoId: first.echoId!,
            afterSeq: first.seq - 1,
            text: first.text,
          },
        ]);
        assert.ok(retry?.ok && retry.duplicate && retry.message.seq === first.seq);
        // And the next line follows the moved ones.
        const [next] = await store.messages.appendBatch([
          {
            accountId: account.id,
            conversationId: c.id,
            sender: { kind: 'visitor' },
            echoId: 'next',
            text: 'next',
          },
        ]);
        assert.ok(next?.ok && next.message.seq === lines.length + 1);
      }
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite message writer between its commits', () => {
  it('sees every change another connection makes to a conversation, and reads the store again after a failed batch', async () => {
    const { store, file, dispose } = await fileStore();
    const other = new Sqlite(file); // another connection: a CLI command, or another thread
    other.pragma('busy_timeout = 5000');
    try {
      const account = await store.accounts.create('Kept');
      const site = await store.sites.create(account.id, { name: 'Shop' });
      const skill = await store.skills.create(account.id, { name: 'Sales' });
      const [ann, bob] = await Promise.all(
        ['ann', 'bob'].map((n) =>
          store.users.create(account.id, {
            email: `${n}@kept.test`,
            name: n,
            role: 'agent',
            passwordHash: 'h',
          }),
        ),
      );
      const c = await queuedChat(store, { accountId: account.id, siteId: site.id, skillId: skill.id }, 'v1');
      const assign = other.prepare(
        "UPDATE conversations SET status = 'active', assigned_agent_id = ? WHERE id = ?",
      );
      const agent = (u: { id: string; name: string }) => ({
        kind: 'agent' as const,
        agentId: u.id,
        name: u.name,
        supervisor: false,
      });
      const send = async (
        sender: Parameters<typeof store.messages.appendBatch>[0][number]['sender'],
        text: string,
      ) =>
        (
          await store.messages.appendBatch([
            { accountId: account.id, conversationId: c.id, sender, echoId: null, text },
          ])
        )[0]!;
      const seqOf = (r: Awaited<ReturnType<typeof send>>) => (r.ok ? r.message.seq : r.error.code);

      assign.run(ann!.id, c.id);
      assert.equal(seqOf(await send(agent(ann!), 'hello')), 1);
      assert.equal(seqOf(await send({ kind: 'visitor' }, 'hi')), 2);
      // Reassigned behind the node's back: the kept state must not let Ann write on.
      assign.run(bob!.id, c.id);
      assert.equal(seqOf(await send(agent(ann!), 'still me?')), 'not_assigned');
      assert.equal(seqOf(await send(agent(bob!), 'Bob here')), 3);
      // A line stored by another connection without touching its conversation (nothing of ours does
      // that): the batch that would reuse its number fails as a whole, and the next reads the store.
      other
        .prepare(
          `INSERT INTO messages_recent (conversation_id, seq, account_id, sender_kind, sender_id, sender_name, echo_id, body, attachments, created_at)
           VALUES (?, 4, ?, 'system', 'system', NULL, NULL, 'noted', NULL, 1)`,
        )
        .run(c.id, account.id);
      await assert.rejects(send({ kind: 'visitor' }, 'collides'));
      assert.equal(seqOf(await send({ kind: 'visitor' }, 'after the failure')), 5);
      other.prepare("UPDATE conversations SET status = 'closed' WHERE id = ?").run(c.id);
      assert.equal(seqOf(await send({ kind: 'visitor' }, 'anyone?')), 'conversation_closed');
      const lines = await store.messages.after(account.id, c.id, 0);
      assert.deepEqual(
        lines.map((m) => [m.seq, m.text]),
        [
          [1, 'hello'],
          [2, 'hi'],
          [3, 'Bob here'],
          [4, 'noted'],
          [5, 'after the failure'],
        ],
      );
    } finally {
      other.close();
      await dispose();
    }
  });
});

describe('SQLite message writer and conversations created meanwhile', () => {
  it('keeps what it knows when a conversation is created, and numbers the new one after its first line', async () => {
    const { store, file, dispose } = await fileStore();
    const other = new Sqlite(file);
    try {
      const account = await store.accounts.create('Kept');
      const site = await store.sites.create(account.id, { name: 'Shop' });
      const skill = await store.skills.create(account.id, { name: 'Sales' });
      const at = { accountId: account.id, siteId: site.id, skillId: skill.id };
      const changes = other.prepare('SELECT n FROM conversation_changes').pluck();
      const send = async (conversationId: string, text: string) => {
        const [r] = await store.messages.appendBatch([
          { accountId: account.id, conversationId, sender: { kind: 'visitor' }, echoId: null, text },
        ]);
        return r!.ok ? r!.message.seq : r!.error.code;
      };
      const c = await queuedChat(store, at, 'v1');
      assert.equal(await send(c.id, 'one'), 1);
      const before = changes.get();
      // A chat started meanwhile, with a campaign's first line: a new row, nothing the writer kept.
      const d = await queuedChat(store, at, 'v2', { invitation: { text: 'Need a hand?', from: 'Sales' } });
      assert.equal(changes.get(), before, 'a new conversation moved the change count');
      assert.equal(await send(d.id, 'yes please'), 2);
      assert.equal(await send(c.id, 'two'), 2);
      // An update still counts, and the writer sees it.
      other.prepare("UPDATE conversations SET status = 'closed' WHERE id = ?").run(c.id);
      assert.notEqual(changes.get(), before);
      assert.equal(await send(c.id, 'anyone?'), 'conversation_closed');
      assert.equal(await send(d.id, 'still here'), 3);
    } finally {
      other.close();
      await dispose();
    }
  });
});

describe('events writer while the store refuses writes', () => {
  it('drops the oldest frames first and keeps the purchases attribution counts', async () => {
    const { store, dispose } = await fileStore();
    try {
      const a = await store.accounts.create('A');
      const site = await store.sites.create(a.id, { name: 'S' });
      const dropped: number[] = [];
      let failures = 0;
      const writer = new EventsWriter(store.db, { flushIntervalMs: 1, maxBuffered: 12, maxAttempts: 1000 });
      writer.observe({ flushed: () => {}, failed: () => failures++, dropped: (n) => dropped.push(n) });
      const frame = (batchId: string) => ({
        accountId: a.id,
        siteId: site.id,
        visitorId: 'v1',
        sessionId: 'ses_1',
        batchId,
        ts: Date.now(),
        rows: 4,
        raw: JSON.stringify({ events: Array(4).fill({ type: 'visibility', visible: true, ts: 1 }) }),
      });
      const purchase = (batchId: string) => ({
        account_id: a.id,
        site_id: site.id,
        visitor_id: 'v1',
        session_id: 'ses_1',
        batch_id: batchId,
        seq: 0,
        type: 'attr',
        name: 'purchase',
        payload: '{"type":"attr","attrType":"purchase","value":{"total":10},"ts":1}',
        ts: Date.now(),
      });
      // The store goes away: the first flush fails and is kept for a retry, later rows pile up.
      await sql`ALTER TABLE event_frames RENAME TO event_frames_away`.execute(store.db);
      writer.appendFrame(frame('b0'));
      await eventually(() => failures > 0);
      assert.equal(writer.pending, 4, 'the failed flush is kept for a retry');
      for (let i = 1; i <= 4; i++) {
        writer.appendEvent(purchase(`p${i}`));
        writer.appendFrame(frame(`b${i}`));
      }
      await eventually(() => dropped.length > 0);
      await sql`ALTER TABLE event_frames_away RENAME TO event_frames`.execute(store.db);
      await writer.flush();
      const purchases = await store.db.selectFrom('events').select('batch_id').orderBy('batch_id').execute();
      assert.deepEqual(
        purchases.map((r) => r.batch_id),
        ['p1', 'p2', 'p3', 'p4'],
        'every purchase kept',
      );
      const frames = await store.db.selectFrom('event_frames').select('batch_id').execute();
      assert.ok(frames.length < 5, `frames were dropped to bound memory (${frames.length} kept)`);
      assert.equal(
        dropped.reduce((n, d) => n + d, 0),
        (5 - frames.length) * 4,
        'dropped rows are counted',
      );
    } finally {
      await dispose();
    }
  });
});

describe('SQLite events writer thread', () => {
  it('writes off the socket thread, and falls back to the store’s own connection when the thread dies', async () => {
    const { store, dispose } = await fileStore();
    try {
      const a = await store.accounts.create('A');
      const site = await store.sites.create(a.id, { name: 'S' });
      const writer = store.eventsWriter;
      assert.ok(writer instanceof ThreadEventsWriter, 'a SQLite file gets a writer thread');
      const failures: unknown[] = [];
      writer.observe({ flushed: () => {}, failed: (err) => failures.push(err), dropped: () => {} });
      const frame = (batchId: string) => ({
        accountId: a.id,
        siteId: site.id,
        visitorId: 'v1',
        sessionId: 'ses_1',
        batchId,
        ts: Date.now(),
        rows: 1,
        raw: JSON.stringify({ events: [{ type: 'event', name: 'x', ts: 1 }] }),
      });
      writer.appendFrame(frame('b1'));
      await writer.flush();
      const threads = (writer as unknown as { worker: { threadId: number } | null }).worker;
      assert.ok(threads && threads.threadId > 0, 'the rows went through the thread');
      // The thread goes away (a crash): later rows still reach the store, through the main connection.
      await (writer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      await eventually(() => failures.length > 0);
      writer.appendFrame(frame('b2'));
      await writer.flush();
      const batches = await store.db
        .selectFrom('event_frames')
        .select('batch_id')
        .orderBy('batch_id')
        .execute();
      assert.deepEqual(
        batches.map((r) => r.batch_id),
        ['b1', 'b2'],
      );
      assert.equal(writer.pending, 0);
    } finally {
      await dispose();
    }
  });
});
