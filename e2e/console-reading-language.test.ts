import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { LibreTranslateServer } from '../packages/server/test/helpers/libretranslate-server.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { signedInAs } from './helpers/workspace-fixtures.ts';

describe('an agent’s reading language and the LibreTranslate key in the console', {
  timeout: 120_000,
}, () => {
  let srv: TestServer;
  let browser: Browser;
  let lt: LibreTranslateServer;

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser, lt] = await Promise.all([
      startTestServer({ demo: true }),
      launchBrowser(),
      LibreTranslateServer.start(),
    ]);
  });
  after(async () => {
    await lt?.close();
    await browser?.close();
    await srv?.close();
  });

  it('an agent chooses French in Settings › Profile; it is kept for them and back to the console’s on reload', async () => {
    const { page, errors } = await signedInAs(
      browser,
      srv,
      'sales@demo.beckon.local',
      '/console/settings/profile',
    );
    const card = page.getByTestId('reading-language-card');
    const select = card.getByTestId('reading-language-select');
    assert.equal(await select.inputValue(), '', 'the console’s language until chosen');
    await select.selectOption('fr');
    await card.getByRole('button', { name: 'Save' }).click();
    await card.getByRole('status').getByText(/Saved/).waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}profile-reading-language.png` });
    const id = await page.evaluate(
      async () => ((await (await fetch('/api/v1/me')).json()) as { user: { id: string } }).user.id,
    );
    assert.equal((await srv.node.ctx.store.users.languages(srv.demo!.accountId, id)).reading, 'fr');
    await page.reload();
    assert.equal(await page.getByTestId('reading-language-select').inputValue(), 'fr');
    assert.deepEqual(errors, []);
  });

  it('an admin stores a LibreTranslate key: the field says one is kept, never shows it', async () => {
    const { page, errors } = await signedInAs(
      browser,
      srv,
      'admin@demo.beckon.local',
      '/console/settings/assist',
    );
    await page.getByTestId('assist-translation-provider').selectOption('libretranslate');
    await page.getByTestId('assist-translation-url').fill(lt.baseUrl);
    await page.getByTestId('assist-translation-key').fill('lt-secret-key');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').getByText(/Saved/).waitFor();
    const settings = await srv.node.ctx.store.assist.get(srv.demo!.accountId);
    assert.equal(settings.translation.hasApiKey, true);
    assert.equal(await page.getByTestId('assist-translation-key').inputValue(), '');
    await page.getByText('A key is stored, sealed. Type a new one to replace it.').last().waitFor();
    await page.getByText('Remove the stored LibreTranslate key').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}assist-libretranslate-key.png`, fullPage: true });
    assert.ok(!(await page.content()).includes('lt-secret-key'));
    assert.deepEqual(errors, []);
  });
});
