import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { Browser } from 'playwright-core';
import { startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { type ConsolePage, goOnline, signedInAs } from './helpers/workspace-fixtures.ts';

describe('an agent sets where a chat stands: pending, snoozed, open', { timeout: 120_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let agent: ConsolePage;
  let visitor: VisitorChatClient;

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    agent = await signedInAs(browser, srv, 'sales@demo.beckon.local');
    await goOnline(agent.page);
    visitor = await startVisitor(srv, {
      skillId: srv.demo!.skillIds.sales,
      name: 'Noor',
      text: 'Is this in stock?',
    });
  });
  after(async () => {
    await visitor?.close().catch(() => {});
    await browser?.close();
    await srv?.close();
  });

  it('marks the chat pending until the customer answers, then snoozes it from the menu by keyboard', async () => {
    const { page } = agent;
    await page.getByTestId('offer-card').getByRole('button', { name: 'Accept' }).click();
    const chat = page.getByTestId('chat');
    await chat.getByTestId('state-pending').click();
    await chat.getByTestId('state-badge').getByText('Pending').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}states-pending.png` });
    // The customer answers: the chat is open again, and the agent sees it without reloading.
    await visitor.send('Size M please');
    await chat.getByTestId('state-badge').waitFor({ state: 'detached' });
    await chat.getByTestId('state-pending').waitFor();

    await chat.getByTestId('state-snooze').click();
    const menu = page.getByRole('menu', { name: 'Snooze until' });
    await menu.waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}states-snooze-menu.png` });
    // The first choice has the focus: Enter picks it.
    await page.keyboard.press('Enter');
    await chat
      .getByTestId('state-badge')
      .getByText(/Snoozed until/)
      .waitFor();
    const stored = await srv.node.ctx.store.conversations.get(srv.demo!.accountId, visitor.conversation.id);
    assert.equal(stored.state, 'snoozed');
    const hours = (Date.parse(stored.snoozedUntil!) - Date.now()) / 3600_000;
    assert.ok(hours > 0.9 && hours <= 1, `snoozed for an hour, not ${hours}`);
    await chat.getByTestId('state-open').click();
    await chat.getByTestId('state-badge').waitFor({ state: 'detached' });
    assert.deepEqual(agent.errors, []);
  });
});
