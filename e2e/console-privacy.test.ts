import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { identifyEvent, pageView, VisitorClient } from '@beckon/sdk/index';
import { unzipSync } from 'fflate';
import type { Browser } from 'playwright-core';
import { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { signedInAs, until } from './helpers/workspace-fixtures.ts';

describe('privacy requests in the console: export a person, then erase them', () => {
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

  it('an admin downloads a contact’s data as a ZIP and erases them after confirming', async () => {
    const demo = srv.demo!;
    const tag = await VisitorClient.connect(srv.url, demo.siteKey, new URL(srv.url).origin);
    await tag.hello({
      visitorId: 'e2e-privacy-1',
      page: { url: `${srv.url}/demo/index.html` },
      device: 'desktop',
    });
    await tag.sendBatch([
      pageView(`${srv.url}/demo/index.html`, ['home'], { title: 'Demo Store' }),
      identifyEvent({ email: 'noor.haddad@example.com', name: 'Noor Haddad', phone: '+441632960961' }),
    ]);
    await tag.close();
    await srv.node.ctx.store.eventsWriter.flush();
    const admin = new ApiClient(srv.node.app);
    await admin.login('admin@demo.beckon.local', 'demo-admin-pw');
    const contactId = await until(
      async () => (await admin.get('/api/v1/contacts?q=noor.haddad')).body.items?.[0]?.id as string,
      'the contact',
    );

    const { page, errors, context } = await signedInAs(
      browser,
      srv,
      'admin@demo.beckon.local',
      `/console/contacts/${contactId}`,
    );
    await page.getByRole('heading', { name: 'Noor Haddad' }).waitFor();
    const actions = page.getByTestId('privacy-actions');
    await page.screenshot({ path: `${SHOTS_DIR}/privacy-contact.png` });

    const download = page.waitForEvent('download');
    await actions.getByRole('button', { name: 'Export data' }).click();
    // Saved here: a download's own path is not available from the runner's shared browser.
    const file = `${SHOTS_DIR}/privacy-export.zip`;
    await (await download).saveAs(file);
    const files = unzipSync(new Uint8Array(readFileSync(file)));
    const contacts = JSON.parse(Buffer.from(files['contacts.json']!).toString('utf8'));
    assert.equal(contacts[0].email, 'noor.haddad@example.com');
    assert.ok(files['visitors.json'] && files['events.json'] && files['person.json']);

    await actions.getByRole('button', { name: 'Erase…' }).click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.getByText('This cannot be undone.').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/privacy-erase-confirm.png` });
    // Cancel keeps everything; the focus starts on Cancel, so Enter does nothing harmful.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await admin.get(`/api/v1/contacts/${contactId}`)).status, 200);

    await actions.getByRole('button', { name: 'Erase…' }).click();
    await dialog.getByRole('button', { name: 'Erase for good' }).click();
    // The summary counts what went, kind by kind, before the page leaves.
    const summary = page.getByTestId('erase-summary');
    await summary.getByText('What was erased').waitFor();
    const count = async (kind: string) => summary.locator(`[data-kind="${kind}"] dd`).textContent();
    assert.equal(await count('contacts'), '1');
    assert.equal(await count('visitors'), '1');
    assert.ok(Number(await count('events')) >= 2, 'the tracked events are counted');
    assert.equal(
      await summary.locator('[data-kind="recordings"]').count(),
      0,
      'a kind with nothing is left out',
    );
    await page.screenshot({ path: `${SHOTS_DIR}/privacy-erase-summary.png` });
    await summary.getByRole('button', { name: 'Done' }).click();
    await page.waitForURL(/\/console\/contacts$/);
    assert.equal((await admin.get(`/api/v1/contacts/${contactId}`)).status, 404);
    assert.equal((await admin.get('/api/v1/visitors/e2e-privacy-1')).status, 404);

    assert.deepEqual(errors, []);
    await context.close();
  });
});
