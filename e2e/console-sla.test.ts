import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { newId } from '../packages/server/src/ids.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { signedInAs, until } from './helpers/workspace-fixtures.ts';

describe('SLA in the console (Chromium): targets, a timer turning red, the alert, the report', () => {
  let srv: TestServer;
  let browser: Browser;

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([
      startTestServer({ demo: true, env: { BECKON_SLA_EVERY_MS: '500', BECKON_SLA_POLL_MS: '200' } }),
      launchBrowser(),
    ]);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('sets a target in Settings › Skills; a waiting chat’s timer turns red without a reload and the admin is alerted', async () => {
    const admin = await signedInAs(browser, srv, 'admin@demo.beckon.local', '/console/settings/skills');
    const { page } = admin;
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.getByRole('button', { name: 'Edit Sales' }).click();
    const dialog = page.getByTestId('skill-dialog');
    await dialog.getByLabel('Normal first response, minutes').fill('1');
    await dialog.getByLabel('Normal resolution, minutes').fill('30');
    await dialog.getByTestId('sla-editor').screenshot({ path: `${SHOTS_DIR}sla-editor.png` });
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'detached' });
    const summary = page.locator(`[data-skill-id="${srv.demo!.skillIds.sales}"]`).getByTestId('skill-sla');
    assert.equal(await summary.textContent(), 'SLA: normal reply 1 min, resolve 30 min');
    await page.screenshot({ path: `${SHOTS_DIR}sla-skills-table.png` });
    const { store } = srv.node.ctx;
    const sales = await store.skills.get(srv.demo!.accountId, srv.demo!.skillIds.sales);
    assert.deepEqual(sales.sla, { normal: { firstResponseSeconds: 60, resolutionSeconds: 1800 } });

    // A customer who has waited 50 s of a 1-minute first-response target.
    const c = await store.conversations.create(
      {
        accountId: srv.demo!.accountId,
        siteId: srv.demo!.siteId,
        visitorId: null,
        source: 'api',
        skillId: sales.id,
        status: 'queued',
        visitorName: 'Rita Overdue',
        tokenHash: newId('tok'),
      },
      Date.now() - 50_000,
    );
    await page.goto(`${srv.url}/console/conversations`);
    await page.getByRole('tab', { name: /Queue/ }).click();
    const row = page.getByTestId('queue-row').filter({ hasText: 'Rita Overdue' });
    const timer = row.getByTestId('sla-timer');
    await timer.waitFor();
    assert.equal(await timer.getAttribute('data-sla-state'), 'warning', 'amber in the last quarter');
    assert.match((await timer.textContent()) ?? '', /^Reply in \d+ s$/);
    await row.screenshot({ path: `${SHOTS_DIR}sla-timer-amber.png` });
    await page
      .locator('[data-testid="queue-row"]:has-text("Rita Overdue") [data-sla-state="breached"]')
      .waitFor({ timeout: 20_000 });
    assert.match((await timer.textContent()) ?? '', /^Reply overdue \d+ s$/);

    // The breach job records it once; the console says so.
    const notice = page.getByTestId('notice').filter({ hasText: 'SLA missed: Rita Overdue' });
    await notice.waitFor({ timeout: 15_000 });
    assert.match((await notice.textContent()) ?? '', /no first reply within 1 min \(normal priority\)/);
    await page.screenshot({ path: `${SHOTS_DIR}sla-queue-breached.png` });
    assert.deepEqual(await store.sla.breachesOf(c.id), ['first_response']);

    // The chat header shows the same clock.
    await row.click();
    const header = page.getByTestId('chat').getByTestId('sla-timer');
    await header.waitFor();
    assert.equal(await header.getAttribute('data-sla-state'), 'breached');
    await page.locator('.chat-header').screenshot({ path: `${SHOTS_DIR}sla-chat-header.png` });
    await until(() => admin.errors.length === 0 || admin.errors, 'no page errors');
    assert.deepEqual(admin.errors, []);
    await admin.context.close();
  });

  it('shows the SLA report: shares met, a chart and breaches by skill, agent and channel', async () => {
    const admin = await signedInAs(browser, srv, 'admin@demo.beckon.local', '/console/analytics/sla');
    const { page } = admin;
    await page.setViewportSize({ width: 1280, height: 1000 });
    const report = page.getByTestId('sla-report');
    await report.waitFor();
    await report.getByTestId('sla-chart').locator('canvas').waitFor();
    assert.match((await page.getByTestId('sla-first-response-rate').textContent()) ?? '', /^\d+\.\d %$/);
    // Only Sales has targets; its missed first reply (and any of the demo's history) is counted there.
    const skills = page.getByTestId('sla-by-skill').locator('tbody tr');
    assert.equal(await skills.count(), 1);
    const cells = await skills.first().locator('th, td').allTextContents();
    assert.equal(cells[0], 'Sales');
    assert.ok(Number(cells[2]) >= 1, `a first response missed (${cells.join(' | ')})`);
    assert.ok((await page.getByTestId('sla-by-agent').locator('tbody tr').count()) >= 1);
    assert.ok((await page.getByTestId('sla-by-channel').locator('tbody tr').count()) >= 1);
    const href = await report.getByTestId('csv-sla').getAttribute('href');
    const csv = await page.request.get(`${srv.url}${href}`);
    assert.equal(csv.status(), 200);
    assert.match(
      await csv.text(),
      /^breakdown,key,name,conversations,first_response_breaches,resolution_breaches/,
    );
    await page.screenshot({ path: `${SHOTS_DIR}analytics-sla.png`, fullPage: true });
    assert.deepEqual(admin.errors, []);
    await admin.context.close();
  });
});
