import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { Browser } from 'playwright-core';
import { scheduledSenderOf } from '../packages/server/src/collab/collab-feature.ts';
import { cookieFor, startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { type ConsolePage, goOnline, signedInAs } from './helpers/workspace-fixtures.ts';

/** A `datetime-local` value with seconds, in the browser's zone (UTC in these tests' Chromium). */
const localInput = (ms: number, offsetMinutes: number) =>
  new Date(ms - offsetMinutes * 60_000).toISOString().slice(0, 19);

describe('send later and merging conversations in the console', { timeout: 180_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let agent: ConsolePage;
  let visitor: VisitorChatClient;

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    agent = await signedInAs(browser, srv, 'sales@demo.beckon.local');
    await goOnline(agent.page);
    visitor = await startVisitor(srv, {
      skillId: srv.demo!.skillIds.sales,
      name: 'Noor',
      email: 'noor@example.com',
      text: 'Can you call me back tomorrow?',
    });
  });
  after(async () => {
    await visitor?.close().catch(() => {});
    await browser?.close();
    await srv?.close();
  });

  it('a reply scheduled in the console reaches the customer while its author is signed out', async () => {
    const { page } = agent;
    await page.getByTestId('offer-card').getByRole('button', { name: 'Accept' }).click();
    const chat = page.getByTestId('chat');
    await chat.getByTestId('send-later-open').click();
    await chat.getByTestId('send-later-text').fill('As promised: your jacket ships today.');
    const offset = await page.evaluate(() => new Date().getTimezoneOffset());
    await chat.getByTestId('send-later-at').fill(localInput(Date.now() + 15_000, offset));
    await page.screenshot({ path: `${SHOTS_DIR}send-later-form.png` });
    await chat.getByTestId('send-later-save').click();
    await chat.locator('[data-testid="scheduled-item"][data-status="queued"]').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}send-later-listed.png` });
    // A colleague adds a note reminder to the same chat: the open list shows it at once.
    const admin = await cookieFor(srv, 'admin@demo.beckon.local');
    const added = await fetch(
      `${srv.url}/api/v1/conversations/${visitor.conversation.id}/scheduled-messages`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: admin.cookie, 'x-csrf-token': admin.csrf },
        body: JSON.stringify({
          text: 'Check the jacket left the warehouse',
          sendAt: new Date(Date.now() + 3600_000).toISOString(),
          note: true,
        }),
      },
    );
    assert.equal(added.status, 201);
    await chat
      .getByTestId('scheduled-item')
      .filter({ hasText: 'Check the jacket left the warehouse' })
      .waitFor();
    // Shown by the colleague's change itself, not by a reload when the reply went out: both still wait.
    assert.equal(await chat.locator('[data-testid="scheduled-item"][data-status="queued"]').count(), 2);
    await page.getByRole('button', { name: 'Log out' }).click();
    // Signed out: the sign-in form is back, and no session of the author is left.
    await page.locator('input[type="password"]').waitFor();
    // Its time comes: the node's sender sweeps as its timer would once it is due (the timer itself is
    // covered by scheduled-messages.test.ts), rather than the test waiting for the clock.
    await scheduledSenderOf(srv.node.ctx)!.sweep(Date.now() + 15_000);
    const line = await visitor.waitForMessage(
      (m) => m.text === 'As promised: your jacket ships today.',
      30_000,
    );
    assert.equal(line.senderName, 'Sales Agent');
    assert.deepEqual(agent.errors, []);
  });

  it('merges the customer’s WhatsApp conversation into the chat, shows it in the thread, and undoes it', async () => {
    const { store } = srv.node.ctx;
    const chatConv = await store.conversations.get(srv.demo!.accountId, visitor.conversation.id);
    assert.ok(chatConv.contactId, 'the pre-chat e-mail named a contact');
    const wa = await store.conversations.create({
      accountId: srv.demo!.accountId,
      siteId: null,
      visitorId: null,
      channel: 'whatsapp',
      source: 'visitor',
      skillId: srv.demo!.skillIds.sales,
      status: 'offline',
      contactId: chatConv.contactId,
      tokenHash: `wa-${Date.now()}`,
    });
    const [r] = await store.messages.appendBatch([
      {
        accountId: srv.demo!.accountId,
        conversationId: wa.id,
        sender: { kind: 'visitor' },
        echoId: 'wa1',
        text: 'Also: is the blue one in stock?',
      },
    ]);
    assert.ok(r?.ok);
    agent = await signedInAs(browser, srv, 'sales@demo.beckon.local');
    const { page } = agent;
    await page.getByTestId('inbox-chat').first().click();
    const chat = page.getByTestId('chat');
    await chat.getByTestId('merge-pick').selectOption(wa.id);
    await chat.getByTestId('merge-do').click();
    await chat.getByTestId('merged-part').waitFor();
    // One thread: the WhatsApp line sits among the chat's own in time order, marked with its channel,
    // and the merge's line follows it.
    const list = chat.getByTestId('message-list');
    const mergedLine = list.locator(`[data-merged-from="${wa.id}"]`);
    await mergedLine.getByText('Also: is the blue one in stock?').waitFor();
    await mergedLine.getByText('From the merged WhatsApp conversation').waitFor();
    await list
      .getByText(/Merged with the WhatsApp conversation/)
      .first()
      .waitFor();
    const texts = await list
      .getByTestId('message')
      .evaluateAll((els) =>
        els.map((el) => ({ text: el.textContent ?? '', at: el.querySelector('time')?.dateTime ?? '' })),
      );
    const waAt = texts.findIndex((l) => l.text.includes('Also: is the blue one in stock?'));
    const noteAt = texts.findIndex((l) => /Merged with the WhatsApp conversation/.test(l.text));
    assert.ok(waAt >= 0 && noteAt > waAt, 'the merge’s line comes after the line it brought in');
    await page.screenshot({ path: `${SHOTS_DIR}merge-thread.png` });
    assert.equal((await store.conversations.get(srv.demo!.accountId, wa.id)).mergedInto, chatConv.id);
    await chat.getByTestId('unmerge').click();
    await chat.getByTestId('merged-part').waitFor({ state: 'detached' });
    await mergedLine.first().waitFor({ state: 'detached' });
    const back = await store.conversations.get(srv.demo!.accountId, wa.id);
    assert.deepEqual([back.status, back.mergedInto], ['offline', undefined]);
    await list.getByText(`Merge undone: conversation ${wa.id} stands alone again.`).waitFor();
    // The merge's and the undo's lines are stored in English; a Spanish agent reads them in Spanish.
    const { cookie, csrf } = await cookieFor(srv, 'sales@demo.beckon.local');
    const chosen = await fetch(`${srv.url}/api/v1/me/console-language`, {
      method: 'PUT',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ language: 'es' }),
    });
    assert.equal(chosen.status, 204);
    await page.reload();
    await page.getByTestId('inbox-chat').first().click();
    await list
      .getByText(`Fusionada con la conversación de WhatsApp ${wa.id}: sus mensajes se muestran en este hilo.`)
      .waitFor();
    await list.getByText(`Fusión deshecha: la conversación ${wa.id} vuelve a ser independiente.`).waitFor();
    assert.equal(await list.getByText(/Merged with|Merge undone/).count(), 0);
    // The inbox's preview of the last line too.
    await page
      .getByTestId('inbox-chat')
      .first()
      .getByText(/^Nota: Fusión deshecha/)
      .waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}merge-thread-es.png` });
    assert.deepEqual(agent.errors, []);
  });
});
