import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { Browser } from 'playwright-core';
import { cookieFor, startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import {
  browsingVisitor,
  type ConsolePage,
  goOnline,
  signedInAs,
  until,
  VIEWPORT,
  watch,
} from './helpers/workspace-fixtures.ts';

const SALES = 'sales@demo.beckon.local';
const SUPPORT = 'support@demo.beckon.local';
const HOSTILE =
  '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> javascript:window.__pwned=3 ' +
  'see https://safe.example/ok';

describe('agent workspace in Chromium', { timeout: 240_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let sales: ConsolePage;
  let support: ConsolePage;
  let admin: ConsolePage;
  let visitor: VisitorChatClient;
  let conversationId: string;
  const visitorId = `ws${Date.now().toString(36)}`;
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

  it('signs in, goes Online, and is offered a chat with a countdown and the tab title counting it', async () => {
    // The first agent signs in through the login form, like a person would.
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    sales = watch(context, page);
    await page.goto(`${srv.url}/console/conversations`);
    await page.getByLabel('Email').fill(SALES);
    await page.getByLabel('Password').fill('demo-agent-pw');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('workspace').waitFor();
    await page
      .getByTestId('inbox-empty')
      .getByText(/you are offline/i)
      .waitFor();
    await shot(sales, 'empty-offline');
    await goOnline(page);
    await page
      .getByTestId('inbox-empty')
      .getByText('You are Online and will be offered the next one.')
      .waitFor();
    await shot(sales, 'empty-online');

    // A visitor who browsed the store accepts an agent's invitation and asks a question.
    const tag = await browsingVisitor(srv, visitorId);
    const { cookie, csrf } = await cookieFor(srv, DEMO_ADMIN.email);
    const invite = await srv.node.app.inject({
      method: 'POST',
      url: `/api/v1/visitors/${visitorId}/invite`,
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { skillId: srv.demo!.skillIds.sales, message: 'Can I help with the jacket?' },
    });
    assert.equal(invite.statusCode, 201, invite.body);
    visitor = await startVisitor(srv, {
      visitorId,
      source: 'invitation',
      exposureId: invite.json().exposureId,
      skillId: srv.demo!.skillIds.sales,
      name: 'Maria Gonzales',
      email: 'maria@example.com',
      topic: 'Shipping',
      text: 'Hi! Does the blue rain jacket ship to Canada?',
    });
    conversationId = visitor.conversation.id;
    await tag.close();

    const offer = page.getByTestId('offer-card');
    await offer.getByText('Maria Gonzales').waitFor();
    await offer.getByText('Hi! Does the blue rain jacket ship to Canada?').waitFor();
    const seconds = Number(/\d+/.exec((await offer.getByTestId('offer-countdown').textContent()) ?? '')?.[0]);
    assert.ok(seconds > 0 && seconds <= 30, `countdown shows ${seconds}`);
    await until(async () => /^\(1\) /.test(await page.title()), 'the tab title to count the offer');
    await page.getByTestId('nav-attention').getByText('1').waitFor();
    await page.waitForTimeout(400); // let the card finish sliding in
    await shot(sales, 'offer');
  });

  it('accepts, shows the visitor’s context, and chats both ways with typing and "Seen"', async () => {
    const { page } = sales;
    await page.getByTestId('offer-card').getByRole('button', { name: 'Accept' }).click();
    const chat = page.getByTestId('chat');
    await chat.getByTestId('chat-name').getByText('Maria Gonzales').waitFor();
    await chat.getByText('Hi! Does the blue rain jacket ship to Canada?').waitFor();

    // At 1280 px, with the inbox and the context pane open, the name and e-mail are shown whole
    // (the actions make room), each with its full text as a tooltip.
    await page.setViewportSize({ width: 1280, height: 800 });
    for (const [selector, text] of [
      ['[data-testid="chat-name"]', 'Maria Gonzales'],
      ['.chat-sub-email', 'maria@example.com'],
    ] as const) {
      const cut = await chat.locator(selector).evaluate((el) => ({
        text: el.textContent,
        title: el.getAttribute('title'),
        over: el.scrollWidth - el.clientWidth,
      }));
      assert.deepEqual(cut, { text, title: text, over: 0 }, `${text} is not cut at 1280 px`);
    }
    await shot(sales, 'chat-header-1280');
    await page.setViewportSize(VIEWPORT);
    await until(async () => !/^\(\d+\) /.test(await page.title()), 'the count to clear once read');

    // The context pane: the journey, the cart, and the invitation that started the chat.
    const context = page.getByTestId('context');
    await context.getByTestId('journey').getByText('Checkout', { exact: true }).waitFor();
    await context.getByTestId('cart-panel').getByText('Blue rain jacket').waitFor();
    await context.getByTestId('context-origin').getByText('Invitation by Demo Admin').waitFor();
    await context.getByText('Accepted an invitation').waitFor();

    // The agent types: the visitor sees "typing", then the message.
    const typing = visitor.frames.next((f) => f.type === 'typing' && f.from === 'agent' && f.typing, 10_000);
    const input = page.getByTestId('composer-input');
    await input.pressSequentially('Hello Maria!', { delay: 20 });
    await typing;
    await input.press('Shift+Enter');
    await input.pressSequentially('Yes, it ships to Canada in 3–5 days.');
    await input.press('Enter');
    const reply = await visitor.waitForMessage((m) => m.text.startsWith('Hello Maria!'), 10_000);
    assert.equal(
      reply.text,
      'Hello Maria!\nYes, it ships to Canada in 3–5 days.',
      'Shift+Enter made a new line',
    );
    assert.equal(reply.senderName, 'Sales Agent');
    await until(async () => (await input.inputValue()) === '', 'the composer to clear');

    // The visitor reads it and types back.
    visitor.read(reply.seq);
    await chat.getByTestId('seen').waitFor();
    visitor.typing(true);
    await page.getByTestId('visitor-typing').getByText('Maria Gonzales is typing…').waitFor();
    await visitor.send(HOSTILE);
    await chat.getByText('see https://safe.example/ok', { exact: false }).waitFor();
    await until(
      async () => (await page.getByTestId('visitor-typing').textContent()) === '',
      'typing to stop',
    );
    await shot(sales, 'chat');
  });

  it('renders hostile message text inert, with only safe links', async () => {
    const { page } = sales;
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined);
    const list = page.getByTestId('message-list');
    assert.equal(await list.locator('script').count(), 0);
    assert.equal(await list.locator('img').count(), 0);
    const bubble = list.locator('[data-kind="visitor"]').last();
    assert.ok(
      ((await bubble.textContent()) ?? '').includes('<img src=x onerror="window.__pwned=2">'),
      'shown as text',
    );
    const hrefs = await list.locator('a').evaluateAll((as) =>
      as.map((a) => ({
        href: a.getAttribute('href'),
        rel: a.getAttribute('rel'),
        target: a.getAttribute('target'),
      })),
    );
    assert.deepEqual(hrefs, [
      { href: 'https://safe.example/ok', rel: 'noopener noreferrer', target: '_blank' },
    ]);
    assert.deepEqual(sales.dialogs, []);
  });

  it('keeps internal notes from the visitor', async () => {
    const { page } = sales;
    await page.getByTestId('note-toggle').check();
    await page.locator('[data-testid="composer"][data-mode="note"]').waitFor();
    await page.getByTestId('composer-input').fill('VIP customer: offer free returns');
    await page.getByTestId('composer-input').press('Enter');
    const note = page.getByTestId('message-list').locator('[data-kind="note"]');
    await note.getByText('VIP customer: offer free returns').waitFor();
    await shot(sales, 'note');
    await page.getByRole('radio', { name: 'Reply' }).check();
    await page.getByTestId('composer-input').fill('One more thing: returns are free.');
    await page.getByTestId('composer-input').press('Enter');
    await visitor.waitForMessage((m) => m.text === 'One more thing: returns are free.', 10_000);
    assert.ok(
      visitor.messages.every((m) => !m.text.includes('VIP customer')),
      'the visitor never received the note',
    );
  });

  it('lets a supervisor see every live chat and read one without joining it', async () => {
    admin = await signedInAs(browser, srv, DEMO_ADMIN.email);
    const { page } = admin;
    await page.getByTestId('inbox-tab-live').click();
    const row = page.getByTestId('live-list').getByTestId('live-row').filter({ hasText: 'Maria Gonzales' });
    await page.getByTestId('live-list').getByText('Sales Agent').waitFor();
    await row.click();
    const chat = page.getByTestId('chat');
    await chat.getByText('VIP customer: offer free returns').waitFor();
    await chat
      .getByTestId('readonly-bar')
      .getByText(/Read-only: Sales Agent is chatting/)
      .waitFor();
    // Reading someone's chat offers only a whisper to its agent, never a reply to the visitor.
    const composer = page.getByTestId('composer');
    assert.equal(await composer.getAttribute('data-mode'), 'note');
    await composer.getByTestId('whisper-hint').waitFor();
    await chat.getByTestId('reassign').waitFor();
    await shot(admin, 'supervisor');
    // Reading does not join: the visitor saw no one else arrive.
    assert.ok(visitor.messages.every((m) => !m.text.includes('Demo Admin')));
  });

  it('lets the supervisor whisper to the agent: the agent reads it as a note, the visitor never receives it', async () => {
    const { page } = admin;
    await page.getByLabel('Whisper').fill('Whisper: offer the 10 % code');
    // The composer's send button (the header's Whisper only moves the focus here).
    await page.getByTestId('composer').getByRole('button', { name: 'Whisper', exact: true }).click();
    const inSales = sales.page.getByTestId('message-list').locator('[data-kind="note"]');
    await inSales.getByText('Whisper: offer the 10 % code').waitFor();
    await shot(admin, 'whisper');
    await shot(sales, 'whisper-received');
    // A public line after it reaches the visitor; the whisper never does, on any frame.
    await sales.page.getByTestId('composer-input').fill('Here is a 10 % code: RAIN10');
    await sales.page.getByTestId('composer-input').press('Enter');
    await visitor.waitForMessage((m) => m.text.includes('RAIN10'), 10_000);
    assert.ok(
      visitor.messages.every((m) => !m.text.includes('Whisper:')),
      'the visitor never received it',
    );
  });

  it('transfers to a second agent, who sees the whole conversation', async () => {
    support = await signedInAs(browser, srv, SUPPORT);
    await goOnline(support.page);
    const { page } = sales;
    await page.getByTestId('chat').getByRole('button', { name: 'Transfer' }).click();
    const dialog = page.getByTestId('transfer-dialog');
    await dialog.getByLabel('Agent', { exact: true }).selectOption({ label: 'Support Agent — Online' });
    await dialog.getByLabel('Note for the next agent').fill('Wants the jacket shipped to Toronto');
    await shot(sales, 'transfer');
    await dialog.getByTestId('transfer-submit').click();
    await page.getByTestId('inbox-empty').waitFor();

    const next = support.page;
    await next.locator(`[data-testid="inbox-chat"][data-conversation-id="${conversationId}"]`).click();
    const chat = next.getByTestId('chat');
    await chat.getByText('Hi! Does the blue rain jacket ship to Canada?').waitFor();
    await chat.getByText('VIP customer: offer free returns').waitFor();
    await chat.getByText('Wants the jacket shipped to Toronto').waitFor();
    await visitor.waitForMessage((m) => m.text.includes('now chatting with Support Agent'), 10_000);
    await shot(support, 'transferred');
  });

  it('closes with a disposition and tags; the visitor rates the chat', async () => {
    const { page } = support;
    await page.getByTestId('chat').getByRole('button', { name: 'Close chat' }).click();
    const dialog = page.getByTestId('close-dialog');
    await dialog.getByLabel('Disposition').selectOption('Sale made');
    const tags = dialog.getByLabel('Tags');
    await tags.fill('shipping');
    await tags.press('Enter');
    await tags.fill('vip');
    await tags.press('Enter');
    await dialog.getByTestId('tag-chip').nth(1).waitFor();
    await shot(support, 'close');
    await dialog.getByTestId('close-submit').click();
    await page.getByTestId('inbox-empty').waitFor();
    await visitor.waitForConversation((c) => c.status === 'closed', 10_000);
    visitor.csat(5, 'Quick and friendly');
    const { store } = srv.node.ctx;
    const closed = await until(async () => {
      const c = await store.conversations.get(srv.demo!.accountId, conversationId);
      return c.csatScore === 5 ? c : null;
    }, 'the rating to be stored');
    assert.equal(closed.disposition, 'Sale made');
    assert.deepEqual([...closed.tags].sort(), ['shipping', 'vip']);
  });

  it('finds the conversation in History by text and filters, and opens its transcript', async () => {
    const { page } = admin;
    await page.getByTestId('conversations-tab-history').click();
    const table = page.getByTestId('history-table');
    await page.getByLabel('Search', { exact: true }).fill('ship to Canada');
    await table.getByText('Maria Gonzales').waitFor();
    await page.getByLabel('CSAT').selectOption('5');
    await table.getByText('Maria Gonzales').waitFor();
    await page.getByLabel('Agent').selectOption({ label: 'Support Agent' });
    await table.getByText('Sale made').waitFor();
    await shot(admin, 'history');
    // Sales answered it first and transferred it to Support: it is in both agents' history.
    await page.getByLabel('Agent').selectOption({ label: 'Demo Admin' });
    await page.getByTestId('history-empty').waitFor();
    await page.getByLabel('Agent').selectOption({ label: 'Sales Agent' });
    await table.getByText('Maria Gonzales').waitFor();
    await page.getByLabel('Agent').selectOption({ label: 'Any agent' });
    await page.getByLabel('Skill').selectOption({ label: 'Support' });
    await page.getByTestId('history-empty').waitFor();
    await page.getByLabel('Skill').selectOption({ label: 'Sales' });
    await table.getByText('Maria Gonzales').waitFor();
    const day = (offset: number) => {
      const d = new Date(Date.now() + offset * 86_400_000);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    await page.getByLabel('From', { exact: true }).fill(day(1));
    await page.getByTestId('history-empty').waitFor();
    await page.getByLabel('From', { exact: true }).fill(day(0));
    await page.getByLabel('To', { exact: true }).fill(day(0));
    await table.getByText('Maria Gonzales').waitFor();
    await page.getByLabel('Search', { exact: true }).fill('no such words anywhere');
    await page.getByTestId('history-empty').waitFor();
    await page.getByLabel('Search', { exact: true }).fill('blue rain jacket');
    await table.getByRole('link', { name: 'Maria Gonzales' }).click();

    const transcript = page.getByTestId('transcript');
    await transcript.getByText('Hi! Does the blue rain jacket ship to Canada?').waitFor();
    await transcript.getByText('VIP customer: offer free returns').waitFor();
    await transcript.getByText('Sales Agent joined the chat.').waitFor();
    await page.getByTestId('transcript-csat').getByText('Quick and friendly').waitFor();
    await page.getByTestId('transcript-tags').getByText('vip').waitFor();
    await shot(admin, 'transcript');
    const download = await page.getByTestId('transcript-download').getAttribute('href');
    const text = await page.evaluate(async (url) => (await fetch(url!)).text(), download);
    assert.match(text, /Maria Gonzales/);
    assert.match(text, /Sales Agent \(internal note\): VIP customer: offer free returns/);
  });

  it('lets a supervisor take over a live chat: it leaves the agent’s inbox and the visitor is told', async () => {
    const second = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales, name: 'Omar Haddad' });
    try {
      await sales.page.getByTestId('offer-card').getByRole('button', { name: 'Accept' }).click();
      await sales.page.getByTestId('chat').getByText('Omar Haddad').first().waitFor();
      const { page } = admin;
      await page.goto(`${srv.url}/console/conversations`);
      await goOnline(page);
      await page.getByTestId('inbox-tab-live').click();
      await page.getByTestId('live-list').getByTestId('live-row').filter({ hasText: 'Omar Haddad' }).click();
      await page.getByTestId('take-over').click();
      // The supervisor now holds it: a reply composer, no longer a whisper.
      await page.getByTestId('composer').and(page.locator('[data-mode="reply"]')).waitFor();
      await sales.page.getByTestId('inbox-empty').waitFor();
      await second.waitForMessage((m) => m.text === 'You are now chatting with Demo Admin.', 10_000);
      await shot(admin, 'take-over');
    } finally {
      await second.close();
    }
  });

  it('had no errors in any console tab', () => {
    for (const p of [sales, support, admin]) {
      assert.deepEqual(p.errors, [], 'no errors in the browser console (CSP violations included)');
      assert.deepEqual(p.dialogs, []);
    }
  });
});
