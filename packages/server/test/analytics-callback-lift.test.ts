import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { AttributionJob } from '../src/analytics/attribution-job.ts';
import { liftCampaigns, liftReport } from '../src/analytics/lift-report.ts';
import type { ReportFilters } from '../src/analytics/report-filters.ts';
import { MemoryBus } from '../src/bus/memory-bus.ts';
import type { Store } from '../src/store/store.ts';
import { AnalyticsFixture, campaignInput, DAY, MIN, openTestStore } from './analytics-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';

const T = Date.parse('2026-05-04T12:00:00Z');
// Asked before the SQLite suite runs: its synchronous work would stall the probe's connection.
const pgSkip = postgresSkipReasonNow();

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`a callback from a campaign's button, placed later, in attribution and lift (${kind})`, () => {
    const skip = kind === 'postgres' ? pgSkip : null;
    let store: Store;
    let dispose: () => Promise<void>;
    let fx: AnalyticsFixture;
    let job: AttributionJob;
    let f: ReportFilters;
    let campaignId = '';
    let skillId = '';

    before(async () => {
      if (skip) return;
      ({ store, dispose } = await openTestStore(kind));
      const account = await store.accounts.create('Shop');
      const site = await store.sites.create(account.id, {
        name: 'Shop',
        allowedOrigins: ['https://shop.example'],
      });
      fx = new AnalyticsFixture(store, account.id, site.id);
      skillId = (await store.skills.create(account.id, { name: 'Phones' })).id;
      campaignId = (
        await store.campaigns.create(
          account.id,
          campaignInput('Call me back', { engagement: { type: 'callback', skillId, label: 'Call me back' } }),
        )
      ).id;
      await fx.visit(['b1', 'b2', 'b3'], T - DAY);
      // b1 and b2 see the button; b3 is held out.
      const [e1] = await fx.expose(['b1'], campaignId, T - DAY, { type: 'callback', outcome: 'accepted' });
      await fx.expose(['b2'], campaignId, T - DAY, { type: 'callback', outcome: 'shown' });
      await fx.expose(['b3'], campaignId, T - DAY, { type: 'callback', control: true });
      // b1 asks for a callback (the request, closed at once), and is called back an hour later in
      // the task conversation, which keeps the button's exposure; the call is answered.
      await fx.conversation('b1', { at: T - DAY + MIN, exposureId: e1, skillId, closedAfter: 0 });
      const task = await fx.conversation('b1', { at: T - DAY + 60 * MIN, exposureId: e1, skillId });
      await store.db
        .insertInto('calls')
        .values({
          id: 'call_cb_b1',
          account_id: fx.accountId,
          conversation_id: task,
          skill_id: skillId,
          started_by: 'agent',
          state: 'ended',
          agent_id: null,
          ringing_agent_id: null,
          ring_deadline: null,
          tried: '[]',
          leg: 1,
          requested_at: T - DAY + 61 * MIN,
          ringing_at: T - DAY + 61 * MIN,
          answered_at: T - DAY + 62 * MIN,
          ended_at: T - DAY + 70 * MIN,
          ended_by: 'agent',
          end_reason: 'hangup',
          talk_ms: 480_000,
          wait_ms: 60_000,
          held_ms: 0,
          held_since: null,
          transfers: 0,
          updated_at: T - DAY + 70 * MIN,
        })
        .execute();
      // After the call, b1 buys.
      await fx.purchase('b1', T, 'o-b1', 120);
      job = new AttributionJob(store, new MemoryBus(), pino({ level: 'silent' }));
      await job.catchUp();
      f = { accountId: fx.accountId, siteIds: [fx.siteId], from: T - 2 * DAY, to: T + DAY, tz: 'UTC' };
    });
    after(async () => {
      if (skip) return;
      await job.stop();
      await dispose();
    });

    it('credits the purchase after the callback to the campaign, not to the callback’s conversations on their own', {
      skip: skip ?? false,
    }, async () => {
      const [c] = await store.conversions.forVisitor(fx.accountId, fx.siteId, 'b1');
      const credited = c!.attributions.filter((a) => Number(a.credited) === 1);
      assert.deepEqual(
        credited.map((a) => [a.campaign_id, a.touch_kind]),
        [[campaignId, 'conversation']],
      );
      const [lift] = await liftReport(store.db, f, await liftCampaigns(store.db, fx.accountId, campaignId), {
        bootstrapIterations: 0,
      });
      assert.deepEqual(
        [lift!.exposed.visitors, lift!.exposed.converted, lift!.exposed.revenue, lift!.control.visitors],
        [2, 1, 120, 1],
      );
    });
  });
}
