import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { funnelReport } from '../src/analytics/funnel-report.ts';
import type { ReportFilters } from '../src/analytics/report-filters.ts';
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
    const colleague = (await agent('colleague@funnel.example')).id;
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
    await fx.conversation('clicked', { at: at + MIN, ...answered, agentId: colleague });
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
});
