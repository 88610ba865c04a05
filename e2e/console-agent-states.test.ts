import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { type ConsolePage, goAway, signedInAs, until } from './helpers/workspace-fixtures.ts';

const SALES = 'sales@demo.beckon.local';

describe('agent states in Chromium: the go-online prompt and away reasons', { timeout: 180_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let sales: ConsolePage;
  const shot = (p: ConsolePage, name: string) =>
    p.page.screenshot({ path: `${SHOTS_DIR}agent-states-${name}.png` });

  /** What the demo store's chat button asks: can the default skill take a chat now? */
  const available = async () => {
    const res = await fetch(`${srv.url}/api/v1/chat/availability`, {
      headers: { 'x-beckon-site-key': srv.demo!.siteKey, origin: new URL(srv.url).origin },
    });
    return ((await res.json()) as { available: boolean }).available;
  };

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
  });
  after(async () => {
    await sales?.context.close();
    await browser?.close();
    await srv?.close();
  });

  it('asks an offline agent after sign-in whether to go online, and one keypress makes them online', async () => {
    sales = await signedInAs(browser, srv, SALES, '/console/visitors');
    await sales.page.setViewportSize({ width: 1280, height: 800 });
    const prompt = sales.page.getByTestId('go-online-prompt');
    await prompt.getByText(/you are offline\. go online to take chats\?/i).waitFor();
    assert.equal(await available(), false, 'no agent online: the store shows no chat button');
    await shot(sales, 'prompt-offline');
    // Keyboard: the answer is a real button, reached and pressed without a mouse.
    await prompt.getByRole('button', { name: 'Go online' }).focus();
    await sales.page.keyboard.press('Enter');
    await sales.page.locator('[data-testid="status-switch"][data-status="online"]').waitFor();
    await prompt.waitFor({ state: 'detached' });
    await until(available, 'the chat button to be available');
  });

  it('lets the agent go away for a reason, shows it in the prompt and the team list, and Not now hides the prompt', async () => {
    const { page } = sales;
    await goAway(page);
    await page.getByLabel('Away reason').selectOption('Lunch');
    const prompt = page.getByTestId('go-online-prompt');
    await prompt.getByText(/you are away \(lunch\)/i).waitFor();
    await shot(sales, 'prompt-away');
    const admin = await signedInAs(browser, srv, DEMO_ADMIN.email, '/console/settings/team');
    await admin.page.setViewportSize({ width: 1280, height: 900 });
    await admin.page.getByRole('row', { name: /Sales/ }).getByText('Away · Lunch').waitFor();
    await admin.page.getByTestId('away-reasons').getByText('Training').waitFor();
    await admin.page.getByTestId('away-reasons').scrollIntoViewIfNeeded();
    await shot(admin, 'team');
    await admin.context.close();

    await prompt.getByRole('button', { name: 'Not now' }).click();
    await prompt.waitFor({ state: 'detached' });
    await page.reload();
    await page.locator('[data-testid="status-switch"][data-status="away"]').waitFor();
    await page.waitForTimeout(300);
    assert.equal(await prompt.count(), 0, 'dismissed for the rest of the tab’s life');
    assert.deepEqual(sales.errors, []);
  });

  it('shows time online and away per reason in Analytics › Agents', async () => {
    // Agents do not read reports; the admin does.
    const admin = await signedInAs(browser, srv, DEMO_ADMIN.email, '/console/analytics/agents');
    await admin.page.setViewportSize({ width: 1280, height: 900 });
    const { page } = admin;
    const row = page.getByTestId('agent-states').locator('tr', { hasText: 'Sales' });
    await row.waitFor();
    await row.getByText(/Lunch/).waitFor();
    assert.notEqual((await row.locator('[data-state="online"]').textContent())?.trim(), '—');
    await row.scrollIntoViewIfNeeded();
    await shot(admin, 'agents-report');
    await admin.context.close();
  });
});
