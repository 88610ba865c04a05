import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SHOTS_DIR } from './helpers/browser.ts';
import { askInDemoWidget, demoInChromium } from './helpers/demo-browser.ts';
import { type ConsolePage, goOnline, signedInAs, watch } from './helpers/workspace-fixtures.ts';

const SALES = 'sales@demo.beckon.local';
const ADMIN = 'admin@demo.beckon.local';
const DESKTOP = { width: 1280, height: 800 };

// Two agents in two browsers on one chat: each sees the other there and typing; a note mentions
// the admin, who is told at once and finds it under Mentions; the agent is warned before replying
// over the admin's reply; the `?` sheet lists the shortcuts and `g m` goes to the mentions.
describe('working together on one chat (Chromium): who is here, mentions, the send warning, shortcuts', {
  timeout: 240_000,
}, () => {
  const demo = demoInChromium();

  it('shows presence and typing both ways, notifies a mention, warns before a second reply, and opens the ? sheet', async () => {
    const { srv, browser } = demo;
    const sales: ConsolePage = await signedInAs(browser, srv, SALES);
    await goOnline(sales.page);
    await sales.page.setViewportSize(DESKTOP);
    const admin: ConsolePage = await signedInAs(browser, srv, ADMIN);
    await admin.page.setViewportSize(DESKTOP);

    const shopContext = await browser.newContext({ viewport: DESKTOP });
    const shop = watch(shopContext, await shopContext.newPage());
    const panel = await askInDemoWidget(shop.page, srv.url, 'Is there a discount on the lamp?');
    const agent = sales.page;
    await agent.getByTestId('offer-card').getByRole('button', { name: 'Accept' }).click();
    const agentChat = agent.getByTestId('chat');
    await agentChat.getByText('Is there a discount on the lamp?').waitFor();

    // The admin opens the same chat: each sees the other there.
    const page = admin.page;
    await page.getByTestId('inbox-tab-live').click();
    await page.getByTestId('live-list').getByTestId('live-row').first().click();
    const adminChat = page.getByTestId('chat');
    await adminChat.getByText('Is there a discount on the lamp?').waitFor();
    await agentChat.getByTestId('presence-viewers').getByText('Also here: Demo Admin').waitFor();
    await adminChat.getByTestId('presence-viewers').getByText('Also here: Sales Agent').waitFor();

    // The agent writes a note naming the admin: the admin sees the note being written, then is told.
    await agent.getByTestId('note-toggle').check();
    const input = agent.getByTestId('composer-input');
    // `@` and the start of a name list the colleagues; Enter inserts the one chosen.
    await input.pressSequentially('@Dem');
    await agent.getByTestId('mention-picker').getByText('@Demo Admin').waitFor();
    await agent.screenshot({ path: `${SHOTS_DIR}collab-mention-picker.png` });
    await input.press('Enter');
    await input.pressSequentially('may I give 10 % off?');
    assert.equal(await input.inputValue(), '@Demo Admin may I give 10 % off?');
    await adminChat.getByTestId('presence-typing').getByText('Sales Agent is writing a note…').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}collab-presence-note-typing.png` });
    await input.press('Enter');
    await agentChat.locator('[data-kind="note"]').getByText('may I give 10 % off?').waitFor();
    await page
      .getByTestId('notice')
      .getByText('Sales Agent mentioned you: @Demo Admin may I give 10 % off?')
      .waitFor();
    await page.getByTestId('mentions-unread').getByText('1', { exact: true }).waitFor();
    assert.equal(await panel.getByText('may I give 10 % off').count(), 0, 'the note stays with the team');

    // A note naming someone who cannot see the chat is refused, naming them.
    await input.fill('@Support Agent any idea?');
    await input.press('Enter');
    await agentChat.getByText(/Support Agent cannot see this conversation/).waitFor();

    // The admin barges in and starts a reply; the agent's reply is held for a warning first.
    await adminChat.getByTestId('barge-in').click();
    await adminChat.getByTestId('joined-badge').waitFor();
    const adminInput = page.getByTestId('composer-input');
    await adminInput.fill('Yes, the code LAMP10 gives');
    await agentChat.getByTestId('presence-typing').getByText('Demo Admin is writing a reply…').waitFor();
    await agent.getByRole('radio', { name: 'Reply' }).check();
    await input.fill('Let me check that for you.');
    await input.press('Enter');
    const warning = agent.getByTestId('confirm-dialog');
    await warning
      .getByText('Demo Admin is writing a reply in this conversation right now. Send yours anyway?')
      .waitFor();
    await agent.screenshot({ path: `${SHOTS_DIR}collab-send-warning.png` });
    await warning.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await panel.getByText('Let me check that for you.').count(), 0, 'cancelled: nothing sent');
    await adminInput.fill('Yes, the code LAMP10 gives 10 %');
    await agentChat.getByTestId('presence-typing').getByText('Demo Admin is writing a reply…').waitFor();
    await input.press('Enter');
    await warning.getByRole('button', { name: 'Send anyway' }).click();
    await panel.getByText('Let me check that for you.').waitFor();

    // The admin, by keyboard: `?` opens the shortcut sheet, Esc closes it, `g m` opens the mentions.
    await page.getByTestId('workspace').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('?');
    const sheet = page.getByTestId('shortcut-sheet');
    await sheet.getByText('Go to your mentions').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}collab-shortcut-sheet.png` });
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });
    await page.keyboard.press('g');
    await page.keyboard.press('m');
    const mention = page.getByTestId('mention').first();
    await mention.getByText('@Demo Admin may I give 10 % off?').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}collab-mentions.png` });
    await mention.getByRole('button').first().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/conversations$/);
    await page.getByTestId('chat').getByText('Is there a discount on the lamp?').waitFor();
    await page.getByTestId('mentions-unread').waitFor({ state: 'detached' });

    assert.deepEqual(sales.errors, []);
    assert.deepEqual(admin.errors, []);
    await shopContext.close();
    await sales.context.close();
    await admin.context.close();
  });
});
