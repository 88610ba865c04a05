import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cartAttr, customEvent, pageView, purchaseAttr, sendBeacon, VisitorClient } from '@beckon/sdk/index';
import {
  contentCampaign,
  eventually,
  flush,
  metric,
  newTenant,
  runtime,
  visitor,
} from './engagement-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  process.env.BECKON_SESSION_IDLE_MS = '1500';
});

describe('live visitors: state, journey, sessions, duplicates, eviction and persistence', () => {
  let srv: TestServer;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let other: Awaited<ReturnType<typeof newTenant>>;
  before(async () => {
    srv = await startTestServer();
    t = await newTenant(srv, [], 'Europe/Berlin');
    other = await newTenant(srv);
  });
  after(() => srv.close());

  /** The visitor's stored events, read back from the event log. */
  const events = (visitorId: string) =>
    srv.node.ctx.store.visitors.visitorEvents(t.accountId, t.site.id, visitorId, 0, Number.MAX_SAFE_INTEGER);

  it('lists who is on the site now with page, time on page, cart and source, filtered; only to its own account', async () => {
    const v = await visitor(srv, t.site.siteKey, 'live-1', { device: 'mobile' });
    await v.sendBatch([
      pageView('https://shop.example/?utm_source=newsletter&utm_medium=email&utm_campaign=spring', ['home'], {
        referrer: 'https://mail.example/',
      }),
      pageView('https://shop.example/lamps/aurora', ['product', 'lamps'], { title: 'Aurora lamp' }),
      cartAttr(80, [{ sku: 'aurora', price: 80, quantity: 1 }]),
    ]);
    const w = await visitor(srv, t.site.siteKey, 'live-2');
    await w.sendBatch([pageView('https://shop.example/about', ['about'])]);
    const list = await t.api.get('/api/v1/visitors');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const item = list.body.items.find((i: { visitorId: string }) => i.visitorId === 'live-1');
    assert.ok(item);
    assert.equal(item.connected, true);
    assert.equal(item.device, 'mobile');
    assert.equal(item.returning, false);
    assert.equal(item.pageViews, 2);
    assert.deepEqual(item.page.sections, ['product', 'lamps']);
    assert.equal(item.page.title, 'Aurora lamp');
    assert.equal(item.page.path, '/lamps/aurora');
    assert.ok(item.timeOnPageSeconds >= 0 && item.timeOnPageSeconds < 5);
    assert.deepEqual(item.cart, { total: 80, itemCount: 1, currency: 'EUR' });
    assert.deepEqual(item.source, {
      channel: 'email',
      source: 'newsletter',
      medium: 'email',
      campaign: 'spring',
    });
    const ids = async (query: string) =>
      (await t.api.get(`/api/v1/visitors?${query}`)).body.items
        .map((i: { visitorId: string }) => i.visitorId)
        .sort();
    assert.deepEqual(await ids('page=LAMPS'), ['live-1']);
    assert.deepEqual(await ids('page=about'), ['live-2']);
    assert.deepEqual(await ids('cartMin=50'), ['live-1']);
    assert.deepEqual(await ids('cartMin=100'), []);
    assert.deepEqual(await ids('device=mobile'), ['live-1']);
    assert.deepEqual(await ids('returning=true'), []);
    assert.deepEqual(await ids(`siteId=${t.site.id}&returning=false`), ['live-1', 'live-2']);
    assert.deepEqual(await ids('siteId=site_elsewhere'), []);
    assert.equal((await t.api.get('/api/v1/visitors?cartMin=-1')).status, 400);
    assert.deepEqual(
      (await other.api.get('/api/v1/visitors')).body.items,
      [],
      'another account sees none of them',
    );
    assert.equal((await other.api.get('/api/v1/visitors/live-1')).status, 404);
    await Promise.all([v.close(), w.close()]);
  });

  it('marks who is in a chat and who bought, with the cart their purchase emptied', async () => {
    const buyer = await visitor(srv, t.site.siteKey, 'live-buyer');
    await buyer.sendBatch([
      pageView('https://shop.example/checkout', ['checkout']),
      cartAttr(120, [{ sku: 'aurora', price: 60, quantity: 2 }]),
      purchaseAttr('order-77', 120),
      cartAttr(0, []),
    ]);
    const chatter = await visitor(srv, t.site.siteKey, 'live-chatter');
    await chatter.sendBatch([pageView('https://shop.example/help', ['help'])]);
    const { store } = srv.node.ctx;
    const open = (status: 'queued' | 'closed') =>
      store.conversations.create({
        accountId: t.accountId,
        siteId: t.site.id,
        visitorId: 'live-chatter',
        source: 'button',
        skillId: null,
        status,
        tokenHash: `hash-${status}`,
      });
    await open('closed');
    const row = async (id: string) =>
      (await t.api.get('/api/v1/visitors')).body.items.find((i: { visitorId: string }) => i.visitorId === id);
    assert.equal((await row('live-chatter')).chat, null, 'a resolved conversation is no chat');
    await open('queued');
    assert.equal((await row('live-chatter')).chat, 'waiting');
    const bought = await row('live-buyer');
    assert.equal(bought.chat, null);
    assert.equal(bought.cart.itemCount, 0, 'the purchase emptied the cart');
    assert.deepEqual(
      { ...bought.purchase, at: undefined },
      { total: 120, itemCount: 0, currency: 'EUR', at: undefined },
    );
    assert.equal((await row('live-chatter')).purchase, null);
    await Promise.all([buyer.close(), chatter.close()]);
  });

  it('shows a visitor’s journey: pages with times, attributes, cart, source, sessions and exposures', async () => {
    const c = (
      await t.api.post(
        '/api/v1/campaigns',
        contentCampaign('Lamp offer', { field: 'page.section', op: 'contains', value: 'lamps' }),
      )
    ).body;
    const v = await visitor(srv, t.site.siteKey, 'journey-1');
    await v.sendBatch([pageView('https://shop.example/', ['home'], { referrer: 'https://www.google.com/' })]);
    await new Promise((r) => setTimeout(r, 120));
    await v.sendBatch([
      pageView('https://shop.example/lamps', ['lamps'], { title: 'Lamps' }),
      customEvent('filter', { colour: 'red' }),
    ]);
    const e = await v.nextEngage();
    await v.sendBatch([
      cartAttr(45.5),
      { type: 'attr', attrType: 'customer', value: { tier: 'gold' }, ts: Date.now() },
    ]);
    const res = await t.api.get('/api/v1/visitors/journey-1');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const j = res.body;
    assert.deepEqual(
      j.pages.map((p: { url: string }) => p.url),
      ['https://shop.example/', 'https://shop.example/lamps'],
    );
    assert.ok(j.pages[0].seconds >= 0.1, `first page lasted ${j.pages[0].seconds} s`);
    assert.equal(j.pages[1].title, 'Lamps');
    assert.equal(j.attributes.customer.value.tier, 'gold');
    assert.equal(j.attributes.cart.value.total, 45.5);
    assert.equal(j.cart.total, 45.5);
    assert.equal(j.source.channel, 'search');
    assert.equal(j.source.source, 'www.google.com');
    assert.deepEqual(j.sectionViews, { home: 1, lamps: 1 });
    assert.equal(j.events[0].name, 'filter');
    assert.equal(j.sessions.length, 1);
    assert.equal(j.sessions[0].landingUrl, 'https://shop.example/');
    assert.equal(j.sessions[0].channel, 'search');
    assert.equal(j.exposures[0].id, e.exposureId);
    assert.equal(j.exposures[0].campaignName, 'Lamp offer');
    assert.equal(j.connected, true);
    assert.equal((await t.api.get('/api/v1/visitors/nobody-here')).status, 404);
    await v.close();
    // Gone: the clocks stop when the visitor left, they do not go on counting.
    const left = await eventually(async () => {
      const r = (await t.api.get('/api/v1/visitors/journey-1')).body;
      return r.connected === false ? r : null;
    });
    await new Promise((r) => setTimeout(r, 1200));
    const later = (await t.api.get('/api/v1/visitors/journey-1')).body;
    assert.equal(later.timeOnSiteSeconds, left.timeOnSiteSeconds, 'time on site stopped');
    assert.equal(later.timeOnPageSeconds, left.timeOnPageSeconds, 'time on page stopped');
    assert.equal(later.pages.at(-1).seconds, left.pages.at(-1).seconds, 'the last page’s time stopped');
    await t.api.patch(`/api/v1/campaigns/${c.id}`, { status: 'paused' });
  });

  it('acknowledges a retried batch without applying or storing it twice (also across a reconnect)', async () => {
    const v = await visitor(srv, t.site.siteKey, 'dup-1');
    await v.sendBatch([pageView('https://shop.example/a'), purchaseAttr('o-1', 30)], 'same-batch');
    assert.equal(
      (await v.sendBatch([pageView('https://shop.example/a'), purchaseAttr('o-1', 30)], 'same-batch')).id,
      'same-batch',
    );
    const live = runtime(srv).tracker.peek(t.site.id, 'dup-1')!;
    assert.equal(live.state.pageViews, 1);
    // A batch sent as the connection drops is resent by the client after reconnecting: still applied once.
    const r = await VisitorClient.connect(srv.url, t.site.siteKey, 'https://shop.example', {
      reconnect: { minDelayMs: 20, maxDelayMs: 50 },
    });
    await r.hello({ visitorId: 'dup-1', page: { url: 'https://shop.example/a' }, device: 'desktop' });
    const reconnected = new Promise((res) => r.once('reconnect', res));
    const id = r.send([pageView('https://shop.example/b')]);
    r.drop();
    await reconnected;
    await eventually(async () => {
      await flush(srv);
      return (await events('dup-1')).some((row) => row.batch_id === id);
    });
    await r.sendBatch([customEvent('after-reconnect')]);
    assert.equal(live.state.pageViews, 2);
    await flush(srv);
    const rows = await events('dup-1');
    assert.equal(
      rows.filter((row) => row.batch_id === 'same-batch').length,
      2,
      'two events of the batch, once each',
    );
    assert.equal(rows.filter((row) => row.batch_id === id).length, 1);
    await Promise.all([v.close(), r.close()]);
  });

  it('starts a new session after the idle time, as a returning visitor, and at midnight in the site’s time zone', async () => {
    const first = await visitor(srv, t.site.siteKey, 'sess-1');
    assert.equal(first.welcome?.returning, false);
    await first.sendBatch([pageView('https://shop.example/one', ['home'])]);
    await first.close();
    await new Promise((r) => setTimeout(r, 1600)); // BECKON_SESSION_IDLE_MS=1500 in this file
    const second = await visitor(srv, t.site.siteKey, 'sess-1');
    assert.equal(second.welcome?.returning, true);
    assert.notEqual(second.welcome?.sessionId, first.welcome?.sessionId);
    await second.sendBatch([pageView('https://shop.example/two', ['home'])]);
    const live = runtime(srv).tracker.peek(t.site.id, 'sess-1')!;
    assert.equal(live.state.pageViews, 1, 'page counters restart with the session');
    // Midnight in Europe/Berlin ends the session too.
    const berlinMidnight = new Date(live.sessionEndsAt).toLocaleString('en-GB', {
      timeZone: 'Europe/Berlin',
      hour: '2-digit',
      minute: '2-digit',
    });
    assert.equal(berlinMidnight, '00:00');
    live.sessionEndsAt = Date.now() - 1; // as if the clock had just passed it
    await second.sendBatch([pageView('https://shop.example/three', ['home'])]);
    assert.notEqual(live.state.sessionId, second.welcome?.sessionId);
    const j = (await t.api.get('/api/v1/visitors/sess-1')).body;
    assert.equal(j.sessions.length, 3);
    assert.equal(j.sessionCount, 3);
    assert.deepEqual(
      j.sessions.map((s: { returning: boolean }) => s.returning),
      [true, true, false],
    );
    await second.close();
  });

  it('evicts idle visitors to the store and restores them when they return', async () => {
    const v = await visitor(srv, t.site.siteKey, 'evict-1');
    await v.sendBatch([pageView('https://shop.example/p', ['product']), cartAttr(99)], 'before-evict');
    await v.close();
    const rt = runtime(srv);
    await eventually(() => rt.tracker.peek(t.site.id, 'evict-1')?.channels.size === 0);
    const evictionsBefore = await metric(srv, 'beckon_visitor_evictions_total');
    await rt.tracker.sweep(Date.now(), 0);
    assert.equal(rt.tracker.peek(t.site.id, 'evict-1'), undefined, 'gone from memory');
    assert.ok((await metric(srv, 'beckon_visitor_evictions_total')) > evictionsBefore);
    const stored = await srv.node.ctx.store.visitors.get(t.site.id, 'evict-1');
    assert.ok(stored, 'snapshot stored');
    const offline = (await t.api.get('/api/v1/visitors/evict-1')).body;
    assert.equal(offline.connected, false);
    assert.equal(offline.cart.total, 99);
    assert.ok(
      !(await t.api.get('/api/v1/visitors')).body.items.some(
        (i: { visitorId: string }) => i.visitorId === 'evict-1',
      ),
    );
    const back = await visitor(srv, t.site.siteKey, 'evict-1');
    assert.equal(back.welcome?.returning, false, 'same session, so still a new visitor');
    assert.ok((await metric(srv, 'beckon_visitor_restores_total')) >= 1);
    const live = rt.tracker.peek(t.site.id, 'evict-1')!;
    assert.equal(live.state.cart?.total, 99);
    assert.equal(live.state.pageViews, 1);
    await back.sendBatch([pageView('https://shop.example/p', ['product'])], 'before-evict');
    assert.equal(live.state.pageViews, 1, 'batch ids survive eviction');
    await back.close();
  });

  it('keeps memory bounded: beyond the limit the longest-idle disconnected visitors are evicted', async () => {
    const rt = runtime(srv);
    await rt.tracker.sweep(Date.now(), 0);
    const origin = 'https://shop.example';
    for (let i = 0; i < 6; i++) {
      const res = await sendBeacon(
        srv.url,
        t.site.siteKey,
        {
          visitorId: `cap-${i}`,
          batch: { type: 'batch', id: `cap${i}`, events: [pageView(`${origin}/${i}`)] },
        },
        { origin },
      );
      assert.equal(res.status, 204);
    }
    const keep = await visitor(srv, t.site.siteKey, 'cap-connected');
    const limit = rt.config.maxLiveVisitors;
    rt.config.maxLiveVisitors = 3;
    try {
      await rt.tracker.sweep(Date.now(), 60_000);
    } finally {
      rt.config.maxLiveVisitors = limit;
    }
    assert.equal(rt.tracker.size, 3);
    assert.ok(rt.tracker.peek(t.site.id, 'cap-connected'), 'a connected visitor stays');
    assert.ok(rt.tracker.peek(t.site.id, 'cap-5'), 'the most recent stay');
    assert.equal(rt.tracker.peek(t.site.id, 'cap-0'), undefined);
    await keep.close();
  });

  it('persists events, sessions, visitors and exposures through the batched writer', async () => {
    // A paused campaign's goal still counts: `search` is a goal of this account, `scroll` is not.
    const goal = await t.api.post(
      '/api/v1/campaigns',
      contentCampaign(
        'Searchers',
        { all: [] },
        { status: 'paused', goal: { type: 'event', name: 'search' } },
      ),
    );
    assert.equal(goal.status, 201, JSON.stringify(goal.body));
    const v = await visitor(srv, t.site.siteKey, 'persist-1');
    await v.sendBatch([
      pageView('https://shop.example/x?q=1', ['search']),
      customEvent('search', { q: 'lamp' }),
      customEvent('scroll', { depth: 50 }),
      purchaseAttr('o-9', 12.5),
    ]);
    await flush(srv);
    const rows = await events('persist-1');
    assert.deepEqual(
      rows.map((r) => [r.type, r.name]),
      [
        ['page_view', '/x?q=1'],
        ['event', 'search'],
        ['event', 'scroll'],
        ['attr', 'purchase'],
      ],
    );
    assert.equal(rows[0]!.account_id, t.accountId);
    assert.equal(rows[0]!.session_id, v.welcome?.sessionId);
    assert.equal(JSON.parse(rows[3]!.payload).value.total, 12.5);
    assert.equal(typeof rows[0]!.ts, 'number');
    // What attribution reads one by one: the goal event and the purchase; the page view and the
    // custom event no campaign counts stay in the frame log only.
    const indexed = await srv.node.ctx.store.db
      .selectFrom('events')
      .select(['type', 'name', 'seq', 'batch_id'])
      .where('site_id', '=', t.site.id)
      .where('visitor_id', '=', 'persist-1')
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      indexed.map((r) => [r.type, r.name, r.seq, r.batch_id]),
      [
        ['event', 'search', 1, rows[0]!.batch_id],
        ['attr', 'purchase', 3, rows[0]!.batch_id],
      ],
    );
    const sessions = await srv.node.ctx.store.visitors.sessions(t.accountId, t.site.id, 'persist-1');
    assert.equal(sessions[0]!.id, v.welcome?.sessionId);
    await v.close();
    await runtime(srv).tracker.sweep(Date.now() + 10_000_000, 0);
    const after = await srv.node.ctx.store.visitors.sessions(t.accountId, t.site.id, 'persist-1');
    assert.equal(Number(after[0]!.page_views), 1);
    assert.equal(after[0]!.landing_url, 'https://shop.example/x?q=1');
    assert.equal(await srv.node.ctx.store.eventsWriter.pending, 0);
  });
});
