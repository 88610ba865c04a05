import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import {
  customerPage,
  demoAdmin,
  engageFrame,
  type FrameLog,
  interceptVisitorSocket,
  type OriginServer,
  recordFrames,
  sentEvents,
  startOriginServer,
  until,
} from './helpers/tag-fixtures.ts';

const HOSTILE_CSS = `<style>
  * { display: none !important; color: red !important; font: 2px/1 monospace !important; position: static !important; }
  html, body { display: block !important; }
  button, [role=dialog], [role=alertdialog] { visibility: hidden !important; opacity: 0 !important; }
  beckon-widget { transform: scale(0) !important; }
</style>`;
const invitation = (message: string, style: 'toaster' | 'overlay' = 'toaster') => ({
  type: 'chat_invitation',
  skillId: 'sk_e2e',
  message,
  style,
  offline: 'none',
});
const shadow = (js: string) =>
  `(() => { const root = document.querySelector('beckon-widget')?.shadowRoot; return ${js}; })()`;
const outcome = (log: FrameLog, exposureId: string, value: string) =>
  sentEvents(log).find(
    (e) => e.type === 'exposure_outcome' && e.exposureId === exposureId && e.outcome === value,
  );

describe('the engagement widget (Chromium)', () => {
  let srv: TestServer;
  let browser: Browser;
  let admin: ApiClient;
  let shop: OriginServer;
  before(async () => {
    ensureTagBuilt();
    [srv, browser, shop] = await Promise.all([
      startTestServer({ demo: true }),
      launchBrowser(),
      startOriginServer(),
    ]);
    admin = await demoAdmin(srv);
    const site = await admin.get(`/api/v1/sites/${srv.demo!.siteId}`);
    await admin.patch(`/api/v1/sites/${srv.demo!.siteId}`, {
      allowedOrigins: [...site.body.allowedOrigins, shop.url],
    });
    const key = srv.demo!.siteKey;
    shop.page('/hostile', customerPage(srv.url, key, { head: HOSTILE_CSS }));
    const ws = srv.url.replace('http', 'ws');
    const art = readFileSync(
      new URL('../packages/server/src/demo/storefront/assets/lamp.svg', import.meta.url),
      'utf8',
    );
    shop.page('/offer.svg', art, { 'content-type': 'image/svg+xml' });
    shop.page('/strict', customerPage(srv.url, key), {
      'content-security-policy': `default-src 'none'; script-src ${srv.url}; connect-src ${srv.url} ${ws}; img-src 'self'; style-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    });
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
    await shop?.close();
  });

  async function demoPage(width: number, path = '/demo/product-lamp') {
    const context = await browser.newContext({ viewport: { width, height: width > 500 ? 800 : 740 } });
    const page = await context.newPage();
    const log = recordFrames(page);
    const widgetLoads: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/t/widget.js')) widgetLoads.push(r.url());
    });
    await page.goto(`${srv.url}${path}`);
    await until(() => log.received.find((f) => f.type === 'welcome'), 'welcome');
    const visitorId = log.sent.find((f) => f.type === 'hello').visitorId as string;
    return { page, log, widgetLoads, visitorId, close: () => context.close() };
  }

  const invite = async (visitorId: string, message: string) => {
    const res = await admin.post(`/api/v1/visitors/${visitorId}/invite`, { message });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.exposureId as string;
  };

  it('loads only when asked, shows an agent’s invitation in a shadow root, and Accept opens the chat panel', async () => {
    const { page, log, widgetLoads, visitorId, close } = await demoPage(1280);
    assert.equal(widgetLoads.length, 0, 'no widget until there is something to show');
    await page.getByRole('button', { name: 'Add to cart' }).focus();

    const exposureId = await invite(
      visitorId,
      'Hi! Questions about the Oak Lamp or delivery? I’m here to help.',
    );
    const dialog = page.locator('beckon-widget').getByRole('alertdialog');
    await dialog.waitFor();
    // The inviting admin is not online in the console: the team invites, under no one's name.
    await dialog.getByText('Chat with us').waitFor();
    assert.equal(await dialog.getByText('Demo Admin').count(), 0);
    assert.equal(widgetLoads.length, 1);
    assert.equal(
      await page.evaluate(`document.querySelector('[role=alertdialog]')`),
      null,
      'nothing in the light DOM',
    );
    assert.equal(
      await page.evaluate(shadow(`root.activeElement?.getAttribute('role')`)),
      'alertdialog',
      'focus moved to it',
    );
    await until(() => outcome(log, exposureId, 'shown'), 'the shown outcome');
    await page.waitForTimeout(350); // entrance animation
    await page.screenshot({ path: `${SHOTS_DIR}widget-invitation-1280.png` });

    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(shadow(`root.activeElement?.textContent`)), 'Start chat');
    await page.keyboard.press('Enter');
    await until(() => outcome(log, exposureId, 'accepted'), 'the accepted outcome');
    // No agent is online on this server: the chat opens on the offline form (widget-chat.test.ts has the rest).
    const panel = page.locator('beckon-widget').getByRole('dialog', { name: 'Leave us a message' });
    await panel.getByRole('form', { name: 'Leave a message' }).waitFor();
    await page.waitForTimeout(350);
    await page.screenshot({ path: `${SHOTS_DIR}widget-chat-panel-1280.png` });

    const journey = await until(async () => {
      const res = await admin.get(`/api/v1/visitors/${visitorId}`);
      return res.body.exposures?.find(
        (e: { id: string; outcome: string }) => e.id === exposureId && e.outcome === 'accepted',
      );
    }, 'the accepted exposure on the server');
    assert.equal(journey.engagementType, 'chat_invitation');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await close();
  });

  it('closes with Escape as a dismissal and gives focus back to the page', async () => {
    const { page, log, visitorId, close } = await demoPage(1280);
    await page.getByRole('button', { name: 'Add to cart' }).focus();
    const exposureId = await invite(visitorId, 'Need a hand choosing?');
    const dialog = page.locator('beckon-widget').getByRole('alertdialog');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await until(() => outcome(log, exposureId, 'dismissed'), 'the dismissed outcome');
    assert.equal(await page.evaluate(`document.activeElement?.textContent?.trim()`), 'Add to cart');
    await close();
  });

  it('renders a content offer as text, with http(s) links only, and reports the click', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const log = await interceptVisitorSocket(page);
    await page.goto(`${srv.url}/demo/products`);
    await log.inject(
      engageFrame('exp_evil', {
        type: 'content',
        title: '<img src=x onerror="window.pwned=1">Spring sale',
        text: '<b>bold</b> claims',
        ctaLabel: 'Go',
        ctaUrl: 'javascript:window.pwned=1',
      }),
    );
    const evil = page.locator('beckon-widget').getByRole('dialog');
    await evil.getByText('<img src=x onerror="window.pwned=1">Spring sale').waitFor();
    await evil.getByText('<b>bold</b> claims').waitFor();
    assert.equal(await evil.getByRole('link').count(), 0, 'a javascript: URL becomes no link at all');
    assert.equal(await page.evaluate(shadow(`root.querySelectorAll('img, b').length`)), 0);

    await log.inject(
      engageFrame('exp_offer', {
        type: 'content',
        title: '10% off your first order',
        text: 'Use code SLOWMORNING at checkout. Valid on everything in the shop until Sunday.',
        imageUrl: `${srv.url}/demo/assets/throw.svg`,
        ctaLabel: 'Shop linen',
        // Same document (a fragment), so the outcome can be watched on the socket; leaving the page is covered by the beacon test.
        ctaUrl: `${srv.url}/demo/products#linen`,
      }),
    );
    const offer = page.locator('beckon-widget').getByRole('dialog', { name: '10% off your first order' });
    await offer.waitFor();
    await until(
      () => page.evaluate(shadow(`root.querySelector('img')?.naturalWidth > 0`)),
      'the offer image',
    );
    await page.waitForTimeout(350);
    await page.screenshot({ path: `${SHOTS_DIR}widget-content-1280.png` });
    await offer.getByRole('link', { name: 'Shop linen' }).click();
    await page.waitForURL(`${srv.url}/demo/products#linen`);
    await until(() => outcome(log, 'exp_offer', 'clicked'), 'the clicked outcome');
    assert.equal(await page.evaluate('window.pwned'), undefined);
    await context.close();
  });

  it('is not broken by the host page’s CSS', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const log = await interceptVisitorSocket(page);
    await page.goto(`${shop.url}/hostile`);
    assert.equal(
      await page.getByRole('heading', { name: 'Acme Outdoor' }).isVisible(),
      false,
      'the page CSS is in force',
    );
    await log.inject(
      engageFrame('exp_css', invitation('Our rules, not yours: this still looks right.'), 'Sam'),
    );
    const dialog = page.locator('beckon-widget').getByRole('alertdialog');
    await dialog.waitFor();
    const box = (await dialog.boundingBox())!;
    assert.ok(box.width > 300 && box.height > 150, `laid out: ${JSON.stringify(box)}`);
    assert.ok(box.x + box.width <= 1280 && box.y + box.height <= 800, 'inside the viewport');
    const look = await page.evaluate(
      shadow(`(() => { const b = root.querySelector('.primary'); const s = getComputedStyle(b);
        return { color: s.color, size: s.fontSize, visibility: s.visibility, display: s.display }; })()`),
    );
    assert.deepEqual(look, {
      color: 'rgb(255, 255, 255)',
      size: '14.5px',
      visibility: 'visible',
      display: 'flex',
    });
    await page.waitForTimeout(350);
    await page.screenshot({ path: `${SHOTS_DIR}widget-hostile-css-1280.png` });
    await dialog.getByRole('button', { name: 'Start chat' }).click();
    await until(() => outcome(log, 'exp_css', 'accepted'), 'accepted on the hostile page');
    await page.close();
  });

  it('works under a strict Content-Security-Policy (no inline styles, scripts only from Beckon)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(`window.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));`);
    const log = await interceptVisitorSocket(page);
    await page.goto(`${shop.url}/strict`);
    await log.inject(
      engageFrame('exp_csp', {
        type: 'content',
        title: 'Free delivery this week',
        text: 'On every tent and sleeping bag.',
        imageUrl: `${shop.url}/offer.svg`,
        ctaLabel: 'See tents',
        ctaUrl: `${shop.url}/tents`,
      }),
    );
    const offer = page.locator('beckon-widget').getByRole('dialog', { name: 'Free delivery this week' });
    await offer.waitFor();
    const styled = await page.evaluate(
      shadow(
        `(() => { const s = getComputedStyle(root.querySelector('.card')); return s.position + ' ' + s.borderRadius; })()`,
      ),
    );
    assert.equal(styled, 'fixed 18px', 'the constructable stylesheet applied under style-src none');
    await until(
      () => page.evaluate(shadow(`root.querySelector('img')?.naturalWidth > 0`)),
      'the offer image',
    );
    await until(() => outcome(log, 'exp_csp', 'shown'), 'shown under CSP');
    assert.deepEqual(await page.evaluate('window.violations'), []);
    await page.waitForTimeout(350);
    await page.screenshot({ path: `${SHOTS_DIR}widget-strict-csp-1280.png` });
    await page.close();
  });

  it('fits 360 px and 320 px screens, with thumb-sized buttons', async () => {
    for (const width of [360, 320]) {
      const context = await browser.newContext({
        viewport: { width, height: 740 },
        isMobile: true,
        hasTouch: true,
      });
      const page = await context.newPage();
      const log = await interceptVisitorSocket(page);
      await page.goto(`${srv.url}/demo/product-lamp`);
      await log.inject(
        engageFrame(
          'exp_small',
          invitation('Hi! Questions about the Oak Lamp or shipping? I’m here if you’d like a hand.'),
          'Maya Lopez',
        ),
      );
      const dialog = page.locator('beckon-widget').getByRole('alertdialog');
      await dialog.waitFor();
      await page.waitForTimeout(350); // entrance animation
      const box = (await dialog.boundingBox())!;
      assert.ok(box.x >= 0 && box.x + box.width <= width, `${width}px: card ${box.x}..${box.x + box.width}`);
      for (const name of ['Start chat', 'Not now']) {
        const b = (await dialog.getByRole('button', { name }).boundingBox())!;
        assert.ok(
          b.height >= 40 && b.x >= 0 && b.x + b.width <= width,
          `${name} at ${width}px: ${JSON.stringify(b)}`,
        );
      }
      if (width === 360) {
        await page.screenshot({ path: `${SHOTS_DIR}widget-invitation-360.png` });
        await log.inject(
          engageFrame('exp_small_offer', {
            type: 'content',
            title: '10% off your first order',
            text: 'Use code SLOWMORNING at checkout. Valid on everything until Sunday.',
            imageUrl: `${srv.url}/demo/assets/throw.svg`,
            ctaLabel: 'Shop the collection',
            ctaUrl: `${srv.url}/demo/products`,
          }),
        );
        await page
          .locator('beckon-widget')
          .getByRole('dialog', { name: '10% off your first order' })
          .waitFor();
        await page.waitForTimeout(350);
        await page.screenshot({ path: `${SHOTS_DIR}widget-content-360.png` });
        await page.locator('beckon-widget').getByRole('button', { name: 'Close' }).click();
        await until(() => outcome(log, 'exp_small_offer', 'dismissed'), 'the dismissed offer');
        await log.inject(engageFrame('exp_small_chat', invitation('Want a hand?'), 'Maya Lopez'));
        await page.locator('beckon-widget').getByRole('button', { name: 'Start chat' }).click();
        // The injected invitation names a skill the server does not know, so availability cannot say no.
        await page.locator('beckon-widget').getByRole('form', { name: 'Before we start' }).waitFor();
        await page.waitForTimeout(350);
        await page.screenshot({ path: `${SHOTS_DIR}widget-chat-panel-360.png` });
      }
      await context.close();
    }
  });
});
