import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { type ConsolePage, signedInAs } from './helpers/workspace-fixtures.ts';

describe('Settings › Audit log and Retention in Chromium', () => {
  let srv: TestServer;
  let browser: Browser;
  let owner: ConsolePage;
  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([
      startTestServer({ demo: true, env: { BECKON_RETENTION: '0' } }),
      launchBrowser(),
    ]);
    const api = new ApiClient(srv.node.app);
    await api.login('admin@demo.beckon.local', 'x-wrong-password');
  });
  after(async () => {
    await owner?.context.close();
    await browser?.close();
    await srv?.close();
  });

  it('lists changes with readable names, filters them, and offers the CSV', async () => {
    owner = await signedInAs(browser, srv, 'admin@demo.beckon.local', '/console/settings/skills');
    const { page } = owner;
    // make a change through the console's own API calls, as the signed-in owner
    const status = await page.evaluate(async () => {
      const me = (await (await fetch('/api/v1/me')).json()) as { csrfToken: string };
      const r = await fetch('/api/v1/skills', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({ name: 'Warranty claims' }),
      });
      return r.status;
    });
    assert.equal(status, 201);
    await page.goto(`${srv.url}/console/settings/audit-log`);
    const created = page.locator('[data-testid="audit-row"][data-action="skill.created"]');
    await created.waitFor();
    assert.match((await created.textContent()) ?? '', /Skill created/);
    assert.match((await created.textContent()) ?? '', /Warranty claims/);
    const failed = page.locator('[data-testid="audit-row"][data-action="auth.sign_in_failed"]');
    assert.match((await failed.textContent()) ?? '', /Sign-in failed/);
    await page.screenshot({ path: `${SHOTS_DIR}/audit-log.png`, fullPage: true });

    // Every two-factor step can be looked for, turning it off and starting its set-up included.
    const offered = await page.getByLabel('Action').locator('option').allTextContents();
    for (const label of [
      'Two-factor sign-in setup started',
      'Two-factor sign-in enabled',
      'Two-factor sign-in disabled',
      'Two-factor sign-in recovery codes renewed',
      'Two-factor sign-in reset',
    ])
      assert.ok(offered.includes(label), `the action filter offers “${label}”`);
    await page.getByLabel('Action').selectOption('auth.sign_in_failed');
    await page
      .locator('[data-testid="audit-row"][data-action="skill.created"]')
      .waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('audit-row').count(), 1);
    const href = await page.getByTestId('audit-csv').getAttribute('href');
    assert.match(href ?? '', /export\.csv\?action=auth\.sign_in_failed/);

    await page.getByLabel('To').fill('2020-01-02');
    await page.getByLabel('From').fill('2020-01-01');
    await page.getByTestId('audit-empty').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/audit-log-empty.png`, fullPage: true });
  });

  it('shows and saves the retention limits, with keep-forever', async () => {
    const { page } = owner;
    await page.goto(`${srv.url}/console/settings/audit-log`);
    await page.getByTestId('open-retention').click();
    const form = page.getByTestId('retention-form');
    await form.waitFor();
    await page.getByLabel('Events').fill('90');
    await page.getByTestId('retention-audit').getByLabel('Keep forever').check();
    await page.screenshot({ path: `${SHOTS_DIR}/retention.png`, fullPage: true });
    await page.getByRole('button', { name: 'Save limits' }).click();
    await page.getByText('Saved. The next sweep applies these limits.').waitFor();
    const api = new ApiClient(srv.node.app);
    await api.login('admin@demo.beckon.local', 'demo-admin-pw');
    const policy = (await api.get('/api/v1/account/retention')).body.policy;
    assert.equal(policy.events, 90);
    assert.equal(policy.audit, 0);
  });
});
