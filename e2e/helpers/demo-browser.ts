import { mkdirSync } from 'node:fs';
import { after, before } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../../packages/tag/ensure-built.ts';
import { launchBrowser, SHOTS_DIR } from './browser.ts';

/** A node with the Demo Store and a Chromium, started before the tests of the calling suite and closed after them. */
export function demoInChromium(): { readonly srv: TestServer; readonly browser: Browser } {
  const running = {} as { srv: TestServer; browser: Browser };
  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    ensureTagBuilt();
    [running.srv, running.browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
  });
  after(async () => {
    await running.browser?.close();
    await running.srv?.close();
  });
  return running;
}

/** A shopper on the demo store opens the chat and asks `question`; answers the widget's chat panel. */
export async function askInDemoWidget(page: Page, url: string, question: string): Promise<Locator> {
  await page.goto(`${url}/demo/`);
  const widget = page.locator('beckon-widget');
  await widget.getByRole('button', { name: 'Chat with us' }).click();
  const prechat = widget.getByRole('form', { name: 'Before we start' });
  await prechat.getByLabel('How can we help?').fill(question);
  await prechat.getByRole('button', { name: 'Start chat' }).click();
  return widget.getByRole('dialog');
}
