import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { seedCallScenario } from '../packages/server/test/call-report-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { until } from './helpers/tag-fixtures.ts';

const HOUR = 3_600_000;

describe('analytics › calls (Chromium): calls per day, skill and agent, and callbacks', () => {
  let srv: TestServer;
  let browser: Browser;
  let sales: string;

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    ({ sales } = await seedCallScenario(srv, Date.now() - 30 * HOUR, Date.now() - 3 * HOUR));
    // The rescheduled callback's time has passed: the page is read once the dispatcher queued it.
    const { db } = srv.node.ctx.store;
    await until(
      async () =>
        (
          await db
            .selectFrom('callbacks')
            .select('status')
            .where('id', '=', 'cb_report_scheduled_rescheduled')
            .executeTakeFirst()
        )?.status === 'queued',
      'the dispatcher to queue the rescheduled callback',
      30_000,
    );
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('shows totals, a chart, a row per skill and agent, callbacks; a period without calls says so', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 1100 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${srv.url}/console/`);
    await page.getByLabel('Email').fill(DEMO_ADMIN.email);
    await page.getByLabel('Password').fill(DEMO_ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.getByTestId('funnel-report').waitFor();

    // By keyboard: focus the Calls tab and open it.
    await page.getByTestId('analytics-tab-calls').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/analytics\/calls$/);
    const report = page.getByTestId('calls-report');
    await report.waitFor();
    await report.getByTestId('calls-chart').locator('canvas').waitFor();
    assert.equal(await report.getByTestId('calls-offered').textContent(), '6');
    const total = await report.getByTestId('calls-total').locator('td').allTextContents();
    assert.equal(total[0], '6');
    assert.match(total[1]!, /^3\s*50\.0 %$/);
    assert.equal(total[2], '2', 'abandoned');
    assert.equal(total[5], '30\u00a0s', '9 calls in 10 answered within 30 s');
    const skills = await report.getByTestId('calls-skills').locator('tbody th').allTextContents();
    assert.deepEqual(skills, ['Sales', 'Support', 'Total']);
    const salesRow = await report.getByTestId(`calls-agent-${sales}`).locator('td').allTextContents();
    assert.equal(salesRow[0], '4', 'rung for four calls');
    assert.equal(salesRow[9], '1', 'passed one on');
    const callbacks = await report.getByTestId('calls-callbacks').locator('td').allTextContents();
    // The rescheduled callback's time has passed: the running scheduler put it in the queue.
    assert.deepEqual(callbacks, ['3', '0', '1', '1', '1', '0', '2']);
    const href = await report.getByTestId('csv-calls').getAttribute('href');
    const csv = await page.request.get(`${srv.url}${href}`);
    assert.equal(csv.status(), 200);
    assert.match(await csv.text(), /^group,key,name,offered,answered/);
    await report.screenshot({ path: `${SHOTS_DIR}analytics-calls.png` });

    // Another channel: nothing there.
    await page.getByTestId('calls-channel').selectOption('email');
    await page.getByTestId('calls-empty').waitFor();
    await page.getByTestId('calls-channel').selectOption('');
    await report.waitFor();

    // A period with nothing in it.
    await page.getByLabel('From', { exact: true }).fill('2020-01-01');
    await page.getByLabel('To', { exact: true }).fill('2020-01-31');
    const empty = page.getByTestId('calls-empty');
    await empty.waitFor();
    assert.match((await empty.textContent()) ?? '', /No calls in this period/);
    await page.locator('.analytics-reports').screenshot({ path: `${SHOTS_DIR}analytics-calls-empty.png` });
    assert.deepEqual(errors, []);
    await context.close();
  });
});
