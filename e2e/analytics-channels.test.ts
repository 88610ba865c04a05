import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { channelsOf } from '../packages/server/src/channels/channels-feature.ts';
import { connectAgent, eventually, startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { postWebhook, waMessageDelivery } from '../packages/server/test/helpers/graph-api-server.ts';
import { DEMO_ADMIN } from '../packages/server/test/helpers/test-server.ts';
import { startWhatsApp, WA } from '../packages/server/test/helpers/whatsapp-fixture.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';

describe('analytics › channels (Chromium): conversations, first response and CSAT by channel', () => {
  let wa: Awaited<ReturnType<typeof startWhatsApp>>;
  let browser: Browser;

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [wa, browser] = await Promise.all([startWhatsApp(), launchBrowser()]);
    const { store } = wa.srv.node.ctx;
    const agent = await connectAgent(wa.srv, 'sales@demo.beckon.local');
    const take = async (id: string, answer: boolean, csat?: number) => {
      await eventually(() => agent.offers.get(id), 5000, 'the offer');
      await agent.accept(id);
      if (answer) await agent.send(id, 'Happy to help');
      if (csat !== undefined) {
        await agent.close(id);
        await store.conversations.setCsat(wa.accountId, id, csat, null);
      }
    };
    // Three WhatsApp customers through the signed webhook, two answered and rated.
    for (const [i, csat] of [5, 3, undefined].entries()) {
      const d = waMessageDelivery(WA.phoneNumberId, `15550177${i}`, `Order question ${i}`);
      assert.equal((await postWebhook(wa.hook, d.body, WA.appSecret)).status, 200);
      const id = await eventually(
        async () =>
          (
            await store.db
              .selectFrom('channel_messages')
              .select('conversation_id')
              .where('external_id', '=', d.id)
              .executeTakeFirst()
          )?.conversation_id,
      );
      if (csat !== undefined) await take(id, true, csat);
    }
    // A web chat, answered; an e-mail nobody answered yet.
    const visitor = await startVisitor(wa.srv, { text: 'Do you ship to Oslo?' });
    await take(visitor.conversation.id, true);
    await visitor.close();
    await channelsOf(wa.srv.node.ctx).inbox.receive({
      channel: 'email',
      accountId: wa.accountId,
      siteId: null,
      from: { email: 'ana@example.com', address: 'email' },
      externalId: '<e2e-channels@example.com>',
      text: 'Invoice please',
    });
    await agent.disconnect();
  });
  after(async () => {
    await browser?.close();
    await wa?.close();
  });

  it('shows a chart per measure and a row per channel; an empty period says so', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 1100 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${wa.srv.url}/console/`);
    await page.getByLabel('Email').fill(DEMO_ADMIN.email);
    await page.getByLabel('Password').fill(DEMO_ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.getByTestId('funnel-report').waitFor();

    // By keyboard: focus the Channels tab and open it.
    await page.getByTestId('analytics-tab-channels').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/analytics\/channels$/);
    const report = page.getByTestId('channels-report');
    await report.waitFor();
    for (const chart of ['conversations', 'first-response', 'csat'])
      await report.getByTestId(`channels-chart-${chart}`).locator('canvas').waitFor();
    const rows = await report.locator('tbody tr th').allTextContents();
    assert.deepEqual(rows, ['WhatsApp', 'E-mail', 'Web chat', 'Total']);
    const whatsapp = report.getByTestId('channel-WhatsApp');
    const cells = await whatsapp.locator('td').allTextContents();
    assert.equal(cells[0], '3', 'three WhatsApp conversations');
    assert.match(cells[1]!, /^2/, 'two answered');
    assert.equal(cells[6], '4.00 (2)', 'CSAT 5 and 3');
    assert.equal((await report.getByTestId('channel-E-mail').locator('td').allTextContents())[4], '—');
    const href = await report.getByTestId('csv-channels').getAttribute('href');
    const csv = await page.request.get(`${wa.srv.url}${href}`);
    assert.equal(csv.status(), 200);
    assert.match(await csv.text(), /^channel,conversations,answered/);
    await page.getByTestId('channels-report').screenshot({ path: `${SHOTS_DIR}analytics-channels.png` });
    await page.screenshot({ path: `${SHOTS_DIR}analytics-channels-page.png`, fullPage: true });

    // A period with nothing in it.
    await page.getByLabel('From', { exact: true }).fill('2020-01-01');
    await page.getByLabel('To', { exact: true }).fill('2020-01-31');
    const empty = page.getByTestId('channels-empty');
    await empty.waitFor();
    assert.match((await empty.textContent()) ?? '', /No conversations in this period/);
    await page.locator('.analytics-reports').screenshot({ path: `${SHOTS_DIR}analytics-channels-empty.png` });
    assert.deepEqual(errors, []);
    await context.close();
  });
});
