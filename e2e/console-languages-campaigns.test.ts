import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHECKOUT_HESITATION, demoCampaignId } from '../packages/server/src/engagement/demo-campaigns.ts';
import { cookieFor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';

/** Console chrome of the editor that must show whole at 1280 px: no label, button or heading cut off. */
const CHROME = [
  '.editor-nav-link',
  '.editor-section-title',
  '.field-label',
  '.segmented-option span',
  '.check span',
  '.type-card-title',
  '.cond-group-op',
  '.cond-group-text',
  '.cond-unit-text',
  '.day-chip',
  '.inline-field span',
  '.editor-footer .button',
  '.editor-footer-status',
  '.preview-caption',
].join(', ');

/** The chrome whose text overflows its box (cut off or spilling), and whether the page scrolls sideways. */
function cutOff(page: Page): Promise<{ cut: string[]; sideways: boolean }> {
  return page.evaluate<{ cut: string[]; sideways: boolean }>(`(() => {
    const cut = [...document.querySelectorAll(${JSON.stringify(CHROME)})]
      .filter((el) => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
      .map((el) => el.className + ': ' + el.textContent.trim());
    return { cut, sideways: document.documentElement.scrollWidth > window.innerWidth };
  })()`);
}

describe('the campaign editor in German and Spanish', { timeout: 120_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let session: { cookie: string; csrf: string };

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    session = await cookieFor(srv, DEMO_ADMIN.email);
    context = await browser.newContext({
      locale: 'de-DE',
      timezoneId: 'UTC',
      viewport: { width: 1280, height: 900 },
    });
    const [name, value] = session.cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: srv.url }]);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  async function speak(language: 'de' | 'es'): Promise<void> {
    const res = await fetch(`${srv.url}/api/v1/me/console-language`, {
      method: 'PUT',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ language }),
    });
    assert.ok(res.ok, `console-language: ${res.status}`);
  }

  it('a German admin writes a new campaign and reads a demo one in German, nothing cut off', async () => {
    await speak('de');
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    // A new campaign: the frame, the sections and the rule in words.
    await page.goto(`${srv.url}/console/campaigns/new`);
    await page.getByRole('heading', { name: 'Neue Kampagne', level: 1 }).waitFor();
    await page.getByRole('link', { name: '← Alle Kampagnen' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Abschnitte der Kampagne' });
    for (const section of ['Grundlagen', 'Wer', 'Wann', 'Wie oft', 'Ansprache', 'Kontrollgruppe'])
      await nav.getByRole('link', { name: section, exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Wie oft', level: 2 }).waitFor();
    await page.getByRole('radio', { name: 'Ein benanntes Ereignis' }).waitFor();
    assert.equal(
      await page.getByTestId('rule-summary').textContent(),
      'In WortenJeder Besucher qualifiziert sich.',
    );
    await page.getByRole('button', { name: 'Bedingung hinzufügen' }).first().waitFor();
    await page
      .getByText('10 % der qualifizierten Besucher werden zurückgehalten; 90 % werden angesprochen.', {
        exact: false,
      })
      .waitFor();

    // The schedule: German day names, hours and its own error.
    await page.getByRole('radio', { name: 'Nach Zeitplan' }).check();
    await page.getByRole('checkbox', { name: 'Samstag' }).waitFor();
    const chips = await page.locator('.day-chip').allTextContents();
    assert.deepEqual(chips, ['Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa', 'So']);
    await page.getByText('Ganztägig', { exact: true }).waitFor();
    await page.getByText('Tage und Uhrzeiten gelten in dieser Zeitzone.').waitFor();
    // The hours as a German clock writes them, whatever the browser's time inputs show.
    assert.match(
      (await page.getByTestId('schedule-summary').textContent()) ?? '',
      /^Läuft Mo–Fr, 09:00–17:00 \(.+\)\.$/,
    );
    for (const day of ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag'])
      await page.getByRole('checkbox', { name: day }).uncheck();

    // Saving with no name and no day: German validation and a German count.
    await page.getByRole('button', { name: 'Kampagne anlegen' }).click();
    await page.getByText('Geben Sie der Kampagne einen Namen.').waitFor();
    await page.getByText('Wählen Sie mindestens einen Tag.').waitFor();
    await page.getByText('2 Punkte vor dem Speichern zu korrigieren').waitFor();

    // A condition row: its field list, operator and its sentence.
    await page.getByRole('button', { name: 'Bedingung hinzufügen' }).first().click();
    await page.getByLabel('Bedingung 1: Feld').selectOption('cart.total');
    await page.getByLabel('Bedingung 1: Operator').selectOption('gte');
    await page.getByLabel('Bedingung 1: Wert').fill('100');
    assert.equal(
      await page.getByTestId('rule-summary').textContent(),
      'In WortenWarenkorbsumme ist mindestens 100.',
    );
    await page.screenshot({ path: `${SHOTS_DIR}/console-german-campaign-new.png`, fullPage: true });
    assert.deepEqual(await cutOff(page), { cut: [], sideways: false });

    // The demo campaign: its rule reads as German sentences, its own texts stay as written.
    await page.goto(`${srv.url}/console/campaigns/${demoCampaignId(CHECKOUT_HESITATION)}`);
    await page.getByRole('heading', { name: CHECKOUT_HESITATION, level: 1 }).waitFor();
    assert.match(
      (await page.getByTestId('rule-summary').textContent()) ?? '',
      /^In WortenSeitenbereich umfasst „checkout“ und Zeit auf der Seite ist mindestens \d+ s und Warenkorbsumme ist mindestens 100\.$/,
    );
    assert.match(
      (await page.getByTestId('campaign-changed').textContent()) ?? '',
      /^Zuletzt geändert: \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/,
    );
    await page
      .getByText('20 % der qualifizierten Besucher werden zurückgehalten; 80 % werden angesprochen.', {
        exact: false,
      })
      .waitFor();
    const preview = page.getByTestId('engagement-preview');
    await preview.getByText('Any questions before you order? Our sales team is here to help.').waitFor();
    await preview.getByText('Vorschau · in einer Ecke der Seite').waitFor();
    await page.getByRole('button', { name: 'Änderungen speichern' }).waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/console-german-campaign-edit.png`, fullPage: true });
    assert.deepEqual(await cutOff(page), { cut: [], sideways: false });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('a Spanish admin gets the editor in Spanish', async () => {
    await speak('es');
    const page = await context.newPage();
    await page.goto(`${srv.url}/console/campaigns/new`);
    await page.getByRole('heading', { name: 'Nueva campaña', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Lo básico', level: 2 }).waitFor();
    await page.getByRole('button', { name: 'Crear campaña' }).click();
    await page.getByText('Ponle un nombre a la campaña.').waitFor();
    await page.getByText('1 cosa por corregir antes de guardar').waitFor();
    assert.equal(
      await page.getByTestId('rule-summary').textContent(),
      'En palabrasTodos los visitantes cumplen.',
    );
    assert.deepEqual(await cutOff(page), { cut: [], sideways: false });
    await page.close();
  });
});
