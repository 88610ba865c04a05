import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { eventually, startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { WebhookReceiver } from '../packages/server/test/helpers/webhook-receiver.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { type ConsolePage, signedInAs } from './helpers/workspace-fixtures.ts';

describe('Settings › Webhooks in Chromium: add an endpoint, copy its secret, read the log, replay', () => {
  let srv: TestServer;
  let browser: Browser;
  let rx: WebhookReceiver;
  let admin: ConsolePage;
  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    rx = await WebhookReceiver.start();
    [srv, browser] = await Promise.all([
      startTestServer({ demo: true, env: { BECKON_WEBHOOKS_ALLOW_PRIVATE: '1' } }),
      launchBrowser(),
    ]);
  });
  after(async () => {
    await admin?.context.close();
    await browser?.close();
    await srv?.close();
    await rx?.close();
  });

  it('shows the empty state, then adds an endpoint whose secret verifies the deliveries', async () => {
    admin = await signedInAs(browser, srv, 'admin@demo.beckon.local', '/console/settings/webhooks');
    const { page } = admin;
    await page.getByTestId('webhooks-empty').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/webhooks-empty.png`, fullPage: true });

    await page.getByTestId('webhooks-empty').getByRole('button', { name: 'New endpoint' }).click();
    const dialog = page.getByTestId('webhook-dialog');
    await dialog.getByLabel('URL').fill(rx.url);
    await dialog.getByRole('checkbox', { name: /conversation\.created/ }).uncheck();
    await dialog.screenshot({ path: `${SHOTS_DIR}/webhooks-new.png` });
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = (await page.getByTestId('webhook-secret').textContent())!.trim();
    assert.match(secret, /^whsec_/);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('webhook-row').waitFor();

    const visitor = await startVisitor(srv, { name: 'Grace' });
    await visitor.send('Do you ship to Norway?');
    const got = await eventually(() => rx.received.find((r) => r.body.includes('Norway')));
    const headers = Object.fromEntries(
      ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(got.headers[h])]),
    );
    assert.doesNotThrow(() => new Webhook(secret).verify(got.body, headers), 'the secret shown verifies');
    assert.equal(rx.events('conversation.created').length, 0, 'an unchecked event is not sent');

    await page.getByRole('button', { name: 'Deliveries' }).click();
    const row = page.getByTestId('delivery-row').first();
    await row.waitFor();
    await eventually(
      async () => /delivered/.test((await row.textContent()) ?? ''),
      5000,
      'delivered in the log',
    );
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.screenshot({ path: `${SHOTS_DIR}/webhooks-log.png`, fullPage: true });
    const before = rx.received.length;
    await row.getByRole('button', { name: 'Replay' }).click();
    await eventually(() => rx.received.length > before, 5000, 'the replay');
    assert.equal(rx.received.at(-1)!.headers['webhook-id'], got.headers['webhook-id']);
    await visitor.close();
  });

  it('an endpoint turned off for failing shows a notice on the page and in the navigation', async () => {
    const { page } = admin;
    const store = srv.node.ctx.store;
    await store.db
      .updateTable('webhook_endpoints')
      .set({ enabled: 0, disabled_reason: 'failing', disabled_at: Date.now() })
      .execute();
    await page.reload();
    await page.getByTestId('webhooks-disabled-notice').waitFor();
    await page.getByTestId('nav-webhooks-off').waitFor();
    assert.match((await page.getByTestId('webhook-row').textContent()) ?? '', /Off: kept failing/);
    await page.screenshot({ path: `${SHOTS_DIR}/webhooks-failing.png`, fullPage: true });
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByTestId('webhooks-disabled-notice').waitFor({ state: 'detached' });
  });
});
