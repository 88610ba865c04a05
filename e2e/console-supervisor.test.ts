import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SHOTS_DIR } from './helpers/browser.ts';
import { askInDemoWidget, demoInChromium } from './helpers/demo-browser.ts';
import { type ConsolePage, goOnline, signedInAs, watch } from './helpers/workspace-fixtures.ts';

const SALES = 'sales@demo.beckon.local';
const ADMIN = 'admin@demo.beckon.local';
const DESKTOP = { width: 1280, height: 800 };

// Three people in three browsers: a shopper in the demo store's widget, the sales agent who holds
// the chat, and the admin who monitors it, whispers, barges in and takes it over.
describe('a supervisor in a live chat (Chromium): whisper, barge in, take over', { timeout: 240_000 }, () => {
  const demo = demoInChromium();

  it('whispers unseen by the shopper, barges in under their name, then takes the chat over', async () => {
    const { srv, browser } = demo;
    const sales: ConsolePage = await signedInAs(browser, srv, SALES);
    await goOnline(sales.page);
    await sales.page.setViewportSize(DESKTOP);
    const admin: ConsolePage = await signedInAs(browser, srv, ADMIN);
    await admin.page.setViewportSize(DESKTOP);

    // The shopper asks; the sales agent accepts.
    const shopContext = await browser.newContext({ viewport: DESKTOP });
    const shop = watch(shopContext, await shopContext.newPage());
    const panel = await askInDemoWidget(shop.page, srv.url, 'Does the lamp come with a bulb?');
    const agent = sales.page;
    await agent.getByTestId('offer-card').getByRole('button', { name: 'Accept' }).click();
    const agentChat = agent.getByTestId('chat');
    await agentChat.getByText('Does the lamp come with a bulb?').waitFor();

    // The admin opens it from All live: read-only, with the supervisor's actions in the header.
    const page = admin.page;
    await page.getByTestId('inbox-tab-live').click();
    await page.getByTestId('live-list').getByTestId('live-row').first().click();
    const chat = page.getByTestId('chat');
    await chat.getByText('Does the lamp come with a bulb?').waitFor();
    for (const action of ['whisper', 'barge-in', 'take-over']) await chat.getByTestId(action).waitFor();
    // Monitoring is in the agent's timeline, for the team only.
    const monitoring = agentChat
      .locator('[data-kind="event"]')
      .getByText('Demo Admin started monitoring the chat.');
    await monitoring.waitFor();

    // A whisper: the agent reads it as a note; the shopper never sees it.
    await chat.getByTestId('whisper').click();
    const whisperBox = page.getByRole('textbox', { name: 'Whisper', exact: true });
    assert.equal(await whisperBox.evaluate((el) => el.matches(':focus')), true, 'Whisper focuses the box');
    await whisperBox.fill('Offer the 10 % code, they hesitate.');
    await whisperBox.press('Enter');
    await agentChat.locator('[data-kind="note"]').getByText('Offer the 10 % code, they hesitate.').waitFor();
    await agent.getByTestId('composer-input').fill('Yes, a warm bulb is in the box.');
    await agent.getByTestId('composer-input').press('Enter');
    await panel.getByText('Yes, a warm bulb is in the box.').waitFor();
    assert.equal(await panel.getByText('Offer the 10 % code').count(), 0, 'the whisper stays with the team');
    assert.equal(await panel.getByText('started monitoring').count(), 0, 'monitoring stays with the team');
    await page.screenshot({ path: `${SHOTS_DIR}supervisor-whisper.png` });

    // Barge in, by keyboard: the shopper reads that the admin joined, then their line under their name.
    await chat.getByTestId('barge-in').focus();
    await page.keyboard.press('Enter');
    await chat.getByTestId('joined-badge').waitFor();
    await panel.getByText('Demo Admin joined the chat.').waitFor();
    await chat.getByTestId('two-agents').getByText('Sales Agent holds it, you joined').waitFor();
    await agentChat.getByTestId('two-agents').getByText('You hold it, Demo Admin joined').waitFor();
    const reply = page.getByTestId('composer-input');
    await reply.fill('Hello, I lead the team here: the 10 % code LAMP10 is yours.');
    await reply.press('Enter');
    const line = panel.locator('.entry').filter({ hasText: 'the 10 % code LAMP10 is yours' });
    await line.waitFor();
    await panel.getByText('Demo Admin', { exact: true }).first().waitFor();
    await agentChat.getByText('the 10 % code LAMP10 is yours').waitFor();
    // The agent still holds it and answers; the admin reads it live.
    await agent.getByTestId('composer-input').fill('I will send it by e-mail too.');
    await agent.getByTestId('composer-input').press('Enter');
    await chat.getByText('I will send it by e-mail too.').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}supervisor-barge-in-admin.png` });
    // At 1280 px the note's header and the composer's hints wrap between words, never inside one.
    await agent.getByTestId('note-toggle').check();
    await agent.screenshot({ path: `${SHOTS_DIR}supervisor-barge-in-agent.png` });
    for (const part of await agent.locator('.msg-note .msg-meta > *, .composer-hint-item').all()) {
      const box = await part.evaluate((el) => ({
        lines: el.getClientRects().length,
        h: el.getBoundingClientRect().height,
      }));
      assert.ok(box.lines === 1 && box.h < 24, `one line each (${await part.textContent()})`);
    }
    await agent.getByRole('radio', { name: 'Reply' }).check();
    await shop.page.screenshot({ path: `${SHOTS_DIR}supervisor-barge-in-visitor.png` });

    // The joined chat is listed under Mine, and stays there while the admin reads another live chat.
    const joinedId = await chat.getAttribute('data-conversation-id');
    const otherContext = await browser.newContext({ viewport: DESKTOP });
    const other = watch(otherContext, await otherContext.newPage());
    await askInDemoWidget(other.page, srv.url, 'Is the sofa in stock?');
    await agent.getByTestId('offer-card').getByRole('button', { name: 'Accept' }).click();
    await page.getByTestId('inbox-tab-live').click();
    await page.locator(`[data-testid="live-row"]:not([data-conversation-id="${joinedId}"])`).click();
    await chat.getByText('Is the sofa in stock?').waitFor();
    await page.getByTestId('inbox-tab-mine').click();
    const joinedRow = page.getByTestId('joined-chats').getByTestId('inbox-chat');
    assert.equal(await joinedRow.getAttribute('data-conversation-id'), joinedId);
    await page.screenshot({ path: `${SHOTS_DIR}supervisor-joined-in-mine.png` });
    await joinedRow.click();
    await chat.getByText('I will send it by e-mail too.').waitFor();
    await chat.getByTestId('two-agents').getByText('Sales Agent holds it, you joined').waitFor();

    // Take over: the chat is the admin's; it leaves the agent's inbox.
    await chat.getByTestId('take-over').click();
    await page.getByTestId('composer').and(page.locator('[data-mode="reply"]')).waitFor();
    await agent
      .locator(`[data-testid="inbox-chat"][data-conversation-id="${joinedId}"]`)
      .waitFor({ state: 'detached' });
    await panel.getByText('You are now chatting with Demo Admin.').waitFor();
    await chat
      .locator('[data-kind="event"]')
      .getByText('Demo Admin took over the chat from Sales Agent.')
      .waitFor();
    assert.equal(await panel.getByText('took over').count(), 0, 'the take-over note stays with the team');
    assert.equal(await chat.getByTestId('two-agents').count(), 0, 'one agent again');
    await page.screenshot({ path: `${SHOTS_DIR}supervisor-take-over.png` });

    // History's transcript keeps every step, with who and when.
    const id = await chat.getAttribute('data-conversation-id');
    await page.goto(`${srv.url}/console/conversations/history/${id}`);
    const transcript = page.getByTestId('transcript');
    await transcript.getByText('Demo Admin started monitoring the chat.').waitFor();
    await transcript.getByText('Offer the 10 % code, they hesitate.').waitFor();
    await transcript.getByText('Demo Admin joined the chat.').waitFor();
    await transcript.getByText('Demo Admin took over the chat from Sales Agent.').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}supervisor-transcript.png`, fullPage: true });

    for (const p of [sales, admin, shop, other]) assert.deepEqual(p.errors, [], 'no errors in any page');
    for (const p of [sales, admin, shop, other]) await p.context.close();
  });
});
