import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { postWebhook, waMessageDelivery } from '../packages/server/test/helpers/graph-api-server.ts';
import { startWhatsApp, WA } from '../packages/server/test/helpers/whatsapp-fixture.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { type ConsolePage, goOnline, signedInAs, until } from './helpers/workspace-fixtures.ts';

describe('console (Chromium): a WhatsApp outage, seen by the agent', () => {
  let wa: Awaited<ReturnType<typeof startWhatsApp>>;
  let browser: Browser;
  let sales: ConsolePage | undefined;

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    // Three quick tries, so the line gives up within a second.
    [wa, browser] = await Promise.all([startWhatsApp({ BECKON_OUTBOX_MAX_ATTEMPTS: '3' }), launchBrowser()]);
  });
  after(async () => {
    await sales?.context.close();
    await browser?.close();
    await wa?.close();
  });

  it("a reply that finally fails shows the provider's error; Retry delivers it once", async () => {
    sales = await signedInAs(browser, wa.srv, 'sales@demo.beckon.local');
    const { page } = sales;
    await goOnline(page);
    const from = '15557650001';
    const d = waMessageDelivery(WA.phoneNumberId, from, 'Has my refund gone through?', {
      name: 'Ines Duarte',
    });
    assert.equal((await postWebhook(wa.hook, d.body, WA.appSecret)).status, 200);
    const offer = page.getByTestId('offer-card');
    await offer.getByText('Has my refund gone through?').waitFor();
    await offer.getByRole('button', { name: 'Accept' }).click();
    const chat = page.getByTestId('chat');
    await chat.getByTestId('channel-badge').getByText('WhatsApp').waitFor();

    // WhatsApp answers 503 to every try.
    for (let i = 0; i < 3; i++)
      wa.graph.fail.push({ status: 503, code: 2, message: 'Service temporarily unavailable' });
    const input = page.getByTestId('composer-input');
    await input.fill('Yes, it was sent this morning.');
    await input.press('Enter');
    const retry = chat.getByRole('button', { name: 'Retry' });
    await retry.waitFor({ timeout: 10_000 });
    const reason = await chat.getByTestId('delivery-reason').textContent();
    assert.match(
      reason ?? '',
      /the provider answered 503: Service temporarily unavailable \(gave up after 3 tries\)/,
    );
    assert.equal(wa.graph.sent.filter((s) => s.to === from).length, 0);
    await chat.screenshot({ path: `${SHOTS_DIR}console-channel-outage-failed.png` });

    // WhatsApp is back; the agent retries from the keyboard.
    await retry.focus();
    await page.keyboard.press('Enter');
    const sent = await until(
      () => wa.graph.sent.find((s) => s.to === from && s.body === 'Yes, it was sent this morning.'),
      'the reply at the Graph API',
    );
    assert.ok(sent);
    await retry.waitFor({ state: 'detached' });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(wa.graph.sent.filter((s) => s.to === from).length, 1, 'delivered once');
    await chat.screenshot({ path: `${SHOTS_DIR}console-channel-outage-resent.png` });
    assert.deepEqual(sales.errors, []);
  });
});
