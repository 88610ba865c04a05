/** Helpers for the agent-workspace browser tests: signed-in console pages, a browsing visitor, polling. */
import { cartAttr, pageView, VisitorClient } from '@beckon/sdk/index';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { cookieFor } from '../../packages/server/test/helpers/chat-fixtures.ts';
import type { TestServer } from '../../packages/server/test/helpers/test-server.ts';

export const VIEWPORT = { width: 1440, height: 900 };

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Page errors and console errors (CSP violations included), minus expected 4xx resource logs. */
  errors: string[];
  /** Dialogs the page opened (alert() from hostile content would land here). */
  dialogs: string[];
}

/** Watches a page for errors and dialogs. */
export function watch(context: BrowserContext, page: Page): ConsolePage {
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { context, page, errors, dialogs };
}

/**
 * A console tab already signed in as `email` (the session is made in the store, skipping password
 * hashing); `prepare` runs before the first navigation (e.g. to route the agent socket).
 */
export async function signedInAs(
  browser: Browser,
  srv: TestServer,
  email: string,
  path = '/console/conversations',
  prepare?: (context: BrowserContext) => Promise<unknown>,
) {
  const { cookie } = await cookieFor(srv, email);
  const [name, value] = cookie.split('=') as [string, string];
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addCookies([{ name, value, url: srv.url }]);
  await prepare?.(context);
  const page = await context.newPage();
  const watched = watch(context, page);
  await page.goto(`${srv.url}${path}`);
  return watched;
}

/**
 * Goes Online with the top-bar switch and waits until the server confirmed it. A click, not
 * `check()`: the radio shows the server's status, which changes a moment after the click.
 */
export async function goOnline(page: Page): Promise<void> {
  await page.getByTestId('status-switch').getByRole('radio', { name: 'Online' }).click();
  await page.locator('[data-testid="status-switch"][data-status="online"]').waitFor();
}

/**
 * Sets the agent away. The switch shows the new status once the server confirms it, so this clicks
 * and waits for that (Playwright's `check()` fails when the radio is not checked at once).
 */
export async function goAway(page: Page): Promise<void> {
  await page.getByTestId('status-switch').getByRole('radio', { name: 'Away' }).click();
  await page.locator('[data-testid="status-switch"][data-status="away"]').waitFor();
}

/** A visitor who browsed the demo store (pages, a cart) and is still on the site. */
export async function browsingVisitor(srv: TestServer, visitorId: string): Promise<VisitorClient> {
  const origin = new URL(srv.url).origin;
  const client = await VisitorClient.connect(srv.url, srv.demo!.siteKey, origin);
  const base = `${srv.url}/demo`;
  await client.hello({ visitorId, page: { url: `${base}/index.html` }, device: 'desktop' });
  await client.sendBatch([pageView(`${base}/index.html`, ['home'], { title: 'Demo Store' })]);
  await client.sendBatch([pageView(`${base}/products.html`, ['product'], { title: 'Jackets' })]);
  await client.sendBatch([
    pageView(`${base}/checkout.html`, ['checkout'], { title: 'Checkout' }),
    cartAttr(189, [{ sku: 'JKT-BLUE', name: 'Blue rain jacket', price: 189, quantity: 1 }], 'USD'),
  ]);
  return client;
}

/** Polls until `check` is truthy (the page or the server catches up). */
export async function until<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
