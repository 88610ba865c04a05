import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { cookieFor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';

/** A note written at a known minute, so its date reads the same in every run (the browser runs in UTC). */
const NOTE_AT = Date.parse('2026-03-05T14:07:00Z');

describe('the console in German and back: nav, pages, dates and numbers follow the user’s language', {
  timeout: 180_000,
}, () => {
  let srv: TestServer;
  let browser: Browser;
  let contactId: string;
  let adminId: string;

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    const { store } = srv.node.ctx;
    const accountId = srv.demo!.accountId;
    adminId = (await store.users.findForLogin(DEMO_ADMIN.email))!.user.id;
    const contact = await store.contacts.resolve(accountId, {
      email: 'lena.vogt@example.com',
      name: 'Lena Vogt',
    });
    contactId = contact.id;
    await store.contacts.addNote(accountId, contactId, adminId, 'Wants the invoice in euros.', NOTE_AT);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  const lang = (page: Page) => page.locator('html').getAttribute('lang');
  /** The note's date, its no-break spaces (10:07\u202fPM) written as plain ones. */
  const noteDate = async (page: Page) =>
    ((await page.getByTestId('contact-note').locator('.muted').first().textContent()) ?? '').replace(
      /\s/g,
      ' ',
    );

  it('signs in in English, switches to German, keeps German on another browser, and switches back', async () => {
    const context = await browser.newContext({
      locale: 'en-US',
      timezoneId: 'UTC',
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    // Sign in through the form: an English browser gets the English console.
    await page.goto(`${srv.url}/console/contacts/${contactId}`);
    await page.getByRole('heading', { name: 'Log in to Beckon' }).waitFor();
    assert.equal(await lang(page), 'en');
    await page.getByLabel('Email', { exact: true }).fill(DEMO_ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(DEMO_ADMIN.password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.getByRole('heading', { name: 'Lena Vogt', level: 1 }).waitFor();
    assert.equal(await page.getByTestId('nav-contacts').textContent(), 'Contacts');
    assert.equal(await noteDate(page), 'Mar 5, 2026, 2:07 PM');

    // German: the nav, the page and the date, at once and without a reload.
    await page.getByTestId('language-select').selectOption('de');
    await page.getByTestId('nav-contacts').getByText('Kontakte', { exact: true }).waitFor();
    assert.equal(await lang(page), 'de');
    assert.equal(await page.getByTestId('nav-settings').textContent(), 'Einstellungen');
    await page.getByRole('link', { name: '← Alle Kontakte' }).waitFor();
    await page.getByRole('heading', { name: 'Notizen' }).waitFor();
    assert.equal(await noteDate(page), '05.03.2026, 14:07');
    await page.getByRole('button', { name: 'Abmelden' }).waitFor();
    // The availability prompt and the status switch on every page speak German too.
    const prompt = page.getByRole('region', { name: 'Ihre Verfügbarkeit' });
    await prompt.getByText('Sie sind offline. Online gehen, um Chats anzunehmen?').waitFor();
    await prompt.getByRole('button', { name: 'Online gehen' }).waitFor();
    await page.getByTestId('status-switch').getByRole('radio', { name: 'Abwesend' }).waitFor();
    assert.equal(await srv.node.ctx.store.users.consoleLanguage(srv.demo!.accountId, adminId), 'de');
    await page.screenshot({ path: `${SHOTS_DIR}/console-german-contact.png` });

    // A count reads with the German plural and separators.
    await page.getByRole('link', { name: '← Alle Kontakte' }).click();
    await page.getByRole('heading', { name: 'Kontakte', level: 1 }).waitFor();
    await page.getByTestId('contacts-search').fill('lena.vogt@');
    await page.getByText('1 Kontakt', { exact: true }).waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/console-german-contacts.png` });

    // The choice survives a reload.
    await page.reload();
    await page.getByRole('heading', { name: 'Kontakte', level: 1 }).waitFor();
    assert.equal(await lang(page), 'de');

    // The wallboard, German throughout; its clock is written the German way.
    await page.getByTestId('nav-wallboard').click();
    await page.getByRole('heading', { name: 'Wallboard', level: 1 }).waitFor();
    const updated = await page.getByText(/^Aktualisiert /).textContent();
    assert.match(updated ?? '', /^Aktualisiert \d{2}:\d{2}:\d{2} · alle 5 s neu$/);
    await page.getByRole('columnheader', { name: 'Auslastung' }).waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/console-german-wallboard.png` });

    // The inbox: its tabs and its empty state.
    await page.getByTestId('nav-conversations').click();
    await page.getByRole('tab', { name: 'Warteschlange' }).waitFor();
    await page.getByText('Gerade keine Chats').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/console-german-inbox.png` });
    await page.getByTestId('nav-wallboard').click();
    await page.getByRole('columnheader', { name: 'Auslastung' }).waitFor();

    // Another browser (nothing stored in it, an English one) opens in the user's German.
    const elsewhere = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    const { cookie } = await cookieFor(srv, DEMO_ADMIN.email);
    const [name, value] = cookie.split('=') as [string, string];
    await elsewhere.addCookies([{ name, value, url: srv.url }]);
    const other = await elsewhere.newPage();
    await other.goto(`${srv.url}/console/contacts/${contactId}`);
    await other.getByRole('heading', { name: 'Notizen' }).waitFor();
    assert.equal(await noteDate(other), '05.03.2026, 14:07');
    await elsewhere.close();

    // And back to English.
    await page.getByTestId('language-select').selectOption('en');
    await page.getByTestId('nav-contacts').getByText('Contacts', { exact: true }).waitFor();
    await page.getByRole('columnheader', { name: 'Load' }).waitFor();
    assert.equal(await lang(page), 'en');
    assert.equal(await srv.node.ctx.store.users.consoleLanguage(srv.demo!.accountId, adminId), 'en');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('opens in the browser’s own language before anyone signs in, when the console speaks it', async () => {
    const context = await browser.newContext({ locale: 'es-ES' });
    const page = await context.newPage();
    await page.goto(`${srv.url}/console/`);
    await page.getByRole('heading', { name: 'Inicia sesión en Beckon' }).waitFor();
    assert.equal(await lang(page), 'es');
    assert.equal(await page.getByTestId('language-select').inputValue(), 'es');
    await context.close();
  });
});
