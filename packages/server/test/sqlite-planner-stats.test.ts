import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { Store } from '../src/store/store.ts';

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
    dir = mkdtempSync(join(tmpdir(), 'beckon-planner-'));
    store = await Store.open({ sqlitePath: join(dir, 'beckon.db'), plannerStatsMs: 50 });
    await store.migrate();
    accountId = (await store.accounts.create('Large')).id;
    const first = await store.conversations.create({
      accountId,
      siteId: null,
      visitorId: null,
      channel: 'sms',
      source: 'api',
      skillId: null,
      status: 'queued',
      visitorName: 'First',
      topic: null,
      contactId: null,
      tokenHash: 'h0',
    });
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
