import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { Browser } from 'playwright-core';
import { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { cookieFor, startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { LibreTranslateServer } from '../packages/server/test/helpers/libretranslate-server.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { report, seriousViolations } from './helpers/axe.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { type ConsolePage, goOnline, signedInAs } from './helpers/workspace-fixtures.ts';

const SUPPORT = 'support@demo.beckon.local';
const ES_LINE = 'Hola, ¿dónde está mi pedido? Lo compré hace una semana.';
const ES_IN_EN = 'Hello, where is my order? I bought it a week ago.';
const ES_THANKS = 'Muchas gracias por la ayuda, que tengan un buen día.';
const EN_REPLY = 'Your order left our warehouse yesterday and arrives on Friday.';
const EN_REPLY_IN_ES = 'Su pedido salió de nuestro almacén ayer y llega el viernes.';
const DE_LINE = 'Hallo, meine Rechnung ist falsch. Können Sie mir helfen?';
const DE_IN_EN = 'Hello, my invoice is wrong. Can you help me?';
const EN_DE_REPLY = 'I have corrected your invoice and sent it again.';
const EN_DE_REPLY_IN_DE = 'Ich habe Ihre Rechnung korrigiert und erneut gesendet.';

// Live translation in the console, against a local LibreTranslate-compatible server: a Spanish
// and a German customer answered by an English agent. The customers read their own language; the
// agent reads English, with each original one click away.
describe('live translation in the console (Chromium)', { timeout: 240_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let lt: LibreTranslateServer;
  let support: ConsolePage;
  let lucia: VisitorChatClient;
  let jonas: VisitorChatClient;
  const shot = (name: string) => support.page.screenshot({ path: `${SHOTS_DIR}translation-${name}.png` });
  const line = (text: string) =>
    support.page.locator('[data-testid="message"]').filter({ hasText: text }).last();
  /** The line holding `text` now, found again by its sequence number when its text changes. */
  const pinned = async (text: string) => {
    const found = line(text);
    await found.waitFor();
    return support.page.locator(
      `[data-testid="message"][data-seq="${await found.getAttribute('data-seq')}"]`,
    );
  };

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser, lt] = await Promise.all([
      startTestServer({ demo: true, env: { BECKON_RATE_AGENT_FRAME: '0' } }),
      launchBrowser(),
      LibreTranslateServer.start(),
    ]);
  });
  after(async () => {
    await lucia?.close().catch(() => {});
    await jonas?.close().catch(() => {});
    await browser?.close();
    await lt?.close();
    await srv?.close();
  });

  it('an admin sends translations to a LibreTranslate server in Settings › Assist', async () => {
    const admin = await signedInAs(browser, srv, DEMO_ADMIN.email, '/console/settings/assist');
    const { page } = admin;
    const card = page.getByTestId('assist-card');
    await card.getByLabel('Turn on agent assist').check();
    await card.getByTestId('assist-translation-provider').selectOption('libretranslate');
    await card.getByTestId('assist-translation-url').fill(lt.baseUrl);
    await admin.page.screenshot({ path: `${SHOTS_DIR}translation-settings.png` });
    await card.getByRole('button', { name: 'Save' }).click();
    await card.getByRole('status').waitFor();
    const api = new ApiClient(srv.node.app);
    Object.assign(api, await cookieFor(srv, DEMO_ADMIN.email));
    const saved = await api.request('GET', '/api/v1/assist');
    assert.deepEqual(saved.body.translation, {
      provider: 'libretranslate',
      baseUrl: lt.baseUrl,
      hasApiKey: false,
    });
    assert.equal(saved.body.enabled, true);
    await admin.context.close();
  });

  it('a Spanish customer: the agent reads English, the original one click away, and replies in Spanish', async () => {
    support = await signedInAs(browser, srv, SUPPORT);
    const { page } = support;
    await goOnline(page);
    lucia = await startVisitor(srv, {
      name: 'Lucía Fernández',
      text: ES_LINE,
      skillId: srv.demo!.skillIds.support,
    });
    await page.getByTestId('offer-card').getByRole('button', { name: 'Accept' }).click();
    await page.getByTestId('composer-input').waitFor();

    // Written before the agent took the chat: translated when the chat opens.
    const first = await pinned(ES_IN_EN);
    await first.getByTestId('translation-text').waitFor();
    assert.equal(await first.getByTestId('translation-text').textContent(), ES_IN_EN);
    assert.match(
      (await first.locator('.msg-translation-meta').textContent()) ?? '',
      /Translated from Spanish/,
    );
    const toggle = first.getByTestId('translation-toggle');
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    await toggle.click();
    assert.equal(await first.getByTestId('translation-original').textContent(), ES_LINE);
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    // By keyboard too.
    await toggle.focus();
    await page.keyboard.press('Enter');
    await first.getByTestId('translation-text').waitFor();

    const sendIn = page.getByTestId('translate-toggle');
    await sendIn.waitFor();
    assert.equal((await sendIn.textContent())?.trim(), 'Send in Spanish');
    assert.equal(await page.getByTestId('translate-toggle-input').isChecked(), true, 'on by default');
    const input = page.getByTestId('composer-input');
    await input.fill(EN_REPLY);
    await input.press('Enter');
    const got = await lucia.waitForMessage((m) => m.senderKind === 'agent', 10_000);
    assert.equal(got.text, EN_REPLY_IN_ES, 'the customer reads Spanish');
    const reply = line(EN_REPLY);
    await reply.getByTestId('translation-sent').waitFor();
    assert.equal(await reply.getByTestId('translation-text').textContent(), EN_REPLY);
    assert.match((await reply.getByTestId('translation-sent').textContent()) ?? '', /Sent in Spanish/);
    assert.match((await reply.getByTestId('translation-sent').textContent()) ?? '', /Su pedido salió/);
    await shot('spanish');
    const findings = await seriousViolations(
      page,
      'document.querySelector(\'[data-testid="chat-pane"]\') ?? document.body',
    );
    assert.deepEqual(report('translation', findings), [], 'axe finds nothing serious');
  });

  it('a German customer in a second chat: English for the agent, German for the customer', async () => {
    const { page } = support;
    jonas = await startVisitor(srv, {
      name: 'Jonas Weber',
      text: 'Hallo',
      skillId: srv.demo!.skillIds.support,
    });
    await page.getByTestId('offer-card').getByRole('button', { name: 'Accept' }).click();
    await page.getByTestId('composer-input').waitFor();
    await jonas.send(DE_LINE);
    const de = await pinned(DE_IN_EN);
    await de.getByTestId('translation-text').waitFor();
    assert.match((await de.locator('.msg-translation-meta').textContent()) ?? '', /Translated from German/);
    await page.getByTestId('translate-toggle').getByText('Send in German').waitFor();
    const input = page.getByTestId('composer-input');
    await input.fill(EN_DE_REPLY);
    await input.press('Enter');
    const got = await jonas.waitForMessage((m) => m.senderKind === 'agent' && m.text !== '', 10_000);
    assert.equal(got.text, EN_DE_REPLY_IN_DE, 'the customer reads German');
    await line(EN_DE_REPLY).getByTestId('translation-sent').waitFor();
    await de.getByTestId('translation-toggle').click();
    assert.equal(await de.getByTestId('translation-original').textContent(), DE_LINE);
    await shot('german');
  });

  it('a translation service that is down: the line as written, a reply not sent until sent as written', async () => {
    const { page } = support;
    await page.getByTestId('inbox-chat').filter({ hasText: 'Lucía' }).click();
    await line(ES_IN_EN).waitFor();
    lt.down = true;
    await lucia.send(ES_THANKS);
    const state = line(ES_THANKS).getByTestId('translation-state');
    await state.waitFor();
    assert.equal(await state.textContent(), 'Translation unavailable: the service is down.');
    const input = page.getByTestId('composer-input');
    await input.fill('You are welcome, have a nice day too!');
    await input.press('Enter');
    const failed = page.getByTestId('pending-message').filter({ hasText: 'You are welcome' });
    await failed.getByRole('alert').getByText('The translation service is down.').waitFor();
    assert.equal(await input.isEnabled(), true, 'the composer is free');
    await shot('service-down');
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!lucia.messages.some((m) => /welcome/.test(m.text)), 'nothing reached the customer');
    await failed.getByRole('button', { name: 'Send as written' }).click();
    const got = await lucia.waitForMessage((m) => /welcome/.test(m.text), 10_000);
    assert.equal(got.text, 'You are welcome, have a nice day too!');
    lt.down = false;
  });
});
