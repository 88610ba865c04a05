import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
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

  it('opens without a failed request, signed out, signed in, or with a session that has ended', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const failed: string[] = [];
    /** Every answer of 400 or more, and every error the browser logs (Chromium logs each failed request). */
    const watchFailures = (p: Page) => {
      p.on('response', (r) => {
        if (r.status() >= 400)
          failed.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
      });
      p.on('console', (m) => {
        if (m.type() === 'error') failed.push(m.text());
      });
      return p;
    };
    const page = watchFailures(await context.newPage());
    await page.goto(`${srv.url}/console/`);
    await page.getByLabel('Email').waitFor();
    await page.waitForLoadState('networkidle');
    assert.deepEqual(failed, [], 'signed out: the login form, no 401 in the browser console');

    await page.getByLabel('Email').fill(DEMO_ADMIN.email);
    await page.getByLabel('Password').fill(DEMO_ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Demo Store').first().waitFor();
    await page.reload();
    await page.getByText('Demo Store').first().waitFor();
    await page.waitForLoadState('networkidle');
    assert.deepEqual(failed, [], 'signed in');

    await context.close();

    // A tab opened with the cookie of a session that has ended (expired, or signed out elsewhere).
    const later = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await later.addCookies([{ name: 'beckon_session', value: 'ended-long-ago', url: srv.url }]);
    const again = watchFailures(await later.newPage());
    await again.goto(`${srv.url}/console/visitors`);
    await again.getByLabel('Email').waitFor();
    await again.waitForLoadState('networkidle');
    assert.deepEqual(failed, [], 'a session that has ended is a sign-in form, not an error');
    await later.close();
  });

  it('logs in with the demo owner, creates a site and copies its tag snippet', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      // A 4xx answer (the deliberate wrong password) is logged by Chromium itself.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });

    await page.goto(`${srv.url}/console/`);
    await page.getByLabel('Email').fill(DEMO_ADMIN.email);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    // The API's terse error code reads as a sentence; the tab has one title.
    await page.getByRole('alert').getByText('Wrong e-mail or password.', { exact: true }).waitFor();
    assert.equal(await page.locator('title').count(), 1, 'one <title> in the document');
    assert.equal(await page.title(), 'Log in · Beckon');
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
