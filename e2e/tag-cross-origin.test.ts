import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';
import { launchBrowser } from './helpers/browser.ts';
import {
  customerPage,
  demoAdmin,
  type OriginServer,
  recordFrames,
  sentEvents,
  startOriginServer,
  until,
  type Wire,
} from './helpers/tag-fixtures.ts';

const QUEUE = `<script>
  window.beckon = window.beckon || [];
  beckon.push(['section', ['landing']], ['event', 'queued_before_load', { n: 1 }]);
</script>`;

describe('the tag pasted into a plain page on another origin (Chromium)', () => {
  let srv: TestServer;
  let browser: Browser;
  let admin: ApiClient;
  let shop: OriginServer;
  let stranger: OriginServer;
  let key = '';
  before(async () => {
    ensureTagBuilt();
    [srv, browser, shop, stranger] = await Promise.all([
      startTestServer({ demo: true }),
      launchBrowser(),
      startOriginServer(),
      startOriginServer(),
    ]);
    key = srv.demo!.siteKey;
    admin = await demoAdmin(srv);
    // Allow the shop's origin, as a site owner would in Settings → Sites (the stranger stays out).
    const site = await admin.get(`/api/v1/sites/${srv.demo!.siteId}`);
    const res = await admin.patch(`/api/v1/sites/${srv.demo!.siteId}`, {
      allowedOrigins: [...site.body.allowedOrigins, shop.url],
    });
    assert.equal(res.status, 200);
    shop.page('/', customerPage(srv.url, key, { head: QUEUE }));
    shop.page('/consent', customerPage(srv.url, key, { consent: true }));
    shop.page('/leave', customerPage(srv.url, key));
    shop.page('/elsewhere', '<!doctype html><title>Elsewhere</title><p>No tag here.</p>');
    stranger.page('/', customerPage(srv.url, key));
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
    await shop?.close();
    await stranger?.close();
  });

  it('streams page views (single-page navigation too), sections, events and attributes from an allowed origin', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const log = recordFrames(page);
    await page.goto(`${shop.url}/?utm_source=newsletter&utm_medium=email&utm_campaign=spring`);
    await until(() => log.received.find((f) => f.type === 'welcome'), 'welcome');

    const first = await until(
      () => sentEvents(log).find((e) => e.type === 'page_view'),
      'the first page view',
    );
    assert.deepEqual(
      first.sections,
      ['landing'],
      'sections queued before the tag loaded apply to the first page',
    );
    assert.ok(sentEvents(log).some((e) => e.type === 'event' && e.name === 'queued_before_load'));

    // A single-page app changes route with the history API and labels the new page.
    await page.evaluate(`history.pushState({}, '', '/tents/alpine'); document.title = 'Alpine tent';
      window.beckon.push(['section', ['product']]);`);
    const spa = await until(
      () => sentEvents(log).find((e) => e.type === 'page_view' && e.url === `${shop.url}/tents/alpine`),
      'the SPA page view',
    );
    assert.deepEqual(spa.sections, ['product']);
    assert.equal(spa.title, 'Alpine tent');
    assert.match(spa.referrer, /utm_campaign=spring/, 'the previous page is the referrer');
    await page.evaluate(`location.hash = '#specs'`); // an in-page anchor is not a page
    await page.evaluate(`location.hash = '#/reviews'`); // a hash route is
    await until(
      () => sentEvents(log).find((e) => e.type === 'page_view' && e.url.endsWith('#/reviews')),
      'hash route',
    );
    // Labels set after the page view went out follow as a section event.
    await page.evaluate(`window.beckon.push(['section', ['reviews', 'product']])`);
    const labelled = await until(
      () => sentEvents(log).find((e) => e.type === 'section'),
      'the section event',
    );
    assert.deepEqual(labelled.sections, ['reviews', 'product']);
    await page.evaluate(`window.beckon.push(
      ['event', 'added_to_wishlist', { sku: 'TENT-1', nested: { dropped: true } }],
      ['identify', { customerId: 'c-42' }],
      ['attr', 'customer', { tier: 'gold' }])`);
    await until(
      () => sentEvents(log).find((e) => e.type === 'attr' && e.attrType === 'customer'),
      'the customer attribute',
    );
    assert.equal(sentEvents(log).filter((e) => e.type === 'page_view').length, 3);
    assert.deepEqual(sentEvents(log).find((e) => e.name === 'added_to_wishlist').props, { sku: 'TENT-1' });

    // Every batch was acknowledged by id.
    const batchIds = log.sent.filter((f) => f.type === 'batch').map((f) => f.id);
    await until(
      () => batchIds.every((id) => log.received.some((f) => f.type === 'ack' && f.id === id)),
      'acks for every batch',
    );
    assert.equal(new Set(batchIds).size, batchIds.length, 'batch ids are unique');
    assert.equal(log.sockets.length, 1, 'one WebSocket for the tab');

    const visitorId = log.sent.find((f) => f.type === 'hello').visitorId;
    const journey = await until(async () => {
      const res = await admin.get(`/api/v1/visitors/${visitorId}`);
      return res.status === 200 && res.body.attributes?.customer ? res.body : null;
    }, 'the journey');
    assert.equal(journey.source.channel, 'email', 'UTM tags on the landing page became the marketing source');
    assert.equal(journey.source.campaign, 'spring');
    assert.equal(journey.traits.customerId, 'c-42');
    assert.equal(journey.page.url, `${shop.url}/tents/alpine#/reviews`);
    assert.deepEqual(journey.page.sections, ['reviews', 'product']);
    assert.ok(journey.events.some((e: { name: string }) => e.name === 'added_to_wishlist'));
    await context.close();
  });

  it('is refused on an origin the site does not allow (4403), and then stays quiet for good', async () => {
    const page = await browser.newPage();
    const log = recordFrames(page);
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    await page.goto(`${stranger.url}/`);
    await until(() => log.closed === 1, 'the refused socket closed');
    assert.deepEqual(log.received, [
      { type: 'error', code: 'forbidden', message: 'origin not allowed for this site' },
    ]);
    assert.ok(
      warnings.some((w) => w.includes('forbidden')),
      'the site owner sees why in the console',
    );
    // Waiting longer than several backoff rounds: no second attempt, nothing sent.
    await page.waitForTimeout(3500);
    assert.equal(log.sockets.length, 1, `${log.sockets.length} connection attempts`);
    assert.equal(log.received.filter((f) => f.type === 'welcome').length, 0);
    assert.equal(sentEvents(log).length, 0);
    await page.close();
  });

  it('sends nothing before consent when the site requires it, everything after, and forgets on withdrawal', async () => {
    const page = await browser.newPage();
    const log = recordFrames(page);
    await page.goto(`${shop.url}/consent`);
    await page.evaluate(`window.beckon.push(['event', 'before_consent'])`);
    await page.waitForTimeout(800);
    assert.equal(log.sockets.length, 0, 'no connection without consent');
    assert.equal(
      await page.evaluate(`localStorage.getItem('beckon.vid')`),
      null,
      'nothing stored without consent',
    );
    assert.equal(await page.evaluate(`document.cookie`), '');

    await page.evaluate(`window.beckon.push(['consent', true])`);
    await until(() => log.received.find((f) => f.type === 'welcome'), 'welcome after consent');
    await until(
      () => sentEvents(log).find((e) => e.name === 'before_consent'),
      'the events kept until consent',
    );
    assert.ok(sentEvents(log).some((e) => e.type === 'page_view'));
    assert.equal(log.sent.find((f) => f.type === 'hello').consent, undefined);
    assert.match(String(await page.evaluate(`localStorage.getItem('beckon.vid')`)), /^[0-9a-f]{32}$/);

    await page.evaluate(`window.beckon.push(['consent', false])`);
    await until(() => log.closed === 1, 'the socket closed on withdrawal');
    assert.equal(await page.evaluate(`localStorage.getItem('beckon.vid')`), null);
    const sent = log.sent.length;
    await page.evaluate(`window.beckon.push(['event', 'after_withdrawal'])`);
    await page.waitForTimeout(300);
    assert.equal(log.sent.length, sent, 'nothing more is sent');
    await page.close();
  });

  it('hands unacknowledged batches to sendBeacon when the visitor leaves', async () => {
    const page = await browser.newPage();
    // A socket that opens but never answers: nothing is acknowledged, so everything waits in the queue.
    let hello: Wire;
    await page.routeWebSocket(/\/v1\/visitor/, (ws) => {
      ws.onMessage((m) => {
        const frame = JSON.parse(String(m));
        if (frame.type === 'hello') hello = frame;
      });
    });
    await page.goto(`${shop.url}/leave`);
    await until(() => hello, 'hello');
    await page.evaluate(`window.beckon.push(['event', 'about_to_leave', { step: 2 }])`);
    await page.waitForTimeout(200);
    await page.goto(`${shop.url}/elsewhere`);
    // The socket never reached the server, so only the beacon can have brought these.
    const journey = await until(async () => {
      const res = await admin.get(`/api/v1/visitors/${hello.visitorId}`);
      return res.status === 200 && res.body.events.length > 0 ? res.body : null;
    }, 'the visitor from the beacon');
    assert.ok(journey.events.some((e: { name: string }) => e.name === 'about_to_leave'));
    assert.equal(journey.pages[0]?.url, `${shop.url}/leave`);
    await page.close();
  });
});
