import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { analyticsOf } from '../packages/server/src/analytics/analytics-runtime.ts';
import { seedDemoHistory } from '../packages/server/src/demo/demo-history.ts';
import { seedCallScenario } from '../packages/server/test/call-report-fixtures.ts';
import { cookieFor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { brokenText as cutText } from './helpers/layout.ts';

const GERMAN_VERDICTS = [
  'Ansprache gewinnt',
  'Kontrolle gewinnt',
  'Kein klarer Unterschied',
  'Noch nicht genug Daten',
  'Keine Kontrollgruppe',
];

describe('Analytics in German and Spanish on the demo, with its history (Chromium, 1280 px)', {
  timeout: 120_000,
}, () => {
  let srv: TestServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    await seedDemoHistory(srv.node.ctx.store, srv.demo!, { sessions: 800 });
    // Calls too, so the calls tab shows its widest tables.
    await seedCallScenario(srv, Date.now() - 30 * 3_600_000, Date.now() - 3 * 3_600_000);
    await analyticsOf(srv.node.ctx).job.catchUp();

    // The admin chose German (kept on the server, so it holds on any browser).
    const { cookie, csrf } = await cookieFor(srv, DEMO_ADMIN.email);
    const res = await fetch(`${srv.url}/api/v1/me/console-language`, {
      method: 'PUT',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ language: 'de' }),
    });
    assert.equal(res.status, 204);
    const context = await browser.newContext({
      locale: 'de-DE',
      timezoneId: 'UTC',
      viewport: { width: 1280, height: 900 },
    });
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: srv.url }]);
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('shows the tabs, filters, live figures, lift verdicts and tables in German, numbers and dates the German way', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${srv.url}/console/analytics/lift`);
    await page.getByRole('heading', { name: 'Analysen', level: 1 }).waitFor();
    const tabs = await page.getByRole('navigation', { name: 'Berichte' }).getByRole('link').allTextContents();
    assert.deepEqual(tabs, [
      'Trichter',
      'Kampagnen-Lift',
      'Unterhaltungen',
      'Kanäle',
      'Agents',
      'Anrufe',
      'SLA',
    ]);

    // The filter bar: periods with a German plural, its fields.
    const filters = page.getByRole('form', { name: 'Berichtsfilter' });
    await filters.getByRole('button', { name: 'Heute', exact: true }).waitFor();
    await filters.getByRole('button', { name: '7 Tage', exact: true }).waitFor();
    assert.equal(
      await filters.getByRole('button', { name: '30 Tage', exact: true }).getAttribute('aria-pressed'),
      'true',
    );
    await filters.getByLabel('Von', { exact: true }).waitFor();
    const options = await filters.locator('select option:first-child').allTextContents();
    assert.deepEqual(options, ['Alle Websites', 'Alle Kampagnen', 'Alle Skills', 'Alle Agents']);

    // Live: the clock and a count with its German plural.
    const live = page.getByTestId('live-dashboard');
    assert.match(
      (await live.getByText(/^Aktualisiert /).textContent()) ?? '',
      /^Aktualisiert \d{2}:\d{2}:\d{2}$/,
    );
    await page.getByTestId('kpi-visitors').getByText('Besucher auf der Website').waitFor();
    await page.getByTestId('kpi-agents').getByText('Online-Agents', { exact: true }).waitFor();
    // A screen reader hears each CSV link as one German sentence.
    await live.getByRole('link', { name: 'CSV der letzten Stunde herunterladen', exact: true }).waitFor();
    assert.match(
      (await page.getByTestId('kpi-first-response').locator('.kpi-note').textContent()) ?? '',
      /^Durchschnitt heute, \d+ Chats?$/,
    );
    await live.screenshot({ path: `${SHOTS_DIR}/analytics-german-live.png` });

    // Campaign lift: German headers, verdicts, rates with a decimal comma.
    const lift = page.getByTestId('lift-report');
    for (const header of ['Kampagne', 'Angesprochen', 'Kontrolle', 'Relativ', 'p-Wert', 'Urteil'])
      await lift.getByRole('columnheader', { name: header, exact: true }).waitFor();
    await lift
      .getByRole('columnheader', { name: 'Lift der Conversion-Rate (95\u00a0%-Intervall)' })
      .waitFor();
    const verdicts = await lift.locator('tbody .badge').allTextContents();
    assert.ok(verdicts.length > 0, 'the demo’s campaigns have verdicts');
    for (const v of verdicts) assert.ok(GERMAN_VERDICTS.includes(v), `a German verdict: ${v}`);
    const engaged = await lift.locator('tbody tr').first().locator('td').first().textContent();
    assert.match(engaged ?? '', /^\d+,\d{2} %\d/, `a German rate: ${engaged}`);
    assert.match(
      (await lift.locator('tbody tr .cell-sub').first().textContent()) ?? '',
      /^Ziel: (Kauf|Ereignis: .+) · Fenster \d+\u00a0Tage?$/,
    );

    // Nothing cut at 1280 px: the filter bar and the lift table's headers.
    await page.locator('.analytics-reports').screenshot({ path: `${SHOTS_DIR}/analytics-german-lift.png` });
    assert.deepEqual(
      await cutText(
        page,
        '.filter-bar, .filter-bar .segment, .filter-bar .filter, [data-testid="lift-report"] th',
      ),
      [],
    );

    // One campaign in full: its groups and figures, in German.
    await lift.locator('tbody th button').first().click();
    const detail = page.getByTestId('lift-detail');
    await detail.getByRole('columnheader', { name: 'Pro Besucher', exact: true }).waitFor();
    await detail.getByRole('rowheader', { name: 'Angesprochen', exact: true }).waitFor();
    await detail.getByTestId('score-bands').waitFor();
    await detail.screenshot({ path: `${SHOTS_DIR}/analytics-german-lift-detail.png` });
    assert.deepEqual(
      await cutText(page, '[data-testid="lift-detail"] th, [data-testid="lift-detail"] td'),
      [],
    );
    await detail.getByRole('button', { name: 'Schließen' }).click();

    // Conversations: days written the German way, counts with German separators.
    await page.getByTestId('analytics-tab-conversations').click();
    const report = page.getByTestId('conversations-report');
    await report.getByRole('columnheader', { name: 'Erste Antwort' }).waitFor();
    const firstDay = await report.locator('.table-wrap tbody th').first().textContent();
    assert.match(firstDay ?? '', /^\d{1,2}\. [A-ZÄÖÜ][a-zäöü]{2,3}\.? \d{4}$/, `a German date: ${firstDay}`);
    await report.getByRole('heading', { name: 'Pro Tag' }).waitFor();
    await page.locator('.tab-panel').screenshot({ path: `${SHOTS_DIR}/analytics-german-conversations.png` });

    // The funnel: stage names and the like-for-like sentence.
    await page.getByTestId('analytics-tab-funnel').click();
    await page.getByTestId('funnel-report').getByRole('heading', { name: 'Besucher je Stufe' }).waitFor();
    await page.getByTestId('funnel-qualified').getByText('Für eine Kampagne qualifiziert').waitFor();
    await page.getByRole('link', { name: 'CSV des Trichters herunterladen', exact: true }).waitFor();

    // Every tab at 1280 px: no figure, header or card cut or broken mid-word by the longer German.
    const problems: string[] = [];
    for (const tab of ['funnel', 'lift', 'conversations', 'channels', 'agents', 'calls', 'sla']) {
      await page.getByTestId(`analytics-tab-${tab}`).click();
      await page.locator('.tab-panel .report, .tab-panel .empty-state').first().waitFor();
      await page.locator('.tab-panel').screenshot({ path: `${SHOTS_DIR}/analytics-german-${tab}.png` });
      for (const p of await cutText(page, '.tab-panel .table-wrap, .tab-panel th, .tab-panel td, .kpi-card'))
        problems.push(`${tab}: ${p}`);
    }
    assert.deepEqual(problems, []);
    assert.deepEqual(errors, []);
  });

  it('speaks Spanish after a switch in the top bar, without a reload', async () => {
    await page.goto(`${srv.url}/console/analytics/lift`);
    await page.getByTestId('lift-report').waitFor();
    await page.getByTestId('language-select').selectOption('es');
    await page.getByRole('heading', { name: 'Analítica', level: 1 }).waitFor();
    assert.equal(await page.getByTestId('analytics-tab-lift').textContent(), 'Mejora de la campaña');
    await page
      .getByRole('link', { name: 'Descargar CSV de la mejora de las campañas', exact: true })
      .waitFor();
    const lift = page.getByTestId('lift-report');
    await lift.getByRole('columnheader', { name: 'Veredicto', exact: true }).waitFor();
    await page.getByRole('button', { name: '30 días', exact: true }).waitFor();
    const engaged = await lift.locator('tbody tr').first().locator('td').first().textContent();
    assert.match(engaged ?? '', /^\d+,\d{2} %\d/, `a Spanish rate: ${engaged}`);
    await page.locator('.analytics-reports').screenshot({ path: `${SHOTS_DIR}/analytics-spanish-lift.png` });
    // Every tab fits in Spanish too.
    const problems: string[] = [];
    for (const tab of ['funnel', 'lift', 'conversations', 'channels', 'agents', 'calls', 'sla']) {
      await page.getByTestId(`analytics-tab-${tab}`).click();
      await page.locator('.tab-panel .report, .tab-panel .empty-state').first().waitFor();
      await page.locator('.tab-panel').screenshot({ path: `${SHOTS_DIR}/analytics-spanish-${tab}.png` });
      for (const p of await cutText(page, '.filter-bar, .tab-panel .table-wrap, .tab-panel th, .kpi-card'))
        problems.push(`${tab}: ${p}`);
    }
    assert.deepEqual(problems, []);
  });
});
