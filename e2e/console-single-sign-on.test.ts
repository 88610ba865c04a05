import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { startOidcProvider } from '../packages/server/test/helpers/oidc-provider.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';

const CLIENT = { clientId: 'beckon', clientSecret: 'a-client-secret-of-some-length' };

describe('single sign-on in the console, against a real OpenID Connect provider', () => {
  let srv: TestServer;
  let browser: Browser;
  let idp: Awaited<ReturnType<typeof startOidcProvider>>;
  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    idp = await startOidcProvider({
      ...CLIENT,
      redirectUri: `${srv.url}/api/v1/auth/oidc/callback`,
      users: { 'nina.k': { email: 'nina@acme.example', name: 'Nina Kovacs', groups: ['cx-leads'] } },
    });
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
    await idp?.close();
  });

  it('is set up by the owner, then signs a new team member in through the provider with the role of her group', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Single sign-on not set up yet is no error: no console error, no failed request.
    const logged: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') logged.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) logged.push(`${r.status()} ${r.url()}`);
    });

    // The owner fills the form in Settings › Security.
    await page.goto(`${srv.url}/console/`);
    await page.getByLabel('Email').fill(DEMO_ADMIN.email);
    await page.getByLabel('Password').fill(DEMO_ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'Settings' }).first().click();
    await page.getByTestId('settings-tab-security').click();
    const card = page.getByTestId('sso-card');
    assert.equal(
      await card.getByTestId('sso-redirect-uri').textContent(),
      `${srv.url}/api/v1/auth/oidc/callback`,
    );
    await card.getByText('Not set up').waitFor();
    assert.deepEqual(logged, []);
    await card.getByLabel('Issuer URL').fill(idp.issuer);
    await card.getByLabel('E-mail domains').fill('acme.example');
    await card.getByLabel('Client ID').fill(CLIENT.clientId);
    await card.getByLabel('Client secret').fill(CLIENT.clientSecret);
    await card.getByRole('button', { name: 'Add a group' }).click();
    await card.getByLabel('Group 1', { exact: true }).fill('cx-leads');
    await card.getByLabel('Role for group 1', { exact: true }).selectOption('admin');
    await card.getByText('Create people at their first sign-in').click();
    await card.getByRole('button', { name: 'Set up single sign-on' }).click();
    await card.getByRole('button', { name: 'Test the provider' }).click();
    await card.getByText(`The provider answers: ${idp.issuer}`).waitFor();
    await card.screenshot({ path: `${SHOTS_DIR}/security-sso.png` });
    await context.close();

    // A new person of the domain signs in at the provider and lands in the console.
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const nina = await fresh.newPage();
    nina.on('pageerror', (e) => errors.push(e.message));
    await nina.goto(`${srv.url}/console/`);
    await nina.getByRole('button', { name: 'Sign in with single sign-on' }).click();
    await nina.getByLabel('Work email').fill('nina@acme.example');
    await nina.screenshot({ path: `${SHOTS_DIR}/login-sso.png` });
    await nina.getByRole('button', { name: 'Continue' }).click();
    await nina.waitForURL((u) => u.href.startsWith(idp.issuer));
    await nina.locator('input[name="login"]').fill('nina.k');
    await nina.locator('input[name="password"]').fill('anything');
    await nina.getByRole('button', { name: 'Sign-in' }).click();
    await nina.getByRole('button', { name: 'Continue' }).click();
    await nina.waitForURL(`${srv.url}/console/**`);
    await nina.getByText('Nina Kovacs').first().waitFor();

    const owner = new ApiClient(srv.node.app);
    await owner.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    const users = (await owner.get('/api/v1/users')).body.items as Array<{ email: string; role: string }>;
    assert.equal(users.find((u) => u.email === 'nina@acme.example')?.role, 'admin');
    const sessions = (await owner.get('/api/v1/sessions')).body.items as Array<{
      userEmail: string;
      method: string;
    }>;
    assert.equal(sessions.find((s) => s.userEmail === 'nina@acme.example')?.method, 'oidc');
    assert.deepEqual(errors, []);
    await fresh.close();
  });
});
