import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { Browser } from 'playwright-core';
import { startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { goOnline, signedInAs } from './helpers/workspace-fixtures.ts';

// Intent and sentiment in the console, without a model: the admin keeps the intents with their
// example phrases in Settings › Assist, the chat header shows the conversation's intent and
// sentiment, and the conversations report splits by both.
describe('intent and sentiment in the console (Chromium)', { timeout: 180_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let visitor: VisitorChatClient | undefined;

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
  });
  after(async () => {
    await visitor?.close().catch(() => {});
    await browser?.close();
    await srv?.close();
  });

  it('the admin edits the intents; the agent sees the badges; the report splits by intent and sentiment', async () => {
    const admin = await signedInAs(browser, srv, DEMO_ADMIN.email, '/console/settings/assist');
    const { page } = admin;
    const card = page.getByTestId('assist-card');
    await card.getByText('Turn on agent assist').click();
    const editor = card.getByTestId('intents-editor');
    for (const [name, examples] of [
      ['order status', 'where is my order, tracking, wo ist meine Bestellung'],
      ['return', 'send it back, zurückschicken, devolver'],
    ] as const) {
      await editor.getByRole('button', { name: 'Add intent' }).click();
      await editor.getByRole('textbox', { name: 'Intent', exact: true }).last().fill(name);
      await editor
        .getByRole('textbox', { name: /^Example phrases of/ })
        .last()
        .fill(examples);
    }
    await card.getByRole('button', { name: 'Save' }).click();
    await card.getByRole('status').waitFor();
    const saved = await srv.node.ctx.store.assist.get(srv.demo!.accountId);
    assert.deepEqual(saved.intents, [
      { name: 'order status', examples: ['where is my order', 'tracking', 'wo ist meine Bestellung'] },
      { name: 'return', examples: ['send it back', 'zurückschicken', 'devolver'] },
    ]);
    await card.screenshot({ path: `${SHOTS_DIR}intent-settings.png` });

    const agent = await signedInAs(browser, srv, 'support@demo.beckon.local');
    await goOnline(agent.page);
    visitor = await startVisitor(srv, {
      name: 'Ada Lovelace',
      text: 'Hi, the jacket arrived damaged and I want to send it back. Really disappointed.',
      skillId: srv.demo!.skillIds.support,
    });
    await agent.page.getByTestId('offer-card').getByRole('button', { name: 'Accept' }).click();
    const intent = agent.page.getByTestId('intent-badge');
    await intent.waitFor();
    assert.equal(await intent.textContent(), 'return');
    assert.equal(await agent.page.getByTestId('sentiment-badge').textContent(), 'negative');
    await agent.page.locator('.chat-header').screenshot({ path: `${SHOTS_DIR}intent-badges.png` });

    await page.goto(`${srv.url}/console/analytics/conversations`);
    const byIntent = page.getByTestId('conversations-by-intent');
    await byIntent.waitFor();
    assert.match((await byIntent.textContent()) ?? '', /return/);
    assert.match((await page.getByTestId('conversations-by-sentiment').textContent()) ?? '', /negative/);
    await page.locator('.dimension-tables').screenshot({ path: `${SHOTS_DIR}intent-report.png` });
  });
});
