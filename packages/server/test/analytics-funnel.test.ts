import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { AttributionJob } from '../src/analytics/attribution-job.ts';
import { funnelReport } from '../src/analytics/funnel-report.ts';
import type { ReportFilters } from '../src/analytics/report-filters.ts';
import { MemoryBus } from '../src/bus/memory-bus.ts';
import type { Store } from '../src/store/store.ts';
import { AnalyticsFixture, campaignInput, DAY, HOUR, MIN, openTestStore } from './analytics-fixtures.ts';

/**
 * "Had a conversation" counts every visitor of the period who chatted, whatever started the chat:
 * a campaign's invitation or chat button, an agent's own invitation, or the visitor's click.
 */
describe('funnel: conversations however they started, revenue in the account’s currency', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let f: ReportFilters;
  let agentId: string;
  let colleagueId: string;
  let campaignId: string;
  const t0 = Date.UTC(2024, 5, 3);

  before(async () => {
    ({ store, dispose } = await openTestStore());
    const account = await store.accounts.create('Funnel');
    const site = await store.sites.create(account.id, { name: 'Shop' });
    const fx = new AnalyticsFixture(store, account.id, site.id);
    const agent = (email: string) =>
      store.users.create(account.id, { email, name: email, role: 'agent', passwordHash: 'h' });
    agentId = (await agent('agent@funnel.example')).id;
    colleagueId = (await agent('colleague@funnel.example')).id;
    const skillId = (await store.skills.create(account.id, { name: 'Sales' })).id;
    campaignId = (
      await store.campaigns.create(
        account.id,
        campaignInput('Invite', {
          controlShare: 0,
          engagement: { type: 'chat_invitation', skillId, message: 'Hi', style: 'toaster', offline: 'none' },
        }),
      )
    ).id;
    await fx.visit(['invited', 'button', 'agent-invited', 'clicked', 'browsing'], t0 + HOUR);
    const at = t0 + 2 * HOUR;
    const [invitation] = await fx.expose(['invited'], campaignId, at, {
      type: 'chat_invitation',
      outcome: 'accepted',
    });
    const [button] = await fx.expose(['button'], campaignId, at, { type: 'chat_button', outcome: 'clicked' });
    // An agent's invitation from the live visitor list: no campaign.
    const [manual] = await fx.expose(['agent-invited'], null, at, {
      type: 'chat_invitation',
      outcome: 'accepted',
    });
    await store.db.updateTable('exposures').set({ agent_id: agentId }).where('id', '=', manual!).execute();
    const answered = { agentId, assignedAfter: 20_000, firstResponseAfter: 30_000, closedAfter: 5 * MIN };
    await fx.conversation('invited', { at: at + MIN, exposureId: invitation, ...answered });
    await fx.conversation('button', { at: at + MIN, exposureId: button, ...answered });
    await fx.conversation('agent-invited', { at: at + MIN, exposureId: manual, ...answered });
    await fx.conversation('clicked', { at: at + MIN, ...answered, agentId: colleagueId });
    // A chat of a visitor whose visit began the day before is not among the period's visitors.
    await fx.visit(['yesterday'], t0 - HOUR);
    await fx.conversation('yesterday', { at: at + MIN });
    f = { accountId: account.id, from: t0, to: t0 + DAY, tz: 'UTC', siteIds: [site.id] };
  });
  after(() => dispose());

  it('counts chats started by a campaign, a button, an agent’s invitation or the visitor', async () => {
    const r = await funnelReport(store.db, f);
    assert.deepEqual(
      r.stages.map((s) => [s.stage, s.visitors]),
      [
        ['visitors', 5],
        ['qualified', 2],
        ['exposed', 2],
        ['engaged', 2],
        ['conversation', 4],
        ['converted', 0],
      ],
    );
    const chatted = r.stages.find((s) => s.stage === 'conversation')!;
    assert.deepEqual([chatted.rateOf, chatted.rate, chatted.rateFromTop], ['visitors', 4 / 5, 4 / 5]);
  });

  it('narrowed to an agent or a campaign, counts their chats only', async () => {
    const chatted = async (extra: Partial<ReportFilters>) =>
      (await funnelReport(store.db, { ...f, ...extra })).stages.find((s) => s.stage === 'conversation')!
        .visitors;
    assert.equal(await chatted({ agentId }), 3, 'not the chat their colleague answered');
    assert.equal(await chatted({ campaignId }), 2, 'the invitation and the button of the campaign');
  });

  it('names the currency of the account’s purchases, none before the first', async () => {
    assert.equal((await funnelReport(store.db, f)).currency, null);
    const site = f.siteIds[0]!;
    for (const [i, currency] of ['USD', 'EUR'].entries()) {
      await store.conversions.record(
        {
          id: `cv-${currency}`,
          account_id: f.accountId,
          site_id: site,
          visitor_id: 'clicked',
          session_id: 'ses_fixture',
          kind: 'purchase',
          goal_name: null,
          order_id: `o${i}`,
          dedupe_key: `order:o${i}`,
          revenue: 20,
          currency,
          ts: t0 + 3 * HOUR + i,
          recorded_at: t0 + 3 * HOUR + i,
        },
        [],
      );
    }
    const r = await funnelReport(store.db, f);
    assert.deepEqual([r.currency, r.allRevenue], ['EUR', 40], 'the latest purchase’s');
  });

  it('narrowed to an agent, credits them a conversion of every chat they held before it', async () => {
    // Another day: the colleague took the invited chat, sold, and handed it over; then it sold again.
    const day = t0 + 2 * DAY;
    const onDay: ReportFilters = { ...f, from: day, to: day + DAY };
    const site = f.siteIds[0]!;
    const fx = new AnalyticsFixture(store, f.accountId, site);
    await fx.visit(['handed-over'], day + HOUR);
    const at = day + 2 * HOUR;
    const [invitation] = await fx.expose(['handed-over'], campaignId, at, {
      type: 'chat_invitation',
      outcome: 'accepted',
    });
    await fx.conversation('handed-over', {
      at: at + MIN,
      exposureId: invitation,
      transferredFrom: { agentId: colleagueId, assignedAfter: 20_000 },
      agentId,
      assignedAfter: 10 * MIN,
      closedAfter: 30 * MIN,
    });
    await fx.purchase('handed-over', at + 5 * MIN, 'o-before', 30);
    await fx.purchase('handed-over', at + 20 * MIN, 'o-after', 70);
    const job = new AttributionJob(store, new MemoryBus(), pino({ level: 'silent' }));
    await job.catchUp();
    await job.stop();
    const exposedBy = async (who: string) => {
      const arm = (await funnelReport(store.db, { ...onDay, agentId: who })).exposed;
      return [arm.converted, arm.conversions, arm.revenue];
    };
    assert.deepEqual(await exposedBy(colleagueId), [1, 2, 100], 'held it before both orders');
    assert.deepEqual(await exposedBy(agentId), [1, 1, 70], 'took it over between the orders');
    assert.deepEqual((await funnelReport(store.db, onDay)).exposed.conversions, 2);
  });

  it('keeps a visitor held out of one campaign but shown another, and their purchase, out of the control group', async () => {
    const day = t0 + 4 * DAY;
    const onDay: ReportFilters = { ...f, from: day, to: day + DAY };
    const fx = new AnalyticsFixture(store, f.accountId, f.siteIds[0]!);
    const heldOut = (
      await store.campaigns.create(f.accountId, campaignInput('Held out', { controlShare: 0.5 }))
    ).id;
    await fx.visit(['held-and-shown', 'held-bought', 'held-left'], day + HOUR);
    const at = day + 2 * HOUR;
    await fx.expose(['held-and-shown', 'held-bought', 'held-left'], heldOut, at, { control: true });
    await fx.expose(['held-and-shown'], campaignId, at + MIN, { type: 'chat_invitation', outcome: 'shown' });
    await fx.purchase('held-and-shown', at + 10 * MIN, 'o-shown', 50);
    await fx.purchase('held-bought', at + 10 * MIN, 'o-held', 20);
    const job = new AttributionJob(store, new MemoryBus(), pino({ level: 'silent' }));
    await job.catchUp();
    await job.stop();
    const r = await funnelReport(store.db, onDay);
    const arm = (a: typeof r.control) => [a.visitors, a.converted, a.conversions, a.revenue];
    assert.deepEqual(arm(r.control), [2, 1, 1, 20], 'held out of everything: one of two bought');
    assert.deepEqual(arm(r.exposed), [1, 1, 1, 50]);
    // Narrowed to the campaign that held them all out, all three are its control group.
    assert.deepEqual(
      arm((await funnelReport(store.db, { ...onDay, campaignId: heldOut })).control),
      [3, 2, 2, 70],
    );
  });
});
