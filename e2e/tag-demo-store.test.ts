import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { demoAdmin, type FrameLog, recordFrames, sentEvents, until } from './helpers/tag-fixtures.ts';

/** Page errors and CSP violations: the demo store runs under a strict policy and must not trip it. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) errors.push(m.text());
  });
  return errors;
}

describe('the tag on the demo store (Chromium)', () => {
  let srv: TestServer;
  let browser: Browser;
  let admin: ApiClient;
  before(async () => {
    ensureTagBuilt();
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    admin = await demoAdmin(srv);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  const welcomed = (log: FrameLog, n = 1) =>
    until(() => log.received.filter((f) => f.type === 'welcome').length >= n, `welcome #${n}`);

  it('reports a shopper’s journey: page views with sections, product views, cart and the purchase', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    const log = recordFrames(page);
    const base = `${srv.url}/demo`;

    await page.goto(`${base}/`);
    await welcomed(log);
    await page.screenshot({ path: `${SHOTS_DIR}demo-home-1280.png` });
    await page.getByRole('link', { name: 'Shop the collection' }).click();
    await page.getByRole('heading', { name: 'Shop all' }).waitFor();
    await page
      .getByRole('link', { name: /Oak Desk Lamp/ })
      .first()
      .click();
    await page.getByRole('heading', { name: 'Oak Desk Lamp' }).waitFor();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByText('Added 1 to your cart').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}demo-product-1280.png` });
    await page.goto(`${base}/product-throw`);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('link', { name: /Cart/ }).first().click();
    await page.getByRole('heading', { name: 'Your cart' }).waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}demo-cart-1280.png` });
    await page.getByRole('link', { name: 'Checkout' }).click();
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Full name').fill('Ada Lovelace');
    await page.getByLabel('Address').fill('12 St James’s Square');
    await page.getByLabel('City').fill('London');
    await page.getByLabel('Postcode').fill('SW1Y 4JH');
    await page.screenshot({ path: `${SHOTS_DIR}demo-checkout-1280.png` });
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByRole('heading', { name: 'Thank you for your order' }).waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}demo-confirmation-1280.png` });

    // What the tag sent, as Chromium saw it on the wire.
    const purchase = await until(
      () => sentEvents(log).find((e) => e.type === 'attr' && e.attrType === 'purchase'),
      'the purchase attribute',
    );
    assert.equal(purchase.value.total, 318, '$189 lamp + $129 throw, free shipping');
    assert.equal(purchase.value.currency, 'USD');
    assert.match(purchase.value.orderId, /^HO-/);
    const events = sentEvents(log);
    const views = events.filter((e) => e.type === 'page_view');
    const lamp = views.find((e) => e.url.endsWith('/demo/product-lamp'));
    assert.deepEqual(lamp?.sections, ['product']);
    assert.deepEqual(views.find((e) => e.url.endsWith('/demo/checkout'))?.sections, ['checkout']);
    assert.equal(lamp?.referrer, `${base}/products`);
    const carts = events.filter((e) => e.type === 'attr' && e.attrType === 'cart');
    assert.ok(carts.some((c) => c.value.total === 318 && c.value.items.length === 2));
    assert.ok(
      events.some((e) => e.type === 'attr' && e.attrType === 'product_view' && e.value.sku === 'LAMP-OAK'),
    );
    assert.ok(
      log.sockets.every(
        (u) => u === `${srv.url.replace('http', 'ws')}/v1/visitor?siteKey=${srv.demo!.siteKey}`,
      ),
    );
    const hellos = log.sent.filter((f) => f.type === 'hello');
    assert.equal(new Set(hellos.map((h) => h.visitorId)).size, 1, 'one visitor across page loads');
    assert.ok(hellos.every((h) => h.device === 'desktop'));
    // Every batch is acknowledged (or went by beacon as the page unloaded; the server drops duplicates).
    const sessions = new Set(log.received.filter((f) => f.type === 'welcome').map((f) => f.sessionId));
    assert.equal(sessions.size, 1, 'one session for the whole visit');

    // What the server made of it: the visitor's journey through the REST API.
    const visitorId = hellos[0].visitorId as string;
    const journey = await until(async () => {
      const res = await admin.get(`/api/v1/visitors/${visitorId}`);
      return res.status === 200 && res.body.attributes?.purchase ? res.body : null;
    }, 'the journey with the purchase');
    const paths = journey.pages.map((p: { url: string }) => new URL(p.url).pathname);
    assert.deepEqual(paths, [
      '/demo/',
      '/demo/products',
      '/demo/product-lamp',
      '/demo/product-throw',
      '/demo/cart',
      '/demo/checkout',
      '/demo/confirmation',
    ]);
    assert.equal(journey.sectionViews.product, 2);
    assert.equal(journey.sectionViews.checkout, 1);
    assert.equal(journey.attributes.purchase.value.total, 318);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('looks right and keeps working at 360 px', async () => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      hasTouch: true,
      isMobile: true,
    });
    const page = await context.newPage();
    const errors = watchErrors(page);
    const log = recordFrames(page);
    await page.goto(`${srv.url}/demo/`);
    await welcomed(log);
    await page.screenshot({ path: `${SHOTS_DIR}demo-home-360.png` });
    await page.goto(`${srv.url}/demo/product-mugs`);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.screenshot({ path: `${SHOTS_DIR}demo-product-360.png` });
    await page.goto(`${srv.url}/demo/cart`);
    await page.getByRole('button', { name: 'One more' }).click();
    await page.getByText('$96').first().waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}demo-cart-360.png` });
    const cart = await until(
      () => sentEvents(log).find((e) => e.type === 'attr' && e.attrType === 'cart' && e.value.total === 96),
      'the cart of two mug sets',
    );
    assert.equal(cart.value.items[0].quantity, 2);
    assert.equal(log.sent.find((f) => f.type === 'hello')?.device, 'mobile');
    const width = await page.evaluate('document.documentElement.scrollWidth');
    assert.ok((width as number) <= 360, `no horizontal scroll at 360 px (content is ${width} px wide)`);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
