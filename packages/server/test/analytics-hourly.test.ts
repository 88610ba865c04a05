import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { analyticsOf } from '../src/analytics/analytics-runtime.ts';
import { AnalyticsFixture, campaignInput, HOUR, MIN } from './analytics-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

const TZ = 'America/New_York';
/** A Saturday long before the demo's history; New York is on summer time (UTC−4). */
const DAY = '2025-03-15';
const MIDNIGHT = Date.parse('2025-03-15T04:00:00Z');
/** The day New York moves its clocks forward: 23 hours. */
const SHORT_DAY = '2025-03-09';
// Asked before the SQLite suite runs: its synchronous work would stall the probe's connection.
const pgSkip = postgresSkipReasonNow();

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`a one-day report, hour by hour, and purchases several campaigns count (${kind})`, () => {
    const skip = kind === 'postgres' ? pgSkip : null;
    let srv: TestServer;
    let admin: ApiClient;
    const ids: Record<string, string> = {};

    before(async () => {
      if (skip) return;
      srv = await startTestServer({ demo: true, store: kind });
      admin = new ApiClient(srv.node.app);
      await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
      const store = srv.node.ctx.store;
      const fx = new AnalyticsFixture(store, srv.demo!.accountId, srv.demo!.siteId);
      // Chats at 09:xx (three), 14:10 and 23:50 local; one at 23:30 the evening before.
      const at = (hour: number, minute: number) => MIDNIGHT + hour * HOUR + minute * MIN;
      for (const [hour, minute] of [
        [9, 0],
        [9, 20],
        [9, 59],
        [14, 10],
        [23, 50],
        [-1, 30],
      ] as const) {
        await fx.conversation(null, { at: at(hour, minute), assignedAfter: 10_000, agentId: null });
      }
      // Two campaigns showed v1 their engagement; v1 buys for 80. Only the first showed v2, who buys for 20.
      ids.first = (await store.campaigns.create(fx.accountId, campaignInput('Spring offer'))).id;
      ids.second = (await store.campaigns.create(fx.accountId, campaignInput('Free shipping'))).id;
      await fx.visit(['v1', 'v2'], at(10, 0));
      await fx.expose(['v1', 'v2'], ids.first, at(10, 0));
      await fx.expose(['v1'], ids.second, at(10, 5));
      await fx.purchase('v1', at(12, 0), 'order-v1', 80);
      await fx.purchase('v2', at(12, 30), 'order-v2', 20);
      await analyticsOf(srv.node.ctx).job.catchUp();
    });
    after(async () => {
      if (!skip) await srv.close();
    });

    it('answers 24 hourly buckets for a one-day range, each counting its own chats', {
      skip: skip ?? false,
    }, async () => {
      const res = await admin.get(`/api/v1/reports/conversations?from=${DAY}&to=${DAY}&tz=${TZ}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const hours = res.body.hours as Array<{ day: string; conversations: number; answered: number }>;
      assert.equal(hours.length, 24);
      assert.equal(hours[0]!.day, '2025-03-15T04:00:00.000Z', 'the first hour starts at local midnight');
      assert.equal(hours[23]!.day, '2025-03-16T03:00:00.000Z');
      const counts = hours.map((h) => h.conversations);
      const expected = Array.from({ length: 24 }, () => 0);
      expected[9] = 3;
      expected[14] = 1;
      expected[23] = 1;
      assert.deepEqual(counts, expected);
      assert.equal(hours[9]!.answered, 3);
      assert.equal(res.body.total.conversations, 5, 'the evening before is not in the day');
      assert.deepEqual(
        res.body.days.map((d: { day: string; conversations: number }) => [d.day, d.conversations]),
        [[DAY, 5]],
      );
    });

    it('gives a day with a clock change its 23 hours, and a longer range none', {
      skip: skip ?? false,
    }, async () => {
      const short = await admin.get(
        `/api/v1/reports/conversations?from=${SHORT_DAY}&to=${SHORT_DAY}&tz=${TZ}`,
      );
      assert.equal(short.status, 200, JSON.stringify(short.body));
      assert.equal(short.body.hours.length, 23);
      const two = await admin.get(`/api/v1/reports/conversations?from=2025-03-14&to=${DAY}&tz=${TZ}`);
      assert.equal(two.status, 200);
      assert.equal(two.body.hours, undefined, 'two days are drawn per day');
      assert.equal(two.body.days.length, 2);
    });

    it('answers hourly calls and service levels for a one-day range', { skip: skip ?? false }, async () => {
      const calls = await admin.get(`/api/v1/reports/calls?from=${DAY}&to=${DAY}&tz=${TZ}`);
      assert.equal(calls.status, 200, JSON.stringify(calls.body));
      assert.equal(calls.body.hours.length, 24);
      const sla = await admin.get(`/api/v1/reports/sla?from=${DAY}&to=${DAY}&tz=${TZ}`);
      assert.equal(sla.status, 200, JSON.stringify(sla.body));
      assert.equal(sla.body.hours.length, 24);
      assert.equal(sla.body.hours[0].date, '2025-03-15T04:00:00.000Z');
    });

    it('counts a purchase after two campaigns in both, and says how many were counted twice', {
      skip: skip ?? false,
    }, async () => {
      const res = await admin.get(`/api/v1/reports/campaigns?from=${DAY}&to=${DAY}&tz=${TZ}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const row = (id: string) =>
        (
          res.body.campaigns as Array<{
            campaignId: string;
            exposed: { conversions: number; revenue: number };
          }>
        ).find((c) => c.campaignId === id)!.exposed;
      assert.deepEqual([row(ids.first!).conversions, row(ids.first!).revenue], [2, 100]);
      assert.deepEqual(
        [row(ids.second!).conversions, row(ids.second!).revenue],
        [1, 80],
        'v1’s order, in full',
      );
      assert.deepEqual(res.body.overlap, {
        conversions: 2,
        summed: 3,
        shared: 1,
        revenue: 100,
        summedRevenue: 180,
      });
    });
  });
}
