import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import Sqlite from 'better-sqlite3';
import { cachingStatements } from '../src/store/sqlite-dialect.ts';
import { Store } from '../src/store/store.ts';

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
