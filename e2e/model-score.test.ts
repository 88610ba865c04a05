import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { analyticsOf } from '../packages/server/src/analytics/analytics-runtime.ts';
import { seedDemoHistory } from '../packages/server/src/demo/demo-history.ts';
import { engagementOf } from '../packages/server/src/engagement/engagement-runtime.ts';
import { AnalyticsFixture, DAY, HOUR, ids } from '../packages/server/test/analytics-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { until } from './helpers/tag-fixtures.ts';

async function logIn(page: Page, srv: TestServer, path: string) {
  await page.goto(`${srv.url}/console${path}`);
  await page.getByLabel('Email').fill(DEMO_ADMIN.email);
  await page.getByLabel('Password').fill(DEMO_ADMIN.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** The percentage the visitor panel shows now. */
async function shownScore(page: Page): Promise<number> {
  const text = await page.getByTestId('score-value').textContent();
  return Number((text ?? '').replace(/[^0-9]/g, ''));
}

describe('the purchase score in the console (Chromium)', () => {
  let srv: TestServer;
  let browser: Browser;
  before(async () => {
    ensureTagBuilt();
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    // The demo shop's past month: page values and rates come from it, as on `beckon demo`.
    await seedDemoHistory(srv.node.ctx.store, srv.demo!);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('shows a shopper’s score rising in the visitor panel as they behave like a buyer', async () => {
    const shopper = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const base = `${srv.url}/demo`;
    await shopper.goto(`${base}/`);
    const tracker = engagementOf(srv.node.ctx).tracker;
    const live = await until(
      () => [...tracker.visitorsOf(srv.demo!.accountId)][0],
      'the shopper on the site',
    );

    const console = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
    await logIn(console, srv, `/visitors/${encodeURIComponent(live.visitorId)}?site=${srv.demo!.siteId}`);
    await console.getByTestId('score-panel').waitFor();
    await console.getByTestId('score-value').waitFor();
    const first = await shownScore(console);
    await console.screenshot({ path: `${SHOTS_DIR}visitor-score-landing.png` });

    await shopper.goto(`${base}/product-lamp`);
    await shopper.getByRole('button', { name: 'Add to cart' }).click();
    await shopper.getByText('Added 1 to your cart').waitFor();
    await shopper.goto(`${base}/cart`);
    await shopper.getByRole('heading', { name: 'Your cart' }).waitFor();
    await shopper.getByRole('link', { name: 'Checkout' }).click();
    await shopper.getByRole('heading', { name: 'Checkout' }).waitFor();

    // The panel refreshes about once a second: wait for the checkout page to show in the score.
    const server = await until(() => {
      const s = live.state.score;
      return s !== undefined && live.state.page?.path.includes('checkout') ? s : undefined;
    }, 'the score after checkout');
    await until(
      async () => (await shownScore(console)) === Math.round(server * 100),
      'the panel to catch up',
    );
    const last = await shownScore(console);
    assert.ok(last > first, `the score rose from ${first} % to ${last} %`);
    const factors = console.getByTestId('score-factors').locator('li');
    assert.equal(await factors.count(), 3);
    assert.match((await factors.first().textContent()) ?? '', /\S/);
    await console.getByTestId('score-panel').screenshot({ path: `${SHOTS_DIR}visitor-score-panel.png` });
    await console.screenshot({ path: `${SHOTS_DIR}visitor-score-checkout.png` });
  });

  it('shows the active model with a Train button, and a campaign’s lift by score band', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
    await logIn(page, srv, '/settings/model');
    await page.getByTestId('model-active').waitFor();
    assert.equal(await page.getByTestId('model-source').textContent(), 'Pre-trained default');
    assert.ok(await page.getByTestId('model-train').isEnabled(), 'the demo history is enough to train on');
    assert.equal(
      await page.getByTestId('model-train-uplift').textContent(),
      'Train now also retrains the uplift models of the campaigns that target by predicted uplift.',
    );
    // The site's own section label, counted as product pages from now on.
    const kinds = page.getByTestId('model-page-kinds');
    await kinds.getByLabel('Section label').fill('lookbook');
    await kinds.getByRole('button', { name: 'Add label' }).click();
    await kinds.getByRole('button', { name: 'Save' }).click();
    await kinds.getByText(/^Saved\./).waitFor();
    const saved = await srv.node.ctx.store.modelSettings.get(srv.demo!.siteId);
    assert.equal(saved.sectionKinds.lookbook, 'product');
    await page.screenshot({ path: `${SHOTS_DIR}model-settings.png`, fullPage: true });

    // Exposures of the demo's free-shipping campaign with known scores and conversions, by band.
    const { store } = srv.node.ctx;
    const campaign = (await store.campaigns.list(srv.demo!.accountId)).find((c) => c.controlShare > 0)!;
    const f = new AnalyticsFixture(store, srv.demo!.accountId, srv.demo!.siteId);
    const at = Date.now() - DAY;
    const bands = [
      [6, 5],
      [9, 6],
      [14, 8],
      [22, 12],
      [30, 27],
    ];
    for (const [b, [exposed, control]] of bands.entries()) {
      for (const [arm, converted] of [
        ['e', exposed],
        ['c', control],
      ] as const) {
        const visitors = ids(`band${b}${arm}-`, 100);
        await f.visit(visitors, at);
        const exposures = await f.expose(visitors, campaign.id, at, { control: arm === 'c' });
        for (const [i, id] of exposures.entries()) {
          await store.db
            .updateTable('exposures')
            .set({ score: b / 5 + (i + 0.5) / 600 })
            .where('id', '=', id)
            .execute();
        }
        for (const v of visitors.slice(0, converted)) await f.purchase(v, at + HOUR, `o-${v}`, 64);
      }
    }
    await analyticsOf(srv.node.ctx).job.catchUp();
    await page.goto(`${srv.url}/console/analytics/lift`);
    await page.getByRole('button', { name: campaign.name }).click();
    await page.getByTestId('score-bands-table').waitFor();
    assert.equal(await page.getByTestId('score-bands-table').locator('tbody tr').count(), 5);
    // Revenue per visitor of both groups, in the shop's currency (its orders are in US dollars).
    const revenue = await page
      .getByTestId('score-bands-table')
      .locator('tbody td[data-label="Revenue per visitor"]')
      .allTextContents();
    assert.equal(revenue.length, 5);
    for (const cell of revenue) assert.match(cell, /^\$\d[\d,]*\.\d\d vs \$\d[\d,]*\.\d\d$/);
    await page.getByTestId('score-bands-chart').locator('canvas').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}lift-score-bands.png`, fullPage: true });
  });
});
