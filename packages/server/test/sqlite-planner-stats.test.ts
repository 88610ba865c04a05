import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { Store } from '../src/store/store.ts';

/** A SQLite file's store that looks at its statistics every `plannerStatsMs`, with one account. */
async function openStore(plannerStatsMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'beckon-planner-'));
  const store = await Store.open({ sqlitePath: join(dir, 'beckon.db'), plannerStatsMs });
  await store.migrate();
  return { dir, store, accountId: (await store.accounts.create('Large')).id };
}

/** An SMS conversation of the account: the first, copied as rows to make many. */
const firstConversation = (store: Store, accountId: string, contactId: string | null) =>
  store.conversations.create({
    accountId,
    siteId: null,
    visitorId: null,
    channel: 'sms',
    source: 'api',
    skillId: null,
    status: 'queued',
    visitorName: 'First',
    topic: null,
    contactId,
    tokenHash: 'h0',
  });

/**
 * A SQLite store keeps its planner's statistics, so a large account's rows named by id are read by
 * id. Without them SQLite read `account_id = ? and id in (…)` through the account's index, every
 * conversation of the account, for each batch of a broadcast.
 */
describe('planner statistics of a SQLite file', () => {
  let dir: string;
  let store: Store;
  let accountId: string;
  const ids: string[] = [];

  before(async () => {
    ({ dir, store, accountId } = await openStore(50));
    const first = await firstConversation(store, accountId, null);
    ids.push(first.id);
    // 3,000 more of the account's conversations, written as rows like the first.
    const row = await store.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', first.id)
      .executeTakeFirstOrThrow();
    for (let chunk = 0; chunk < 30; chunk++) {
      const rows = Array.from({ length: 100 }, (_, i) => ({
        ...row,
        id: `${first.id}-${chunk}-${i}`,
        visitor_token_hash: `h-${chunk}-${i}`,
      }));
      await store.db.insertInto('conversations').values(rows).execute();
      ids.push(...rows.map((r) => r.id));
    }
  });
  after(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** How SQLite reads 16 of the conversations by id, as the store asks (`contactIds`). */
  const plan = async () => {
    const q = store.db
      .selectFrom('conversations')
      .select(['id', 'contact_id'])
      .where('account_id', '=', accountId)
      .where('id', 'in', ids.slice(0, 16))
      .compile();
    const written = q.parameters.reduce<string>((s, p) => s.replace('?', `'${String(p)}'`), q.sql);
    const rows = await sql.raw<{ detail: string }>(`explain query plan ${written}`).execute(store.db);
    return rows.rows.map((r) => r.detail).join('; ');
  };

  it('reads 16 of an account’s 3,001 conversations by their ids once the store looked at its statistics', async () => {
    // The store looks every 50 ms here (every minute by default).
    let detail = await plan();
    for (let i = 0; i < 100 && !/\(id=\?\)/.test(detail); i++) {
      await new Promise((r) => setTimeout(r, 50));
      detail = await plan();
    }
    assert.match(detail, /USING INDEX sqlite_autoindex_conversations_1 \(id=\?\)/, detail);
    const found = await store.conversations.contactIds(accountId, ids.slice(0, 16));
    assert.equal(found.size, 16);
  });
});

/**
 * The reads a broadcast makes for each batch of its messages name their rows by id: they go by id
 * whatever the statistics say. A broadcast grows the account's conversations from a few to many
 * between two looks at the statistics, and SQLite went on reading every conversation, contact and
 * consent of the account through its index (3 to 8 ms a batch on the socket thread).
 */
describe('a page of rows by id, with statistics taken before the account grew', () => {
  let dir: string;
  let store: Store;
  let accountId: string;
  const contactIds: string[] = [];
  const conversationIds: string[] = [];

  before(async () => {
    // Statistics looked at once, at open, on empty tables: none were taken.
    ({ dir, store, accountId } = await openStore(3_600_000));
    const c = await store.contacts.resolve(accountId, { name: 'First', email: 'first@example.com' });
    await store.consents.record(accountId, c.id, { channel: 'sms', source: 'api', detail: null });
    const conv = await firstConversation(store, accountId, c.id);
    const contact = await store.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    const consent = await store.db
      .selectFrom('contact_consents')
      .selectAll()
      .where('contact_id', '=', c.id)
      .executeTakeFirstOrThrow();
    const conversation = await store.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', conv.id)
      .executeTakeFirstOrThrow();
    for (let chunk = 0; chunk < 30; chunk++) {
      const ids = Array.from({ length: 100 }, (_, i) => `${c.id}-${chunk}-${i}`);
      await store.db
        .insertInto('contacts')
        .values(ids.map((id, i) => ({ ...contact, id, email: `c-${chunk}-${i}@example.com` })))
        .execute();
      await store.db
        .insertInto('contact_consents')
        .values(ids.map((id) => ({ ...consent, contact_id: id })))
        .execute();
      await store.db
        .insertInto('conversations')
        .values(
          ids.map((id) => ({ ...conversation, id: `conv-${id}`, contact_id: id, visitor_token_hash: id })),
        )
        .execute();
      contactIds.push(...ids);
      conversationIds.push(...ids.map((id) => `conv-${id}`));
    }
  });
  after(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** How SQLite reads each statement `read` runs, and what it returned. */
  const plans = async <T>(read: () => Promise<T>): Promise<{ value: T; plans: string[] }> => {
    const statements: { source: string; args: unknown[] }[] = [];
    const Statement = Object.getPrototypeOf(new Database(':memory:').prepare('select 1')) as {
      all: (...a: unknown[]) => unknown;
    };
    const all = Statement.all;
    Statement.all = function (this: { source: string }, ...args: unknown[]) {
      statements.push({ source: this.source, args });
      return all.apply(this, args);
    };
    let value: T;
    try {
      value = await read();
    } finally {
      Statement.all = all;
    }
    const out: string[] = [];
    for (const s of statements) {
      const written = s.args.flat().reduce<string>((q, p) => q.replace('?', `'${String(p)}'`), s.source);
      const rows = await sql.raw<{ detail: string }>(`explain query plan ${written}`).execute(store.db);
      out.push(rows.rows.map((r) => r.detail).join('; '));
    }
    return { value, plans: out };
  };

  /** A plan that reads the account's rows through an index on the account alone. */
  const byAccount = (plan: string) => /USING (COVERING )?INDEX \w+ \(account_id=\?\)/.test(plan);

  const reads: [string, () => Promise<Map<string, unknown>>][] = [
    [
      'reads 64 conversations’ contacts by the conversations’ ids',
      () => store.conversations.contactIds(accountId, conversationIds.slice(100, 164)),
    ],
    [
      'reads a page of 64 contacts by their ids',
      () => store.contacts.findPage(accountId, contactIds.slice(200, 264)),
    ],
    [
      'reads the consents of a page of 64 contacts by the contacts’ ids',
      () => store.consents.channelsOf(accountId, contactIds.slice(300, 364)),
    ],
  ];
  for (const [name, read] of reads)
    it(name, async () => {
      const { value, plans: p } = await plans(read);
      assert.equal(value.size, 64);
      assert.ok(p.length > 0 && !p.some(byAccount), p.join('\n'));
    });

  it('reads nothing of another account', async () => {
    const other = (await store.accounts.create('Other')).id;
    assert.equal((await store.conversations.contactIds(other, conversationIds.slice(0, 8))).size, 0);
    assert.equal((await store.contacts.findPage(other, contactIds.slice(0, 8))).size, 0);
    assert.equal((await store.consents.channelsOf(other, contactIds.slice(0, 8))).size, 0);
  });
});

/**
 * A look at the statistics while another connection holds the file's write lock (a writer thread,
 * the checkpointer, a CLI command) waits for the next look. The pragma waits only the socket
 * thread's few milliseconds for a lock; its SQLITE_BUSY, thrown from a timer, ended a node after
 * twelve minutes of a broadcast (bench/notes.md, W12).
 */
describe('planner statistics while another connection writes', () => {
  let dir: string;
  let store: Store;
  let accountId: string;

  before(async () => {
    ({ dir, store, accountId } = await openStore(20));
  });
  after(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes over the looks that find the file locked, and takes them once it is free', async () => {
    const other = new Database(join(dir, 'beckon.db'));
    other.pragma('busy_timeout = 5000');
    other.exec('BEGIN IMMEDIATE');
    // Fifteen looks or so find the lock held; each would have thrown from its timer.
    await new Promise((r) => setTimeout(r, 300));
    other.exec('ROLLBACK');
    other.close();
    // The store goes on: it writes, and a later look takes the statistics of a table that grew.
    const first = await firstConversation(store, accountId, null);
    const row = await store.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', first.id)
      .executeTakeFirstOrThrow();
    const rows = Array.from({ length: 2_000 }, (_, i) => ({
      ...row,
      id: `${first.id}-${i}`,
      visitor_token_hash: `h-${i}`,
    }));
    for (let i = 0; i < rows.length; i += 100)
      await store.db
        .insertInto('conversations')
        .values(rows.slice(i, i + 100))
        .execute();
    const analysed = async () =>
      (
        await sql<{ n: number }>`select count(*) as n from sqlite_stat1 where tbl = 'conversations'`.execute(
          store.db,
        )
      ).rows[0]?.n ?? 0;
    let n = 0;
    for (let i = 0; i < 100 && n === 0; i++) {
      await new Promise((r) => setTimeout(r, 30));
      n = await analysed().catch(() => 0);
    }
    assert.ok(n > 0, 'the conversations were analysed after the lock was let go');
  });
});
