import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LF } from '@beckon/core/features/index';
import { cartAttr, pageView } from '@beckon/sdk/index';
import { contentCampaign, eventually, flush, newTenant, runtime, visitor } from './engagement-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';
import { finishSessions, scoring, shopHistory } from './model-fixtures.ts';

// Timers off: the test finishes sessions and reloads statistics itself.
// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  process.env.BECKON_MODEL_SWEEP_MS = '0';
  process.env.BECKON_MODEL_POLL_MS = '0';
  process.env.BECKON_MODEL_BAND_REFRESH_MS = '0';
  process.env.BECKON_MODEL_SCHEDULE_CHECK_MS = '0';
});

describe('live scoring: features from the tag, the score in targeting', () => {
  let srv: TestServer;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let origin: string;
  before(async () => {
    srv = await startTestServer();
    t = await newTenant(srv);
    origin = new URL(srv.url).origin;
    // A shop with a history: 12 buyers (home → lamp → checkout → purchase) and 24 visitors who only read.
    await shopHistory(srv, t.site.siteKey, 12, 24);
  });
  after(() => srv.close());

  it('records finished sessions with their label, frozen before the purchase, and page statistics', async () => {
    const db = srv.node.ctx.store.db;
    const rows = await db
      .selectFrom('model_sessions')
      .selectAll()
      .where('account_id', '=', t.accountId)
      .execute();
    assert.equal(rows.length, 36);
    assert.equal(rows.filter((r) => Number(r.purchased) === 1).length, 12);
    const buyer = rows.find((r) => Number(r.purchased) === 1)!;
    const v = JSON.parse(buyer.features) as number[];
    assert.equal(v[LF.ProductRelated], 2, 'lamp and checkout; the confirmation page came after the purchase');
    assert.equal(v[LF.CartValue], 120, 'the cart as it stood when they bought');
    assert.equal(Number(buyer.revenue), 120);
    assert.equal(Number(buyer.page_views), 4);
    const stats = await srv.node.ctx.store.modelSessions.pageStats(t.site.id, 0);
    const home = stats.find((s) => s.page === '/')!;
    assert.deepEqual(
      { views: home.pageviews, entrances: home.entrances, revenue: home.revenue },
      { views: 36, entrances: 36, revenue: 12 * 120 },
    );
    assert.equal(stats.find((s) => s.page === '/checkout')!.revenue, 12 * 120);
    assert.equal(stats.find((s) => s.page === '/confirmation')!.revenue, 0, 'viewed after the purchase');
  });

  it('raises a visitor’s score as they behave like a buyer, and a “score ≥ 0.6” campaign exposes them', async () => {
    const created = await t.api.post(
      '/api/v1/campaigns',
      contentCampaign('Likely buyers', { field: 'score', op: 'gte', value: 0.6 }),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const c = await visitor(srv, t.site.siteKey, 'new-buyer');
    const live = () => runtime(srv).tracker.findLive(t.accountId, 'new-buyer')!;
    await c.sendBatch([pageView(`${origin}/`)]);
    const first = live().state.score!;
    assert.ok(first < 0.6, `a first look at the home page scores ${first}`);
    assert.equal(c.engages.length, 0, 'not a likely buyer yet');
    await c.sendBatch([pageView(`${origin}/products/lamp`, ['product']), cartAttr(120)]);
    const engage = await c.nextEngage();
    assert.equal(engage.campaignId, created.body.id);
    const last = live().state.score!;
    assert.ok(last >= 0.6 && last > first, `the score rose from ${first} to ${last}`);

    await flush(srv);
    const exposure = await srv.node.ctx.store.db
      .selectFrom('exposures')
      .select('score')
      .where('id', '=', engage.exposureId)
      .executeTakeFirstOrThrow();
    assert.equal(exposure.score, last, 'the score at exposure time is recorded');

    const journey = await t.api.get('/api/v1/visitors/new-buyer');
    assert.equal(journey.status, 200);
    assert.equal(journey.body.score, last);
    assert.equal(journey.body.scoreFactors.length, 3);
    const top = journey.body.scoreFactors[0];
    assert.equal(top.feature, 'PageValues');
    assert.equal(top.effect, 'raised');
    // Priced in the visitor's cart's currency (EUR here), as the agent and marketer read it.
    assert.match(top.text, /^Viewed pages that lead to sales \(€[\d,.]+ per view\)$/);
    await c.close();
  });

  it('ranks visitors among the site’s recent visitors for “in the top N %”', async () => {
    const created = await t.api.post(
      '/api/v1/campaigns',
      contentCampaign('Top 10 %', { field: 'score', op: 'top_percent', value: 10 }, { priority: 10 }),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (let i = 0; i < 12; i++) {
      const reader = await visitor(srv, t.site.siteKey, `reader-${i}`);
      await reader.sendBatch([pageView(`${origin}/about`, ['about'])]);
      await reader.close();
    }
    const c = await visitor(srv, t.site.siteKey, 'top-buyer');
    await c.sendBatch([pageView(`${origin}/`)]);
    await c.sendBatch([pageView(`${origin}/checkout`, ['checkout'])]);
    const engage = await c.nextEngage();
    assert.equal(engage.campaignId, created.body.id);
    const state = runtime(srv).tracker.findLive(t.accountId, 'top-buyer')!.state;
    assert.ok(state.scoreTop! <= 10, `in the top ${state.scoreTop} %`);
    const reader = runtime(srv).tracker.findLive(t.accountId, 'reader-0')?.state;
    assert.ok(reader === undefined || reader.scoreTop! > 10);
    await c.close();
  });

  it('gives a conversation the visitor’s score, so the queue can order by it', async () => {
    const c = await visitor(srv, t.site.siteKey, 'chatter');
    await c.sendBatch([pageView(`${origin}/checkout`, ['checkout'])]);
    const score = runtime(srv).tracker.findLive(t.accountId, 'chatter')!.state.score;
    assert.ok(score !== undefined);
    const started = await new ApiClient(srv.node.app).request(
      'POST',
      '/api/v1/chat/conversations',
      { visitorId: 'chatter', text: 'Does the lamp ship to Norway?' },
      { 'x-beckon-site-key': t.site.siteKey },
    );
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const row = await srv.node.ctx.store.db
      .selectFrom('conversations')
      .select('score')
      .where('id', '=', started.body.conversation.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.score, score);
    await c.close();
  });

  it('keeps scoring a visitor evicted mid-session and restored from the store', async () => {
    const c = await visitor(srv, t.site.siteKey, 'returner');
    await c.sendBatch([pageView(`${origin}/about`, ['about'])]);
    const before = runtime(srv).tracker.findLive(t.accountId, 'returner')!.state.score;
    await c.close();
    await eventually(async () => {
      await runtime(srv).tracker.sweep(Date.now(), 0);
      return !runtime(srv).tracker.findLive(t.accountId, 'returner');
    });
    const again = await visitor(srv, t.site.siteKey, 'returner');
    await again.sendBatch([pageView(`${origin}/checkout`, ['checkout'])]);
    const live = runtime(srv).tracker.findLive(t.accountId, 'returner')!;
    assert.ok(live.state.score! > before!, `${before} → ${live.state.score}`);
    const f = scoring(srv).scorer.sessions.get(live.key)!.features;
    assert.deepEqual(
      [f.vector[LF.Informational], f.vector[LF.ProductRelated]],
      [1, 1],
      'the session went on',
    );
    await again.close();
    await finishSessions(srv);
  });
});
