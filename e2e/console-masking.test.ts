import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { Browser } from 'playwright-core';
import { startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser } from './helpers/browser.ts';
import { type ConsolePage, goOnline, signedInAs } from './helpers/workspace-fixtures.ts';

describe('masking in the console (Chromium)', { timeout: 120_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let admin: ConsolePage;
  let visitor: VisitorChatClient | undefined;

  before(async () => {
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
  });
  after(async () => {
    await visitor?.close().catch(() => {});
    await browser?.close();
    await srv?.close();
  });

  it('an admin adds a pattern in Settings › Security, and a refused one is named', async () => {
    admin = await signedInAs(browser, srv, DEMO_ADMIN.email, '/console/settings/security');
    const { page } = admin;
    const card = page.getByTestId('masking-card');
    await card.getByRole('checkbox', { name: /Mask card numbers/ }).waitFor();
    assert.equal(await card.getByRole('checkbox', { name: /Mask card numbers/ }).isChecked(), true);
    assert.equal(await card.getByRole('checkbox', { name: /Mask IBANs/ }).isChecked(), true);
    await card.getByRole('button', { name: 'Add a pattern' }).click();
    await card.getByLabel('Name of pattern 1').fill('Customer number');
    await card.getByLabel('Pattern 1', { exact: true }).fill('(CUST)-\\1');
    await card.getByRole('button', { name: 'Save changes' }).click();
    await card.getByText(/backreferences and lookarounds are not supported/).waitFor();
    await card.getByLabel('Pattern 1', { exact: true }).fill('CUST-\\d{6}');
    await card.getByLabel('Replacement for pattern 1').fill('[customer]');
    await card.getByRole('button', { name: 'Save changes' }).click();
    await card.getByText('Saved. Messages stored from now on are masked this way.').waitFor();
    const saved = await srv.node.ctx.store.masking.get(srv.demo!.accountId);
    assert.deepEqual(saved.patterns, [
      { name: 'Customer number', pattern: 'CUST-\\d{6}', replacement: '[customer]' },
    ]);
  });

  it('the agent sees the customer’s card as •••• 4242, in the offer and in the chat', async () => {
    const { page } = admin;
    await page.goto(`${srv.url}/console/conversations`);
    await page.getByTestId('workspace').waitFor();
    await goOnline(page);
    visitor = await startVisitor(srv, {
      name: 'Ada',
      skillId: srv.demo!.skillIds.sales,
      text: 'My card is 4242 4242 4242 4242 and I am CUST-918273',
    });
    const offer = page.getByTestId('offer-card');
    await offer.getByText('My card is •••• 4242 and I am [customer]').waitFor();
    await offer.getByRole('button', { name: 'Accept' }).click();
    await page.getByTestId('chat').getByText('My card is •••• 4242 and I am [customer]').waitFor();
    // The agent's own line shows as stored once the server acknowledged it.
    const input = page.getByTestId('composer-input');
    await input.fill('Charged 4111 1111 1111 1111, thanks');
    await input.press('Enter');
    await page.getByTestId('chat').getByText('Charged •••• 1111, thanks').waitFor();
    const shown = (await page.locator('body').textContent()) ?? '';
    for (const s of ['4242 4242', '4242424242424242', '918273', '4111 1111'])
      assert.ok(!shown.includes(s), s);
    assert.deepEqual(admin.errors, []);
  });
});
