import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { connectAgent } from '../packages/server/test/helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import {
  customerPage,
  demoAdmin,
  engageFrame,
  interceptVisitorSocket,
  type OriginServer,
  recordFrames,
  startOriginServer,
  until,
} from './helpers/tag-fixtures.ts';

describe('orders from a shop and business hours (Chromium)', () => {
  let srv: TestServer;
  let browser: Browser;
  let shop: OriginServer;
  let admin: ApiClient;

  const signIn = async (page: Page) => {
    await page.goto(`${srv.url}/console/`);
    await page.getByLabel('Email').fill(DEMO_ADMIN.email);
    await page.getByLabel('Password').fill(DEMO_ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Demo Store').first().waitFor();
  };

  before(async () => {
    ensureTagBuilt();
    mkdirSync(SHOTS_DIR, { recursive: true });
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
    shop.page('/checkout', customerPage(srv.url, srv.demo!.siteKey));
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
    await shop?.close();
  });

  it("gives the page beckon('visitorId'), and a server's order with it is attributed to that visit", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const log = recordFrames(page);
    await page.goto(`${shop.url}/checkout`);
    const welcome = await until(() => log.received.find((f) => f.type === 'welcome'), 'welcome');
    const id = await page.evaluate(`beckon('visitorId')`);
    assert.equal(id, welcome.visitorId, 'the id the server knows the visitor by');
    await context.close();

    // The visitor row is written behind the hot path; the order finds it once it is there.
    const api = new ApiClient(srv.node.app);
    api.bearer = (await srv.node.ctx.store.apiKeys.create(srv.demo!.accountId, 'shop')).key;
    // A loaded machine can hold the writer thread's flush for seconds: wait longer than the default.
    await until(
      async () => srv.node.ctx.store.visitors.get(srv.demo!.siteId, String(id)),
      'the visitor row',
      30_000,
    );
    const res = await api.post('/api/v1/conversions', {
      orderId: 'E2E-1',
      value: 30,
      currency: 'EUR',
      visitorId: id,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.conversion.attributed, true);
    assert.equal(res.body.conversion.visitorId, id);
    const unknown = await api.post('/api/v1/conversions', { orderId: 'E2E-2', value: 12, currency: 'EUR' });
    assert.equal(unknown.body.conversion.attributed, false);

    // The analytics page counts the order nobody could tie to a visit, and says who saw each group's orders.
    const console = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page2 = await console.newPage();
    await signIn(page2);
    await page2.goto(`${srv.url}/console/analytics`);
    await page2.getByTestId('funnel-unattributed').getByText('1 reported by a server').waitFor();
    await page2.getByTestId('funnel-exposed-sources').waitFor();
    await page2.screenshot({ path: `${SHOTS_DIR}/analytics-sources.png`, fullPage: true });
    await console.close();
  });

  it('connects a shop from Settings › Orders with the keyboard, and shows its receiver URL and the checkout snippets', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page);
    await page.goto(`${srv.url}/console/settings/orders`);
    await page.getByTestId('orders-empty').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/orders-empty.png`, fullPage: true });

    await page.getByRole('button', { name: 'Connect a shop' }).first().focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('connect-shop-dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Connect shop' }).click();
    await dialog.getByText('Enter the secret Shopify signs its webhooks with.').waitFor();
    await dialog.getByLabel('Webhook secret').fill('shpss_from_the_shop_123');
    await page.keyboard.press('Enter');
    const done = page.getByTestId('shop-connected-dialog');
    await done.waitFor();
    assert.match((await done.locator('code').first().textContent()) ?? '', /\/hooks\/shopify\/crx_/);
    await done.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('receiver-row').waitFor();
    await page.getByTestId('checkout-snippet-shopify').waitFor();
    assert.match(
      (await page.getByTestId('checkout-snippet-shopify').textContent()) ?? '',
      /beckon_visitor_id/,
    );
    await page.screenshot({ path: `${SHOTS_DIR}/orders-connected.png`, fullPage: true });
    const listed = await admin.get('/api/v1/commerce-receivers');
    assert.deepEqual(
      listed.body.items.map((r: { platform: string; secretHint: string }) => [r.platform, r.secretHint]),
      [['shopify', '_123']],
    );
    await context.close();
  });

  it("edits a skill's hours, time zone and holidays, and shows them in the skills table", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await signIn(page);
    await page.goto(`${srv.url}/console/settings/skills`);
    await page.getByRole('button', { name: 'Edit Sales' }).click();
    const dialog = page.getByTestId('skill-dialog');
    await dialog.waitFor();
    await dialog.getByLabel(/Set opening hours/).check();
    await dialog.getByLabel('Time zone').selectOption('Europe/Berlin');
    await dialog.getByRole('button', { name: 'Add hours on Saturday' }).click();
    await dialog.getByLabel('Saturday closes at').fill('13:00');
    await dialog.getByLabel('Holidays (closed all day)').fill('2026-12-25');
    await dialog.getByRole('button', { name: 'Add holiday' }).click();
    await dialog.getByText('2026-12-25').waitFor();
    await dialog.screenshot({ path: `${SHOTS_DIR}/skill-hours-editor.png` });
    // Every row of hours fits in the dialog, on a desktop and on a phone.
    const stickingOut = () =>
      page.evaluate(`(() => {
        const d = document.querySelector('dialog[open]').getBoundingClientRect();
        return [...document.querySelectorAll('dialog[open] *')]
          .filter((el) => el.getBoundingClientRect().right > d.right + 1)
          .map((el) => el.tagName + '.' + el.className);
      })()`);
    assert.deepEqual(await stickingOut(), []);
    await page.setViewportSize({ width: 375, height: 800 });
    assert.deepEqual(await stickingOut(), []);
    await page.setViewportSize({ width: 1280, height: 1000 });
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.locator(`[data-skill-id="${srv.demo!.skillIds.sales}"]`).getByTestId('skill-hours');
    assert.equal(await row.textContent(), 'Mon–Fri 09:00–17:00; Sat 09:00–13:00 · Europe/Berlin');
    await page.screenshot({ path: `${SHOTS_DIR}/skills-hours.png`, fullPage: true });
    const skill = await admin.get(`/api/v1/skills/${srv.demo!.skillIds.sales}`);
    assert.deepEqual(skill.body.hours.holidays, ['2026-12-25']);
    assert.equal(skill.body.hours.weekly.length, 6);
    await context.close();
  });

  it('shows a visitor who writes outside business hours the offline form with when the team replies', async () => {
    // Open only on the day after tomorrow (in the browser's zone, UTC here): closed now, with an agent online.
    const day = (new Date().getUTCDay() + 2) % 7;
    const hours = { timeZone: 'UTC', weekly: [{ day, from: '09:00', to: '17:00' }], holidays: [] };
    assert.equal((await admin.patch(`/api/v1/skills/${srv.demo!.skillIds.sales}`, { hours })).status, 200);
    const sales = await connectAgent(srv, 'sales@demo.beckon.local');
    try {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        locale: 'en-GB',
        timezoneId: 'UTC',
      });
      const page = await context.newPage();
      const log = await interceptVisitorSocket(page);
      await page.goto(`${srv.url}/demo/cart`);
      await log.inject(
        engageFrame('exp_hours_btn', {
          type: 'chat_button',
          skillId: srv.demo!.skillIds.sales,
          label: 'Chat with us',
        }),
      );
      const widget = page.locator('beckon-widget');
      await widget.getByRole('button', { name: 'Chat with us' }).click();
      const form = widget.getByRole('form', { name: 'Leave a message' });
      await form.waitFor();
      const weekday = new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: 'UTC' }).format(
        Date.now() + 2 * 86_400_000,
      );
      // In the panel's header, above the form: the time as the visitor's locale writes it.
      await widget.getByText(new RegExp(`^We reply on ${weekday} at 0?9:00$`)).waitFor();
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${SHOTS_DIR}/widget-offline-hours.png` });
      await context.close();
    } finally {
      await sales.disconnect();
      await admin.patch(`/api/v1/skills/${srv.demo!.skillIds.sales}`, { hours: null });
    }
  });
});
