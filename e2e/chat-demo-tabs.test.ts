import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { connectAgent } from '../packages/server/test/helpers/chat-fixtures.ts';
import { SHOTS_DIR } from './helpers/browser.ts';
import { demoInChromium } from './helpers/demo-browser.ts';
import { demoAdmin, until } from './helpers/tag-fixtures.ts';
import { type ConsolePage, goOnline, signedInAs } from './helpers/workspace-fixtures.ts';

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${SHOTS_DIR}chat-demo-tabs-${name}.png` });

// A shopper who was not invited (or is in the invitation's control group) starts a chat with the
// demo store's own chat button, then keeps it in a second tab and on a later visit, until it ends.
describe('the demo store’s chat button and a chat across tabs (Chromium)', { timeout: 180_000 }, () => {
  const demo = demoInChromium();

  it('“Chat with us” on any page opens a chat, which every tab and a later visit show until it ends', async () => {
    const { srv, browser } = demo;
    const sales: ConsolePage = await signedInAs(browser, srv, 'sales@demo.beckon.local');
    await goOnline(sales.page);

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    context.on('weberror', (e) => errors.push(String(e.error())));
    const first = await context.newPage();
    await first.goto(`${srv.url}/demo/`);
    const widgetOf = (page: Page) => page.locator('beckon-widget');
    const button = widgetOf(first).getByRole('button', { name: 'Chat with us' });
    await button.waitFor();
    await shot(first, '1-button');
    await button.click();
    const form = widgetOf(first).getByRole('form', { name: 'Before we start' });
    await form.getByLabel('How can we help?').fill('Do you deliver to Bergen?');
    await form.getByRole('button', { name: 'Start chat' }).click();
    const panelOf = (page: Page) => widgetOf(page).getByRole('dialog');
    await panelOf(first).locator('.entry.out').getByText('Do you deliver to Bergen?').waitFor();

    // The agent takes it and answers.
    const agent = sales.page;
    const offer = agent.getByTestId('offer-card');
    await offer.getByText('Do you deliver to Bergen?').waitFor();
    await offer.getByRole('button', { name: 'Accept' }).click();
    const chat = agent.getByTestId('chat');
    await chat.getByText('Do you deliver to Bergen?').waitFor();
    const composer = agent.getByTestId('composer-input');
    await composer.fill('We do, in three days.');
    await composer.press('Enter');
    await panelOf(first).getByText('We do, in three days.').waitFor();

    // A second tab of the store shows the same chat, live in both.
    const second = await context.newPage();
    await second.goto(`${srv.url}/demo/products`);
    await panelOf(second).getByText('We do, in three days.').waitFor();
    await composer.fill('Anything else I can help with?');
    await composer.press('Enter');
    for (const page of [first, second]) await panelOf(page).getByText('Anything else I can help').waitFor();
    const box = panelOf(second).getByRole('textbox', { name: 'Message' });
    await box.fill('Which sizes does the throw come in?');
    await box.press('Enter');
    await chat.getByText('Which sizes does the throw come in?').waitFor();
    await panelOf(first).getByText('Which sizes does the throw come in?').waitFor();
    await shot(second, '2-second-tab');

    // Both tabs closed; a later visit finds the chat where it was.
    await first.close();
    await second.close();
    const later = await context.newPage();
    await later.goto(`${srv.url}/demo/`);
    await panelOf(later).getByText('Which sizes does the throw come in?').waitFor();
    const other = await context.newPage();
    await other.goto(`${srv.url}/demo/cart`);
    await panelOf(other).getByText('Which sizes does the throw come in?').waitFor();

    // The shopper ends it in one tab: once they are done with it there, no tab shows it any more.
    const panel = panelOf(later);
    await panel.getByRole('button', { name: 'End chat' }).click();
    await panel
      .getByRole('alertdialog', { name: 'End this chat?' })
      .getByRole('button', { name: 'End chat' })
      .click();
    await panel
      .getByRole('form', { name: 'How was your chat with Sales Agent?' })
      .getByRole('button', { name: 'Skip' })
      .click();
    await panel.getByRole('button', { name: 'Close' }).click();
    await panel.waitFor({ state: 'detached' });
    await panelOf(other).waitFor({ state: 'detached' });
    // The other tab's launcher goes with it (it hears of the end a moment after its panel closes).
    await widgetOf(other)
      .getByRole('button', { name: /^Open chat/ })
      .waitFor({ state: 'detached', timeout: 5000 });
    await widgetOf(other).getByRole('button', { name: 'Chat with us' }).waitFor();
    await shot(other, '3-ended-elsewhere');
    assert.equal(await other.evaluate(`localStorage.getItem('beckon.chat')`), null);
    await other.reload();
    await widgetOf(other).getByRole('button', { name: 'Chat with us' }).waitFor();
    assert.equal(await panelOf(other).count(), 0, 'not brought back on the next page');

    const api = await demoAdmin(srv);
    const found = (await api.get('/api/v1/conversations?q=Bergen')).body.items;
    assert.deepEqual(
      found.map((c: { status: string; source: string }) => [c.status, c.source]),
      [['closed', 'button']],
      'one conversation, from the button',
    );
    assert.deepEqual(errors, [], 'no script errors in the store’s tabs');
    assert.deepEqual(sales.errors, [], 'none in the console');
    await Promise.all([context.close(), sales.context.close()]);
  });

  /** A chat the shopper started and left with its tab, answered by the support agent, kept in the browser. */
  async function leaveChat(question: string, reply: string) {
    const { srv, browser } = demo;
    const agent = await connectAgent(srv, 'support@demo.beckon.local');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${srv.url}/demo/`);
    const widget = page.locator('beckon-widget');
    await widget.getByRole('button', { name: 'Chat with us' }).click();
    const form = widget.getByRole('form', { name: 'Before we start' });
    await form.getByLabel('How can we help?').fill(question);
    const offered = agent.next('offer', () => true, 20_000);
    await form.getByRole('button', { name: 'Start chat' }).click();
    const { conversation } = await offered;
    await agent.accept(conversation.id);
    await agent.send(conversation.id, reply);
    await widget.getByRole('dialog').getByText(reply).waitFor();
    await page.close();
    return { agent, context, conversationId: conversation.id as string };
  }

  /**
   * The shopper comes back an hour later. The chat socket's answers wait until the site's chat
   * button has shown (`answer` lets them through): the order a slow server gives, where the
   * button came first and left a bubble for an ended chat.
   */
  async function comeBackLater(context: BrowserContext) {
    await context.addInitScript(`(() => {
      const kept = JSON.parse(localStorage.getItem('beckon.chat') || 'null');
      if (kept) localStorage.setItem('beckon.chat', JSON.stringify({ ...kept, at: Date.now() - 3600000 }));
    })()`);
    const later = await context.newPage();
    const hellos: string[] = [];
    let answer: () => void = () => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    await later.routeWebSocket(/\/v1\/chat$/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        hellos.push(String(m));
        server.send(m);
      });
      server.onMessage((m) => void answered.then(() => ws.send(m)));
    });
    await later.goto(`${demo.srv.url}/demo/`);
    await until(() => hellos.some((f) => f.includes('"hello"') && f.includes('"token"')), 'the chat’s hello');
    const widget = later.locator('beckon-widget');
    const button = widget.getByRole('button', { name: 'Chat with us' });
    await button.waitFor({ timeout: 20_000 });
    return { later, widget, button, answer };
  }

  it('does not bring back, on a later visit, a chat that ended long after the shopper left it', async () => {
    const { agent, context, conversationId } = await leaveChat('Is the mug dishwasher safe?', 'It is.');
    // The agent closes it with no tab open.
    await agent.close(conversationId);
    const { later, widget, button, answer } = await comeBackLater(context);
    answer();
    await until(
      async () => (await later.evaluate(`localStorage.getItem('beckon.chat')`)) === null,
      'the ended chat forgotten',
    );
    await button.waitFor();
    await shot(later, '4-ended-long-ago');
    // The chat's panel, by name (the agent's once one answered): a demo campaign's offer (also a
    // dialog) may show on a slow day.
    const chatPanel = widget.getByRole('dialog', { name: /^(Chat|Support Agent)$/ });
    assert.equal(await chatPanel.count(), 0, 'no chat panel');
    assert.equal(await widget.getByRole('button', { name: /^Open chat/ }).count(), 0);
    await Promise.all([context.close(), agent.disconnect()]);
  });

  it('opens a chat kept from long ago as it was left when the button is used before the server answers', async () => {
    const { agent, context, conversationId } = await leaveChat('Do you ship to Oslo?', 'We do.');
    const { widget, button, answer } = await comeBackLater(context);
    await button.click();
    // The panel is named after the agent who answered.
    const panel = widget.getByRole('dialog', { name: 'Support Agent' });
    await panel.getByText('We do.').waitFor();
    await shot(widget.page(), '5-kept-opened-early');
    // The server says it is still going: the chat carries on in the same panel.
    answer();
    await agent.send(conversationId, 'Anything else?');
    await panel.getByText('Anything else?').waitFor({ timeout: 20_000 });
    await agent.close(conversationId);
    await Promise.all([context.close(), agent.disconnect()]);
  });
});
