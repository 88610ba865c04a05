import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { eventually, startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { type ConsolePage, signedInAs } from './helpers/workspace-fixtures.ts';

describe('Settings › Automation in Chromium: a new admin builds a rule, a visitor writes, the log shows it', () => {
  let srv: TestServer;
  let browser: Browser;
  let admin: ConsolePage;
  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    await srv.node.ctx.store.skills.create(srv.demo!.accountId, { name: 'Billing' });
  });
  after(async () => {
    await admin?.context.close();
    await browser?.close();
    await srv?.close();
  });

  it('“when a message contains refund, add tag refund and assign to skill Billing”', async () => {
    admin = await signedInAs(browser, srv, 'admin@demo.beckon.local', '/console/settings/automation');
    const { page } = admin;
    await page.getByTestId('automation-empty').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/automation-empty.png`, fullPage: true });

    await page.getByTestId('automation-empty').getByRole('button', { name: 'New rule' }).click();
    const dialog = page.getByTestId('rule-dialog');
    await dialog.getByLabel('Name').fill('Refunds to Billing');
    await dialog.getByLabel('Trigger').selectOption('message.received');
    await dialog.getByRole('button', { name: 'Add condition' }).click();
    await dialog.getByLabel('Condition 1 type').selectOption('text_contains');
    await dialog.getByLabel('Condition 1 words').fill('refund');
    await dialog.getByLabel('Action 1 type').selectOption('add_tags');
    await dialog.getByLabel('Action 1 tags').fill('refund');
    await dialog.getByRole('button', { name: 'Add action' }).click();
    await dialog.getByLabel('Action 2 type').selectOption('assign_skill');
    await dialog.getByLabel('Action 2 skill').selectOption({ label: 'Billing' });
    const summary = dialog.getByTestId('automation-summary');
    await eventually(
      async () => /assign it to Billing/.test((await summary.textContent()) ?? ''),
      5000,
      'the summary',
    );
    assert.match(
      (await summary.textContent()) ?? '',
      /When a customer writes a message and the text contains “refund”, tag it “refund” and assign it to Billing\./,
    );
    await dialog.screenshot({ path: `${SHOTS_DIR}/automation-editor.png` });
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await dialog.waitFor({ state: 'detached' });
    const card = page.getByTestId('automation-rule');
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', /Refunds to Billing.*On.*Has not fired yet/s);

    // A visitor writes; the rule tags the conversation and moves it to Billing.
    const visitor = await startVisitor(srv, { name: 'Grace', skillId: srv.demo!.skillIds.sales });
    const id = visitor.conversation!.id;
    await visitor.send('Hi, I would like a refund for order 1042');
    const store = srv.node.ctx.store;
    const [rule] = await store.automation.list(srv.demo!.accountId);
    const [done] = await eventually(
      async () => {
        const runs = await store.automation.runs(srv.demo!.accountId, rule!.id);
        return runs[0] && runs[0].status !== 'running' ? runs : null;
      },
      8000,
      'the rule to run',
    );
    assert.equal(done!.status, 'done', JSON.stringify(done));
    assert.equal(done!.conversationId, id);

    await card.getByRole('button', { name: 'Run log' }).click();
    const run = page.getByTestId('run-row').first();
    await run.waitFor();
    assert.match((await run.textContent()) ?? '', /tagged refund.*assigned to skill Billing/s);
    await page.screenshot({ path: `${SHOTS_DIR}/automation-run-log.png`, fullPage: true });

    // The conversation shows the tag in the console.
    await run.getByRole('link').click();
    await page.getByTestId('transcript-tags').waitFor();
    assert.match((await page.getByTestId('transcript-tags').textContent()) ?? '', /refund/);
    await page.screenshot({ path: `${SHOTS_DIR}/automation-conversation.png`, fullPage: true });

    // Turned off, the rule leaves the next conversation alone.
    await page.goto(`${srv.url}/console/settings/automation`);
    await page.getByRole('button', { name: 'Turn off' }).click();
    await page.getByRole('button', { name: 'Turn on' }).waitFor();
    assert.deepEqual(admin.errors, []);
    await visitor.close();
  });

  it('the Slack endpoint form takes a low-rating threshold and SLA breaches', async () => {
    const { page } = admin;
    await page.goto(`${srv.url}/console/settings/webhooks`);
    await page.getByTestId('webhooks-empty').getByRole('button', { name: 'New endpoint' }).click();
    const dialog = page.getByTestId('webhook-dialog');
    await dialog.getByRole('radio', { name: /Slack channel/ }).check();
    await dialog.getByLabel('URL').fill('https://hooks.slack.com/services/T000/B000/XXXX');
    await dialog.getByLabel('Low means a rating of at most (out of 5)').selectOption('3');
    await dialog.getByRole('checkbox', { name: /SLA breach/ }).uncheck();
    await dialog.screenshot({ path: `${SHOTS_DIR}/webhooks-slack.png` });
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByTestId('webhook-row').waitFor();
    const [endpoint] = await srv.node.ctx.store.webhooks.list(srv.demo!.accountId);
    assert.deepEqual(endpoint!.slack, { waitingMinutes: 5, lowCsat: true, lowCsatAt: 3, slaBreach: false });
  });
});
