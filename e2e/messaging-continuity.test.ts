import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { Browser, Page } from 'playwright-core';
import { userHashOf } from '../packages/server/src/channels/identity.ts';
import { chatOf } from '../packages/server/src/conversations/chat-module.ts';
import { CHAT_WITH_US } from '../packages/server/src/engagement/demo-campaigns.ts';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { connectAgent, eventually } from '../packages/server/test/helpers/chat-fixtures.ts';
import { type SmtpSink, startSmtpSink } from '../packages/server/test/helpers/smtp-sink.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { bubbles, demoAdmin, type FrameLog, recordFrames, until } from './helpers/tag-fixtures.ts';

const MINUTE = 60_000;
const USER = { userId: 'u-501', email: 'mia@example.com', name: 'Mia Chen' };

describe('a conversation outlives the visit: identify, leave, a later reply on another device and by e-mail', () => {
  let srv: TestServer;
  let sink: SmtpSink;
  let browser: Browser;
  let admin: ApiClient;
  let sales: AgentChatClient;
  let userHash: string;
  let conversationId: string;
  before(async () => {
    ensureTagBuilt();
    mkdirSync(SHOTS_DIR, { recursive: true });
    sink = await startSmtpSink();
    [srv, browser] = await Promise.all([
      startTestServer({
        demo: true,
        env: {
          BECKON_SMTP_URL: sink.url,
          BECKON_EMAIL_DOMAIN: 'demo.beckon.local',
          BECKON_UNSEEN_REPLY_MINUTES: '10',
          // A closed tab counts as gone after half a second, and the chat is given up a second later.
          BECKON_CHAT_VISITOR_AWAY_SECONDS: '0.5',
          BECKON_CHAT_ABANDON_SECONDS: '1',
        },
      }),
      launchBrowser(),
    ]);
    admin = await demoAdmin(srv);
    const campaigns: { id: string; name: string }[] = (await admin.get('/api/v1/campaigns')).body.items;
    const button = campaigns.find((c) => c.name === CHAT_WITH_US)!;
    await admin.patch(`/api/v1/campaigns/${button.id}`, { status: 'paused' });
    const secret = (await admin.get(`/api/v1/sites/${srv.demo!.siteId}/identity`)).body.secret as string;
    userHash = userHashOf(secret, USER.userId);
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
  });
  after(async () => {
    await sales?.disconnect();
    await browser?.close();
    await srv?.close();
    await sink?.close();
  });

  async function visit(): Promise<{ page: Page; log: FrameLog; visitorId: string; close(): Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const log = recordFrames(page);
    await page.goto(`${srv.url}/demo/product-lamp`);
    await until(() => log.received.find((f) => f.type === 'welcome' && f.visitorId), 'the tag’s welcome');
    const visitorId = log.sent.find((f) => f.type === 'hello' && f.visitorId).visitorId as string;
    return { page, log, visitorId, close: () => context.close() };
  }

  /** The page signs its user in the way a site does: identify with the userHash its server computed. */
  const identify = (page: Page) =>
    page.evaluate(
      ([user, hash]) =>
        (globalThis as unknown as { beckon: { push(c: unknown[]): void } }).beckon.push([
          'identify',
          user,
          { userHash: hash },
        ]),
      [USER, userHash] as const,
    );

  it('a visitor chats anonymously, signs in, and closes the tab: the chat stays open for a later reply', async () => {
    const first = await visit();
    const widget = first.page.locator('beckon-widget');
    const invited = await admin.post(`/api/v1/visitors/${first.visitorId}/invite`, {
      message: 'Can I help you find something?',
      skillId: srv.demo!.skillIds.sales,
    });
    assert.equal(invited.status, 201);
    await widget.getByRole('alertdialog').getByRole('button', { name: 'Start chat' }).click();
    const offered = sales.next('offer', () => true, 20_000);
    await widget
      .getByRole('form', { name: 'Before we start' })
      .getByRole('button', { name: 'Start chat' })
      .click();
    conversationId = (await offered).conversation.id;
    await sales.accept(conversationId);
    // The composer by its name: on a loaded machine the form before the chat may still be shown,
    // and its first field would take the line.
    const box = widget.getByRole('textbox', { name: 'Message' });
    await box.fill('Do you have this lamp in green?');
    await box.press('Enter');
    await sales.waitForMessage(conversationId, (m) => m.text === 'Do you have this lamp in green?', 20_000);
    const store = srv.node.ctx.store;
    const accountId = srv.demo!.accountId;
    assert.equal(
      (await store.conversations.get(accountId, conversationId)).contactId,
      null,
      'anonymous so far',
    );

    await identify(first.page);
    const contactId = await eventually(
      async () => (await store.conversations.get(accountId, conversationId)).contactId,
      5000,
      'the chat to join the signed-in user',
    );
    const contact = await store.contacts.get(accountId, contactId);
    assert.equal(contact.verified, true);
    assert.equal(contact.email, USER.email);
    await first.close();
    await eventually(() => sales.conversations.get(conversationId)?.state === 'pending', 10_000, 'pending');
    assert.equal((await store.conversations.get(accountId, conversationId)).status, 'active');
  });

  it('the agent answers later; the user signed in on another device sees it, and the reply is mailed once', async () => {
    await sales.send(conversationId, 'Yes: green is in stock, and I can hold one for you.');
    // Ten minutes pass (simulated): the customer has not seen the reply, so it goes by e-mail.
    const mailer = chatOf(srv.node.ctx)!.unseenReplies;
    assert.equal(await mailer.sweep(Date.now() + 5 * MINUTE), 0, 'not before ten minutes');
    assert.equal(await mailer.sweep(Date.now() + 11 * MINUTE), 1);
    const mail = await eventually(() => sink.mails.find((m) => m.to.includes(USER.email)), 5000, 'the mail');
    assert.match(mail.parsed.subject ?? '', /New reply from Demo Store/);
    assert.match(mail.parsed.text ?? '', /green is in stock/);
    const replyTo = mail.parsed.replyTo?.value[0]?.address ?? '';
    assert.match(replyTo, /^reply\+[0-9a-z]{20}@demo\.beckon\.local$/);
    const link = /(https?:\/\/\S+#beckon\.chat=[\w-]+)/.exec(mail.parsed.text ?? '')?.[1];
    assert.ok(link, 'the mail links back to the conversation');
    assert.equal(await mailer.sweep(Date.now() + 20 * MINUTE), 0, 'mailed once');

    // The same user on a second device: signing in brings the conversation, with the reply unread.
    const second = await visit();
    await identify(second.page);
    const widget = second.page.locator('beckon-widget');
    const launcher = widget.getByRole('button', { name: /chat/i }).first();
    await launcher.waitFor();
    await second.page.screenshot({ path: `${SHOTS_DIR}continuity-second-device.png` });
    await launcher.click();
    await until(
      async () => (await bubbles(second.page)).some((b) => b.includes('green is in stock')),
      'the reply',
    );
    assert.ok((await bubbles(second.page)).some((b) => b.includes('Do you have this lamp in green?')));
    await second.page.screenshot({ path: `${SHOTS_DIR}continuity-second-device-open.png` });
    await eventually(() => sales.conversations.get(conversationId)?.state === 'open', 5000, 'open again');
    await second.close();

    // The link in the mail opens the conversation too, and leaves no token in the address bar.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(link!.replace(/^https?:\/\/[^/]+/, srv.url));
    await until(
      async () => (await bubbles(page)).some((b) => b.includes('green is in stock')),
      'the linked chat',
    );
    assert.ok(!page.url().includes('beckon.chat'), page.url());
    await context.close();
  });

  it('at the end of a chat the visitor has the transcript mailed, giving an address when the chat has none', async () => {
    const v = await visit();
    const widget = v.page.locator('beckon-widget');
    await admin.post(`/api/v1/visitors/${v.visitorId}/invite`, {
      message: 'Can I help you find something?',
      skillId: srv.demo!.skillIds.sales,
    });
    await widget.getByRole('alertdialog').getByRole('button', { name: 'Start chat' }).click();
    const offered = sales.next('offer', () => true, 20_000);
    await widget
      .getByRole('form', { name: 'Before we start' })
      .getByRole('button', { name: 'Start chat' })
      .click();
    const id = (await offered).conversation.id;
    await sales.accept(id);
    await sales.send(id, 'The lamp takes E27 bulbs.');
    await until(async () => (await bubbles(v.page)).some((b) => b.includes('E27')), 'the answer');
    await sales.close(id);
    await widget.getByRole('button', { name: 'Skip' }).click();
    await widget.getByRole('button', { name: 'Email me the transcript' }).click();
    // The chat has no address: the widget asks for one.
    await widget.getByLabel('Your e-mail address').fill('noor@example.com');
    await widget.getByRole('button', { name: 'Send', exact: true }).click();
    await widget.getByText('Transcript sent to noor@example.com.').waitFor();
    await v.page.screenshot({ path: `${SHOTS_DIR}continuity-transcript.png` });
    const mail = await eventually(
      () => sink.mails.find((m) => m.to.includes('noor@example.com')),
      5000,
      'the mail',
    );
    assert.match(mail.parsed.text ?? '', /E27 bulbs/);
    assert.equal(mail.parsed.headers.get('auto-submitted'), 'auto-generated');
    await v.close();
  });
});
