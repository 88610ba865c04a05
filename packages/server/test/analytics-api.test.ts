import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { analyticsOf } from '../src/analytics/analytics-runtime.ts';
import { hashPassword } from '../src/auth/passwords.ts';
import { chatTopics } from '../src/conversations/chat-events.ts';
import { chatOf } from '../src/conversations/chat-module.ts';
import { AnalyticsFixture, campaignInput, MIN, otherAccountOwner } from './analytics-fixtures.ts';
import { type ReportScenario, seedReportScenario } from './analytics-scenario.ts';
import { ApiClient } from './helpers/api-client.ts';
import { DEMO_ADMIN, DEMO_AGENT_PASSWORD, startTestServer, type TestServer } from './helpers/test-server.ts';

describe('analytics API: CSV, roles, account isolation, live dashboard', () => {
  let srv: TestServer;
  let admin: ApiClient;
  let analyst: ApiClient;
  let agent: ApiClient;
  let other: ApiClient;
  let s: ReportScenario;
  const q = (extra = '') => `from=${s.from}&to=${s.to}${extra}`;

  before(async () => {
    srv = await startTestServer({ demo: true });
    const { store } = srv.node.ctx;
    const accountId = srv.demo!.accountId;
    admin = new ApiClient(srv.node.app);
    await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    agent = new ApiClient(srv.node.app);
    await agent.login('sales@demo.beckon.local', DEMO_AGENT_PASSWORD);
    await store.users.create(accountId, {
      email: 'analyst@demo.example',
      name: 'Ana Lyst',
      role: 'analyst',
      passwordHash: await hashPassword('analyst-pw-1'),
    });
    analyst = new ApiClient(srv.node.app);
    await analyst.login('analyst@demo.example', 'analyst-pw-1');
    other = await otherAccountOwner(srv);
    // The node's own ticks stop first: the scenario writes events out of time order, and a tick
    // between two of them would move the cursor past rows not yet written.
    const { job } = analyticsOf(srv.node.ctx);
    await job.stop();
    s = await seedReportScenario(store, accountId, srv.demo!.siteId);
    await job.catchUp();
  });
  after(() => srv.close());

  it('exports every table as CSV with a header row, as an attachment', async () => {
    const funnel = await analyst.get(`/api/v1/reports/funnel?${q('&format=csv')}`);
    assert.equal(funnel.status, 200);
    assert.match(String(funnel.headers['content-type']), /^text\/csv/);
    assert.match(
      String(funnel.headers['content-disposition']),
      /^attachment; filename="beckon-funnel-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = (funnel.body as string).trim().split('\r\n');
    assert.equal(
      lines[0],
      'row,label,visitors,rate,rate_of,rate_from_top,converted,conversions,conversion_rate,revenue,revenue_per_visitor,currency',
    );
    assert.equal(lines[1], 'visitors,Visitors,1000,1,visitors,1,,,,,,', 'no money, no currency');
    assert.equal(lines[6], 'converted,Converted,41,0.091111,exposed,0.041,41,41,0.091111,2025,4.5,USD');
    assert.equal(lines[8], 'control_group,Control group,200,,,,10,10,0.05,400,2,USD');

    const conv = (await analyst.get(`/api/v1/reports/conversations?${q('&format=csv')}`)).body as string;
    const rows = conv.trim().split('\r\n');
    assert.equal(rows.length, 12, 'header, ten days, total');
    assert.ok(rows[0]!.startsWith('day,conversations,answered,missed,abandoned,transferred,avg_wait_s'));
    assert.equal(rows[1], `${s.from},30,30,0,0,1,29.5,30,45,600.5,15,4.33,0.6667`);
    assert.ok(rows[3]!.endsWith(',0,0,0,0,0,,,,,0,,'), 'a quiet day');
    assert.equal(rows[11], 'total,35,30,2,3,1,29.5,30,45,600.5,15,4.33,0.6667');

    const agents = (await analyst.get(`/api/v1/reports/agents?${q('&format=csv')}`)).body as string;
    assert.ok(
      agents
        .split('\r\n')
        .some((l) => l.includes(',Sales Agent,3,20,20,0,0,15,600,1.667,2,2,0.6667,15,4.33')),
    );

    const lift = await analyst.get(`/api/v1/reports/campaigns/${s.invite}/lift?${q('&format=csv')}`);
    const [header, row] = (lift.body as string).split('\r\n');
    assert.ok(
      header!.startsWith(
        'campaign_id,campaign,goal,window_days,exposed_visitors,exposed_converted,exposed_rate',
      ),
    );
    assert.ok(row!.startsWith(`${s.invite},Invite,purchase,7,400,40,0.1,5,200,10,0.05,2,0.05,`));
    assert.ok(header!.endsWith(',verdict,currency'));
    assert.ok(row!.endsWith(',treatment_better,USD'));
    const all = (await analyst.get(`/api/v1/reports/campaigns?${q('&format=csv')}`)).body as string;
    assert.ok(all.includes(`${s.offer},Offer,purchase,7,50,1,0.02,`));
    assert.ok(
      all
        .trim()
        .split('\r\n')
        .slice(1)
        .every((l) => l.endsWith(',USD')),
    );
    const live = (await analyst.get('/api/v1/reports/live?format=csv')).body as string;
    assert.equal(
      live.split('\r\n')[0],
      'minute,events,sessions,exposures,conversations,conversions,revenue,currency',
    );
    assert.ok(live.split('\r\n')[1]!.endsWith(',USD'));
    assert.equal(live.trim().split('\r\n').length, 61, 'header and 60 minutes');
  });

  it('lets owners, admins (and API keys) and analysts read reports; agents get 403', async () => {
    for (const path of [
      'funnel',
      'conversations',
      'agents',
      'campaigns',
      `campaigns/${s.invite}/lift`,
      'live',
    ]) {
      assert.equal((await analyst.get(`/api/v1/reports/${path}`)).status, 200, path);
      assert.equal((await admin.get(`/api/v1/reports/${path}`)).status, 200, path);
      assert.equal((await agent.get(`/api/v1/reports/${path}`)).status, 403, path);
      assert.equal((await new ApiClient(srv.node.app).get(`/api/v1/reports/${path}`)).status, 401, path);
    }
    const key = await srv.node.ctx.store.apiKeys.create(srv.demo!.accountId, 'bi');
    const bot = new ApiClient(srv.node.app);
    bot.bearer = key.key;
    assert.equal((await bot.get(`/api/v1/reports/funnel?${q()}`)).body.stages[0].visitors, 1000);
  });

  it('keeps accounts apart: another account sees none of this data and none of these campaigns', async () => {
    const funnel = (await other.get(`/api/v1/reports/funnel?${q()}`)).body;
    assert.deepEqual(
      funnel.stages.map((x: { visitors: number }) => x.visitors),
      [0, 0, 0, 0, 0, 0],
    );
    assert.equal(funnel.allConversions, 0);
    const spied = await other.get(
      `/api/v1/reports/funnel?${q(`&siteId=${srv.demo!.siteId}&campaignId=${s.invite}`)}`,
    );
    assert.equal(
      spied.body.stages[0].visitors,
      0,
      'naming the other account’s site and campaign reveals nothing',
    );
    assert.equal((await other.get(`/api/v1/reports/campaigns/${s.invite}/lift`)).status, 404);
    assert.deepEqual((await other.get(`/api/v1/reports/campaigns?${q()}`)).body.campaigns, []);
    assert.equal(
      (await other.get(`/api/v1/reports/campaigns?${q()}`)).body.currency,
      null,
      'no purchase yet',
    );
    assert.equal((await other.get('/api/v1/reports/live')).body.currency, null);
    assert.equal((await other.get(`/api/v1/reports/conversations?${q()}`)).body.total.conversations, 0);
    assert.equal((await other.get('/api/v1/reports/live')).body.visitorsNow, 0);
  });

  it('documents every report, as JSON and as CSV, in the OpenAPI document', async () => {
    const doc = (await admin.get('/api/openapi.json')).body;
    for (const path of [
      'funnel',
      'conversations',
      'agents',
      'campaigns',
      'campaigns/{id}/lift',
      'live',
      'sla',
    ]) {
      const content = doc.paths[`/api/v1/reports/${path}`]?.get?.responses?.['200']?.content;
      assert.ok(
        content?.['application/json'] && content?.['text/csv'],
        `${path}: ${JSON.stringify(content)?.slice(0, 80)}`,
      );
    }
  });

  it('refuses bad filters with a clear 400', async () => {
    const cases = [
      'from=2025-02-01&to=2025-01-01',
      'from=yesterday',
      'tz=Mars/Olympus',
      'from=2020-01-01&to=2025-01-01',
      'format=xml',
      'color=red',
    ];
    for (const c of cases) {
      const res = await admin.get(`/api/v1/reports/funnel?${c}`);
      assert.equal(res.status, 400, c);
      assert.equal(typeof res.body.error.message, 'string');
    }
    // Days the calendar lacks are named as such, not rolled over into the next month.
    for (const [c, field] of [
      ['from=2026-13-45&to=2026-12-31', 'from'],
      ['from=2026-02-01&to=2026-02-31', 'to'],
      ['from=2026-02-29&to=2026-03-10', 'from'],
    ]) {
      const res = await admin.get(`/api/v1/reports/funnel?${c}`);
      assert.equal(res.status, 400, c);
      assert.match(res.body.error.message, new RegExp(`^${field}: not a date`), c);
    }
    assert.equal((await admin.get('/api/v1/reports/funnel?from=2024-02-29&to=2024-03-10')).status, 200);
  });

  it('live: visitors now, recent engagement, queues, chats, agents, today’s sales and the trend', async () => {
    const { store, bus } = srv.node.ctx;
    // The queue below is built by hand; the router's periodic sweep must not offer it to the agents meanwhile.
    await chatOf(srv.node.ctx)!.router.stop();
    const accountId = srv.demo!.accountId;
    const now = Date.now();
    const fx = new AnalyticsFixture(store, accountId, srv.demo!.siteId);
    await fx.visit(['live0', 'live1', 'live2'], now - MIN, now - MIN);
    await fx.visit(['gone'], now - 20 * MIN, now - 20 * MIN);
    const liveCampaign = (await store.campaigns.create(accountId, campaignInput('Live'))).id;
    await fx.expose(['live0'], liveCampaign, now - 5 * MIN);
    await fx.expose(['live1'], liveCampaign, now - 5 * MIN, { control: true });
    await fx.conversation('live0', { at: now - 60_000, skillId: s.salesSkill });
    await fx.conversation('live1', { at: now - 10_000, skillId: s.salesSkill });
    await fx.conversation('live2', {
      at: now - 5 * MIN,
      skillId: s.salesSkill,
      agentId: s.salesAgent,
      assignedAfter: 1000,
      firstResponseAfter: 4000,
    });
    for (let i = 0; i < 4; i++)
      await fx.conversation(null, { at: now - 5 * MIN, agentId: s.supportAgent, assignedAfter: 1000 });
    for (const id of [s.salesAgent, s.supportAgent]) {
      await store.users.update(accountId, id, { status: 'online' });
      await bus.setPresence(chatTopics.presence(accountId), id, 60_000);
    }
    await fx.purchase('live0', Date.now(), 'o-live', 99);
    await analyticsOf(srv.node.ctx).job.catchUp();
    await new Promise((r) => setTimeout(r, 800)); // past the dashboard's sub-second cache

    const res = await analyst.get('/api/v1/reports/live');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const l = res.body;
    assert.equal(l.visitorsNow, 3);
    assert.deepEqual([l.qualified, l.exposed], [2, 1]);
    assert.deepEqual([l.inQueue, l.chatsActive], [2, 5]);
    const sales = l.queues.find((x: { name: string }) => x.name === 'Sales');
    assert.equal(sales.waiting, 2);
    assert.ok(
      sales.longestWaitSeconds >= 60 && sales.longestWaitSeconds < 90,
      String(sales.longestWaitSeconds),
    );
    assert.ok(l.longestWaitSeconds >= 60);
    assert.deepEqual([l.agentsOnline, l.agentsAvailable, l.agentsAtCapacity], [2, 1, 1]);
    if (new Date(now - 5 * MIN).getUTCDate() === new Date(now).getUTCDate()) {
      assert.equal(l.avgFirstResponseTodaySeconds, 4, 'only one chat today was answered, 4 s after it began');
    }
    assert.equal(l.conversionsToday, 1);
    assert.equal(l.revenueToday, 99);
    assert.equal(l.currency, 'USD', 'today’s sales in the shop’s currency');
    assert.equal(l.trend.length, 60);
    const lastTwo = l.trend.slice(-2);
    assert.equal(
      lastTwo.reduce((sum: number, p: { conversions: number }) => sum + p.conversions, 0),
      1,
    );
    assert.equal(
      lastTwo.reduce((sum: number, p: { revenue: number }) => sum + p.revenue, 0),
      99,
    );
  });
});
