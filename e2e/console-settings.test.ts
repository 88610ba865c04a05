import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';

describe('console in Chromium', () => {
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

  it('logs in with the demo owner, creates a site and copies its tag snippet', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      // 4xx answers (the 401 before signing in, the deliberate wrong password) are logged by Chromium itself.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });

    await page.goto(`${srv.url}/console/`);
    await page.getByLabel('Email').fill(DEMO_ADMIN.email);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText(/wrong e-mail or password/i).waitFor();
    await page.getByLabel('Password').fill(DEMO_ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Demo Store').first().waitFor();

    await page.getByRole('link', { name: 'Settings' }).click();
    await page
      .getByRole('link', { name: 'Sites' })
      .or(page.getByRole('tab', { name: 'Sites' }))
      .first()
      .click();
    await page.getByText('Demo storefront').first().waitFor();
    await page.getByRole('button', { name: 'New site' }).click();
    await page.getByLabel('Name').fill('Summer shop');
    await page.getByLabel('Allowed origins').fill('https://summer.example');
    await page.getByRole('button', { name: 'Create site' }).click();
    await page.getByText('Summer shop').first().waitFor();

    const sites = await srv.node.ctx.store.sites.list(srv.demo!.accountId);
    const created = sites.find((s) => s.name === 'Summer shop');
    assert.ok(created, 'the site was stored');
    assert.deepEqual(created.allowedOrigins, ['https://summer.example']);
    const snippetText = `/t/${created.siteKey}.js`;
    await page.getByText(snippetText, { exact: false }).first().waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}console-sites.png` });

    await page
      .getByRole('button', { name: /copy snippet/i })
      .last()
      .click();
    await page
      .getByText(/copied/i)
      .first()
      .waitFor();
    const clip = await page.evaluate(() =>
      (
        globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
      ).navigator.clipboard.readText(),
    );
    assert.ok(clip.includes(`${srv.url}/t/${created.siteKey}.js`), clip);

    // A reload keeps the session.
    await page.reload();
    await page.getByText('Summer shop').first().waitFor();
    assert.deepEqual(errors, [], 'no errors in the browser console (CSP violations included)');
    await context.close();
  });
});
