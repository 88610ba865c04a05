import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SHOTS_DIR } from './helpers/browser.ts';
import { demoInChromium } from './helpers/demo-browser.ts';
import { demoAdmin, recordFrames, until } from './helpers/tag-fixtures.ts';
import { type ConsolePage, goOnline, signedInAs, watch } from './helpers/workspace-fixtures.ts';

const SALES = 'sales@demo.beckon.local';
const SUPPORT = 'support@demo.beckon.local';

// An agent's own invitation, in real browsers: the console that sends it and the shopper's widget.
describe('an agent’s manual invitation (Chromium): their name, their real status, and the chat comes to them', {
  timeout: 180_000,
}, () => {
  const demo = demoInChromium();

  it('asks an offline agent to go online first, then names them; accepting skips the pre-chat form and the chat lands with them', async () => {
    const { srv, browser } = demo;
    // Another agent with the Sales skill is online and free: routing alone could pick them.
    const support: ConsolePage = await signedInAs(browser, srv, SUPPORT);
    await goOnline(support.page);
    const sales: ConsolePage = await signedInAs(browser, srv, SALES);
    const agent = sales.page;

    const shopContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const shopPage = await shopContext.newPage();
    const shop = watch(shopContext, shopPage);
    const log = recordFrames(shopPage);
    await shopPage.goto(`${srv.url}/demo/product-lamp`);
    await shopPage.getByRole('heading', { name: 'Oak Desk Lamp' }).waitFor();
    const visitorId = (await until(() => log.sent.find((f) => f.type === 'hello'), 'the tag’s hello'))
      .visitorId as string;

    // Still offline: the dialog says the team would invite, and offers to go online first.
    await agent.goto(`${srv.url}/console/visitors/${visitorId}`);
    await agent.getByRole('button', { name: 'Invite to chat' }).click();
    const dialog = agent.getByTestId('invite-dialog');
    const from = dialog.getByTestId('invite-from');
    await from.getByText('You are offline, so the invitation comes from the team').waitFor();
    await agent.screenshot({ path: `${SHOTS_DIR}manual-invitation-offline.png` });
    await from.getByRole('button', { name: 'Go online' }).click();
    await from.getByText('The visitor sees your name and that you are online').waitFor();
    await dialog.getByLabel('Message').fill('Hi! I can tell you all about the Oak Desk Lamp.');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await agent.getByTestId('invite-sent').getByText('Invitation sent in your name').waitFor();

    // The shopper sees who invites them, and that they are online.
    const widget = shopPage.locator('beckon-widget');
    const invitation = widget.getByRole('alertdialog');
    await invitation.getByText('Sales Agent', { exact: true }).waitFor();
    await invitation.getByText('Online now · here to help').waitFor();
    await shopPage.screenshot({ path: `${SHOTS_DIR}manual-invitation-widget.png` });
    await invitation.getByRole('button', { name: 'Start chat' }).click();

    // No pre-chat form: the chat is there at once, opening with the agent's words.
    const panel = widget.getByRole('dialog');
    const box = panel.getByRole('textbox', { name: 'Message' });
    await box.waitFor();
    assert.equal(await widget.getByRole('form', { name: 'Before we start' }).count(), 0, 'no pre-chat form');
    await panel.getByText('I can tell you all about the Oak Desk Lamp').waitFor();
    await box.fill('Does it come with a bulb?');
    await box.press('Enter');

    // The inviting agent is offered it, not the other free agent.
    await agent.getByTestId('nav-conversations').click();
    const offer = agent.getByTestId('offer-card');
    await offer.getByRole('button', { name: 'Accept' }).click();
    const chat = agent.getByTestId('chat');
    await chat.getByText('Does it come with a bulb?').waitFor();
    assert.equal(
      await support.page.getByTestId('offer-card').count(),
      0,
      'the other agent was not offered it',
    );
    const composer = agent.getByTestId('composer-input');
    await composer.fill('It does: a warm 2700 K bulb.');
    await composer.press('Enter');
    await panel.getByText('It does: a warm 2700 K bulb.').waitFor();
    await shopPage.screenshot({ path: `${SHOTS_DIR}manual-invitation-chat.png` });

    const api = await demoAdmin(srv);
    const users = (await api.get('/api/v1/users')).body.items as Array<{ id: string; email: string }>;
    const list = await api.get('/api/v1/conversations?q=bulb');
    assert.equal(list.body.items.length, 1);
    assert.equal(list.body.items[0].assignedAgentId, users.find((u) => u.email === SALES)!.id);
    for (const p of [sales, support, shop]) assert.deepEqual(p.errors, [], 'no errors in any page');
    for (const p of [sales, support, shop]) await p.context.close();
  });
});
