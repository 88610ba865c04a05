import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { Browser } from 'playwright-core';
import { createNodeMessagingClient } from '../packages/sdk/src/messaging/node.ts';
import { channelsOf } from '../packages/server/src/channels/channels-feature.ts';
import { userHashOf } from '../packages/server/src/channels/identity.ts';
import { chatOf } from '../packages/server/src/conversations/chat-module.ts';
import { connectAgent, eventually } from '../packages/server/test/helpers/chat-fixtures.ts';
import { type FakeFcm, startFakeFcm } from '../packages/server/test/helpers/push-providers.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { type ConsolePage, goOnline, signedInAs } from './helpers/workspace-fixtures.ts';

const ADMIN = 'admin@demo.beckon.local';

describe('Settings › Channels in Chromium: e-mail, routing weights, push credentials that fail', () => {
  let srv: TestServer;
  let fcm: FakeFcm;
  let browser: Browser;
  let sales: AgentChatClient;
  let admin: ConsolePage;
  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    fcm = await startFakeFcm();
    [srv, browser] = await Promise.all([
      startTestServer({
        demo: true,
        // FCM is the local stand-in; an app user who closed the app counts as gone after a second.
        env: { BECKON_FCM_BASE_URL: fcm.url, BECKON_CHAT_VISITOR_AWAY_SECONDS: '1' },
      }),
      launchBrowser(),
    ]);
    sales = await connectAgent(srv, 'sales@demo.beckon.local', false);
  });
  after(async () => {
    await admin?.context.close();
    await sales?.disconnect();
    await browser?.close();
    await srv?.close();
    await fcm?.close();
  });

  it('adds an inbound address and changes the e-mail weight', async () => {
    admin = await signedInAs(browser, srv, ADMIN, '/console/settings/channels');
    const { page } = admin;
    const email = page.getByTestId('email-settings');
    await email.getByTestId('inbound-url').waitFor();
    assert.match(
      (await email.getByTestId('inbound-url').textContent()) ?? '',
      /\/api\/v1\/channels\/email\/inbound$/,
    );
    assert.doesNotMatch(
      (await email.getByTestId('inbound-secret').textContent()) ?? '',
      /[A-Za-z0-9]/,
      'the secret is hidden until asked for',
    );
    assert.match((await email.getByTestId('outgoing-relay').textContent()) ?? '', /Not configured/);

    // A typo is caught before the request, with a message under the field.
    const field = email.getByLabel('New address');
    await field.fill('support');
    await email.getByRole('button', { name: 'Add address' }).click();
    await email.getByText('Enter a whole address', { exact: false }).waitFor();
    assert.equal(await field.getAttribute('aria-invalid'), 'true');

    await field.fill('Billing@Demo.Beckon.Local');
    await email.getByRole('button', { name: 'Add address' }).click();
    await email.getByRole('rowheader', { name: 'billing@demo.beckon.local' }).waitFor();
    const stored = await srv.node.ctx.store.email.listAddresses(srv.demo!.accountId);
    assert.ok(stored.some((a) => a.address === 'billing@demo.beckon.local' && a.siteId === srv.demo!.siteId));

    const routing = page.getByTestId('channel-routing');
    const weight = routing.getByLabel('Capacity weight for E-mail');
    assert.equal(await weight.inputValue(), '0.25', 'the default: a quarter of a live chat');
    await weight.fill('ten');
    await routing.getByRole('button', { name: 'Save routing' }).click();
    await routing.getByText('Enter a number from 0 to 10', { exact: false }).waitFor();
    await weight.fill('0.5');
    await routing.getByRole('button', { name: 'Save routing' }).click();
    await routing.getByTestId('routing-saved').waitFor();
    const settings = await srv.node.ctx.store.channelSettings.list(srv.demo!.accountId);
    assert.equal(settings.find((s) => s.channel === 'email')?.weight, 0.5);
    // The satisfaction survey, per channel: web chat asks in its widget, so it has no checkbox.
    assert.equal(await routing.locator('[data-channel="web"]').getByTestId('survey-toggle').count(), 0);
    const whatsapp = routing.locator('[data-channel="whatsapp"]');
    assert.equal(await whatsapp.getByTestId('survey-template').count(), 0, 'no template choice while off');
    await whatsapp.getByTestId('survey-toggle').check();
    // After Meta's 24-hour window only a template may go out: none chosen skips it, with a note.
    const template = whatsapp.getByTestId('survey-template');
    assert.equal(await template.inputValue(), '');
    assert.match((await template.textContent()) ?? '', /Skip it, with a note to agents/);
    await routing.getByRole('button', { name: 'Save routing' }).click();
    await routing.getByTestId('routing-saved').waitFor();
    assert.deepEqual(await srv.node.ctx.store.channelSettings.surveys(srv.demo!.accountId, 'whatsapp'), {
      template: null,
    });
    assert.equal(await srv.node.ctx.store.channelSettings.surveys(srv.demo!.accountId, 'sms'), null);
    await email.screenshot({ path: `${SHOTS_DIR}/channels-email.png` });
    await routing.screenshot({ path: `${SHOTS_DIR}/channels-routing.png` });
    assert.deepEqual(admin.errors, []);
  });

  it('saves FCM credentials the provider refuses, and shows the failed push with its time', async () => {
    const { page } = admin;
    const card = page.getByTestId('push-card').filter({ hasText: 'Demo Store' });
    await card.getByRole('button', { name: 'Set up FCM for Demo Store' }).click();
    const dialog = page.getByTestId('fcm-dialog');
    await dialog.getByLabel('Service-account key (JSON)').fill('{"project_id":"x"}');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('The file has no client_email', { exact: false }).waitFor();

    // The key file as Firebase hands it out, chosen with the file picker; the token endpoint will refuse it.
    await dialog.getByTestId('serviceAccount-file').setInputFiles({
      name: 'beckon-test-firebase-adminsdk.json',
      mimeType: 'application/json',
      buffer: Buffer.from(fcm.serviceAccount({ wrongKey: true })),
    });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await card.getByTestId('push-fcm').getByText('Project beckon-test').waitFor();
    assert.doesNotMatch((await page.content()) ?? '', /PRIVATE KEY/, 'the key is never shown back');

    // An app user writes, the agent answers once they have closed the app: the push fails.
    const { accountId, siteId, siteKey } = srv.demo!;
    const secret = await srv.node.ctx.store.sites.identitySecret(accountId, siteId);
    const app = createNodeMessagingClient({ baseUrl: srv.url, siteKey });
    await app.identify({ userId: 'user-77', userHash: userHashOf(secret, 'user-77'), name: 'Kim App' });
    await app.registerPushToken({ platform: 'fcm', token: 'phone-token-77' });
    await app.send('Is my order on its way?');
    const conversationId = app.conversation!.id;
    await sales.setStatus('online');
    await eventually(() => sales.offers.get(conversationId), 5000, 'the offer');
    await sales.accept(conversationId);
    app.close();
    await eventually(
      async () => !(await chatOf(srv.node.ctx)!.visitors.here.members(accountId)).has(conversationId),
      5000,
      'the app user to count as gone',
    );
    await sales.send(conversationId, 'It ships tomorrow.');
    await eventually(
      async () => (await srv.node.ctx.store.appPush.settings(accountId, siteId))?.last_error_code,
      5000,
      'the failed push',
    );

    await page.reload();
    const warning = card.getByTestId('push-last-error');
    await warning.waitFor();
    assert.equal(await warning.getAttribute('role'), 'alert');
    const text = (await warning.textContent()) ?? '';
    assert.match(text, /Push through FCM failed/);
    assert.match(text, /fcm_auth_failed/);
    const at = await warning.getByTestId('push-error-time').getAttribute('datetime');
    assert.ok(at && Math.abs(Date.parse(at) - Date.now()) < 60_000, `the time of the failure: ${at}`);
    assert.match((await card.getByTestId('push-last-success').textContent()) ?? '', /No push delivered yet/);
    await card.screenshot({ path: `${SHOTS_DIR}/channels-push-error.png` });
    assert.deepEqual(admin.errors, []);
    await sales.setStatus('away');
  });

  it('names the contact in the queue and marks e-mail and in-app conversations', async () => {
    const { accountId } = srv.demo!;
    // A mail that gave no name; an agent named the contact since, so only the contact knows it.
    const r = await channelsOf(srv.node.ctx).inbox.receive({
      channel: 'email',
      accountId,
      siteId: srv.demo!.siteId,
      from: { email: 'ana.ruiz@example.com', address: 'email' },
      externalId: '<order-1042@example.com>',
      text: 'Where is my order?',
      topic: 'Order 1042',
    });
    assert.equal(r.conversation.visitorName, null);
    await srv.node.ctx.store.contacts.update(accountId, r.contact.id, { name: 'Ana Ruiz' });

    const { page } = admin;
    await page.goto(`${srv.url}/console/conversations`);
    await page.getByRole('tab', { name: /Queue/ }).click();
    const row = page.getByTestId('queue-row').filter({ hasText: 'Ana Ruiz' });
    await row.waitFor();
    assert.equal(await row.getByTestId('channel-badge').textContent(), 'E-mail');
    await page.screenshot({ path: `${SHOTS_DIR}/channels-queue-email.png` });

    await page.getByRole('tab', { name: /All live/ }).click();
    const live = page.getByTestId('live-row').filter({ hasText: 'Kim App' });
    assert.equal(await live.getByTestId('channel-badge').textContent(), 'In-app');

    // History narrows to one channel, and the URL keeps it.
    await page.goto(`${srv.url}/console/conversations/history`);
    await page.getByTestId('history-table').waitFor();
    await page.getByLabel('Channel').selectOption('email');
    await page.waitForURL(/channel=email/);
    const rows = page.getByTestId('history-row');
    await rows.filter({ hasText: 'Ana Ruiz' }).waitFor();
    for (const text of await rows.allTextContents()) assert.doesNotMatch(text, /Kim App/);
    assert.deepEqual(admin.errors, []);
  });

  it('says before the agent writes that e-mail replies cannot leave without an outgoing mail server, and offers no Retry', async () => {
    const { accountId } = srv.demo!;
    const r = await channelsOf(srv.node.ctx).inbox.receive({
      channel: 'email',
      accountId,
      siteId: srv.demo!.siteId,
      from: { email: 'lea.wolf@example.com', name: 'Lea Wolf', address: 'email' },
      externalId: '<return-77@example.com>',
      text: 'Can I return the jacket?',
      topic: 'Return',
    });
    const { page } = admin;
    await page.goto(`${srv.url}/console/conversations`);
    await goOnline(page);
    const offer = page.getByTestId('offer-card').filter({ hasText: 'Can I return the jacket?' });
    await offer.getByRole('button', { name: 'Accept' }).click();
    const chat = page.getByTestId('chat');
    const notice = chat.getByTestId('composer-no-replies');
    await notice.getByText('no outgoing mail server is set up', { exact: false }).waitFor();
    assert.equal(await chat.getByTestId('composer').getAttribute('data-mode'), 'note', 'notes only');
    assert.equal(await page.getByLabel('Internal note', { exact: true }).count(), 1);

    // A reply that went out another way before (an older console) failed for good: no Retry for it.
    const other = await connectAgent(srv, ADMIN, false);
    try {
      await other.send(r.conversation.id, 'Yes, within 30 days.');
      const failed = chat.locator('[data-testid="delivery"][data-status="failed"]');
      await failed.getByText('no outgoing mail server is set up', { exact: false }).waitFor();
      assert.doesNotMatch((await failed.textContent()) ?? '', /BECKON_SMTP_URL/);
      assert.equal(await failed.getByRole('button', { name: 'Retry' }).count(), 0);
    } finally {
      await other.disconnect();
    }
    await page.screenshot({ path: `${SHOTS_DIR}/email-no-outgoing.png` });
    assert.deepEqual(admin.errors, []);
  });
});
