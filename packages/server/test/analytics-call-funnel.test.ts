import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { AttributionJob } from '../src/analytics/attribution-job.ts';
import { funnelReport } from '../src/analytics/funnel-report.ts';
import { liftCampaigns, liftReport } from '../src/analytics/lift-report.ts';
import { funnelCsv } from '../src/analytics/report-csv.ts';
import type { ReportFilters } from '../src/analytics/report-filters.ts';
import { MemoryBus } from '../src/bus/memory-bus.ts';
import type { Store } from '../src/store/store.ts';
import { AnalyticsFixture, campaignInput, DAY, HOUR, MIN, openTestStore } from './analytics-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';

const T = Date.parse('2026-04-10T12:00:00Z');
// Asked before the SQLite suite runs: its synchronous work would stall the probe's connection.
const pgSkip = postgresSkipReasonNow();

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`calls in the funnel and in attribution (${kind})`, () => {
    const skip = kind === 'postgres' ? pgSkip : null;
    let store: Store;
    let dispose: () => Promise<void>;
    let fx: AnalyticsFixture;
    let job: AttributionJob;
    let f: ReportFilters;
    const ids: Record<string, string> = {};

    /** A call in the conversation, answered (or not) a few seconds after it was asked for. */
    const call = async (conversationId: string, at: number, answered: boolean) =>
      store.db
        .insertInto('calls')
        .values({
          id: `call_${conversationId}`,
          account_id: fx.accountId,
          conversation_id: conversationId,
          skill_id: ids.skill!,
          started_by: 'visitor',
          state: 'ended',
          agent_id: null,
          ringing_agent_id: null,
          ring_deadline: null,
          tried: '[]',
          leg: 1,
          requested_at: at,
          ringing_at: at,
          answered_at: answered ? at + 5000 : null,
          ended_at: at + 60_000,
          ended_by: 'visitor',
          end_reason: answered ? 'hangup' : 'unanswered',
          talk_ms: answered ? 55_000 : null,
          wait_ms: 5000,
          held_ms: 0,
          held_since: null,
          transfers: 0,
          updated_at: at,
        })
        .execute();

    before(async () => {
      if (skip) return;
      ({ store, dispose } = await openTestStore(kind));
      const account = await store.accounts.create('Shop');
      const site = await store.sites.create(account.id, {
        name: 'Shop',
        allowedOrigins: ['https://shop.example'],
      });
      fx = new AnalyticsFixture(store, account.id, site.id);
      ids.skill = (await store.skills.create(account.id, { name: 'Phones' })).id;
      ids.call = (
        await store.campaigns.create(
          account.id,
          campaignInput('Call us', { engagement: { type: 'call', skillId: ids.skill, label: 'Call us' } }),
        )
      ).id;
      ids.offer = (await store.campaigns.create(account.id, campaignInput('Offer'))).id;
      await fx.visit(['c1', 'c2', 'c3', 'c4', 'c5'], T - DAY);
      // c1, c2, c3, c4 see the "Call us" button; c5 is held out.
      const [e1, e2, e3] = await fx.expose(['c1', 'c2', 'c3'], ids.call, T - DAY, {
        type: 'call',
        outcome: 'accepted',
      });
      await fx.expose(['c4'], ids.call, T - DAY, { type: 'call', outcome: 'shown' });
      await fx.expose(['c5'], ids.call, T - DAY, { control: true, type: 'call' });
      // c1 and c2 talk to an agent; c3's call rings out.
      const conv1 = await fx.conversation('c1', { at: T - DAY + MIN, exposureId: e1, skillId: ids.skill });
      const conv2 = await fx.conversation('c2', { at: T - DAY + MIN, exposureId: e2, skillId: ids.skill });
      const conv3 = await fx.conversation('c3', { at: T - DAY + MIN, exposureId: e3, skillId: ids.skill });
      await call(conv1, T - DAY + 2 * MIN, true);
      await call(conv2, T - DAY + 2 * MIN, true);
      await call(conv3, T - DAY + 2 * MIN, false);
      // c1 then sees a content offer, and buys: the call's campaign is credited over the later offer.
      await fx.expose(['c1'], ids.offer, T - HOUR);
      await fx.purchase('c1', T, 'o-c1', 90);
      job = new AttributionJob(store, new MemoryBus(), pino({ level: 'silent' }));
      await job.catchUp();
      f = { accountId: fx.accountId, siteIds: [fx.siteId], from: T - 2 * DAY, to: T + DAY, tz: 'UTC' };
    });
    after(async () => {
      if (skip) return;
      await job.stop();
      await dispose();
    });

    it('credits a purchase after a call to the call’s campaign, over a later offer', {
      skip: skip ?? false,
    }, async () => {
      const [c] = await store.conversions.forVisitor(fx.accountId, fx.siteId, 'c1');
      assert.deepEqual(
        c!.attributions
          .map((a) => [a.campaign_id, a.touch_kind, Number(a.credited)])
          .sort((a, b) => Number(b[2]) - Number(a[2])),
        [
          [ids.call, 'conversation', 1],
          [ids.offer, 'content', 0],
        ],
      );
      const [lift] = await liftReport(store.db, f, await liftCampaigns(store.db, fx.accountId, ids.call), {
        bootstrapIterations: 0,
      });
      assert.deepEqual(
        [lift!.exposed.visitors, lift!.exposed.converted, lift!.exposed.revenue, lift!.control.visitors],
        [4, 1, 90, 1],
      );
    });

    it('shows the call step: offered → accepted → answered → converted', {
      skip: skip ?? false,
    }, async () => {
      const report = await funnelReport(store.db, f);
      assert.deepEqual(report.calls, { offered: 4, accepted: 3, answered: 2, converted: 1 });
      const narrowed = await funnelReport(store.db, { ...f, campaignId: ids.offer });
      assert.deepEqual(narrowed.calls, { offered: 0, accepted: 0, answered: 0, converted: 0 });
      const csv = funnelCsv(report).split('\r\n');
      assert.ok(csv.includes('call_answered,Call answered,2,0.666667,call_accepted,,,,,,,'), csv.join('\n'));
    });
  });
}
