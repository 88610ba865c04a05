import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import Sqlite from 'better-sqlite3';
import { AppError } from '../src/errors.ts';
import { cachingStatements } from '../src/store/sqlite-dialect.ts';
import { Store } from '../src/store/store.ts';
import { ThreadMessageAppender } from '../src/store/thread-message-appender.ts';

// A thread with its own connection to the file, committing small writes back to back — what a
// writer thread (or a CLI command) does beside a running node. Like the node's own writer thread,
// it tries again when the busy timeout runs out: the test's loop of batches leaves the lock free
// only between two of them, so on a slow machine a write can wait longer than that.
const BUSY_WRITER = `
  const Sqlite = require('better-sqlite3');
  const { workerData, parentPort } = require('node:worker_threads');
  const db = new Sqlite(workerData.file);
  db.pragma('busy_timeout = 5000');
  db.exec('create table if not exists side_writes (n integer)');
  const insert = db.prepare('insert into side_writes values (1)');
  parentPort.postMessage('started');
  const end = Date.now() + workerData.ms;
  while (Date.now() < end) {
    try {
      insert.run();
    } catch (err) {
      if (err.code !== 'SQLITE_BUSY') throw err;
    }
  }
  db.close();
`;

describe('SQLite store beside another writer connection', () => {
  let dir: string;
  let store: Store;
  let accountId: string;
  const conversations: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'beckon-writers-'));
    store = await Store.open({ sqlitePath: join(dir, 'beckon.db') });
    await store.migrate();
    accountId = (await store.accounts.create('Writers')).id;
    const site = await store.sites.create(accountId, { name: 'Shop', allowedOrigins: [] });
    for (let i = 0; i < 20; i++) {
      const c = await store.conversations.create({
        accountId,
        siteId: site.id,
        visitorId: `v${i}`,
        source: 'visitor',
        skillId: null,
        status: 'queued',
        tokenHash: `token-hash-${i}`,
      });
      conversations.push(c.id);
    }
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every message batch while the other connection commits continuously', async () => {
    const worker = new Worker(BUSY_WRITER, {
      eval: true,
      workerData: { file: join(dir, 'beckon.db'), ms: 1500 },
    });
    await new Promise((resolve) => worker.once('message', resolve));
    const failures: string[] = [];
    let batches = 0;
    const done = new Promise((resolve) => worker.once('exit', resolve));
    let running = true;
    void done.then(() => {
      running = false;
    });
    while (running) {
      const items = conversations.map((conversationId) => ({
        accountId,
        conversationId,
        sender: { kind: 'visitor' as const },
        echoId: `e${batches}`,
        text: `line ${batches}`,
      }));
      try {
        const results = await store.messages.appendBatch(items);
        assert.ok(results.every((r) => r.ok));
      } catch (err) {
        failures.push((err as { code?: string }).code ?? String(err));
      }
      batches++;
      await new Promise((resolve) => setImmediate(resolve)); // let the worker's exit be seen
    }
    assert.ok(batches > 5, `only ${batches} batches ran`);
    assert.deepEqual(failures, [], `${failures.length} of ${batches} batches failed`);
    // Each conversation holds every line once, in order.
    const stored = [];
    for (
      let page = await store.messages.after(accountId, conversations[0]!, 0, { limit: 1000 });
      page.length > 0;
    ) {
      stored.push(...page);
      page = await store.messages.after(accountId, conversations[0]!, page.at(-1)!.seq, { limit: 1000 });
    }
    assert.deepEqual(
      stored.map((m) => m.seq),
      Array.from({ length: batches }, (_, i) => i + 1),
    );
  });

  it('commits chat sends on a thread of their own, answering as the store connection would', async () => {
    const appender = store.messageAppender;
    assert.ok(appender instanceof ThreadMessageAppender, 'a SQLite file gets a messages thread');
    const site = await store.sites.create(accountId, { name: 'Thread', allowedOrigins: [] });
    const { id: conversationId } = await store.conversations.create({
      accountId,
      siteId: site.id,
      visitorId: 'threaded',
      source: 'visitor',
      skillId: null,
      status: 'queued',
      tokenHash: 'token-hash-threaded',
    });
    const send = (echoId: string, text: string, conversation = conversationId) => ({
      accountId,
      conversationId: conversation,
      sender: { kind: 'visitor' as const },
      echoId,
      text,
    });
    // The first batch starts the thread and is written here meanwhile; later ones go to the thread.
    const first = await appender.appendBatch([send('t0', 'before the thread')]);
    assert.ok(first[0]!.ok);
    const since = Date.now();
    while (!appender.onThread && Date.now() - since < 30_000) await new Promise((r) => setTimeout(r, 20));
    assert.ok(appender.onThread, 'the thread became ready');

    const results = await appender.appendBatch([
      send('t1', 'one'),
      send('t0', 'before the thread'), // a retry of the first send
      send('t2', 'x', 'no-such-conversation'),
      send('t3', ''),
      send('t4', 'two'),
    ]);
    const [one, retry, missing, empty, two] = results;
    assert.ok(one?.ok && two?.ok && retry?.ok);
    assert.equal(two.message.seq, one.message.seq + 1);
    assert.equal(retry.duplicate, true);
    assert.equal(retry.message.seq, (first[0] as { message: { seq: number } }).message.seq);
    for (const [r, status, code] of [
      [missing, 404, 'not_found'],
      [empty, 400, 'empty_message'],
    ] as const) {
      assert.ok(r && !r.ok && r.error instanceof AppError, 'refusals come back as AppErrors');
      assert.equal(r.error.status, status);
      assert.equal(r.error.code, code);
    }
    // Answered means committed: the store's own connection reads them at once, once each.
    const stored = await store.messages.after(accountId, conversationId, 0, { limit: 100 });
    assert.deepEqual(
      stored.map((m) => m.text),
      ['before the thread', 'one', 'two'],
    );
  });

  it('holds the thread’s batches for a WAL reset pass: in flight first, new ones after the release', async () => {
    const appender = store.messageAppender as ThreadMessageAppender;
    const since = Date.now();
    while (!appender.onThread && Date.now() - since < 30_000) await new Promise((r) => setTimeout(r, 20));
    assert.ok(appender.onThread);
    const lines = (conversation: string) => store.messages.after(accountId, conversation, 0, { limit: 1000 });
    const [a, b] = conversations as [string, string];
    const before = (await lines(b)).length;
    const line = (conversationId: string, echoId: string) => ({
      accountId,
      conversationId,
      sender: { kind: 'visitor' as const },
      echoId,
      text: echoId,
    });
    const inFlight = appender.appendBatch([line(a, 'held-1')]);
    const release = await appender.hold();
    assert.ok(
      (await lines(a)).some((m) => m.echoId === 'held-1'),
      'the hold waited for the batch on the thread to commit',
    );
    assert.ok((await inFlight)[0]?.ok);
    const later = appender.appendBatch([line(b, 'held-2')]);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await lines(b)).length, before, 'nothing is written while held');
    release();
    const [r] = await later;
    assert.ok(r?.ok);
    assert.equal((await lines(b)).length, before + 1);
  });

  it('keeps prepared statements by SQL text, evicting the least recently used', () => {
    const db = new Sqlite(':memory:');
    const cached = cachingStatements(db, 2);
    const a = cached.prepare('select 1');
    assert.equal(cached.prepare('select 1'), a);
    const b = cached.prepare('select 2');
    cached.prepare('select 1'); // most recent now: 'select 2' is the oldest
    cached.prepare('select 3');
    assert.equal(cached.prepare('select 1'), a);
    assert.notEqual(cached.prepare('select 2'), b);
    assert.deepEqual(cached.prepare('select 1').all([]), [{ 1: 1 }]);
    cached.close();
  });
});
