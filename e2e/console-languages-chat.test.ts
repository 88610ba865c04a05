import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { Browser, Page } from 'playwright-core';
import { cookieFor, startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { goOnline, until } from './helpers/workspace-fixtures.ts';

/** A text's no-break spaces (before a time, in "1 Stunde") written as plain ones. */
const plain = (text: string | null) => (text ?? '').replace(/\s/g, ' ').trim();

describe('the conversation workspace in German and Spanish: the open chat, closing it, History', {
  timeout: 120_000,
}, () => {
  let srv: TestServer;
  let browser: Browser;
  let visitor: VisitorChatClient;

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
  });
  after(async () => {
    await visitor?.close().catch(() => {});
    await browser?.close();
    await srv?.close();
  });

  it('a German admin chats, snoozes, closes the chat and finds it in History with German dates', async () => {
    const { cookie, csrf } = await cookieFor(srv, DEMO_ADMIN.email);
    const chosen = await srv.node.app.inject({
      method: 'PUT',
      url: '/api/v1/me/console-language',
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { language: 'de' },
    });
    assert.equal(chosen.statusCode, 204, chosen.body);
    const context = await browser.newContext({
      locale: 'de-DE',
      timezoneId: 'UTC',
      viewport: { width: 1280, height: 900 },
    });
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: srv.url }]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const shot = (p: Page, file: string) => p.screenshot({ path: `${SHOTS_DIR}console-german-${file}.png` });

    await page.goto(`${srv.url}/console/conversations`);
    const empty = page.getByTestId('chat-empty');
    await empty.getByText('Ihre Chats öffnen sich hier').waitFor();
    await page.getByRole('complementary', { name: 'Besucherkontext' }).waitFor();
    await goOnline(page);

    // A visitor asks; the admin accepts the offer.
    visitor = await startVisitor(srv, {
      name: 'Lena Vogt',
      email: 'lena.vogt@example.com',
      text: 'Liefern Sie auch nach Österreich?',
      skillId: srv.demo!.skillIds.sales,
    });
    await page.getByTestId('offer-card').getByRole('button', { name: 'Annehmen' }).click();
    const chat = page.getByRole('region', { name: 'Chat mit Lena Vogt' });
    await chat.getByText('Liefern Sie auch nach Österreich?').waitFor();

    // The header's actions, the composer and the day of the first message, in German.
    for (const button of ['Als wartend markieren', 'Zurückstellen', 'Weiterleiten', 'Chat beenden'])
      await chat.getByRole('button', { name: button, exact: true }).waitFor();
    await chat.locator('.day-separator').getByText('Heute').waitFor();
    const composer = chat.getByTestId('composer');
    await composer.getByRole('radio', { name: 'Antwort' }).waitFor();
    await composer.getByRole('radio', { name: 'Interne Notiz' }).waitFor();
    const input = composer.getByRole('textbox', { name: 'Nachricht', exact: true });
    assert.equal(await input.getAttribute('placeholder'), 'Antwort an Lena Vogt… (/ für Textbausteine)');
    await composer.getByText('zum Senden').waitFor();
    await input.fill('Ja, in 3–5 Werktagen.');
    await composer.getByRole('button', { name: 'Senden' }).click();
    await chat.getByTestId('message').getByText('Ja, in 3–5 Werktagen.').waitFor();
    // The time of a message is a German clock (14:05, not 2:05 PM).
    const time = plain(await chat.locator('.msg-agent time').first().textContent());
    assert.match(time, /^\d{2}:\d{2}$/);

    // Snooze offers its times in German, with the German plural.
    await chat.getByRole('button', { name: 'Zurückstellen', exact: true }).click();
    const snooze = chat.getByRole('menu', { name: 'Zurückstellen bis' });
    await snooze.getByText('In 1 Stunde', { exact: true }).waitFor();
    await snooze.getByText('In 4 Stunden', { exact: true }).waitFor();
    await snooze.getByText('Morgen, 9:00', { exact: true }).waitFor();
    await shot(page, 'chat');
    await page.keyboard.press('Escape');
    await snooze.waitFor({ state: 'detached' });

    // The visitor context.
    const about = page.getByTestId('context-visitor');
    await about.getByText('Begonnen', { exact: true }).waitFor();
    await about.getByText('Hat den Chat geöffnet', { exact: true }).waitFor();

    // The transfer dialog.
    await chat.getByRole('button', { name: 'Weiterleiten', exact: true }).click();
    const transfer = page.getByTestId('transfer-dialog');
    await transfer.getByRole('heading', { name: 'Chat weiterleiten' }).waitFor();
    await transfer.getByRole('radio', { name: 'Die Warteschlange eines Skills' }).waitFor();
    await transfer.getByLabel('Notiz für den nächsten Agent', { exact: true }).waitFor();
    // Nobody else is online: the agent list says so, rather than show a blank.
    assert.equal(
      await transfer.locator('select').first().locator('option:checked').textContent(),
      'Kein anderer Agent ist online',
    );
    await shot(page, 'transfer-dialog');
    await transfer.getByRole('button', { name: 'Abbrechen' }).click();
    await transfer.waitFor({ state: 'detached' });

    // Closing: the dialog, its dispositions and tags in German; the English disposition is stored.
    await chat.getByRole('button', { name: 'Chat beenden', exact: true }).click();
    const dialog = page.getByTestId('close-dialog');
    await dialog
      .getByText('Der Chat mit Lena Vogt endet; der Besucher wird um eine Bewertung gebeten.')
      .waitFor();
    await dialog.getByLabel('Ergebnis', { exact: true }).selectOption({ label: 'Verkauf abgeschlossen' });
    await dialog.getByLabel('Tags', { exact: true }).fill('versand');
    await shot(page, 'close-dialog');
    await dialog.getByRole('button', { name: 'Chat beenden' }).click();
    await dialog.waitFor({ state: 'detached' });
    const id = visitor.conversation.id;
    await until(
      async () => (await srv.node.ctx.store.conversations.get(srv.demo!.accountId, id)).status === 'closed',
      'the chat to close',
    );
    const closed = await srv.node.ctx.store.conversations.get(srv.demo!.accountId, id);
    assert.equal(closed.disposition, 'Sale made');

    // History: heading, columns, the German outcome and date, a plural count, an empty state.
    await page.getByTestId('conversations-tab-history').click();
    await page.getByRole('heading', { name: 'Unterhaltungsverlauf', level: 1 }).waitFor();
    const table = page.getByTestId('history-table');
    for (const column of ['Besucher', 'Agent', 'Skill', 'Begonnen', 'Ausgang'])
      await table.getByRole('columnheader', { name: column, exact: true }).waitFor();
    await page.getByRole('searchbox', { name: 'Suche' }).fill('Lena Vogt');
    const row = table.getByTestId('history-row').filter({ hasText: 'Lena Vogt' });
    await row.getByText('Verkauf abgeschlossen').waitFor();
    await page.getByText('1 Unterhaltung', { exact: true }).waitFor();
    const started = plain(await row.locator('td').nth(3).textContent());
    assert.match(started, /^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/, `a German date: ${started}`);
    await shot(page, 'history');

    // Its transcript.
    await row.getByRole('link', { name: 'Lena Vogt' }).click();
    await page.getByRole('link', { name: '← Unterhaltungsverlauf' }).waitFor();
    await page.getByRole('link', { name: 'Transkript herunterladen' }).waitFor();
    const details = page.getByTestId('transcript');
    await details.getByText('Verkauf abgeschlossen', { exact: true }).waitFor();
    await details.getByText('Der Besucher hat diesen Chat nicht bewertet.').waitFor();
    await shot(page, 'transcript');
    await page.getByRole('link', { name: '← Unterhaltungsverlauf' }).click();

    await page.getByRole('searchbox', { name: 'Suche' }).fill('xyzzy-nichts');
    await page.getByTestId('history-empty').getByText('Keine Treffer').waitFor();

    // Spanish: the same page, with its own words.
    await page.getByTestId('language-select').selectOption('es');
    await page.getByRole('heading', { name: 'Historial de conversaciones', level: 1 }).waitFor();
    await page.getByTestId('history-empty').getByText('Sin resultados').waitFor();
    await page
      .getByRole('combobox', { name: 'Estado' })
      .getByRole('option', { name: 'Cualquier estado' })
      .waitFor({
        state: 'attached',
      });
    assert.deepEqual(errors, []);
    await context.close();
  });
});
