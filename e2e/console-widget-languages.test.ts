import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../packages/server/test/helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';

describe('the widget’s languages in the console (Chromium)', () => {
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

  const signedIn = async (
    path: string,
  ): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${srv.url}/console/`);
    await page.getByLabel('Email').fill(DEMO_ADMIN.email);
    await page.getByLabel('Password').fill(DEMO_ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Demo Store').first().waitFor();
    await page.goto(`${srv.url}/console${path}`);
    return { page, errors, close: () => context.close() };
  };

  it('sets a site’s widget language in Settings › Sites', async () => {
    const { page, errors, close } = await signedIn('/settings/sites');
    const card = page.getByTestId('site-card').first();
    assert.equal(await card.getByTestId('site-widget-language').textContent(), 'Automatic');
    await card.getByRole('button', { name: /^Edit / }).click();
    const dialog = page.getByTestId('site-dialog');
    await dialog.getByLabel('Widget language').selectOption('de');
    await page.screenshot({ path: `${SHOTS_DIR}console-site-widget-language.png` });
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await card.getByTestId('site-widget-language').getByText('Deutsch').waitFor();
    const site = await srv.node.ctx.store.sites.get(srv.demo!.accountId, srv.demo!.siteId);
    assert.equal(site.widgetLanguage, 'de');
    assert.deepEqual(errors, []);
    await close();
  });

  it('writes an invitation’s message in Arabic and German next to the default one', async () => {
    const { page, errors, close } = await signedIn('/campaigns/new');
    await page.getByTestId('campaign-form').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Invitation in three languages');
    const box = page.getByTestId('campaign-translations');
    await box.getByLabel('Language').selectOption('ar');
    await box.getByLabel('Message (العربية)').fill('مرحبًا! هل يمكننا مساعدتك؟');
    await box.getByLabel('Language').selectOption('de');
    const german = box.getByLabel('Message (Deutsch)');
    assert.equal(
      await german.getAttribute('placeholder'),
      'Hi! Can we help you with anything?',
      'the default shows through',
    );
    await german.fill('Hallo! Können wir Ihnen helfen?');
    assert.deepEqual(
      await box.getByLabel('Language').locator('option').filter({ hasText: 'written' }).allTextContents(),
      ['Deutsch — written', 'العربية — written'],
    );
    await box.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS_DIR}console-campaign-translations.png` });
    await page.getByRole('button', { name: 'Create campaign' }).click();
    // The editor's own address (/campaigns/new) is under /campaigns too: wait for the save itself.
    const saved = await eventually(
      async () =>
        (await srv.node.ctx.store.campaigns.list(srv.demo!.accountId)).find(
          (c) => c.name === 'Invitation in three languages',
        ),
      5000,
      'the campaign was saved',
    );
    assert.deepEqual((saved.engagement as { translations?: object }).translations, {
      ar: { message: 'مرحبًا! هل يمكننا مساعدتك؟' },
      de: { message: 'Hallo! Können wir Ihnen helfen?' },
    });
    assert.deepEqual(errors, []);
    await close();
  });
});
