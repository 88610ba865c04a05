import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { newId } from '../packages/server/src/ids.ts';
import { cookieFor, eventually, startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { WebhookReceiver } from '../packages/server/test/helpers/webhook-receiver.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { brokenText } from './helpers/layout.ts';

/** A training run at a known minute, so its date reads the same in every run (the browser runs in UTC). */
const TRAINED_AT = Date.parse('2026-03-05T14:07:00Z');
/** "05.03.2026, 14:07": a date and time written the German way. */
const GERMAN_DATE_TIME = /^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/;

describe('Settings in German and Spanish: all its tabs from webhooks to automation', {
  timeout: 120_000,
}, () => {
  let srv: TestServer;
  let browser: Browser;
  let rx: WebhookReceiver;
  let session: Awaited<ReturnType<typeof cookieFor>>;

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    rx = await WebhookReceiver.start();
    [srv, browser] = await Promise.all([
      startTestServer({ demo: true, env: { BECKON_WEBHOOKS_ALLOW_PRIVATE: '1' } }),
      launchBrowser(),
    ]);
    session = await cookieFor(srv, DEMO_ADMIN.email);
    await srv.node.ctx.store.models.add({
      id: 'mdl_german_test',
      account_id: session.accountId,
      status: 'rejected',
      trigger: 'manual',
      model: '{}',
      sessions: 1234,
      purchases: 56,
      holdout_sessions: 247,
      auroc: 0.8123,
      aupr: 0.4,
      brier: 0.1,
      baseline_auroc: 0.85,
      message: 'Did worse than the model in use.',
      trained_at: TRAINED_AT,
      activated_at: null,
    });
    // An agent who set up two-factor sign-in and changed their mind: the longest action names.
    // …and is signed in elsewhere, so the owner's list of everyone's sessions has a second member.
    const { userId } = await cookieFor(srv, 'sales@demo.beckon.local');
    await srv.node.ctx.store.audit.append(
      ['totp.setup_started', 'totp.enabled', 'totp.recovery_codes_renewed', 'totp.disabled'].map(
        (action, i) => ({
          id: newId('aud'),
          account_id: session.accountId,
          at: Date.now() - (10 - i) * 60_000,
          actor_type: 'user',
          actor_id: userId,
          actor_label: 'sales@demo.beckon.local',
          actor_role: 'agent',
          auth_method: 'password+totp',
          ip: '203.0.113.77',
          user_agent:
            'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
          action,
          target_type: 'user',
          target_id: userId,
          summary: null,
        }),
      ),
    );
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
    await rx?.close();
  });

  /** A write with the session cookie and its CSRF token. */
  const api = (method: string, path: string, body: unknown) =>
    fetch(`${srv.url}${path}`, {
      method,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const setLanguage = async (language: 'de' | 'es') =>
    assert.equal((await api('PUT', '/api/v1/me/console-language', { language })).status, 204);

  /**
   * What does not fit at 1280 px: a page that scrolls sideways, buttons, headings, table headers,
   * badges and labels whose text is cut, and words broken over two lines.
   */
  const cut = async (page: Page) => [
    ...(await page.evaluate<string[]>(`(() => {
      const out = [];
      if (document.documentElement.scrollWidth > window.innerWidth) out.push('the page scrolls sideways');
      // A table's cells hold data (URLs, JSON) that may wrap: only a table cut short counts.
      for (const el of document.querySelectorAll('main .table-wrap'))
        if (el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
          out.push('cut: “' + el.textContent.slice(0, 80) + '”');
      return out;
    })()`)),
    ...(await brokenText(
      page,
      'main button, main h1, main h2, main h3, main th, main .badge, main label, main legend',
    )),
  ];

  async function open(page: Page, tab: string, heading: string) {
    await page.goto(`${srv.url}/console/settings/${tab}`);
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
  }

  it('a German admin reads each tab in German, with German dates and numbers, nothing cut', async () => {
    await setLanguage('de');
    const context = await browser.newContext({
      locale: 'de-DE',
      timezoneId: 'UTC',
      viewport: { width: 1280, height: 900 },
    });
    const [name, value] = session.cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: srv.url }]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    // Webhooks: the empty state, then an endpoint with a delivery whose time reads the German way.
    await open(page, 'webhooks', 'Webhooks');
    assert.equal(await page.locator('html').getAttribute('lang'), 'de');
    const empty = page.getByTestId('webhooks-empty');
    await empty.getByText('Noch keine Webhooks').waitFor();
    await empty.getByRole('button', { name: 'Neuer Endpunkt' }).waitFor();
    assert.deepEqual(await cut(page), []);
    const created = await api('POST', '/api/v1/webhooks', {
      url: rx.url,
      events: ['conversation.created', 'message.created'],
    });
    assert.equal(created.status, 201);
    const visitor = await startVisitor(srv, { name: 'Greta' });
    await visitor.send('Liefern Sie nach Österreich?');
    await eventually(() => rx.received.find((r) => r.body.includes('Österreich')));
    await visitor.close();
    await page.reload();
    const row = page.getByTestId('webhook-row');
    await row.getByText('2 Ereignisse', { exact: true }).waitFor();
    await row.getByText('An', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Zustellungen' }).click();
    const delivery = page.getByTestId('delivery-row').first();
    await delivery.getByText('zugestellt').waitFor();
    assert.match((await delivery.locator('time').getAttribute('title')) ?? '', GERMAN_DATE_TIME);
    await page.getByRole('columnheader', { name: 'Versuche' }).waitFor();
    await page.getByRole('button', { name: 'Aktualisieren' }).waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/settings-german-webhooks.png`, fullPage: true });
    assert.deepEqual(await cut(page), []);

    // A refusal by the server reads in German too: a second skill with the name of the first.
    await open(page, 'skills', 'Skills');
    await page.getByRole('button', { name: 'Neuer Skill' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('Sales');
    await dialog.getByRole('button', { name: 'Skill anlegen' }).click();
    await dialog
      .getByTestId('form-error')
      .getByText('Ein Skill namens "Sales" existiert bereits.', { exact: true })
      .waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/settings-german-skill-refused.png` });
    await dialog.getByRole('button', { name: 'Abbrechen' }).click();

    // Orders: heading, empty state, the checkout snippets' hints.
    await open(page, 'orders', 'Bestellungen aus Ihrem Shop');
    await page.getByTestId('orders-empty').getByText('Kein Shop verbunden').waitFor();
    await page.getByRole('button', { name: 'Shop verbinden' }).waitFor();
    await page.getByRole('heading', { name: 'Besucher-ID durch den Checkout reichen' }).waitFor();
    await page.getByRole('heading', { name: 'Jeder Shop: von Ihrem Server' }).waitFor();
    assert.deepEqual(await cut(page), []);
    await page.screenshot({ path: `${SHOTS_DIR}/settings-german-orders.png`, fullPage: true });

    // Model: the training run, its date and numbers the German way.
    await open(page, 'model', 'Kaufmodell');
    await page.getByRole('heading', { name: 'Aktives Modell' }).waitFor();
    await page.getByTestId('model-train').getByText('Jetzt trainieren').waitFor();
    const run = page.getByTestId('model-history').locator('tbody tr').first();
    await run.getByText('Vorheriges Modell behalten').waitFor();
    const runText = ((await run.textContent()) ?? '').replace(/\s/g, ' ');
    assert.match(runText, /05\.03\.2026, 14:07 · manuell/);
    assert.match(runText, /1\.234/);
    assert.match(runText, /0,812/);
    assert.match((await page.getByTestId('model-auroc').textContent()) ?? '', /^0,\d{3}$/);
    assert.deepEqual(await cut(page), []);
    await page.screenshot({ path: `${SHOTS_DIR}/settings-german-model.png`, fullPage: true });

    // Audit log: the endpoint's creation, its action and date in German; the retention dialog.
    await open(page, 'audit-log', 'Protokoll');
    const entry = page.locator('[data-testid="audit-row"][data-action="webhook.created"]');
    await entry.getByText('Webhook angelegt').waitFor();
    await entry.getByText('Inhaber · Passwort').waitFor();
    assert.match((await entry.locator('time').getAttribute('title')) ?? '', GERMAN_DATE_TIME);
    await page.getByRole('columnheader', { name: 'Wer' }).waitFor();
    await page.getByRole('link', { name: 'CSV exportieren' }).waitFor();
    await page.locator('[data-testid="audit-row"][data-action="totp.recovery_codes_renewed"]').waitFor();
    assert.deepEqual(await cut(page), []);
    await page.screenshot({ path: `${SHOTS_DIR}/settings-german-audit.png`, fullPage: true });
    await page.getByRole('button', { name: 'Datenaufbewahrung' }).click();
    const retention = page.getByTestId('retention-dialog');
    await retention.getByText('Anrufaufzeichnungen').waitFor();
    await retention
      .getByText(/Standard: 13 Monate\./)
      .first()
      .waitFor();
    await retention.getByRole('button', { name: 'Fristen speichern' }).waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/settings-german-retention.png` });

    // Security: two-factor sign-in, this device's session with its sign-in date, single sign-on.
    await open(page, 'security', 'Sicherheit');
    await page.getByTestId('totp-card').getByText('Aus', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Anmeldung in zwei Schritten einrichten' }).waitFor();
    const here = page.locator('[data-testid="my-sessions"] [data-testid="session-row"][data-current]');
    await here.getByText('Dieses Gerät').waitFor();
    await here.getByText('Jetzt', { exact: true }).waitFor();
    assert.match(
      (await here.locator('time').getAttribute('title')) ?? '',
      /^Angemeldet am \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/,
    );
    await page.getByTestId('sso-card').getByText('Nicht eingerichtet').waitFor();
    await page.getByRole('button', { name: 'Single Sign-on einrichten' }).waitFor();
    await page.locator('[data-testid="all-sessions"] [data-testid="session-row"]').nth(1).waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/settings-german-security.png`, fullPage: true });
    assert.deepEqual(await cut(page), []);
    // On a phone the longest German label wraps inside its button: the page never scrolls sideways.
    await page.setViewportSize({ width: 375, height: 800 });
    await page.getByRole('button', { name: 'Anmeldung in zwei Schritten einrichten' }).waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/settings-german-security-phone.png`, fullPage: true });
    assert.deepEqual(
      await page.evaluate(`(() => {
        const out = [];
        if (document.documentElement.scrollWidth > window.innerWidth) out.push('the page scrolls sideways');
        for (const b of document.querySelectorAll('main button, main td[data-label] > *')) {
          if (b.offsetParent === null) continue;
          const box = b.getBoundingClientRect();
          if (box.right > b.closest('.card').getBoundingClientRect().right || b.scrollWidth > b.clientWidth + 1)
            out.push('cut: “' + b.textContent + '”');
        }
        return out;
      })()`),
      [],
    );
    await page.setViewportSize({ width: 1280, height: 900 });

    // Bots and their knowledge base.
    await open(page, 'bots', 'Bots');
    await page.getByRole('button', { name: 'Neuer Bot' }).first().waitFor();
    await page
      .getByText('Noch keine Bots')
      .or(page.getByRole('columnheader', { name: 'Übergibt nach' }))
      .waitFor();
    assert.deepEqual(await cut(page), []);
    await page.screenshot({ path: `${SHOTS_DIR}/settings-german-bots.png`, fullPage: true });
    await open(page, 'knowledge', 'Wissensdatenbank');
    await page.getByRole('heading', { name: 'Frage ausprobieren' }).waitFor();
    await page.getByRole('heading', { name: 'Generierte Antworten' }).waitFor();
    assert.deepEqual(await cut(page), []);
    await page.screenshot({ path: `${SHOTS_DIR}/settings-german-knowledge.png`, fullPage: true });

    // Automation: the empty state, and a new rule read back in German words.
    await open(page, 'automation', 'Automatisierung');
    await page.getByTestId('automation-empty').getByText('Noch keine Regeln').waitFor();
    await page.getByTestId('automation-empty').getByRole('button', { name: 'Neue Regel' }).click();
    const rule = page.getByTestId('rule-dialog');
    await rule.getByRole('heading', { name: 'Neue Regel' }).waitFor();
    await rule.getByLabel('Aktion 1: Tags', { exact: true }).fill('erstattung');
    assert.equal(
      await rule.getByTestId('automation-summary').textContent(),
      'In WortenWenn ein Kunde eine Nachricht schreibt: mit „erstattung“ taggen.',
    );
    await page.screenshot({ path: `${SHOTS_DIR}/settings-german-automation.png` });
    assert.deepEqual(await cut(page), []);

    assert.deepEqual(errors, []);
    await context.close();
  });

  it('a Spanish admin reads the audit log and the webhooks in Spanish', async () => {
    await setLanguage('es');
    const context = await browser.newContext({
      locale: 'es-ES',
      timezoneId: 'UTC',
      viewport: { width: 1280, height: 900 },
    });
    const [name, value] = session.cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: srv.url }]);
    const page = await context.newPage();
    await open(page, 'audit-log', 'Registro de auditoría');
    await page
      .locator('[data-testid="audit-row"][data-action="webhook.created"]')
      .first()
      .getByText('Webhook creado')
      .waitFor();
    await page.locator('[data-testid="audit-row"][data-action="totp.recovery_codes_renewed"]').waitFor();
    assert.deepEqual(await cut(page), []);
    await page.screenshot({ path: `${SHOTS_DIR}/settings-spanish-audit.png`, fullPage: true });
    await page.getByRole('button', { name: 'Conservación de datos' }).waitFor();
    await open(page, 'webhooks', 'Webhooks');
    await page.getByTestId('webhook-row').getByRole('button', { name: 'Entregas' }).waitFor();
    assert.deepEqual(await cut(page), []);
    await page.screenshot({ path: `${SHOTS_DIR}/settings-spanish-webhooks.png`, fullPage: true });
    await context.close();
  });
});
