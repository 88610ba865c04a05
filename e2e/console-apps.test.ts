import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { VisitorClient } from '../packages/sdk/src/index.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';

describe('apps in the console: app sessions on the live list and journey, app campaigns in the editor', () => {
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

  async function signedIn(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });
    await page.goto(`${srv.url}/console/`);
    await page.getByLabel('Email').fill(DEMO_ADMIN.email);
    await page.getByLabel('Password').fill(DEMO_ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Demo Store').first().waitFor();
    return { context, page, errors };
  }

  it('shows an app session with its platform, version and screen trail', async () => {
    const { context, page, errors } = await signedIn();
    await page.getByTestId('nav-visitors').click();
    await page.getByTestId('visitors-empty').or(page.getByTestId('visitor-table')).first().waitFor();
    const visitorId = `app${Date.now().toString(36)}`;
    // An app's socket as the SDK's AppTracker opens it, with an `app` in the hello (the demo site
    // allows its own origin only, so this one presents it).
    const app = await VisitorClient.connect(srv.url, srv.demo!.siteKey, new URL(srv.url).origin);
    try {
      await app.hello({
        visitorId,
        page: { url: 'app://ios' },
        device: 'mobile',
        app: { platform: 'ios', version: '3.2.0' },
      });
      const now = Date.now();
      await app.sendBatch([
        { type: 'screen', name: 'Home', section: 'home', ts: now },
        { type: 'screen', name: 'Product', section: 'catalog', params: { sku: 'MUG-02' }, ts: now + 1 },
        { type: 'screen', name: 'Cart', section: 'checkout', params: { items: 2 }, ts: now + 2 },
      ]);
      const row = page.locator(`[data-testid="visitor-row"][data-visitor-id="${visitorId}"]`);
      await row.waitFor({ timeout: 5000 });
      await row.getByTestId('visitor-app').getByText('iOS 3.2.0').waitFor();
      await page.screenshot({ path: `${SHOTS_DIR}console-apps-live.png` });

      await row.getByRole('link', { name: /^Visitor / }).click();
      await page.getByTestId('journey').waitFor();
      await page.getByTestId('journey').getByText('3 screens').waitFor();
      const screens = page.getByTestId('journey-page');
      assert.deepEqual(
        await screens.locator('.timeline-title').allTextContents(),
        ['Home', 'Product', 'Cart'],
        'the screen trail, in order',
      );
      await screens.nth(2).getByTestId('journey-screen').waitFor();
      await screens.nth(2).getByText('items=2').waitFor();
      await screens.nth(2).getByText('checkout').waitFor();
      await page.getByTestId('visitor-app').getByText('iOS 3.2.0').waitFor();
      await page.screenshot({ path: `${SHOTS_DIR}console-apps-journey.png`, fullPage: true });
    } finally {
      await app.close();
    }
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('builds an app campaign on a screen section, with a phone preview, and a push campaign', async () => {
    const { context, page, errors } = await signedIn();
    const accountId = srv.demo!.accountId;
    await page.getByTestId('nav-campaigns').click();
    await page.getByTestId('campaign-table').waitFor();
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByTestId('campaign-form').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('App checkout help');
    await page.getByTestId('surfaces-choice').getByRole('radio', { name: 'Apps', exact: true }).check();
    const builder = page.getByTestId('condition-builder');
    await builder.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1 field').selectOption('screen.section');
    await page.getByLabel('Condition 1 operator').selectOption('equals');
    await page.getByLabel('Condition 1 value').fill('checkout');
    await builder.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 2 field').selectOption('platform');
    await page.getByLabel('Condition 2 value').selectOption('ios');
    const preview = page.getByTestId('engagement-preview');
    await preview.getByTestId('app-preview').waitFor();
    await preview.getByText('Start chat', { exact: true }).waitFor();
    await page.locator('#engagement').screenshot({ path: `${SHOTS_DIR}console-apps-preview.png` });
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByTestId('campaign-notice').getByText('Created “App checkout help”').waitFor();
    const stored = (await srv.node.ctx.store.campaigns.list(accountId)).find(
      (c) => c.name === 'App checkout help',
    );
    assert.equal(stored?.surfaces, 'app');
    assert.deepEqual(stored?.targeting, {
      all: [
        { field: 'screen.section', op: 'equals', value: 'checkout' },
        { field: 'platform', op: 'equals', value: 'ios' },
      ],
    });

    // A push: refused on the web only, with the reason beside the picker; previewed on a lock screen.
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByTestId('campaign-form').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Cart reminder push');
    await builder.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1 field').selectOption('cart.total');
    await page.getByLabel('Condition 1 operator').selectOption('gte');
    await page.getByLabel('Condition 1 value').fill('1');
    await page.getByRole('radio', { name: /Message \(e-mail, app/ }).check();
    await page.getByLabel('Subject').fill('Your cart is waiting');
    await page.getByLabel('Message', { exact: true }).fill('The blue mug is still in your cart.');
    await page.getByLabel('Channel').selectOption('push');
    await preview.getByTestId('app-push-preview').getByText('Your cart is waiting').waitFor();
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByText('A push goes to app users: run the campaign in apps').waitFor();
    await page.getByTestId('surfaces-choice').getByRole('radio', { name: 'Web pages and apps' }).check();
    await page.locator('#engagement').screenshot({ path: `${SHOTS_DIR}console-apps-push.png` });
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByTestId('campaign-notice').getByText('Created “Cart reminder push”').waitFor();
    const push = (await srv.node.ctx.store.campaigns.list(accountId)).find(
      (c) => c.name === 'Cart reminder push',
    );
    assert.equal(push?.surfaces, 'both');
    assert.deepEqual(push?.engagement, {
      type: 'message',
      subject: 'Your cart is waiting',
      text: 'The blue mug is still in your cart.',
      channel: 'push',
    });
    assert.deepEqual(errors, []);
    await context.close();
  });
});
