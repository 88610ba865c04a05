import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { Browser } from 'playwright-core';
import { connectAgent, startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { type ConsolePage, signedInAs } from './helpers/workspace-fixtures.ts';

const SALES = 'sales@demo.beckon.local';

describe('wallboard in Chromium: a waiting chat and an online agent appear live', {
  timeout: 180_000,
}, () => {
  let srv: TestServer;
  let browser: Browser;
  let admin: ConsolePage;
  let agent: AgentChatClient | undefined;
  let visitor: VisitorChatClient | undefined;

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
  });
  after(async () => {
    await visitor?.close();
    await agent?.disconnect();
    await admin?.context.close();
    await browser?.close();
    await srv?.close();
  });

  it('shows the sales queue and the sales agent, then the agent online and a chat waiting, within a refresh', async () => {
    admin = await signedInAs(browser, srv, DEMO_ADMIN.email, '/console/visitors');
    const { page } = admin;
    await page.setViewportSize({ width: 1280, height: 900 });
    // Keyboard: the nav entry is a link reached and followed without a mouse.
    await page.getByTestId('nav-wallboard').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Wallboard', level: 1 }).waitFor();

    const salesSkill = srv.demo!.skillIds.sales;
    const card = page.getByTestId(`wallboard-skill-${salesSkill}`);
    await card.getByTestId('waiting').getByText('0', { exact: true }).waitFor();
    const salesUser = (await srv.node.ctx.store.users.findForLogin(SALES))!.user;
    const row = page.getByTestId(`wallboard-agent-${salesUser.id}`);
    await row.getByText('Offline', { exact: true }).waitFor();

    agent = await connectAgent(srv, SALES);
    await row.getByText('Online', { exact: true }).waitFor({ timeout: 15_000 });
    visitor = await startVisitor(srv, {
      name: 'Grace',
      skillId: salesSkill,
      text: 'Is the blue kettle in stock?',
    });
    await card.getByTestId('waiting').getByText('1', { exact: true }).waitFor({ timeout: 15_000 });
    await row.getByText('+1 offered').waitFor({ timeout: 15_000 });
    assert.equal(await row.getByText('console closed').count(), 0, 'the agent’s socket counts as a console');
    assert.equal(await card.getAttribute('class'), 'wallboard-card', 'no targets on Sales: never red');

    // Support gets a 1-minute target (and no overflow), and a chat that has waited 90 s: its card turns red.
    const supportSkill = srv.demo!.skillIds.support;
    const { store } = srv.node.ctx;
    await store.db
      .updateTable('skills')
      .set({
        sla_targets: JSON.stringify({ normal: { firstResponseSeconds: 60, resolutionSeconds: null } }),
        max_wait_seconds: 3600,
      })
      .where('id', '=', supportSkill)
      .execute();
    await store.conversations.create(
      {
        accountId: srv.demo!.accountId,
        siteId: null,
        visitorId: null,
        source: 'api',
        skillId: supportSkill,
        status: 'queued',
        channel: 'web',
        priority: 0,
        visitorName: 'Ada',
        tokenHash: 'wallboard-e2e',
      },
      Date.now() - 90_000,
    );
    const support = page.getByTestId(`wallboard-skill-${supportSkill}`);
    await support.getByText('1 waiting past the first-response target').waitFor({ timeout: 15_000 });
    assert.equal(await support.getAttribute('class'), 'wallboard-card wallboard-card-alert');
    await page.screenshot({ path: `${SHOTS_DIR}wallboard-1280.png`, fullPage: true });
    assert.deepEqual(admin.errors, []);
  });

  it('has no wallboard for agents: no nav entry, and the page says who it is for', async () => {
    const sales = await signedInAs(browser, srv, SALES, '/console/wallboard');
    await sales.page.getByTestId('wallboard-forbidden').waitFor();
    assert.equal(await sales.page.getByTestId('nav-wallboard').count(), 0);
    await sales.context.close();
  });
});
