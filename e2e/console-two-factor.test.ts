import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { totpCode } from '../packages/server/src/auth/totp.ts';
import {
  DEMO_AGENT_PASSWORD,
  startTestServer,
  type TestServer,
} from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';

const AGENT = 'sales@demo.beckon.local';

describe('two-factor sign-in in the console', () => {
  let srv: TestServer;
  let browser: Browser;
  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  const signIn = async (page: Page) => {
    await page.goto(`${srv.url}/console/`);
    await page.getByLabel('Email').fill(AGENT);
    await page.getByLabel('Password').fill(DEMO_AGENT_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
  };

  /** The page's console socket is open: the status switch can be used. */
  const consoleOpen = (page: Page) => page.locator('[data-testid="status-switch"]:not([disabled])').waitFor();
  const ENDED = 'Your session has ended. Log in again to continue.';
  it('is set up from Settings › Security, then asks for the app’s code at the next sign-in', async () => {
    // A laptop where the agent signed in earlier, its console open.
    const before = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const laptop = await before.newPage();
    await signIn(laptop);
    await consoleOpen(laptop);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page);
    await page.getByRole('link', { name: 'Settings' }).first().click();
    await page.getByTestId('settings-tab-security').click();
    await page.getByTestId('totp-start').click();
    await page.getByText("Can't scan it? Type the key instead").click();
    const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s+/g, '');
    assert.match(secret, /^[A-Z2-7]{32}$/);
    const qr = page.getByAltText('QR code for your authenticator app');
    await qr.waitFor();
    // A function, not a string: the console's CSP allows no eval.
    const qrWidth = await qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    assert.ok(Number(qrWidth) > 0, 'the QR code renders');
    await page.screenshot({ path: `${SHOTS_DIR}/security-totp-setup.png`, fullPage: true });

    await page.getByTestId('totp-code').fill(totpCode(secret, Date.now()));
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    const codes = page.getByTestId('recovery-codes').locator('code');
    await codes.first().waitFor();
    assert.equal(await codes.count(), 10);
    assert.equal(
      await page.getByTestId('totp-state').textContent(),
      'On',
      'while the recovery codes are shown, two-factor sign-in is already on',
    );
    await page.screenshot({ path: `${SHOTS_DIR}/security-recovery-codes.png`, fullPage: true });
    await page.getByRole('button', { name: 'I saved them' }).click();
    assert.equal(await page.getByTestId('totp-state').textContent(), 'On');
    // The laptop signed in without the second factor: its console goes to the sign-in page by itself.
    // (The frame that tells a socket so, and its 4401, are checked in security-session-ends.test.ts.
    // Here the console may be between two sockets when it happens; either way it must say so.)
    await laptop.getByText(ENDED).waitFor();
    await before.close();
    await page.getByTestId('my-sessions').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/security-tab.png`, fullPage: true });

    // A second browser: the password is not enough; the app's next code is.
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const phone = await other.newPage();
    await signIn(phone);
    await phone.getByTestId('login-second-factor').waitFor();
    await phone
      .getByLabel('Authentication code')
      .fill('000000' === totpCode(secret, Date.now() + 30_000) ? '111111' : '000000');
    await phone.getByRole('button', { name: 'Verify and log in' }).click();
    await phone.getByText(/wrong code/i).waitFor();
    await phone.screenshot({ path: `${SHOTS_DIR}/login-second-factor.png` });
    await phone.getByLabel('Authentication code').fill(totpCode(secret, Date.now() + 30_000));
    await phone.getByRole('button', { name: 'Verify and log in' }).click();
    await phone.getByRole('link', { name: 'Settings' }).first().waitFor();
    await consoleOpen(phone);

    // The first browser sees the second session and signs it out.
    await page.reload();
    const rows = page.getByTestId('my-sessions').getByTestId('session-row');
    await rows.nth(1).waitFor();
    await rows
      .filter({ hasNot: page.getByText('This device') })
      .getByRole('button', { name: /Sign out/ })
      .click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Sign out' }).click();
    await rows.nth(1).waitFor({ state: 'detached' });
    assert.equal(await rows.count(), 1);
    // Its open console learns it at once, on its socket, without a reload.
    await phone.getByText(ENDED).waitFor();
    assert.deepEqual(errors, []);
    await other.close();
    await context.close();
  });
});
