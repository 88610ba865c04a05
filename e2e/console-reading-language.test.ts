import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { LibreTranslateServer } from '../packages/server/test/helpers/libretranslate-server.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { signedInAs } from './helpers/workspace-fixtures.ts';

describe('an agent’s reading language, the LibreTranslate key and what the model may be sent, in the console', {
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

  it('an admin keeps suggestions away from the model: the box unticked is saved and shown again', async () => {
    const { page, errors } = await signedInAs(
      browser,
      srv,
      'admin@demo.beckon.local',
      '/console/settings/assist',
    );
    const uses = page.getByTestId('assist-model-uses');
    assert.equal(await uses.count(), 0, 'no model, nothing to choose');
    const card = page.getByTestId('assist-card');
    await card.getByLabel('Base URL', { exact: true }).fill('http://127.0.0.1:9/v1');
    await card.getByLabel('Model', { exact: true }).fill('local-7b');
    await page.getByRole('group', { name: 'What the model may be sent' }).waitFor();
    const suggestions = uses.getByRole('checkbox', { name: 'Suggested replies' });
    assert.equal(await suggestions.isChecked(), true, 'every use is allowed by default');
    await suggestions.focus();
    await page.keyboard.press('Space');
    await card.getByRole('button', { name: 'Save' }).click();
    await card.getByRole('status').getByText(/Saved/).waitFor();
    const settings = await srv.node.ctx.store.assist.get(srv.demo!.accountId);
    assert.deepEqual(settings.modelUses, ['summaries', 'translation', 'intent']);
    await page.screenshot({ path: `${SHOTS_DIR}assist-model-uses.png`, fullPage: true });
    await page.reload();
    const again = page.getByTestId('assist-model-uses');
    assert.equal(await again.getByRole('checkbox', { name: 'Suggested replies' }).isChecked(), false);
    assert.equal(await again.getByRole('checkbox', { name: 'Summaries' }).isChecked(), true);
    assert.deepEqual(errors, []);
  });
});
