import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { analyticsOf } from '../packages/server/src/analytics/analytics-runtime.ts';
import { seedDemoHistory } from '../packages/server/src/demo/demo-history.ts';
import { AnalyticsFixture, campaignInput, HOUR, MIN } from '../packages/server/test/analytics-fixtures.ts';
import { cookieFor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { brokenText } from './helpers/layout.ts';

/** History's date fields narrower than the date Chromium writes in them ("12/31/2026"), its padding and the calendar button. */
function shortDateFields(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const out = [];
    for (const input of document.querySelectorAll('.history-toolbar input[type="date"]')) {
      const s = getComputedStyle(input);
      const probe = document.createElement('span');
      probe.style.font = s.font;
      probe.style.letterSpacing = s.letterSpacing;
      probe.textContent = '12/31/2026';
      document.body.append(probe);
      const text = probe.getBoundingClientRect().width;
      probe.remove();
      const need = text + parseFloat(s.paddingLeft) + parseFloat(s.paddingRight) + 24;
      if (input.clientWidth < need) out.push(input.getAttribute('aria-label') + ': ' + input.clientWidth + ' < ' + need);
    }
    return out;
  })()`);
}

describe('analytics and History at 1280 × 800 on the demo (Chromium)', () => {
  let srv: TestServer;
  let browser: Browser;
  let page: Page;
  const ids: Record<string, string> = {};

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    const { store } = srv.node.ctx;
    await seedDemoHistory(store, srv.demo!, { sessions: 1500 });
    // Today: chats in the hours so far, and a purchase two campaigns showed their engagement before.
    const now = Date.now();
    const midnight = Date.parse(`${new Date(now).toISOString().slice(0, 10)}T00:00:00Z`);
    const fx = new AnalyticsFixture(store, srv.demo!.accountId, srv.demo!.siteId);
    for (let at = now - 5 * MIN; at >= midnight && at > now - 12 * HOUR; at -= 70 * MIN) {
      await fx.conversation(null, { at, assignedAfter: 20_000 });
    }
    ids.first = (await store.campaigns.create(fx.accountId, campaignInput('Spring offer'))).id;
    ids.second = (await store.campaigns.create(fx.accountId, campaignInput('Free shipping'))).id;
    const seen = Math.max(midnight, now - 30 * MIN);
    await fx.visit(['layout-v1'], seen);
    await fx.expose(['layout-v1'], ids.first, seen);
    await fx.expose(['layout-v1'], ids.second, seen + 1000);
    await fx.purchase('layout-v1', seen + 2000, 'layout-order-1', 64);
    await analyticsOf(srv.node.ctx).job.catchUp();

    const { cookie } = await cookieFor(srv, DEMO_ADMIN.email);
    const [name, value] = cookie.split('=') as [string, string];
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'en-US',
      timezoneId: 'UTC',
    });
    await context.addCookies([{ name, value, url: srv.url }]);
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('keeps every duration, figure and header whole on each report tab', async () => {
    const problems: string[] = [];
    for (const tab of ['funnel', 'lift', 'conversations', 'channels', 'agents', 'calls', 'sla']) {
      await page.goto(`${srv.url}/console/analytics/${tab}`);
      await page.locator('.tab-panel .report, .tab-panel .empty-state').first().waitFor();
      await page.locator('.tab-panel').screenshot({ path: `${SHOTS_DIR}/analytics-1280-${tab}.png` });
      for (const p of await brokenText(
        page,
        '.tab-panel .table-wrap, .tab-panel th, .tab-panel td, .kpi-card',
      ))
        problems.push(`${tab}: ${p}`);
    }
    assert.deepEqual(problems, []);
  });

  it('draws Today hour by hour, the axis in the viewer’s hours', async () => {
    await page.goto(`${srv.url}/console/analytics/conversations`);
    await page.getByRole('button', { name: 'Today', exact: true }).click();
    const chart = page.getByTestId('conversations-chart');
    await page.getByRole('heading', { name: 'Per hour' }).waitFor();
    await chart.locator('canvas').waitFor();
    assert.equal(
      await chart.getAttribute('data-points'),
      '24',
      'one point per hour, not one dot for the day',
    );
    // The legend reads the latest hour as the locale writes it: "Nov 26, 11 PM".
    const at = await chart.locator('.u-legend .u-series').first().locator('.u-value').textContent();
    assert.match(at ?? '', /^[A-Z][a-z]{2} \d{1,2}, \d{1,2}\s?(AM|PM)$/);
    await page.locator('.tab-panel').screenshot({ path: `${SHOTS_DIR}/analytics-1280-today.png` });
  });

  it('says a purchase after two campaigns counts in both, beside the distinct total', async () => {
    await page.goto(`${srv.url}/console/analytics/lift`);
    const note = page.getByTestId('lift-credit');
    await note.waitFor();
    assert.match(
      (await note.textContent()) ?? '',
      /credited to every campaign that engaged the visitor.*totals across campaigns can count a purchase more than once/,
    );
    for (const id of [ids.first!, ids.second!]) {
      const engaged = await page.getByTestId(`lift-${id}`).locator('td').first().textContent();
      assert.match(engaged ?? '', /1\s*\/\s*1$/, `${id}: the one shown visitor converted`);
    }
    const summed = Number(
      (await page.getByTestId('lift-credit-summed').textContent())!.split(' · ')[0]!.replace(/,/g, ''),
    );
    const distinct = Number(
      (await page.getByTestId('lift-credit-distinct').textContent())!.split(' · ')[0]!.replace(/,/g, ''),
    );
    const shared = Number.parseInt(
      (await page.getByTestId('lift-credit-shared').textContent())!.replace(/,/g, ''),
      10,
    );
    assert.ok(shared >= 1, 'the order both campaigns count');
    assert.ok(
      summed >= distinct + shared,
      `${summed} added over campaigns, ${distinct} distinct, ${shared} shared`,
    );
    await note.screenshot({ path: `${SHOTS_DIR}/analytics-1280-credit.png` });
  });

  it('shows History’s whole dates in its date fields', async () => {
    await page.goto(`${srv.url}/console/conversations/history`);
    const from = page.getByLabel('From', { exact: true });
    await from.fill('2026-11-26');
    await page.getByLabel('To', { exact: true }).fill('2026-12-31');
    await page.locator('.history-toolbar').screenshot({ path: `${SHOTS_DIR}/history-1280-filters.png` });
    const short = await shortDateFields(page);
    assert.deepEqual(short, []);
  });
});
