import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { Browser, Page } from 'playwright-core';
import { chatOf } from '../packages/server/src/conversations/chat-module.ts';
import { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { cookieFor, eventually, startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from '../packages/server/test/helpers/postgres.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { type ConsolePage, goOnline, signedInAs } from './helpers/workspace-fixtures.ts';

const SALES = 'sales@demo.beckon.local';
const ADMIN = 'admin@demo.beckon.local';
const CUSTOMER = { name: 'Noor', email: 'noor@example.com' };
const DESKTOP = { width: 1280, height: 800 };
/** Generous: the machine is shared, and every wait below ends on an event, not a clock. */
const LONG = 30_000;

/** A `datetime-local` value with seconds, in the browser's zone. */
const localInput = (ms: number, offsetMinutes: number) =>
  new Date(ms - offsetMinutes * 60_000).toISOString().slice(0, 19);

const pgSkip = postgresSkipReasonNow();

// The whole two-agent story on one node on PostgreSQL, as the issue checks it: the sales agent (A)
// and the admin (B), each in their own browser, on one customer's chat. Each step asserts what the
// two agents see, and what reaches the customer's own socket.
describe('two agents working together on one conversation, on PostgreSQL (Chromium)', {
  skip: pgSkip ?? false,
  timeout: 300_000,
}, () => {
  let srv: TestServer;
  let browser: Browser;
  let a: ConsolePage;
  let b: ConsolePage;
  let customer: VisitorChatClient;
  let adminApi: ApiClient;
  let mailConversationId: string;
  const chatOfA = () => a.page.getByTestId('chat');
  const chatOfB = () => b.page.getByTestId('chat');
  const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS_DIR}together-pg-${name}.png` });

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true, store: 'postgres' }), launchBrowser()]);
    assert.equal(
      srv.node.ctx.config.databaseUrl?.startsWith('postgres'),
      true,
      'the node runs on PostgreSQL',
    );
    adminApi = new ApiClient(srv.node.app);
    Object.assign(adminApi, await cookieFor(srv, ADMIN));

    // Yesterday the customer e-mailed the shop (the demo's catch-all inbox, through the provider hook).
    const settings = await adminApi.get('/api/v1/channels/email');
    assert.equal(settings.status, 200);
    const { user, secret } = settings.body.inbound as { user: string; secret: string };
    const mail = await srv.node.app.inject({
      method: 'POST',
      url: '/api/v1/channels/email/inbound',
      headers: {
        'content-type': 'message/rfc822',
        authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`,
      },
      payload: [
        `From: ${CUSTOMER.name} <${CUSTOMER.email}>`,
        'To: support@demo.beckon.local',
        'Subject: Order 1042',
        'Message-ID: <order-1042@example.com>',
        '',
        'Has my order 1042 shipped yet?',
        '',
      ].join('\r\n'),
    });
    assert.equal(mail.statusCode, 200, mail.body);

    // A shared macro the admin keeps, run later by its shortcut.
    const macro = await adminApi.post('/api/v1/macros', {
      name: 'Lamp discount',
      shared: true,
      actions: {
        reply: 'Hi {visitor.name}, the code LAMP10 takes 10 % off the lamp.',
        tags: ['discount'],
        status: 'pending',
      },
    });
    assert.equal(macro.status, 201, JSON.stringify(macro.body));

    [a, b] = await Promise.all([signedInAs(browser, srv, SALES), signedInAs(browser, srv, ADMIN)]);
    await Promise.all([a.page.setViewportSize(DESKTOP), b.page.setViewportSize(DESKTOP)]);
    await goOnline(a.page);
    // Today the same customer opens the chat on the site, over the visitor socket.
    customer = await startVisitor(srv, {
      skillId: srv.demo!.skillIds.sales,
      ...CUSTOMER,
      text: 'Is there a discount on the lamp?',
    });
  });

  after(async () => {
    await customer?.close().catch(() => {});
    await browser?.close();
    await srv?.close();
  });

  it('each agent sees the other on the conversation, and typing, live', async () => {
    await a.page.getByTestId('offer-card').getByRole('button', { name: 'Accept' }).click();
    await chatOfA().getByText('Is there a discount on the lamp?').waitFor({ timeout: LONG });

    await b.page.getByTestId('inbox-tab-live').click();
    await b.page.getByTestId('live-list').getByTestId('live-row').first().click();
    await chatOfB().getByText('Is there a discount on the lamp?').waitFor({ timeout: LONG });
    await chatOfA()
      .getByTestId('presence-viewers')
      .getByText('Also here: Demo Admin')
      .waitFor({ timeout: LONG });
    await chatOfB()
      .getByTestId('presence-viewers')
      .getByText('Also here: Sales Agent')
      .waitFor({ timeout: LONG });

    // A starts a reply: B sees it being written.
    const inputA = a.page.getByTestId('composer-input');
    await inputA.focus();
    await a.page.keyboard.type('Let me check the lamp');
    await chatOfB()
      .getByTestId('presence-typing')
      .getByText('Sales Agent is writing a reply…')
      .waitFor({ timeout: LONG });
    // B joins the chat and writes too: A sees it.
    await chatOfB().getByTestId('barge-in').click();
    await chatOfB().getByTestId('joined-badge').waitFor({ timeout: LONG });
    const inputB = b.page.getByTestId('composer-input');
    await inputB.focus();
    await b.page.keyboard.type('Yes: the code LAMP10');
    await chatOfA()
      .getByTestId('presence-typing')
      .getByText('Demo Admin is writing a reply…')
      .waitFor({ timeout: LONG });
    await shot(a.page, 'presence-typing');
  });

  it('B, sending while A is writing a reply, is warned first; by keyboard, B sends anyway', async () => {
    const inputA = a.page.getByTestId('composer-input');
    const inputB = b.page.getByTestId('composer-input');
    await inputB.press('End');
    await b.page.keyboard.type(' takes 10 % off.');
    // A is still writing (a keystroke keeps the signal fresh): B sees it, then presses Enter.
    await inputA.press('End');
    await a.page.keyboard.type(' price');
    await chatOfB()
      .getByTestId('presence-typing')
      .getByText('Sales Agent is writing a reply…')
      .waitFor({ timeout: LONG });
    await inputB.press('Enter');
    const warning = b.page.getByTestId('confirm-dialog');
    await warning
      .getByText('Sales Agent is writing a reply in this conversation right now. Send yours anyway?')
      .waitFor({ timeout: LONG });
    await shot(b.page, 'send-warning');
    assert.equal(
      customer.messages.some((m) => m.text.includes('LAMP10')),
      false,
      'nothing is sent while the warning asks',
    );
    // Cancel has the focus (the safe choice); Tab reaches "Send anyway".
    await b.page.keyboard.press('Tab');
    await b.page.keyboard.press('Enter');
    await warning.waitFor({ state: 'detached', timeout: LONG });
    const line = await customer.waitForMessage(
      (m) => m.text === 'Yes: the code LAMP10 takes 10 % off.',
      LONG,
    );
    assert.equal(line.senderName, 'Demo Admin');
    await chatOfA().getByText('Yes: the code LAMP10 takes 10 % off.').waitFor({ timeout: LONG });
    // A drops their own draft.
    await inputA.fill('');
  });

  it('A mentions B in notes: B is told at once, and the Mentions view lists unread ones first', async () => {
    const inputA = a.page.getByTestId('composer-input');
    await a.page.getByTestId('note-toggle').check();
    // `@` and the start of a name list the colleagues; Enter takes the one chosen.
    const mention = async (rest: string, watched = false) => {
      await inputA.focus();
      await a.page.keyboard.type('@Dem');
      await a.page.getByTestId('mention-picker').getByText('@Demo Admin').waitFor({ timeout: LONG });
      await a.page.keyboard.press('Enter');
      await a.page.keyboard.type(rest);
      assert.equal(await inputA.inputValue(), `@Demo Admin ${rest}`);
      // B sees a note being written, not a reply.
      if (watched)
        await chatOfB()
          .getByTestId('presence-typing')
          .getByText('Sales Agent is writing a note…')
          .waitFor({ timeout: LONG });
      await a.page.keyboard.press('Enter');
      await chatOfA().locator('[data-kind="note"]').getByText(rest).waitFor({ timeout: LONG });
    };
    await mention('the order 1042 is hers too, by e-mail.', true);
    await b.page
      .getByTestId('notice')
      .getByText('Sales Agent mentioned you: @Demo Admin the order 1042 is hers too, by e-mail.')
      .waitFor({ timeout: LONG });
    await b.page.getByTestId('mentions-unread').getByText('1', { exact: true }).waitFor({ timeout: LONG });
    await mention('may she keep the code for the shade?');
    await b.page.getByTestId('mentions-unread').getByText('2', { exact: true }).waitFor({ timeout: LONG });
    await shot(b.page, 'mention-notice');

    // A note naming a colleague who cannot see the chat is refused, naming them; nothing is stored.
    await inputA.fill('@Support Agent any idea?');
    await inputA.press('Enter');
    await chatOfA()
      .getByText(/Support Agent cannot see this conversation/)
      .waitFor({ timeout: LONG });
    await inputA.fill('');
    const stored = await srv.node.ctx.store.messages.after(srv.demo!.accountId, customer.conversation.id, 0);
    assert.equal(
      stored.some((m) => m.text.includes('any idea?')),
      false,
    );
    assert.equal(
      customer.messages.some((m) => m.text.includes('order 1042') || m.text.includes('shade')),
      false,
      'notes stay with the team',
    );

    // B, by keyboard: `g m` opens the mentions, newest first while both are unread.
    await b.page.getByTestId('chat-name').click();
    await b.page.keyboard.press('g');
    await b.page.keyboard.press('m');
    const rows = b.page.getByTestId('mention');
    await rows.nth(1).waitFor({ timeout: LONG });
    assert.match((await rows.nth(0).textContent()) ?? '', /shade/);
    // B marks the newest read (Tab from its row reaches its "Mark read")...
    await rows.nth(0).getByRole('button').first().focus();
    await b.page.keyboard.press('Tab');
    await b.page.keyboard.press('Enter');
    await b.page.getByTestId('mentions-unread').getByText('1', { exact: true }).waitFor({ timeout: LONG });
    // ...and when the view is read again, the older unread one comes first.
    await b.page.reload();
    await b.page.locator('[data-testid="mention"].mention-unread').waitFor({ timeout: LONG });
    const order = await rows.evaluateAll((els) =>
      els.map((el) => ({ unread: el.classList.contains('mention-unread'), text: el.textContent ?? '' })),
    );
    assert.deepEqual(
      order.map((o) => [o.unread, /1042/.test(o.text) ? 'order' : /shade/.test(o.text) ? 'shade' : '?']),
      [
        [true, 'order'],
        [false, 'shade'],
      ],
    );
    await shot(b.page, 'mentions');
    // Enter on the unread one opens its conversation and marks it read.
    await rows.nth(0).getByRole('button').first().focus();
    await b.page.keyboard.press('Enter');
    await b.page.waitForURL(/\/console\/conversations$/);
    await chatOfB().getByText('Is there a discount on the lamp?').waitFor({ timeout: LONG });
    await b.page.getByTestId('mentions-unread').waitFor({ state: 'detached', timeout: LONG });
  });

  it('B merges the customer’s e-mail into the chat: both agents see one thread with its line; B undoes it', async () => {
    const { store } = srv.node.ctx;
    const accountId = srv.demo!.accountId;
    const chat = await store.conversations.get(accountId, customer.conversation.id);
    assert.ok(chat.contactId, 'the pre-chat e-mail named a contact');
    const ofContact = await adminApi.get(`/api/v1/conversations?contactId=${chat.contactId}&limit=20`);
    const mail = (ofContact.body.items as { id: string; channel: string }[]).find(
      (c) => c.channel === 'email',
    );
    assert.ok(mail, 'the e-mail and the chat are one contact’s');
    mailConversationId = mail.id;

    const pick = chatOfB().getByTestId('merge-pick');
    await pick.locator(`option[value="${mail.id}"]`).waitFor({ state: 'attached', timeout: LONG });
    await pick.selectOption(mail.id);
    await chatOfB().getByTestId('merge-do').focus();
    await b.page.keyboard.press('Enter');
    await chatOfB().getByTestId('merged-part').waitFor({ timeout: LONG });
    // One thread for both agents: the e-mail's line among the chat's, and the merge's line after it.
    for (const page of [b.page, a.page]) {
      const list = page.getByTestId('chat').getByTestId('message-list');
      const mergedLine = list.locator(`[data-merged-from="${mail.id}"]`);
      await mergedLine.getByText('Has my order 1042 shipped yet?').waitFor({ timeout: LONG });
      await list
        .getByText(/Merged with the e-mail conversation/)
        .first()
        .waitFor({ timeout: LONG });
      const texts = await list
        .getByTestId('message')
        .evaluateAll((els) => els.map((el) => el.textContent ?? ''));
      const mailAt = texts.findIndex((t) => t.includes('Has my order 1042 shipped yet?'));
      const chatAt = texts.findIndex((t) => t.includes('Is there a discount on the lamp?'));
      const noteAt = texts.findIndex((t) => /Merged with the e-mail conversation/.test(t));
      assert.ok(mailAt >= 0 && mailAt < chatAt, 'yesterday’s e-mail comes before today’s chat');
      assert.ok(noteAt > mailAt, 'the merge’s line follows the lines it brought in');
    }
    await shot(a.page, 'merged-thread');
    assert.equal((await store.conversations.get(accountId, mail.id)).mergedInto, chat.id);

    await chatOfB().getByTestId('unmerge').focus();
    await b.page.keyboard.press('Enter');
    await chatOfB().getByTestId('merged-part').waitFor({ state: 'detached', timeout: LONG });
    for (const page of [b.page, a.page])
      await page
        .getByTestId('chat')
        .locator(`[data-merged-from="${mail.id}"]`)
        .first()
        .waitFor({ state: 'detached', timeout: LONG });
    await chatOfA()
      .getByText(/Merge undone/)
      .first()
      .waitFor({ timeout: LONG });
    const back = await store.conversations.get(accountId, mail.id);
    assert.equal(back.mergedInto, undefined);
    assert.notEqual(back.status, 'closed', 'the e-mail waits for an answer again');
  });

  it('a customer reply cancels a scheduled reply that asked for it', async () => {
    const offset = await b.page.evaluate(() => new Date().getTimezoneOffset());
    await chatOfB().getByTestId('send-later-open').click();
    await chatOfB().getByTestId('send-later-text').fill('Did the code work for you?');
    await chatOfB()
      .getByTestId('send-later-at')
      .fill(localInput(Date.now() + 3600_000, offset));
    // "Cancel it if the customer replies first" is the default.
    await chatOfB().getByTestId('send-later-save').click();
    const item = chatOfB().getByTestId('scheduled-item').filter({ hasText: 'Did the code work for you?' });
    await item.and(b.page.locator('[data-status="queued"]')).waitFor({ timeout: LONG });
    // A sees the colleague's scheduled reply listed too.
    await chatOfA()
      .getByTestId('scheduled-item')
      .filter({ hasText: 'Did the code work for you?' })
      .waitFor({ timeout: LONG });
    await customer.send('Thanks, it worked!');
    await item.and(b.page.locator('[data-status="cancelled"]')).waitFor({ timeout: LONG });
    await item.getByText('Cancelled · The customer replied first.').waitFor({ timeout: LONG });
  });

  it('A schedules a reply a few seconds ahead and signs out: it reaches the customer while A is signed out', async () => {
    const { page } = a;
    const offset = await page.evaluate(() => new Date().getTimezoneOffset());
    await chatOfA().getByTestId('send-later-open').click();
    const text = chatOfA().getByTestId('send-later-text');
    await text.focus();
    await page.keyboard.type('Your lamp ships today with the discount.');
    const at = chatOfA().getByTestId('send-later-at');
    await at.fill(localInput(Date.now() + 3600_000, offset));
    // Enter in the time field submits the form.
    await at.press('Enter');
    const queued = (p: Page) =>
      p
        .getByTestId('chat')
        .locator('[data-testid="scheduled-item"][data-status="queued"]')
        .filter({ hasText: 'Your lamp ships today with the discount.' });
    await queued(page).waitFor({ timeout: LONG });
    await queued(b.page).waitFor({ timeout: LONG });
    await shot(page, 'send-later');

    // A brings it forward to a few seconds from now (Edit, by keyboard), then signs out.
    await queued(page).getByRole('button', { name: 'Edit' }).focus();
    await page.keyboard.press('Enter');
    const sendAt = Date.now() + 15_000;
    await at.fill(localInput(sendAt, offset));
    await at.press('Enter');
    await at.waitFor({ state: 'detached', timeout: LONG });
    await page.getByRole('button', { name: 'Log out' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('input[type="password"]').waitFor({ timeout: LONG });
    const listed = await adminApi.get(`/api/v1/conversations/${customer.conversation.id}/scheduled-messages`);
    const edited = (listed.body.items as { text: string; sendAt: string }[]).find(
      (m) => m.text === 'Your lamp ships today with the discount.',
    );
    assert.ok(edited && Math.abs(Date.parse(edited.sendAt) - sendAt) < 1500, 'the edit moved its time');
    const salesId = (await cookieFor(srv, SALES)).userId;
    const chat = chatOf(srv.node.ctx)!;
    const present = async () => (await chat.presence.connected(srv.demo!.accountId)).has(salesId);
    assert.equal(await present(), false, 'A has no console open');
    assert.ok(Date.now() < sendAt, 'A signed out before the reply’s time (else the lead was too short here)');

    const line = await customer.waitForMessage(
      (m) => m.text === 'Your lamp ships today with the discount.',
      60_000,
    );
    assert.equal(line.senderName, 'Sales Agent');
    assert.ok(Date.parse(line.createdAt) >= sendAt - 1000, 'sent at its time, not before');
    assert.equal(await present(), false, 'A was still signed out when it went');
    // B sees it arrive in the thread and marked sent.
    await chatOfB().getByText('Your lamp ships today with the discount.').first().waitFor({ timeout: LONG });
    await chatOfB()
      .locator('[data-testid="scheduled-item"][data-status="sent"]')
      .filter({ hasText: 'Your lamp ships today with the discount.' })
      .waitFor({ timeout: LONG });
  });

  it('B runs a macro by its shortcut, listed on the ? sheet: the customer gets its reply, the chat its tag and status', async () => {
    const { page } = b;
    await chatOfB().getByTestId('chat-name').click();
    await page.keyboard.press('?');
    const sheet = page.getByTestId('shortcut-sheet');
    await sheet.getByText('Run a macro on the open chat').waitFor({ timeout: LONG });
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached', timeout: LONG });

    await page.keyboard.press('m');
    await chatOfB().getByTestId('macro-search').waitFor({ timeout: LONG });
    await page.keyboard.type('lamp');
    await chatOfB()
      .getByTestId('macro-option')
      .filter({ hasText: 'Lamp discount' })
      .waitFor({ timeout: LONG });
    await page.keyboard.press('Enter');

    const line = await customer.waitForMessage(
      (m) => m.text === 'Hi Noor, the code LAMP10 takes 10 % off the lamp.',
      LONG,
    );
    assert.equal(line.senderName, 'Demo Admin');
    await chatOfB().getByTestId('chat-tags').getByText('discount').waitFor({ timeout: LONG });
    await chatOfB().getByTestId('state-badge').getByText('Pending').waitFor({ timeout: LONG });
    await page.getByText('Ran “Lamp discount”').waitFor({ timeout: LONG });
    await shot(page, 'macro-ran');
    const conv = await srv.node.ctx.store.conversations.get(srv.demo!.accountId, customer.conversation.id);
    assert.deepEqual([conv.tags.includes('discount'), conv.state], [true, 'pending']);

    // The agents report counts the run for B.
    await page.goto(`${srv.url}/console/analytics/agents`);
    const row = page.getByTestId('agents-report').locator('tr', { hasText: 'Demo Admin' });
    await row.getByTestId('agent-macro-runs').waitFor({ timeout: LONG });
    assert.equal((await row.getByTestId('agent-macro-runs').textContent())?.trim(), '1');

    // Each of these changes is in the audit log, under its own name.
    const labels: Record<string, string> = {
      'conversation.merged': 'Conversations merged',
      'conversation.merge_undone': 'Conversation merge undone',
      'conversation.message_scheduled': 'Message scheduled',
      'macro.run': 'Macro run',
    };
    await eventually(
      async () => {
        const r = await adminApi.get('/api/v1/audit-log?limit=100');
        const seen = new Set((r.body.items as { action: string }[]).map((e) => e.action));
        return Object.keys(labels).every((action) => seen.has(action));
      },
      LONG,
      'the audit entries',
    );
    await page.goto(`${srv.url}/console/settings/audit-log`);
    for (const [action, label] of Object.entries(labels))
      await page
        .locator(`[data-testid="audit-row"][data-action="${action}"]`)
        .first()
        .getByText(label)
        .waitFor({ timeout: LONG });
    await shot(page, 'audit-log');
    assert.ok(mailConversationId);
    assert.deepEqual(a.errors, []);
    assert.deepEqual(b.errors, []);
  });
});
