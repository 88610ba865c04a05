import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { funnelReport } from '../src/analytics/funnel-report.ts';
import type { ReportFilters } from '../src/analytics/report-filters.ts';
import type { Store } from '../src/store/store.ts';
import { AnalyticsFixture, DAY, openTestStore } from './analytics-fixtures.ts';

/**
 * Reports on a SQLite file read through read-only connections on threads of their own, so a long
 * report never holds the thread that serves sockets. They must read exactly what the store holds.
 */
describe('report readers of a SQLite file', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let accountId: string;
  let siteIds: string[];
  const t0 = Date.UTC(2024, 0, 1);
  const filters = (from: number, to: number): ReportFilters => ({ accountId, from, to, tz: 'UTC', siteIds });

  before(async () => {
    ({ store, dispose } = await openTestStore('sqlite'));
    accountId = (await store.accounts.create('Readers')).id;
    const shop = await store.sites.create(accountId, { name: 'Shop' });
    const blog = await store.sites.create(accountId, { name: 'Blog' });
    siteIds = [shop.id, blog.id];
    const atShop = new AnalyticsFixture(store, accountId, shop.id);
    const atBlog = new AnalyticsFixture(store, accountId, blog.id);
    // 90 days of visits: v0…v29 once a day for a month each, some visitors on both sites.
    for (let day = 0; day < 90; day++) {
      const ids = Array.from({ length: 5 }, (_, i) => `v${(day + i) % 30}`);
      await atShop.visit(ids, t0 + day * DAY + 3_600_000);
      if (day % 3 === 0) await atBlog.visit([`b${day % 7}`, `v${day % 30}`], t0 + day * DAY + 7_200_000);
    }
  });
  after(async () => dispose?.());

  /** Distinct (site, visitor) pairs whose visit began in [from, to), counted on the store's own connection. */
  const expected = async (from: number, to: number) => {
    const r = await sql<{ n: number }>`select count(*) as n from (select distinct site_id, visitor_id
      from visitor_sessions where account_id = ${accountId} and started_at >= ${from} and started_at < ${to})`.execute(
      store.db,
    );
    return Number(r.rows[0]!.n);
  };

  it('reads on their own connections, and count the visitors of any period as the store holds them', async () => {
    assert.notEqual(store.reportsDb, store.db, 'a SQLite file reports through its reader threads');
    // Periods that cover all of the history (the visitor index's ordered read), part of it, one day,
    // and none of it (the time index's read).
    const periods: Array<[number, number]> = [
      [t0 - DAY, t0 + 100 * DAY],
      [t0 + 10 * DAY, t0 + 70 * DAY],
      [t0 + 30 * DAY, t0 + 40 * DAY],
      [t0 + 5 * DAY, t0 + 6 * DAY],
      [t0 + 200 * DAY, t0 + 230 * DAY],
    ];
    for (const [from, to] of periods) {
      const want = await expected(from, to);
      const onReaders = await funnelReport(store.reportsDb, filters(from, to));
      const onStore = await funnelReport(store.db, filters(from, to));
      assert.equal(
        onReaders.stages[0]!.visitors,
        want,
        `visitors of ${(from - t0) / DAY}…${(to - t0) / DAY}`,
      );
      assert.deepEqual(onReaders, onStore);
    }
    assert.ok((await expected(t0 - DAY, t0 + 100 * DAY)) > 30, 'the data set has visitors on both sites');
  });

  it('see a write of the store at once, and answer many reports at a time', async () => {
    const from = t0 + 300 * DAY;
    const to = from + DAY;
    assert.equal((await funnelReport(store.reportsDb, filters(from, to))).stages[0]!.visitors, 0);
    await new AnalyticsFixture(store, accountId, siteIds[0]!).visit(['late-1', 'late-2'], from + 60_000);
    const all = await Promise.all(
      Array.from({ length: 12 }, () => funnelReport(store.reportsDb, filters(from, to))),
    );
    for (const r of all) assert.equal(r.stages[0]!.visitors, 2);
  });

  it('refuse a write with a clear error', async () => {
    await assert.rejects(
      store.reportsDb.deleteFrom('visitor_sessions').where('account_id', '=', accountId).execute(),
      /reads only|readonly|read-only/i,
    );
    assert.ok((await expected(t0 - DAY, t0 + 400 * DAY)) > 0, 'nothing was deleted');
  });
});
