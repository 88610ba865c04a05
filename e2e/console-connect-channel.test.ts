import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { OUTBOX_TEST_ENV } from '../packages/server/test/channel-contract.ts';
import {
  type GraphSent,
  postWebhook,
  startGraphApi,
  waMessageDelivery,
} from '../packages/server/test/helpers/graph-api-server.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { type ConsolePage, goOnline, signedInAs, until } from './helpers/workspace-fixtures.ts';

const NUMBER = {
  phoneNumberId: '106540352242922',
  accessToken: 'EAAG-console-token',
  appSecret: 'console-app-secret',
  verifiedName: 'Demo Store Help',
  displayPhoneNumber: '+1 555-010-2030',
};

describe('Connecting WhatsApp from Settings › Channels in Chromium', () => {
  let graph: Awaited<ReturnType<typeof startGraphApi>>;
  let srv: TestServer;
  let browser: Browser;
  let admin: ConsolePage;
  let sales: ConsolePage;
  let webhookUrl = '';
  let verifyToken = '';

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    graph = await startGraphApi(NUMBER);
    [srv, browser] = await Promise.all([
      startTestServer({ demo: true, env: OUTBOX_TEST_ENV }),
      launchBrowser(),
    ]);
  });
  after(async () => {
    await admin?.context.close();
    await sales?.context.close();
    await browser?.close();
    await srv?.close();
    await graph?.close();
  });

  it('an admin connects a number, copies the webhook URL and verify token, and tests the connection', async () => {
    admin = await signedInAs(browser, srv, 'admin@demo.beckon.local', '/console/settings/channels');
    const { page } = admin;
    const section = page.getByTestId('connections');
    await section.getByText('No channel connected yet').waitFor();
    await section.getByRole('button', { name: 'Connect a channel' }).click();

    const dialog = page.getByTestId('connect-dialog');
    assert.equal(await dialog.getByTestId('connect-messenger').isDisabled(), false, 'Messenger is offered');
    assert.equal(
      await dialog.getByTestId('connect-sms').isDisabled(),
      false,
      'SMS through Twilio is offered',
    );
    await dialog.screenshot({ path: `${SHOTS_DIR}/connect-pick.png` });
    // The type picker works from the keyboard.
    await dialog.getByTestId('connect-whatsapp').focus();
    await page.keyboard.press('Enter');

    await dialog.getByRole('heading', { name: 'Connect WhatsApp' }).waitFor();
    // A missing field is named before anything is sent.
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    await dialog.getByText('Enter the phone number id', { exact: false }).waitFor();
    assert.equal(await dialog.getByLabel('Phone number id').getAttribute('aria-invalid'), 'true');

    await dialog.getByLabel('Name').fill('Store WhatsApp');
    await dialog.getByLabel('Phone number id').fill(NUMBER.phoneNumberId);
    await dialog.getByLabel('Access token').fill(NUMBER.accessToken);
    await dialog.getByLabel('App secret').fill(NUMBER.appSecret);
    const token = dialog.getByLabel('Verify token');
    const generated = await token.inputValue();
    assert.match(generated, /^[A-Za-z0-9_-]{20,}$/, 'a verify token is generated');
    await dialog.getByRole('button', { name: 'Generate' }).click();
    assert.notEqual(await token.inputValue(), generated, 'Generate makes a new one');
    await dialog.getByLabel('Default skill').selectOption({ label: 'Sales' });
    await dialog.getByText('Advanced').click();
    await dialog.getByLabel('API base URL').fill(graph.url);
    await dialog.screenshot({ path: `${SHOTS_DIR}/connect-whatsapp-form.png` });
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();

    await dialog.getByRole('heading', { name: 'WhatsApp is connected' }).waitFor();
    webhookUrl = (await dialog.getByTestId('connect-webhook-url').textContent()) ?? '';
    verifyToken = (await dialog.getByTestId('connect-verify-token').textContent()) ?? '';
    const [stored] = await srv.node.ctx.store.channelConnections.list(srv.demo!.accountId);
    assert.equal(webhookUrl, `${srv.url}/hooks/whatsapp/${stored!.id}`);
    assert.equal(verifyToken, stored!.config.verifyToken);
    assert.equal(stored!.defaultSkillId, srv.demo!.skillIds.sales);

    // The URL and token work as Meta's subscription handshake uses them.
    const handshake = await fetch(
      `${webhookUrl}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=42`,
    );
    assert.equal(await handshake.text(), '42');

    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await dialog
      .getByTestId('connection-test-result')
      .getByText(`${NUMBER.verifiedName} (${NUMBER.displayPhoneNumber})`)
      .waitFor();
    await dialog.screenshot({ path: `${SHOTS_DIR}/connect-whatsapp-done.png` });
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });

    const row = section.getByTestId('connection-row');
    await row.getByText('Store WhatsApp').waitFor();
    await row.getByTestId('connection-identity').getByText(NUMBER.verifiedName, { exact: false }).waitFor();
    assert.equal(await row.getByTestId('connection-webhook').textContent(), webhookUrl);
    await row.getByText('Sales', { exact: true }).waitFor();
    assert.doesNotMatch(
      await page.content(),
      new RegExp(NUMBER.accessToken),
      'the token is never shown back',
    );
    await section.screenshot({ path: `${SHOTS_DIR}/connections-list.png` });
    assert.deepEqual(admin.errors, []);
  });

  it("a customer's WhatsApp message reaches an agent in the console, and the reply reaches WhatsApp", async () => {
    sales = await signedInAs(browser, srv, 'sales@demo.beckon.local');
    const { page } = sales;
    await goOnline(page);

    const from = '15557654321';
    const d = waMessageDelivery(NUMBER.phoneNumberId, from, 'Hola, is my parcel on its way?', {
      name: 'Lucía Romero',
    });
    assert.equal((await postWebhook(webhookUrl, d.body, NUMBER.appSecret)).status, 200);

    const offer = page.getByTestId('offer-card');
    await offer.getByText('Hola, is my parcel on its way?').waitFor();
    await offer.getByRole('button', { name: 'Accept' }).click();
    const chat = page.getByTestId('chat');
    await chat.getByTestId('chat-name').getByText('Lucía Romero').waitFor();
    await chat.getByTestId('channel-badge').getByText('WhatsApp').waitFor();

    const input = page.getByTestId('composer-input');
    await input.fill('Yes, it arrives tomorrow.');
    await input.press('Enter');
    const sent = await until(
      () => graph.sent.find((s: GraphSent) => s.body === 'Yes, it arrives tomorrow.'),
      'the reply at the Graph API',
    );
    assert.equal(sent.phoneNumberId, NUMBER.phoneNumberId);
    assert.equal(sent.to, from);
    assert.deepEqual(sent.raw, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: from,
      type: 'text',
      text: { preview_url: false, body: 'Yes, it arrives tomorrow.' },
    });
    await page.screenshot({ path: `${SHOTS_DIR}/connect-whatsapp-chat.png` });
    assert.deepEqual(sales.errors, []);
  });

  it('the admin removes the connection after confirming, and its webhook stops answering', async () => {
    const { page } = admin;
    const section = page.getByTestId('connections');
    await section.getByRole('button', { name: 'Remove Store WhatsApp' }).click();
    const confirm = page.getByTestId('confirm-dialog');
    await confirm.getByText('Its conversations stay.', { exact: false }).waitFor();
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await section.getByText('No channel connected yet').waitFor();
    const d = waMessageDelivery(NUMBER.phoneNumberId, '15550000001', 'Anyone?');
    assert.equal((await postWebhook(webhookUrl, d.body, NUMBER.appSecret)).status, 404);
    assert.deepEqual(admin.errors, []);
  });
});
