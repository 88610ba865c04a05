import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { CHAT_WITH_US } from '../packages/server/src/engagement/demo-campaigns.ts';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { connectAgent } from '../packages/server/test/helpers/chat-fixtures.ts';
import { PDF } from '../packages/server/test/helpers/sample-files.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { proxyChatSocket } from './helpers/chat-proxy.ts';
import {
  bubbles,
  customerPage,
  demoAdmin,
  engageFrame,
  type FrameLog,
  inShadow,
  interceptVisitorSocket,
  type OriginServer,
  recordFrames,
  startOriginServer,
  until,
} from './helpers/tag-fixtures.ts';

const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS_DIR}widget-chat-${name}.png` });
/** The outcome event the tag sent for one exposure, if it did. */
const sentOutcome = (log: FrameLog, exposureId: string, outcome: string) =>
  log.sent
    .filter((f) => f.type === 'batch')
    .flatMap((f) => f.events)
    .find((e) => e.type === 'exposure_outcome' && e.exposureId === exposureId && e.outcome === outcome);

describe('the visitor’s chat in the widget (Chromium)', () => {
  let srv: TestServer;
  let browser: Browser;
  let admin: ApiClient;
  let sales: AgentChatClient;
  let shop: OriginServer;
  before(async () => {
    ensureTagBuilt();
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser, shop] = await Promise.all([
      startTestServer({ demo: true }),
      launchBrowser(),
      startOriginServer(),
    ]);
    admin = await demoAdmin(srv);
    // These tests hand the widget its engagements; the demo's own chat button would only get in between.
    const campaigns: { id: string; name: string }[] = (await admin.get('/api/v1/campaigns')).body.items;
    const button = campaigns.find((c) => c.name === CHAT_WITH_US)!;
    await admin.patch(`/api/v1/campaigns/${button.id}`, { status: 'paused' });
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
    const site = await admin.get(`/api/v1/sites/${srv.demo!.siteId}`);
    await admin.patch(`/api/v1/sites/${srv.demo!.siteId}`, {
      allowedOrigins: [...site.body.allowedOrigins, shop.url],
    });
  });
  // Any script error in a page fails the test that caused it.
  const pageErrors: string[] = [];
  const newContext = async (options: BrowserContextOptions) => {
    const context = await browser.newContext(options);
    context.on('weberror', (e) => pageErrors.push(String(e.error())));
    return context;
  };
  afterEach(() => {
    assert.deepEqual(pageErrors.splice(0), [], 'no script error in the page');
  });
  after(async () => {
    await sales?.disconnect();
    await browser?.close();
    await srv?.close();
    await shop?.close();
  });

  /** A greeting long enough that, with the pre-chat form, the panel's body scrolls at 1280×800. */
  const GREETING =
    'Hi! Questions about the Oak Lamp or delivery? I’m here to help. Each lamp is turned by hand from one ' +
    'piece of oak, so no two grains are alike, and the linen shade comes in three colours.';

  async function visit(
    width: number,
    path = '/demo/product-lamp',
  ): Promise<{ context: BrowserContext; page: Page; log: FrameLog; visitorId: string; widget: Locator }> {
    const context = await newContext({
      viewport: { width, height: width > 500 ? 800 : 700 },
      ...(width <= 500 ? { isMobile: true, hasTouch: true } : {}),
    });
    const page = await context.newPage();
    const log = recordFrames(page);
    await page.goto(`${srv.url}${path}`);
    await until(() => log.received.find((f) => f.type === 'welcome' && f.visitorId), 'the tag’s welcome');
    const visitorId = log.sent.find((f) => f.type === 'hello' && f.visitorId).visitorId as string;
    return { context, page, log, visitorId, widget: page.locator('beckon-widget') };
  }

  const invite = async (visitorId: string, message: string) => {
    // The Sales skill, which the connected agent has (the inviting admin has several skills).
    const skillId = srv.demo!.skillIds.sales;
    const res = await admin.post(`/api/v1/visitors/${visitorId}/invite`, { message, skillId });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.exposureId as string;
  };

  /** Invitation → Start chat → pre-chat (as given) → the agent accepts; returns the conversation id. */
  const chatWithAgent = async (page: Page, visitorId: string, prechat: { name?: string } = {}) => {
    await invite(visitorId, 'Can I help you find something?');
    const widget = page.locator('beckon-widget');
    await widget.getByRole('alertdialog').getByRole('button', { name: 'Start chat' }).click();
    const form = widget.getByRole('form', { name: 'Before we start' });
    if (prechat.name) await form.getByLabel('Name').fill(prechat.name);
    const offered = sales.next('offer', () => true, 20_000);
    await form.getByRole('button', { name: 'Start chat' }).click();
    const { conversation } = await offered;
    await sales.accept(conversation.id);
    await widget.getByText('Online now').waitFor();
    return conversation.id;
  };

  it('goes from an invitation through the pre-chat form to a conversation with an agent, across a reload, to a rating', async () => {
    const { context, page, log, visitorId, widget } = await visit(1280);
    await invite(visitorId, GREETING);
    await widget.getByRole('alertdialog').getByRole('button', { name: 'Start chat' }).click();

    // Pre-chat: everything optional; the greeting stays on top.
    const panel = widget.getByRole('dialog');
    const form = panel.getByRole('form', { name: 'Before we start' });
    await form.waitFor();
    await panel.getByText('Questions about the Oak Lamp').waitFor();
    assert.equal(
      await inShadow(page, `root.activeElement?.getAttribute('autocomplete')`),
      'name',
      'focus moves to the first field',
    );
    assert.equal(
      await form.getByLabel('Topic').inputValue(),
      'Sales',
      'the invitation’s skill is the topic already',
    );
    // The greeting and the form are taller than the panel at 1280×800: the body scrolls, and the
    // Start chat button stays in sight at its bottom all the same.
    const fit = await inShadow<{ overflows: boolean; inSight: boolean }>(
      page,
      `(() => {
        const scroll = root.querySelector('.scroll');
        const view = scroll.getBoundingClientRect();
        const button = root.querySelector('form[aria-label="Before we start"] button[type=submit]').getBoundingClientRect();
        return { overflows: scroll.scrollHeight > scroll.clientHeight, inSight: button.top >= view.top && button.bottom <= view.bottom };
      })()`,
    );
    assert.deepEqual(fit, { overflows: true, inSight: true }, 'Start chat is in sight below a greeting');
    // Here the panel leaves the page in view: it is not modal, and Tab may leave it.
    assert.equal(await panel.getAttribute('aria-modal'), 'false');
    await form.getByLabel('Email').fill('ada@');
    await form.getByRole('button', { name: 'Start chat' }).click();
    await form.getByText('Enter an email address like name@example.com').waitFor();
    await page.waitForTimeout(300);
    await shot(page, '01-prechat-error');
    await form.getByLabel('Name').fill('Ada Lovelace');
    await form.getByLabel('Email').fill('ada@example.com');
    await form.getByLabel('How can we help?').fill('Do you ship the Oak Lamp to Oslo?');
    const offered = sales.next('offer', () => true, 20_000);
    await form.getByRole('button', { name: 'Start chat' }).click();

    // Queued: the header says so, the first question is there.
    const offer = await offered;
    const conversationId = offer.conversation.id;
    assert.equal(offer.conversation.visitorName, 'Ada Lovelace');
    assert.equal(offer.conversation.visitorEmail, 'ada@example.com');
    assert.equal(offer.conversation.source, 'invitation');
    await panel.getByText('Waiting for an agent — you are number 1 in line').waitFor();
    await panel.locator('.entry.out').getByText('Do you ship the Oak Lamp to Oslo?').waitFor();
    await shot(page, '02-waiting');

    // The agent takes it, types, answers with a link.
    await sales.accept(conversationId);
    await panel.getByText('Sales Agent', { exact: true }).first().waitFor();
    await panel.getByText('Online now').waitFor();
    sales.typing(conversationId, true);
    await panel.locator('.typing').waitFor();
    await shot(page, '03-agent-typing');
    await sales.send(conversationId, 'We do — two days to Oslo. Details: https://shop.example/shipping.');
    await panel.getByText('We do — two days to Oslo.').waitFor();
    await panel.locator('.typing').waitFor({ state: 'detached' });
    const link = panel.getByRole('link', { name: 'https://shop.example/shipping' });
    assert.equal(await link.getAttribute('href'), 'https://shop.example/shipping');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer nofollow');
    assert.equal(await link.getAttribute('target'), '_blank');

    // The visitor answers: Enter sends, Shift+Enter is a new line.
    const box = panel.getByRole('textbox', { name: 'Message' });
    await box.click();
    const visitorTyping = sales.next('typing', (f) => f.from === 'visitor' && f.typing);
    await page.keyboard.type('Great, thanks!');
    await visitorTyping;
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('And the shade?');
    await page.keyboard.press('Enter');
    const got = await sales.waitForMessage(conversationId, (m) => m.text.startsWith('Great'));
    assert.equal(got.text, 'Great, thanks!\nAnd the shade?');
    await until(
      () => log.received.some((f) => f.type === 'ack' && f.seq === got.seq),
      'the ack of the visitor’s message',
    );
    assert.equal(await box.inputValue(), '', 'the box is cleared');
    // The agent reads it: "Seen" under it.
    sales.read(conversationId, got.seq);
    await panel.locator('.entry.out .meta').getByText('Seen').waitFor();
    assert.deepEqual(await bubbles(page), [
      GREETING,
      'Do you ship the Oak Lamp to Oslo?',
      'We do — two days to Oslo. Details: https://shop.example/shipping.',
      'Great, thanks!\nAnd the shade?',
    ]);
    await shot(page, '04-conversation');

    // Another page: the chat is back at once, with its history, nothing twice.
    const before = await bubbles(page);
    await page.goto(`${srv.url}/demo/products`);
    await panel.getByText('Great, thanks!').waitFor();
    const hello = await until(
      () => log.sent.find((f) => f.type === 'hello' && typeof f.token === 'string'),
      'the chat hello with the token',
    );
    assert.ok(hello.afterSeq >= got.seq - 1, `resumes after what it had: ${hello.afterSeq}`);
    await sales.send(conversationId, 'The shade is linen, in three colours.');
    await panel.getByText('The shade is linen').waitFor();
    assert.deepEqual(await bubbles(page), [...before, 'The shade is linen, in three colours.']);
    await page.reload();
    await panel.getByText('The shade is linen').waitFor();
    await panel.locator('.entry.out .meta').getByText('Seen').waitFor();
    await page.waitForTimeout(500);
    assert.deepEqual(await bubbles(page), [...before, 'The shade is linen, in three colours.']);
    await shot(page, '05-after-reload');

    // Hostile text is shown as text.
    await sales.send(conversationId, '<img src=x onerror="window.pwned=1"> javascript:window.pwned=1');
    await sales.send(
      conversationId,
      '<a href="javascript:window.pwned=1">click</a> <script>window.pwned=1</script>',
    );
    await panel.getByText('<img src=x onerror="window.pwned=1"> javascript:window.pwned=1').waitFor();
    await panel.getByText('<script>window.pwned=1</script>', { exact: false }).waitFor();
    assert.equal(await inShadow(page, `root.querySelectorAll('.log img, .log script').length`), 0);
    assert.deepEqual(
      await inShadow(page, `[...root.querySelectorAll('.log a')].map((a) => a.protocol)`),
      ['https:'],
      'only the https link became a link',
    );
    assert.equal(await page.evaluate('window.pwned'), undefined);
    await shot(page, '06-hostile-text');

    // End (confirmed), then rate.
    await panel.getByRole('button', { name: 'End chat' }).click();
    const confirm = panel.getByRole('alertdialog', { name: 'End this chat?' });
    await confirm.waitFor();
    await page.waitForTimeout(250);
    await shot(page, '07-end-confirm');
    await confirm.getByRole('button', { name: 'End chat' }).click();
    const survey = panel.getByRole('form', { name: 'How was your chat with Sales Agent?' });
    await survey.waitFor();
    await panel.getByText('You ended the chat.').waitFor();
    await survey.getByRole('radio', { name: '4 of 5: Good' }).check();
    await survey.getByRole('textbox', { name: 'Comment (optional)' }).fill('Quick and friendly.');
    await shot(page, '08-survey');
    await survey.getByRole('button', { name: 'Send feedback' }).click();
    await panel.getByText('Thanks for your feedback!').waitFor();
    await shot(page, '09-thanks');
    const stored = await admin.get(`/api/v1/conversations/${conversationId}`);
    assert.equal(stored.status, 200);
    const c = stored.body.conversation ?? stored.body;
    assert.equal(c.status, 'closed');
    assert.equal(c.csatScore, 4);
    assert.equal(c.csatComment, 'Quick and friendly.');
    await context.close();
  });

  it('keeps every message through a dropped connection and a lost ack: sent again with the same echo id, shown once', async () => {
    const context = await newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const proxy = await proxyChatSocket(page);
    const log = recordFrames(page);
    await page.goto(`${srv.url}/demo/product-mugs`);
    await until(() => log.received.find((f) => f.type === 'welcome' && f.visitorId), 'the tag’s welcome');
    const visitorId = log.sent.find((f) => f.type === 'hello' && f.visitorId).visitorId as string;
    const conversationId = await chatWithAgent(page, visitorId);
    const panel = page.locator('beckon-widget').getByRole('dialog');
    const box = panel.getByRole('textbox', { name: 'Message' });

    // The server stores the message but its ack is lost, then the connection drops.
    proxy.dropAcks = true;
    await box.fill('Are the mugs dishwasher safe?');
    await box.press('Enter');
    const first = await sales.waitForMessage(
      conversationId,
      (m) => m.text === 'Are the mugs dishwasher safe?',
    );
    await panel.locator('.sending').getByText('Are the mugs dishwasher safe?').waitFor();
    proxy.down = true;
    await proxy.cut();
    await panel.getByText('Reconnecting…').waitFor();
    // Written while offline: kept, and sent when the connection is back.
    await box.fill('Hello?');
    await box.press('Enter');
    await sales.send(conversationId, 'Yes, all of them are.');
    await panel.locator('.sending').getByText('Hello?').waitFor();
    await shot(page, '10-reconnecting');

    proxy.dropAcks = false;
    proxy.down = false;
    // The widget's own backoff timer may reconnect first; otherwise the visitor asks now.
    const retryNow = panel.getByRole('button', { name: 'Retry now' });
    await retryNow.click({ timeout: 5000 }).catch(async (err) => {
      if ((await retryNow.count()) > 0) throw err;
    });
    await panel.getByText('Yes, all of them are.').waitFor();
    await panel.getByText('Reconnecting…').waitFor({ state: 'hidden' });
    await until(async () => (await panel.locator('.sending').count()) === 0, 'every message confirmed');
    const resent = proxy.sent.filter((f) => f.type === 'send' && f.text === 'Are the mugs dishwasher safe?');
    assert.equal(resent.length, 2, 'sent again after the cut');
    assert.equal(resent[0].echoId, resent[1].echoId, 'with the same echo id');
    const dup = proxy.received.find((f) => f.type === 'ack' && f.echoId === resent[0].echoId);
    assert.equal(dup?.duplicate, true, 'the server recognised the retry');
    assert.equal(dup?.seq, first.seq, 'and kept the original');
    const texts = await bubbles(page);
    for (const t of ['Are the mugs dishwasher safe?', 'Hello?', 'Yes, all of them are.']) {
      assert.equal(texts.filter((x) => x === t).length, 1, `${t} shown once: ${JSON.stringify(texts)}`);
    }
    await until(
      () => sales.messages(conversationId).some((m) => m.text === 'Hello?'),
      'the offline message at the agent',
    );
    const stored = await admin.get(`/api/v1/conversations/${conversationId}/messages`);
    const items: { text: string }[] = stored.body.items ?? stored.body.messages ?? stored.body;
    assert.equal(items.filter((m) => m.text === 'Are the mugs dishwasher safe?').length, 1, 'stored once');
    assert.equal(items.filter((m) => m.text === 'Hello?').length, 1);
    await shot(page, '11-reconnected');
    await sales.close(conversationId);
    await context.close();
  });

  it('offers the offline form when no agent can chat, and it lands as a conversation to answer later', async () => {
    await sales.setStatus('away');
    try {
      const context = await newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const log = await interceptVisitorSocket(page);
      await page.goto(`${srv.url}/demo/cart`);
      await log.inject(
        engageFrame('exp_offline_btn', {
          type: 'chat_button',
          skillId: srv.demo!.skillIds.sales,
          label: 'Questions? Chat with us',
        }),
      );
      const widget = page.locator('beckon-widget');
      await widget.getByRole('button', { name: 'Questions? Chat with us' }).click();
      const form = widget.getByRole('form', { name: 'Leave a message' });
      await form.waitFor();
      await form.getByRole('button', { name: 'Send message' }).click();
      await form.getByText('Please enter your name.').waitFor();
      await form.getByText('Please enter your email, so we can reply.').waitFor();
      await form.getByText('Please write your message.').waitFor();
      assert.equal(await inShadow(page, `root.activeElement?.getAttribute('autocomplete')`), 'name');
      await page.waitForTimeout(300);
      await shot(page, '12-offline-form');
      await form.getByLabel('Name').fill('Grace Hopper');
      await form.getByLabel('Email').fill('grace@example.com');
      await form.getByLabel('Message').fill('Do you gift-wrap orders?');
      await form.getByRole('button', { name: 'Send message' }).click();
      await widget.getByText('Message sent').first().waitFor();
      await widget.getByText('We’ll reply to grace@example.com').waitFor();
      await shot(page, '13-offline-sent');
      const list = await admin.get('/api/v1/conversations?status=offline');
      const found = list.body.items.find(
        (c: { visitorEmail: string }) => c.visitorEmail === 'grace@example.com',
      );
      assert.ok(found, 'the offline message is a conversation in the console');
      assert.equal(found.visitorName, 'Grace Hopper');
      assert.equal(found.skillId, srv.demo!.skillIds.sales);
      await context.close();
    } finally {
      await sales.setStatus('online');
    }
  });

  it('fills a 320 px screen, minimises with Escape to a launcher that counts unread messages', async () => {
    const context = await newContext({
      viewport: { width: 320, height: 640 },
      isMobile: true,
      hasTouch: true,
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    const log = recordFrames(page);
    await page.goto(`${srv.url}/demo/product-throw`);
    await until(() => log.received.find((f) => f.type === 'welcome' && f.visitorId), 'the tag’s welcome');
    const visitorId = log.sent.find((f) => f.type === 'hello' && f.visitorId).visitorId as string;
    await invite(visitorId, 'Hi! Need a hand choosing a colour?');
    const widget = page.locator('beckon-widget');
    await widget.getByRole('alertdialog').getByRole('button', { name: 'Start chat' }).click();
    const panel = widget.getByRole('dialog');
    await panel.getByRole('form', { name: 'Before we start' }).waitFor();
    assert.deepEqual(await panel.boundingBox(), { x: 0, y: 0, width: 320, height: 640 }, 'full screen');
    assert.equal(
      await inShadow(page, `getComputedStyle(root.querySelector('.panel')).animationName`),
      'none',
      'no motion when the visitor asks for less',
    );
    await shot(page, '14-prechat-320');
    // Full screen, the page beneath is out of sight: the panel is modal, and Tab and Shift+Tab go
    // round inside it, never onto the hidden page's links.
    assert.equal(await panel.getAttribute('aria-modal'), 'true');
    const inWidget = () => page.evaluate(`document.activeElement?.tagName === 'BECKON-WIDGET'`);
    for (const key of ['Tab', 'Shift+Tab']) {
      for (let i = 1; i <= 8; i++) {
        await page.keyboard.press(key);
        assert.ok(await inWidget(), `${key} ×${i} keeps focus in the panel`);
      }
    }
    const offered = sales.next('offer', () => true, 20_000);
    await panel.getByRole('button', { name: 'Start chat' }).click();
    const { conversation } = await offered;
    await sales.accept(conversation.id);
    await sales.send(
      conversation.id,
      'The sage green is lovely with oak. https://example.com/a-very-long-address/that-should-wrap-nicely-on-small-screens',
    );
    await panel.getByText('The sage green is lovely').waitFor();
    const composer = (await panel.getByRole('textbox', { name: 'Message' }).boundingBox())!;
    assert.ok(composer.x >= 0 && composer.x + composer.width <= 320 && composer.y + composer.height <= 640);
    const overflow = await inShadow<number>(
      page,
      `root.querySelector('.log').scrollWidth - root.querySelector('.log').clientWidth`,
    );
    assert.equal(overflow, 0, 'nothing scrolls sideways');
    await shot(page, '15-chat-320');

    await panel.getByRole('textbox', { name: 'Message' }).focus();
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    const launcher = widget.getByRole('button', { name: /^Open chat/ });
    assert.equal(await inShadow(page, `root.activeElement?.getAttribute('aria-label')`), 'Open chat');
    await sales.send(conversation.id, 'Shall I hold one for you?');
    await widget.getByRole('button', { name: 'Open chat, 1 unread message' }).waitFor();
    await shot(page, '16-launcher-unread-320');
    await launcher.click();
    await panel.getByText('Shall I hold one for you?').waitFor();
    await widget.getByRole('button', { name: /^Open chat/ }).waitFor({ state: 'detached' });
    assert.equal(await inShadow(page, `root.activeElement?.getAttribute('aria-label')`), 'Message');

    // The agent closes it: the survey comes up; skipping it leaves a thank-you and a fresh start.
    await sales.close(conversation.id);
    const survey = panel.getByRole('form', { name: 'How was your chat with Sales Agent?' });
    await survey.waitFor();
    assert.equal(
      await inShadow(page, `root.activeElement?.getAttribute('aria-label')`),
      '1 of 5: Very poor',
      'focus moves to the rating',
    );
    await shot(page, '22-survey-320');
    await survey.getByRole('button', { name: 'Skip' }).click();
    await panel.getByText('Thanks for chatting with us').waitFor();
    await panel.getByRole('button', { name: 'Start a new chat' }).click();
    await panel.getByRole('form', { name: 'Before we start' }).waitFor();
    assert.equal(
      await page.evaluate(`localStorage.getItem('beckon.chat')`),
      null,
      'the old chat is forgotten',
    );
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await context.close();
  });

  it('ends a chat no one answered without a survey, in the visitor’s own words, and starts the next one clean', async () => {
    const { context, page, visitorId, widget } = await visit(320);
    await invite(visitorId, 'Anything I can help with?');
    const invitation = widget.getByRole('alertdialog');
    const start = invitation.getByRole('button', { name: 'Start chat' });
    await start.waitFor();
    // The invitation's button says "Start chat" on one line, even at 320 px.
    const lines = await inShadow<number>(
      page,
      `(() => {
        const button = [...root.querySelectorAll('.card button')].find((b) => b.textContent.includes('Start chat'));
        const text = [...button.childNodes].find((n) => n.nodeType === 3 && n.textContent.trim());
        const range = document.createRange();
        range.selectNodeContents(text);
        return range.getClientRects().length;
      })()`,
    );
    assert.equal(lines, 1, '“Start chat” fits on one line');
    await start.click();
    const panel = widget.getByRole('dialog');
    const form = panel.getByRole('form', { name: 'Before we start' });
    // The topic list reads like the fields around it: same font, same height.
    await form.getByLabel('Topic').waitFor();
    const [topic, name] = await inShadow<string[]>(
      page,
      `['select', 'input[autocomplete="name"]'].map((sel) => {
        const el = root.querySelector('form[aria-label="Before we start"] ' + sel);
        return getComputedStyle(el).fontSize + ' ' + Math.round(el.getBoundingClientRect().height);
      })`,
    );
    assert.equal(topic, name);
    await form.getByLabel('How can we help?').fill('Is the lamp dimmable?');
    const offered = sales.next('offer', () => true, 20_000);
    await form.getByRole('button', { name: 'Start chat' }).click();
    const { conversation } = await offered;
    await panel.getByText(/Waiting for an agent/).waitFor();
    assert.equal(
      await inShadow(page, `(e => e.scrollWidth - e.clientWidth)(root.querySelector('.bar .name'))`),
      0,
      'the header’s title is not cut off',
    );

    // The visitor gives up before anyone answers.
    await panel.getByRole('button', { name: 'End chat' }).click();
    await panel
      .getByRole('alertdialog', { name: 'End this chat?' })
      .getByRole('button', { name: 'End chat' })
      .click();
    await panel.getByText('You ended the chat.').waitFor();
    await panel.getByText('Still need help?').waitFor();
    await shot(page, '23-ended-unanswered-320');
    assert.equal(await panel.getByRole('form', { name: /How was your chat/ }).count(), 0, 'no survey');
    const text = await inShadow<string>(page, 'root.textContent');
    assert.doesNotMatch(text, /the visitor/i, 'never “the visitor” to the visitor');
    const stored = await admin.get(`/api/v1/conversations/${conversation.id}`);
    assert.equal((stored.body.conversation ?? stored.body).status, 'closed');

    // A new chat: nothing of the last one, not even in what screen readers were told.
    await panel.getByRole('button', { name: 'Start a new chat' }).click();
    await form.getByLabel('How can we help?').fill('Second question');
    const again = sales.next('offer', (f) => f.conversation.id !== conversation.id, 20_000);
    await form.getByRole('button', { name: 'Start chat' }).click();
    await again;
    await panel.locator('.entry.out').getByText('Second question').waitFor();
    assert.deepEqual(await bubbles(page), ['Second question']);
    assert.equal(await inShadow(page, `root.querySelectorAll('.log .sys').length`), 0);
    assert.doesNotMatch(await inShadow<string>(page, 'root.textContent'), /ended the chat/);
    await panel.getByRole('button', { name: 'End chat' }).click();
    await panel
      .getByRole('alertdialog', { name: 'End this chat?' })
      .getByRole('button', { name: 'End chat' })
      .click();
    await panel.getByText('Still need help?').waitFor();

    // Minimising an ended chat forgets it: the next invitation is shown, not the old chat.
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(`localStorage.getItem('beckon.chat')`), null);
    await invite(visitorId, 'Back again? Ask me anything.');
    await widget.getByRole('alertdialog').getByText('Back again?').waitFor();
    await context.close();
  });

  it('sends and shows attachments both ways: pictures as thumbnails that open full size, PDFs as file chips', async () => {
    const context = await newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const log = recordFrames(page);
    await page.goto(`${srv.url}/demo/product-pour-over`);
    await until(() => log.received.find((f) => f.type === 'welcome' && f.visitorId), 'the tag’s welcome');
    const visitorId = log.sent.find((f) => f.type === 'hello' && f.visitorId).visitorId as string;
    // A real picture: the product photo, as the visitor's camera roll would have it.
    const photo = await page.locator('main img, main svg').first().screenshot({ type: 'png' });
    const conversationId = await chatWithAgent(page, visitorId, { name: 'Lin' });
    const panel = page.locator('beckon-widget').getByRole('dialog');
    const box = panel.getByRole('textbox', { name: 'Message' });

    // By the paperclip: a picture, with a line of text.
    await page.locator('beckon-widget input[type=file]').setInputFiles({
      name: 'my-kitchen.png',
      mimeType: 'image/png',
      buffer: photo,
    });
    await panel.locator('.upload.done').getByText('my-kitchen.png').waitFor();
    await box.fill('This is where it would go');
    await box.press('Enter');
    const withPhoto = await sales.waitForMessage(
      conversationId,
      (m) => m.text === 'This is where it would go',
    );
    assert.equal(withPhoto.attachments.length, 1);
    assert.equal(withPhoto.attachments[0]!.name, 'my-kitchen.png');
    assert.equal(withPhoto.attachments[0]!.contentType, 'image/png');
    await until(
      () =>
        inShadow(page, `[...root.querySelectorAll('.entry.out .thumb img')].some((i) => i.naturalWidth > 0)`),
      'the visitor’s own picture shown',
    );

    // Dropped on the chat: a PDF, sent without text.
    await inShadow(
      page,
      `(() => { const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(${JSON.stringify([...PDF])})], 'order-1234.pdf', { type: 'application/pdf' }));
        const panel = root.querySelector('.panel');
        panel.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        panel.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      })()`,
    );
    await panel.locator('.upload.done').getByText('order-1234.pdf').waitFor();
    await box.press('Enter');
    const withPdf = await sales.waitForMessage(conversationId, (m) =>
      m.attachments.some((a) => a.name === 'order-1234.pdf'),
    );
    assert.equal(withPdf.text, '');
    assert.equal(withPdf.attachments[0]!.contentType, 'application/pdf');

    // Pasted or picked files the chat cannot take say why, at once.
    await inShadow(
      page,
      `(() => { const dt = new DataTransfer();
        dt.items.add(new File(['hello'], 'notes.txt', { type: 'text/plain' }));
        root.querySelector('textarea[aria-label=Message]').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      })()`,
    );
    await panel.getByText('notes.txt can’t be sent: only images (PNG, JPEG, GIF, WebP) and PDFs.').waitFor();
    // Picked with the paperclip, the file made in the page: handed over by Playwright, its 10 MB
    // crossed DevTools as base64 and cost the machine about 7 s of CPU a run.
    await inShadow(
      page,
      `(() => { const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(${10 * 1024 * 1024 + 1}).fill(1)], 'huge-scan.pdf', { type: 'application/pdf' }));
        const picker = root.querySelector('input[type=file]');
        picker.files = dt.files;
        picker.dispatchEvent(new Event('change'));
      })()`,
    );
    await panel.getByText('huge-scan.pdf is too large: files can be up to 10 MB.').waitFor();
    await shot(page, '17-attachment-errors');
    await panel.getByRole('button', { name: 'Remove notes.txt' }).click();
    await panel.getByRole('button', { name: 'Remove huge-scan.pdf' }).click();
    assert.equal(await panel.locator('.upload').count(), 0);

    // From the agent: a picture and a PDF.
    const picture = await sales.upload(conversationId, {
      bytes: photo,
      name: 'sage-green.png',
      contentType: 'image/png',
    });
    const brochure = await sales.upload(conversationId, {
      bytes: PDF,
      name: 'care-guide.pdf',
      contentType: 'application/pdf',
    });
    await sales.send(conversationId, 'Here it is in sage green, and the care guide.', {
      attachments: [picture, brochure],
    });
    const incoming = panel.locator('.entry.in').filter({ hasText: 'Here it is in sage green' });
    await incoming.waitFor();
    const chip = incoming.getByRole('link', { name: /care-guide\.pdf/ });
    assert.match((await chip.getAttribute('href'))!, new RegExp(`^${srv.url}/api/v1/chat/attachments/`));
    assert.equal(await chip.getAttribute('target'), '_blank');
    await incoming.getByText(/^PDF · \d+ kB$/).waitFor();
    await until(
      () =>
        inShadow(page, `[...root.querySelectorAll('.entry.in .thumb img')].every((i) => i.naturalWidth > 0)`),
      'the agent’s picture loaded',
    );
    await page.waitForTimeout(200);
    await shot(page, '18-attachments');

    const thumb = incoming.getByRole('button', { name: 'Open image sage-green.png full size' });
    await thumb.click();
    const viewer = page.locator('beckon-widget').getByRole('dialog', { name: 'sage-green.png' });
    await viewer.waitFor();
    assert.equal(await inShadow(page, `root.activeElement?.getAttribute('aria-label')`), 'Close image');
    await page.waitForTimeout(200);
    await shot(page, '19-picture-full-size');
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
    assert.equal(
      await inShadow(page, `root.activeElement?.getAttribute('aria-label')`),
      'Open image sage-green.png full size',
      'focus back on the thumbnail; the chat stays open',
    );
    await panel.waitFor();
    await sales.close(conversationId);
    await context.close();
  });

  it('works on another origin under a strict CSP, and the page’s CSS cannot break it', async () => {
    const ws = srv.url.replace('http', 'ws');
    const hostile = `<style>
      * { display: none !important; color: red !important; font: 2px/1 monospace !important; position: static !important; }
      html, body { display: block !important; }
      textarea, input, button, [role=dialog] { visibility: hidden !important; opacity: 0 !important; width: 1px !important; }
    </style>`;
    shop.page('/chat', customerPage(srv.url, srv.demo!.siteKey, { head: hostile }), {
      'content-security-policy': `default-src 'none'; script-src ${srv.url}; connect-src ${srv.url} ${ws}; img-src 'self' ${srv.url}; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'none'`,
    });
    shop.page('/chat-strict', customerPage(srv.url, srv.demo!.siteKey), {
      'content-security-policy': `default-src 'none'; script-src ${srv.url}; connect-src ${srv.url} ${ws}; img-src ${srv.url}; style-src 'none'; base-uri 'none'; form-action 'none'`,
    });
    for (const path of ['/chat-strict', '/chat']) {
      const context = await newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.addInitScript(`window.violations = [];
        document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));`);
      const api: number[] = [];
      page.on('response', (r) => {
        if (r.url().includes('/api/v1/chat/availability')) api.push(r.status());
      });
      const log = recordFrames(page);
      await page.goto(`${shop.url}${path}`);
      await until(() => log.received.find((f) => f.type === 'welcome' && f.visitorId), 'the tag’s welcome');
      const visitorId = log.sent.find((f) => f.type === 'hello' && f.visitorId).visitorId as string;
      const conversationId = await chatWithAgent(page, visitorId, { name: 'Cross Origin' });
      assert.deepEqual(api, [200], 'the REST API answers the customer’s origin');
      await sales.send(conversationId, 'Hello from the shop! Our terms: https://shop.example/terms');
      const panel = page.locator('beckon-widget').getByRole('dialog');
      await panel.getByText('Hello from the shop!').waitFor();
      const box = panel.getByRole('textbox', { name: 'Message' });
      await box.fill('Thanks!');
      await box.press('Enter');
      await sales.waitForMessage(conversationId, (m) => m.text === 'Thanks!');
      const frame = (await panel.boundingBox())!;
      assert.ok(frame.width > 360 && frame.height > 400, `laid out: ${JSON.stringify(frame)}`);
      assert.ok(frame.x + frame.width <= 1280 && frame.y + frame.height <= 800, 'inside the viewport');
      const look = await inShadow(
        page,
        `(() => { const b = getComputedStyle(root.querySelector('.entry.out .bubble')); const t = getComputedStyle(root.querySelector('textarea'));
          return { color: b.color, size: b.fontSize, box: t.visibility + ' ' + t.display }; })()`,
      );
      assert.deepEqual(look, { color: 'rgb(255, 255, 255)', size: '14.5px', box: 'visible block' });
      assert.deepEqual(await page.evaluate('window.violations'), [], 'no Content-Security-Policy violation');
      if (path === '/chat') await shot(page, '20-hostile-page');
      await sales.close(conversationId);
      await context.close();
    }
  });

  it('lets the visitor pick a topic, and a topic no one can take now leads to the offline form for it', async () => {
    const context = await newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const log = await interceptVisitorSocket(page);
    await page.goto(`${srv.url}/demo/products`);
    await log.inject(
      engageFrame('exp_topics', {
        type: 'chat_button',
        skillId: srv.demo!.skillIds.sales,
        label: 'Chat with us',
      }),
    );
    const widget = page.locator('beckon-widget');
    await widget.getByRole('button', { name: 'Chat with us' }).click();
    const form = widget.getByRole('form', { name: 'Before we start' });
    const topic = form.getByLabel('Topic');
    await topic.waitFor();
    const options = await topic.locator('option').allTextContents();
    assert.deepEqual(options, ['Choose a topic', 'Sales', 'Support (leave a message)']);
    await form.getByLabel('Name').fill('Ken');
    await topic.selectOption('Support');
    await form.getByLabel('How can we help?').fill('My order arrived damaged.');
    await page.waitForTimeout(300);
    await shot(page, '21-topics');
    await form.getByRole('button', { name: 'Start chat' }).click();
    const offline = widget.getByRole('form', { name: 'Leave a message' });
    await offline.waitFor();
    assert.equal(await offline.getByLabel('Name').inputValue(), 'Ken', 'what was typed is kept');
    assert.equal(await offline.getByLabel('Message').inputValue(), 'My order arrived damaged.');
    await offline.getByLabel('Email').fill('ken@example.com');
    await offline.getByRole('button', { name: 'Send message' }).click();
    await widget.getByText('We’ll reply to ken@example.com').waitFor();
    const list = await admin.get('/api/v1/conversations?status=offline');
    const found = list.body.items.find((c: { visitorEmail: string }) => c.visitorEmail === 'ken@example.com');
    assert.equal(found?.skillId, srv.demo!.skillIds.support, 'the topic chose the skill');
    assert.equal(found?.topic, 'Support');
    assert.ok(sentOutcome(log, 'exp_topics', 'accepted'), 'the chat button reports its use');
    await context.close();
  });
  it('a chat that finds no one at the last moment becomes one offline conversation, not two', async () => {
    const context = await newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const log = await interceptVisitorSocket(page);
    await page.goto(`${srv.url}/demo/products`);
    await log.inject(
      engageFrame('exp_late_offline', {
        type: 'chat_button',
        skillId: srv.demo!.skillIds.sales,
        label: 'Ask us anything',
      }),
    );
    const widget = page.locator('beckon-widget');
    await widget.getByRole('button', { name: 'Ask us anything' }).click();
    const form = widget.getByRole('form', { name: 'Before we start' });
    await form.getByLabel('Name').waitFor();
    await form.getByLabel('Name').fill('Ada');
    await form.getByLabel('How can we help?').fill('Do you ship to Lisbon?');
    // The only Sales agent steps away while the visitor fills the form.
    await sales.setStatus('away');
    try {
      await form.getByRole('button', { name: 'Start chat' }).click();
      const offline = widget.getByRole('form', { name: 'Leave a message' });
      await offline.waitFor();
      await offline.getByLabel('Email').fill('ada@example.com');
      await offline.getByRole('button', { name: 'Send message' }).click();
      await widget.getByText('We’ll reply to ada@example.com').waitFor();
      const list = await admin.get('/api/v1/conversations?status=offline&q=Lisbon');
      assert.equal(list.body.items.length, 1, 'one conversation for the agents to answer');
      const [found] = list.body.items;
      assert.deepEqual([found.visitorName, found.visitorEmail], ['Ada', 'ada@example.com']);
      const full = await admin.get(`/api/v1/conversations/${found.id}`);
      const said = full.body.messages.filter((m: { senderKind: string }) => m.senderKind === 'visitor');
      assert.deepEqual(
        said.map((m: { text: string }) => m.text),
        ['Do you ship to Lisbon?'],
        'what the form repeats is not said twice',
      );
    } finally {
      await sales.setStatus('online');
      await context.close();
    }
  });
  it('stacks an invitation above the chat button instead of covering it, on a desktop and a phone', async () => {
    for (const width of [1280, 360]) {
      const context = await newContext({ viewport: { width, height: 760 } });
      const page = await context.newPage();
      const log = await interceptVisitorSocket(page);
      await page.goto(`${srv.url}/demo/products`);
      const skillId = srv.demo!.skillIds.sales;
      await log.inject(
        engageFrame(`exp_btn_${width}`, { type: 'chat_button', skillId, label: 'Chat with us' }),
      );
      const widget = page.locator('beckon-widget');
      const button = widget.getByRole('button', { name: 'Chat with us' });
      await button.waitFor();
      await log.inject(
        engageFrame(`exp_inv_${width}`, {
          type: 'chat_invitation',
          skillId,
          message: 'Need help choosing?',
          style: 'toaster',
          offline: 'none',
        }),
      );
      const card = widget.getByRole('alertdialog');
      await card.getByText('Need help choosing?').waitFor();
      await page.waitForTimeout(400); // the card's entrance animation
      const [c, b] = [(await card.boundingBox())!, (await button.boundingBox())!];
      assert.ok(
        c.y + c.height <= b.y,
        `${width} px: the card (bottom ${c.y + c.height}) ends above the button (top ${b.y})`,
      );
      await context.close();
    }
  });
});
