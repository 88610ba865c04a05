import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { VisitorClient } from '@beckon/sdk/index';
import type { Browser, Locator, Page } from 'playwright-core';
import { startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { browsingVisitor, type ConsolePage, signedInAs } from './helpers/workspace-fixtures.ts';

/** How far the page scrolls sideways: 0 when everything fits the window. */
const sideScroll = (page: Page) =>
  page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

/** Asserts the element is fully inside the window (not cut off at the right edge). */
async function inView(page: Page, el: Locator, what: string) {
  const box = await el.boundingBox();
  assert.ok(box, `${what} is shown`);
  const width = page.viewportSize()!.width;
  assert.ok(
    box.x >= 0 && box.x + box.width <= width + 0.5,
    `${what} ends at ${box.x + box.width} of ${width}`,
  );
}

describe('console layout from a 320 px phone to a 1280 px laptop (Chromium)', { timeout: 180_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let visitor: VisitorClient;
  let chat: VisitorChatClient;
  let owner: ConsolePage;
  const visitorId = 'narrowlayoutvisitor';
  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    // The full Chromium: the 320 px check includes the question about desktop notifications, which
    // only a browser that asks shows (launchBrowser's `full`).
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser([], { full: true })]);
    // Something on every page: a visitor browsing now (the journey), a conversation (history).
    visitor = await browsingVisitor(srv, visitorId);
    chat = await startVisitor(srv, { name: 'Quinn <b>QA</b>', text: 'Do you ship to Oslo?' });
    owner = await signedInAs(browser, srv, 'admin@demo.beckon.local', '/console/visitors');
  });
  after(async () => {
    await chat?.close();
    await visitor?.close();
    await browser?.close();
    await srv?.close();
  });

  it('fits every page into 320 px without scrolling sideways; the top bar keeps Away and Log out in sight', async () => {
    const { page } = owner;
    await page.setViewportSize({ width: 320, height: 640 });
    const { accountId, siteId } = srv.demo!;
    const campaign = (await srv.node.ctx.store.campaigns.list(accountId))[0]!;
    const pages: [string, string, (p: Page) => Locator][] = [
      ['visitors', '/visitors', (p) => p.getByTestId('visitor-row').first()],
      ['visitor', `/visitors/${visitorId}?site=${siteId}`, (p) => p.getByTestId('journey-page').nth(2)],
      ['inbox', '/conversations', (p) => p.getByTestId('conversations-tab-history')],
      ['history', '/conversations/history', (p) => p.getByTestId('history-row').first()],
      ['campaigns', '/campaigns', (p) => p.getByTestId('campaign-row').first()],
      ['campaign', `/campaigns/${campaign.id}`, (p) => p.getByTestId('campaign-form')],
      ['funnel', '/analytics/funnel', (p) => p.getByTestId('funnel-report')],
      [
        'agents',
        '/analytics/agents',
        (p) => p.getByTestId('agents-report').locator('.table tbody tr').first(),
      ],
      ['sites', '/settings/sites', (p) => p.getByTestId('site-card').first()],
      ['team', '/settings/team', (p) => p.getByTestId('user-row').first()],
      ['canned', '/settings/canned-responses', (p) => p.getByTestId('canned-row').first()],
      ['model', '/settings/model', (p) => p.getByTestId('model-tab')],
    ];
    for (const [name, path, ready] of pages) {
      await page.goto(`${srv.url}/console${path}`);
      await ready(page).waitFor();
      await page.waitForTimeout(200);
      assert.equal(await sideScroll(page), 0, `${path} fits 320 px`);
      await inView(page, page.getByRole('button', { name: 'Log out' }), `Log out on ${path}`);
      await inView(page, page.getByTestId('status-switch').getByText('Away'), `Away on ${path}`);
      if (name === 'inbox')
        assert.equal(
          await page.getByTestId('chat-empty').isVisible(),
          false,
          'one empty state on a phone, not two',
        );
      if (['visitor', 'inbox', 'history', 'team'].includes(name))
        await page.screenshot({ path: `${SHOTS_DIR}console-320-${name}.png`, fullPage: true });
    }

    // The spots that were cut off: the history's dates, the journey, the notification question.
    await page.goto(`${srv.url}/console/conversations/history`);
    await inView(page, page.getByLabel('To', { exact: true }), 'the history’s “To” date');
    await page.goto(`${srv.url}/console/visitors/${visitorId}?site=${siteId}`);
    await inView(page, page.getByTestId('journey-page').last(), 'the journey’s current page');
    await page.goto(`${srv.url}/console/conversations`);
    await inView(
      page,
      page.getByTestId('notify-ask').getByRole('button', { name: 'Not now' }),
      'Not now (desktop notifications)',
    );
    await inView(page, page.getByText('Sound', { exact: true }), 'the Sound switch');
    // Tables are cards here, each figure named.
    await page.goto(`${srv.url}/console/analytics/agents`);
    const row = page.getByTestId('agents-report').locator('.table tbody tr').first();
    await inView(page, row.locator('td[data-label="Transferred"]'), 'the agents report’s last figure');
    assert.deepEqual(owner.errors, [], 'no errors in the browser console');
  });

  it('shows the whole Team table and Agents report at 1280 px, last column and Delete buttons included', async () => {
    const { page } = owner;
    await page.setViewportSize({ width: 1280, height: 800 });
    for (const [path, table] of [
      ['/settings/team', 'user-table'],
      ['/analytics/agents', 'agents-report'],
    ] as const) {
      await page.goto(`${srv.url}/console${path}`);
      await page.getByTestId(table).locator('tbody tr').first().waitFor();
      assert.equal(await sideScroll(page), 0, `${path} fits 1280 px`);
      const hidden = await page
        .locator('.table-wrap')
        .evaluateAll((els) => els.map((el) => el.scrollWidth - el.clientWidth).filter((d) => d > 0));
      assert.deepEqual(hidden, [], `${path}: no table scrolls sideways`);
      await page.screenshot({ path: `${SHOTS_DIR}console-1280-${table}.png` });
    }
    await page.goto(`${srv.url}/console/settings/team`);
    await page.getByTestId('user-row').first().waitFor();
    const deletes = page.getByTestId('user-table').getByRole('button', { name: /^Delete / });
    assert.ok((await deletes.count()) >= 2);
    for (const button of await deletes.all()) await inView(page, button, 'a Delete button');
    await page.goto(`${srv.url}/console/analytics/agents`);
    const report = page.getByTestId('agents-report').locator('.table');
    await report.locator('tbody tr').first().waitFor();
    await inView(page, report.getByRole('columnheader', { name: 'Transferred' }), 'the Transferred column');
    // Every column has its figure: as many cells in a row as there are headings.
    const headings = await report.locator('thead th').count();
    const cells = await report.locator('tbody tr').first().locator('th, td').count();
    assert.equal(cells, headings);
    assert.deepEqual(owner.errors, [], 'no errors in the browser console');
  });
});
