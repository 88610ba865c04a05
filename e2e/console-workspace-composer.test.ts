import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { Browser } from 'playwright-core';
import { startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { PDF, PNG } from '../packages/server/test/helpers/sample-files.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { gradientPng } from './helpers/sample-image.ts';
import { type ConsolePage, goOnline, signedInAs, until } from './helpers/workspace-fixtures.ts';

const SALES = 'sales@demo.beckon.local';

describe('agent workspace composer: canned responses, files, wrap-up', { timeout: 180_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let agent: ConsolePage;
  let admin: ConsolePage;
  let visitor: VisitorChatClient;
  const shot = (p: ConsolePage, name: string) =>
    p.page.screenshot({ path: `${SHOTS_DIR}workspace-${name}.png` });

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
  });
  after(async () => {
    await visitor?.close().catch(() => {});
    await browser?.close();
    await srv?.close();
  });

  it('lets admins keep canned responses in Settings, and agents read them', async () => {
    admin = await signedInAs(browser, srv, DEMO_ADMIN.email, '/console/settings/canned-responses');
    const { page } = admin;
    const table = page.getByTestId('canned-table');
    await table.getByText('/hello').waitFor();
    await page.getByRole('button', { name: 'New response' }).click();
    const dialog = page.getByTestId('canned-dialog');
    await dialog.getByLabel('Shortcut').fill('hello');
    await dialog.getByLabel('Title').fill('Another greeting');
    await dialog.getByLabel('Text', { exact: true }).fill('Thanks ');
    await dialog.getByRole('button', { name: '{visitor.name}' }).click();
    await dialog.getByText('Thanks Maria Gonzales').waitFor();
    await dialog.getByRole('button', { name: 'Add response' }).click();
    await dialog.getByText('/hello is already used by another response.').waitFor();
    await dialog.getByLabel('Shortcut').fill('thanks');
    await dialog
      .getByLabel('Text', { exact: true })
      .fill('Thanks {visitor.name}, have a lovely day! — {agent.name}');
    await shot(admin, 'canned-dialog');
    await dialog.getByRole('button', { name: 'Add response' }).click();
    await table.getByText('/thanks').waitFor();
    await page.getByRole('button', { name: 'Edit /thanks' }).click();
    await dialog.getByLabel('Title').fill('Thank you');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await table.getByText('Thank you', { exact: true }).waitFor();
    await shot(admin, 'canned-settings');
    const stored = await srv.node.ctx.store.cannedResponses.list(srv.demo!.accountId);
    assert.equal(stored.find((c) => c.shortcut === 'thanks')?.title, 'Thank you');

    agent = await signedInAs(browser, srv, SALES, '/console/settings/canned-responses');
    await agent.page.getByTestId('canned-table').getByText('/thanks').waitFor();
    assert.equal(await agent.page.getByRole('button', { name: 'New response' }).count(), 0);
    assert.equal(await agent.page.getByRole('button', { name: /^Edit / }).count(), 0);
  });

  it('inserts a canned response with its variables filled in, by "/" and by the button', async () => {
    const { page } = agent;
    await page.getByTestId('nav-conversations').click();
    await goOnline(page);
    visitor = await startVisitor(srv, {
      name: 'Maria Gonzales',
      text: 'Do you ship to Canada?',
      skillId: srv.demo!.skillIds.sales,
    });
    await page.getByTestId('offer-card').getByRole('button', { name: 'Accept' }).click();
    const input = page.getByTestId('composer-input');
    await input.waitFor();

    await input.pressSequentially('/hel');
    const picker = page.getByTestId('canned-picker');
    await picker.getByText('/hello').waitFor();
    await picker.getByText('Hi Maria Gonzales, I am Sales from the Demo Store.', { exact: false }).waitFor();
    await shot(agent, 'canned-picker');
    await input.press('Enter');
    const expected = 'Hi Maria Gonzales, I am Sales from the Demo Store. How can I help you today?';
    assert.equal(await input.inputValue(), expected, 'the variables are filled in before sending');
    await input.press('Enter');
    const got = await visitor.waitForMessage(
      (m) => m.senderKind === 'agent' && m.text.startsWith('Hi '),
      10_000,
    );
    assert.equal(got.text, expected);

    await page.getByTestId('canned-button').click();
    await page.getByLabel('Search canned responses').fill('thank');
    await page.getByLabel('Search canned responses').press('Enter');
    assert.equal(await input.inputValue(), 'Thanks Maria Gonzales, have a lovely day! — Sales Agent');
    await input.fill('');
  });

  it('sends and shows files: uploads with a chip, images as thumbnails, PDFs as file chips', async () => {
    const { page } = agent;
    await page
      .getByTestId('file-input')
      .setInputFiles({ name: 'size-chart.png', mimeType: 'image/png', buffer: PNG });
    await page.getByTestId('upload-chip').and(page.locator('[data-state="done"]')).waitFor();
    await page.getByTestId('composer-input').fill('Here is the size chart');
    await page.getByTestId('composer-input').press('Enter');
    const sent = await visitor.waitForMessage((m) => m.text === 'Here is the size chart', 10_000);
    assert.deepEqual(
      sent.attachments.map((a) => [a.name, a.contentType]),
      [['size-chart.png', 'image/png']],
    );
    assert.equal(await page.getByTestId('upload-chip').count(), 0, 'the chips go with the message');

    // A file the server does not take is refused on the chip, and nothing is sent.
    await page
      .getByTestId('file-input')
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
    await page
      .getByTestId('upload-chip')
      .getByText(/Only images .* and PDF files/)
      .waitFor();
    await page.getByRole('button', { name: 'Remove notes.txt' }).click();

    // The visitor sends a receipt (PDF) and a photo: a file chip and a thumbnail in the console.
    const pdf = await visitor.upload({ bytes: PDF, name: 'receipt.pdf', contentType: 'application/pdf' });
    const png = await visitor.upload({
      bytes: gradientPng(320, 200),
      name: 'photo.png',
      contentType: 'image/png',
    });
    await visitor.send('My receipt and a photo', undefined, [pdf, png]);
    const list = page.getByTestId('message-list');
    await list.getByTestId('attachment-chip').getByText('receipt.pdf').waitFor();
    const thumb = list.locator('img[alt="photo.png"]');
    await thumb.waitFor();
    await until(
      () => thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0),
      'the thumbnail to load',
    );
    await shot(agent, 'attachments');
  });

  it('wraps up a chat the visitor ended, with a disposition and tags', async () => {
    const { page } = agent;
    visitor.end();
    await page
      .getByTestId('readonly-bar')
      .getByText(/This chat has ended/)
      .waitFor();
    await page.getByTestId('wrap-up').click();
    const dialog = page.getByTestId('close-dialog');
    await dialog.getByText('Wrap up chat').waitFor();
    await dialog.getByLabel('Disposition').selectOption('Question answered');
    await dialog.getByLabel('Tags').fill('shipping');
    await dialog.getByLabel('Tags').press('Enter');
    await dialog.getByRole('button', { name: 'Save wrap-up' }).click();
    await page.getByTestId('inbox-empty').waitFor();
    const c = await until(async () => {
      const stored = await srv.node.ctx.store.conversations.get(srv.demo!.accountId, visitor.conversation.id);
      return stored.disposition ? stored : null;
    }, 'the wrap-up to be stored');
    assert.equal(c.disposition, 'Question answered');
    assert.deepEqual(c.tags, ['shipping']);
  });

  it('lists offline messages in the queue; an agent takes one and answers it', async () => {
    const { page } = agent;
    const left = await srv.node.app.inject({
      method: 'POST',
      url: '/api/v1/chat/offline',
      headers: { 'x-beckon-site-key': srv.demo!.siteKey },
      payload: { name: 'Kim Lee', email: 'kim@example.com', message: 'Please call me back', topic: 'Sales' },
    });
    assert.equal(left.statusCode, 201, left.body);
    await page.getByTestId('inbox-tab-queue').click();
    await page.getByTestId('offline-list').getByTestId('offline-row').filter({ hasText: 'Kim Lee' }).click({
      timeout: 40_000,
    });
    const chat = page.getByTestId('chat');
    await chat.getByText('Please call me back').waitFor();
    await chat
      .getByTestId('readonly-bar')
      .getByText(/Left while nobody could chat/)
      .waitFor();
    await shot(agent, 'offline');
    await chat.getByTestId('take-chat').click();
    await page.getByTestId('composer-input').fill('Hi Kim, we will call you at 3 pm.');
    await page.getByTestId('composer-input').press('Enter');
    const id = left.json().conversationId as string;
    await until(async () => {
      const rows = await srv.node.ctx.store.messages.after(srv.demo!.accountId, id, 0);
      return rows.some((m) => m.text === 'Hi Kim, we will call you at 3 pm.');
    }, 'the answer to be stored');
  });

  it('switches chats with j/k and the arrow keys, keeping each chat’s draft', async () => {
    const { page } = agent;
    const second = await startVisitor(srv, {
      name: 'Noor',
      text: 'Hi there',
      topic: 'Sales',
      skillId: srv.demo!.skillIds.sales,
    });
    try {
      // A topic that only repeats the skill's name is said once.
      const offer = page.getByTestId('offer-card');
      await offer.getByText('Noor').waitFor();
      assert.equal(await offer.locator('.offer-meta').textContent(), 'Sales');
      await offer.getByRole('button', { name: 'Accept' }).click();
      await page.getByTestId('chat-name').getByText('Noor').waitFor();
      await page.getByTestId('composer-input').fill('half-written answer');
      await page.getByTestId('chat-name').click(); // out of the text field: j/k are shortcuts again
      await page.keyboard.press('k');
      await page.getByTestId('chat-name').getByText('Kim Lee').waitFor();
      assert.equal(await page.getByTestId('composer-input').inputValue(), '');
      // The composer of the chat now open has the focus; Alt+↓ switches from there.
      await page.getByTestId('composer-input').press('Alt+ArrowDown');
      await page.getByTestId('chat-name').getByText('Noor').waitFor();
      assert.equal(await page.getByTestId('composer-input').inputValue(), 'half-written answer');
      // In the inbox list, arrows move between rows; Enter opens one.
      await page.getByTestId('inbox-chat').first().focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.getByTestId('chat-name').getByText('Noor').waitFor();
      await page.getByTestId('inbox-chat').first().focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('chat-name').getByText('Kim Lee').waitFor();
      await shot(agent, 'two-chats');
    } finally {
      await second.close();
    }
  });

  it('had no errors in the console tabs', () => {
    for (const p of [agent, admin]) {
      assert.deepEqual(p.errors, []);
      assert.deepEqual(p.dialogs, []);
    }
  });
});
