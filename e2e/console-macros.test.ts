import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { Browser } from 'playwright-core';
import { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { cookieFor, startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { report, seriousViolations } from './helpers/axe.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { type ConsolePage, goOnline, signedInAs } from './helpers/workspace-fixtures.ts';

describe('macros in the console', { timeout: 180_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let admin: ConsolePage;
  let agent: ConsolePage;
  let visitor: VisitorChatClient;

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    [admin, agent] = await Promise.all([
      signedInAs(browser, srv, 'admin@demo.beckon.local', '/console/settings/macros'),
      signedInAs(browser, srv, 'sales@demo.beckon.local'),
    ]);
    await goOnline(agent.page);
    visitor = await startVisitor(srv, {
      skillId: srv.demo!.skillIds.sales,
      name: 'Noor',
      email: 'noor@example.com',
      text: 'I sent the jacket back two weeks ago. Where is my refund?',
    });
  });
  after(async () => {
    await visitor?.close().catch(() => {});
    await browser?.close();
    await srv?.close();
  });

  it('an admin shares a macro from Settings › Macros', async () => {
    const { page } = admin;
    await page.getByTestId('macros-empty').getByRole('button', { name: 'New macro' }).click();
    const dialog = page.getByTestId('macro-dialog');
    await dialog.getByTestId('macro-name').fill('Refund on its way');
    await dialog.getByTestId('macro-shared').check();
    await dialog.getByTestId('macro-reply').fill('Hi {visitor.name}, your refund left us today.');
    await dialog.getByTestId('macro-tags').fill('refund, vip');
    await dialog.getByTestId('macro-then').selectOption('pending');
    await dialog
      .getByTestId('macro-preview')
      .getByText('Hi Maria Gonzales, your refund left us today.')
      .waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}macros-dialog.png` });
    assert.deepEqual(report('macro dialog', await seriousViolations(page)), []);
    await dialog.getByTestId('macro-save').click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByTestId('macro-row').filter({ hasText: 'Refund on its way' });
    await row.getByText('Tag refund, vip').waitFor();
    await row.getByText('Mark pending').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}macros-settings.png` });
    assert.deepEqual(report('macros settings', await seriousViolations(page)), []);
    assert.deepEqual(admin.errors, []);
  });

  it('an agent runs it with the keyboard: the customer gets the reply, the chat shows the tags and Pending', async () => {
    const { page } = agent;
    await page.getByTestId('offer-card').getByRole('button', { name: 'Accept' }).click();
    const chat = page.getByTestId('chat');
    const input = chat.getByTestId('composer-input');
    await input.waitFor();
    // In the composer, m is a letter: it is typed, and no picker opens.
    await input.focus();
    await page.keyboard.type('m');
    assert.equal(await input.inputValue(), 'm');
    assert.equal(await chat.getByTestId('macro-picker').count(), 0);
    await input.fill('');
    // Outside a text field, m opens the macros; so does Alt+M while writing.
    await chat.getByTestId('chat-name').click();
    await page.keyboard.press('m');
    await chat.getByTestId('macro-picker').waitFor();
    await page.keyboard.press('Escape');
    await chat.getByTestId('macro-picker').waitFor({ state: 'detached' });
    await input.focus();
    await page.keyboard.press('Alt+m');
    const search = chat.getByTestId('macro-search');
    await search.waitFor();
    await page.keyboard.type('refund');
    await chat.getByTestId('macro-option').filter({ hasText: 'Refund on its way' }).waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}macros-picker.png` });
    assert.deepEqual(report('macro picker', await seriousViolations(page)), []);
    await page.keyboard.press('Enter');

    const line = await visitor.waitForMessage(
      (m) => m.text === 'Hi Noor, your refund left us today.',
      15_000,
    );
    assert.equal(line.senderName, 'Sales Agent');
    await chat.getByTestId('state-badge').getByText('Pending').waitFor();
    await chat.getByTestId('chat-tags').getByText('refund').waitFor();
    await chat.getByTestId('chat-tags').getByText('vip').waitFor();
    await page.getByText('Ran “Refund on its way”').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}macros-ran.png` });
    assert.deepEqual(agent.errors, []);
  });

  it('the shortcut sheet lists it, and the agents report counts the run', async () => {
    const { page } = agent;
    await page.getByTestId('chat-name').click();
    await page.keyboard.press('?');
    const sheet = page.getByTestId('shortcut-sheet');
    await sheet.getByText('Run a macro on the open chat').waitFor();
    await page.keyboard.press('Escape');
    await admin.page.goto(`${srv.url}/console/analytics/agents`);
    const sales = admin.page.getByTestId('agents-report').locator('tr', { hasText: 'Sales Agent' });
    await sales.getByTestId('agent-macro-runs').waitFor();
    assert.equal((await sales.getByTestId('agent-macro-runs').textContent())?.trim(), '1');
    await admin.page
      .getByTestId('agents-report')
      .screenshot({ path: `${SHOTS_DIR}macros-agents-report.png` });
    assert.deepEqual(admin.errors, []);
  });

  it('a macro whose skill was deleted is refused in the picker, naming it, and nothing is sent', async () => {
    const api = new ApiClient(srv.node.app);
    const session = await cookieFor(srv, 'admin@demo.beckon.local');
    api.cookie = session.cookie;
    api.csrf = session.csrf;
    const skill = await api.post('/api/v1/skills', { name: 'Billing' });
    assert.equal(skill.status, 201);
    const made = await api.post('/api/v1/macros', {
      name: 'Pass to billing',
      shared: true,
      actions: { reply: 'Billing will take it from here.', assign: { skillId: skill.body.id } },
    });
    assert.equal(made.status, 201);
    assert.equal((await api.delete(`/api/v1/skills/${skill.body.id}`)).status, 204);

    const { page } = agent;
    const chat = page.getByTestId('chat');
    await chat.getByTestId('composer-input').focus();
    await page.keyboard.press('Alt+m');
    await chat.getByTestId('macro-search').waitFor();
    await page.keyboard.type('billing');
    // The picker shows the list it read last at once, then reads it again: Enter before the new
    // macro is listed ran nothing (a loaded run failed so). A person presses it on what they see.
    await chat.getByTestId('macro-option').filter({ hasText: 'Pass to billing' }).waitFor();
    await page.keyboard.press('Enter');
    await chat
      .getByTestId('macro-error')
      .getByText(/“Pass to billing”.*deleted/)
      .waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}macros-refused.png` });
    assert.equal(
      await chat.getByTestId('message-list').getByText('Billing will take it from here.').count(),
      0,
    );
    await page.keyboard.press('Escape');
    await chat.getByTestId('macro-picker').waitFor({ state: 'detached' });
    assert.deepEqual(agent.errors, []);
  });
});
