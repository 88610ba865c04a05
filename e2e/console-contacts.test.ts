import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { identifyEvent, pageView, VisitorClient } from '@beckon/sdk/index';
import type { Browser } from 'playwright-core';
import { userHashOf } from '../packages/server/src/channels/identity.ts';
import { CHAT_TOKEN_HEADER, SITE_KEY_HEADER } from '../packages/server/src/conversations/visitor-token.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { signedInAs, until } from './helpers/workspace-fixtures.ts';

describe('contacts in the console', () => {
  let srv: TestServer;
  let browser: Browser;
  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('a visitor identifies; the agent finds them by e-mail, sees their conversation and adds a note', async () => {
    const { store } = srv.node.ctx;
    const demo = srv.demo!;
    const secret = await store.sites.identitySecret(demo.accountId, demo.siteId);
    const userHash = userHashOf(secret, 'customer-1042');

    // The visitor browses, chats, and the site identifies them as its signed-in customer.
    const origin = new URL(srv.url).origin;
    const tag = await VisitorClient.connect(srv.url, demo.siteKey, origin);
    await tag.hello({
      visitorId: 'e2e-contact-1',
      page: { url: `${srv.url}/demo/index.html` },
      device: 'desktop',
    });
    await tag.sendBatch([
      pageView(`${srv.url}/demo/index.html`, ['home'], { title: 'Demo Store' }),
      identifyEvent(
        { userId: 'customer-1042', email: 'rosa.diaz@example.com', name: 'Rosa Díaz' },
        { userHash },
      ),
    ]);
    const started = await srv.node.app.inject({
      method: 'POST',
      url: '/api/v1/chat/conversations',
      headers: { [SITE_KEY_HEADER]: demo.siteKey },
      payload: { visitorId: 'e2e-contact-1', text: 'Has my order shipped?' },
    });
    assert.equal(started.statusCode, 201, started.body);
    const identified = await srv.node.app.inject({
      method: 'POST',
      url: '/api/v1/chat/identify',
      headers: { [SITE_KEY_HEADER]: demo.siteKey, [CHAT_TOKEN_HEADER]: started.json().token },
      payload: { visitorId: 'e2e-contact-1', userId: 'customer-1042', userHash },
    });
    assert.equal(identified.statusCode, 200, identified.body);

    const { page, errors, context } = await signedInAs(
      browser,
      srv,
      'admin@demo.beckon.local',
      '/console/contacts',
    );
    await page.getByTestId('contacts-table').waitFor();
    await page.getByTestId('contacts-search').fill('rosa.diaz@');
    await until(async () => (await page.getByTestId('contact-row').count()) === 1, 'one contact found');
    await page.screenshot({ path: `${SHOTS_DIR}/contacts-list.png` });
    await page.getByRole('link', { name: 'Rosa Díaz' }).click();

    await page.getByRole('heading', { name: 'Rosa Díaz' }).waitFor();
    await page.getByTestId('contact-strip').getByText('Verified user customer-1042').waitFor();
    const conversation = page.getByTestId('contact-conversation');
    await conversation.first().waitFor();
    assert.equal(await conversation.count(), 1);
    assert.match((await conversation.first().textContent()) ?? '', /Web chat/);

    await page.getByTestId('contact-note-input').fill('Asked about order 1042; shipping Friday.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByTestId('contact-note').getByText('Asked about order 1042; shipping Friday.').waitFor();
    assert.match((await page.getByTestId('contact-note').first().textContent()) ?? '', /Demo Admin/);
    await page.screenshot({ path: `${SHOTS_DIR}/contact-page.png`, fullPage: true });

    // The visitors list shows the contact's name where it used to show "Visitor 3bdbfc5d".
    await page.goto(`${srv.url}/console/visitors`);
    await page.getByTestId('visitor-contact').getByText('Rosa Díaz').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/visitors-with-contact.png` });
    // So does the visitor's own page.
    await page.getByTestId('visitor-contact').getByText('Rosa Díaz').click();
    await page.getByRole('heading', { level: 1, name: 'Rosa Díaz' }).waitFor();

    assert.deepEqual(errors, []);
    await context.close();
    await tag.close();
  });
});
