import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SHOTS_DIR } from './helpers/browser.ts';
import { demoInChromium } from './helpers/demo-browser.ts';
import { demoAdmin, recordFrames, until } from './helpers/tag-fixtures.ts';
import { type ConsolePage, goOnline, signedInAs, watch } from './helpers/workspace-fixtures.ts';

const SALES = 'sales@demo.beckon.local';
const SUPPORT = 'support@demo.beckon.local';

// The whole product in real browsers: a shopper on the demo store (the tag and its widget) and two
// agents in the console, with nothing played by a test client.
describe('a chat on the demo store, end to end (Chromium): the shopper’s widget and the agents’ console', {
  timeout: 240_000,
}, () => {
  const demo = demoInChromium();

  it('invitation → accept → messages both ways → transfer to another agent → close → CSAT recorded', async () => {
    const { srv, browser } = demo;
    // Two agents sign in and go Online.
    const sales: ConsolePage = await signedInAs(browser, srv, SALES);
    await goOnline(sales.page);
    const support: ConsolePage = await signedInAs(browser, srv, SUPPORT);
    await goOnline(support.page);

    // The shopper puts a lamp in the cart and goes to checkout.
    const shopContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const shopPage = await shopContext.newPage();
    const shop = watch(shopContext, shopPage);
    const log = recordFrames(shopPage);
    await shopPage.goto(`${srv.url}/demo/product-lamp`);
    await shopPage.getByRole('button', { name: 'Add to cart' }).click();
    await shopPage.getByText('Added 1 to your cart').waitFor();
    await shopPage.goto(`${srv.url}/demo/checkout`);
    await shopPage.getByRole('heading', { name: 'Checkout' }).waitFor();
    const visitorId = (await until(() => log.sent.find((f) => f.type === 'hello'), 'the tag’s hello'))
      .visitorId as string;

    // The sales agent sees them live and invites them to chat.
    const agent = sales.page;
    await agent.getByTestId('nav-visitors').click();
    const row = agent.locator(`[data-testid="visitor-row"][data-visitor-id="${visitorId}"]`);
    await row.getByTestId('visitor-page').getByText('Checkout — Hearth & Oak').waitFor();
    await row.getByRole('link', { name: /^Visitor / }).click();
    await agent.getByTestId('cart-panel').getByText('Oak Desk Lamp').waitFor();
    await agent.getByRole('button', { name: 'Invite to chat' }).click();
    const dialog = agent.getByTestId('invite-dialog');
    await dialog.getByLabel('Message').fill('Hi! Any questions about the lamp before you order?');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await agent.getByTestId('invite-sent').waitFor();

    // The shopper accepts the invitation of the agent, who is online: no pre-chat form, they ask at once.
    const widget = shopPage.locator('beckon-widget');
    const invitation = widget.getByRole('alertdialog');
    await invitation.getByText('Any questions about the lamp').waitFor();
    await invitation.getByText('Sales Agent', { exact: true }).waitFor();
    await invitation.getByRole('button', { name: 'Start chat' }).click();
    const panel = widget.getByRole('dialog');
    const ask = panel.getByRole('textbox', { name: 'Message' });
    await ask.fill('Is the lamp dimmable?');
    await ask.press('Enter');
    await panel.locator('.entry.out').getByText('Is the lamp dimmable?').waitFor();
    assert.equal(await widget.getByRole('form', { name: 'Before we start' }).count(), 0);
    // The invitation stays on top, once: it is the conversation's first message now.
    const bubbles = () => panel.locator('.log .bubble').allTextContents();
    const invited = 'Hi! Any questions about the lamp before you order?';
    assert.deepEqual(await bubbles(), [invited, 'Is the lamp dimmable?']);

    // The agent is offered the chat in the console and accepts it.
    await agent.getByTestId('nav-conversations').click();
    const offer = agent.getByTestId('offer-card');
    await offer.getByRole('button', { name: 'Accept' }).click();
    const chat = agent.getByTestId('chat');
    await chat.getByText('Is the lamp dimmable?').waitFor();
    // The agent reads what the shopper accepted, marked as the invitation, before the question.
    const opening = async (view: typeof chat) => {
      const first = view.getByTestId('message').first();
      assert.equal(await first.getAttribute('data-kind'), 'invitation');
      await first.getByText('Invitation', { exact: true }).waitFor();
      await first.getByText('Sales Agent', { exact: true }).waitFor();
      await first.getByText(invited).waitFor();
      assert.equal(await view.getByText(invited).count(), 1, 'once');
    };
    await opening(chat);
    await agent.getByTestId('context').getByTestId('cart-panel').getByText('Oak Desk Lamp').waitFor();

    // Messages both ways.
    const composer = agent.getByTestId('composer-input');
    await composer.fill('Yes — it dims smoothly down to 10 %.');
    await composer.press('Enter');
    await panel.getByText('Yes — it dims smoothly down to 10 %.').waitFor();
    await panel.getByText('Online now').waitFor();
    const box = panel.getByRole('textbox', { name: 'Message' });
    await box.fill('Great! And is a bulb included?');
    await box.press('Enter');
    await chat.getByText('Great! And is a bulb included?').waitFor();
    await shopPage.screenshot({ path: `${SHOTS_DIR}chat-demo-store-visitor.png` });
    await agent.screenshot({ path: `${SHOTS_DIR}chat-demo-store-agent.png` });

    // A reload brings the chat back with the invitation still once.
    await shopPage.reload();
    await panel.getByText('Great! And is a bulb included?').waitFor();
    await shopPage.waitForTimeout(500);
    assert.deepEqual((await bubbles()).slice(0, 2), [invited, 'Is the lamp dimmable?']);
    assert.equal((await bubbles()).filter((b) => b === invited).length, 1);

    // Transfer to the support agent, with a note the shopper never sees.
    await chat.getByRole('button', { name: 'Transfer' }).click();
    const transfer = agent.getByTestId('transfer-dialog');
    await transfer.getByLabel('Agent', { exact: true }).selectOption({ label: 'Support Agent — Online' });
    await transfer.getByLabel('Note for the next agent').fill('Asks about bulbs for the Oak Desk Lamp');
    await transfer.getByTestId('transfer-submit').click();
    await agent.getByTestId('inbox-empty').waitFor();

    const next = support.page;
    const taken = next.locator('[data-testid="inbox-chat"]').first();
    await taken.click();
    const supportChat = next.getByTestId('chat');
    await supportChat.getByText('Great! And is a bulb included?').waitFor();
    await supportChat.getByText('Asks about bulbs for the Oak Desk Lamp').waitFor();
    await opening(supportChat);
    const supportComposer = next.getByTestId('composer-input');
    await supportComposer.fill('Hi Grace, a warm 2700 K bulb is in the box.');
    await supportComposer.press('Enter');
    await panel.getByText('a warm 2700 K bulb is in the box').waitFor();
    await panel.getByText('Support Agent', { exact: true }).first().waitFor();
    assert.equal(await panel.getByText('Asks about bulbs').count(), 0, 'the note stays with the agents');

    // The support agent closes the chat; the shopper rates it.
    await supportChat.getByRole('button', { name: 'Close chat' }).click();
    const close = next.getByTestId('close-dialog');
    await close.getByLabel('Disposition').selectOption('Question answered');
    await close.getByTestId('close-submit').click();
    const survey = panel.getByRole('form', { name: 'How was your chat with Support Agent?' });
    await survey.waitFor();
    await survey.getByRole('radio', { name: '5 of 5: Excellent' }).check();
    await survey.getByRole('button', { name: 'Send feedback' }).click();
    await panel.getByText('Thanks for your feedback!').waitFor();
    await shopPage.screenshot({ path: `${SHOTS_DIR}chat-demo-store-rated.png` });

    // What the account recorded.
    const api = await demoAdmin(srv);
    const list = await api.get('/api/v1/conversations?q=dimmable');
    assert.equal(list.body.items.length, 1);
    const [c] = list.body.items;
    const users = (await api.get('/api/v1/users')).body.items as Array<{ id: string; email: string }>;
    const supportId = users.find((u) => u.email === SUPPORT)!.id;
    assert.deepEqual(
      [c.status, c.source, c.visitorName, c.assignedAgentId, c.disposition, c.csatScore],
      ['closed', 'invitation', null, supportId, 'Question answered', 5],
    );

    // History: the transcript opens with the invitation, on screen and in the download.
    await next.goto(`${srv.url}/console/conversations/history/${c.id}`);
    const transcript = next.getByTestId('transcript');
    await opening(transcript);
    await next.screenshot({ path: `${SHOTS_DIR}chat-demo-store-transcript.png` });
    const download = await next.getByTestId('transcript-download').getAttribute('href');
    const text = await next.evaluate(async (url) => (await fetch(url!)).text(), download);
    const said = text.split('\n').filter((line) => line.startsWith('['));
    assert.match(
      said[0]!,
      /\] Sales Agent \(invitation\): Hi! Any questions about the lamp before you order\?$/,
    );
    assert.match(said[1]!, /\] Visitor: Is the lamp dimmable\?$/);
    for (const p of [sales, support, shop]) assert.deepEqual(p.errors, [], 'no errors in any page');
    for (const p of [sales, support, shop]) await p.context.close();
  });
});
