import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { isControl } from '@beckon/core';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { Browser } from 'playwright-core';
import { connectAgent } from '../packages/server/test/helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { demoAdmin, recordFrames, sentEvents, until } from './helpers/tag-fixtures.ts';

// The product waits 30 s on checkout; this test configuration waits 3 s (the campaign is seeded with it).
const HESITATION_S = 3;
// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  process.env.BECKON_DEMO_HESITATION_SECONDS = String(HESITATION_S);
  process.env.BECKON_CAPACITY_TTL_MS = '100';
});

const MESSAGE = 'Any questions before you order? Our sales team is here to help.';

describe('the demo store’s “Checkout hesitation” campaign (Chromium)', () => {
  let srv: TestServer;
  let browser: Browser;
  let sales: AgentChatClient;
  let visitorId: string;
  before(async () => {
    ensureTagBuilt();
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    const admin = await demoAdmin(srv);
    const campaigns: { id: string; name: string; controlShare: number }[] = (
      await admin.get('/api/v1/campaigns')
    ).body.items;
    const hesitation = campaigns.find((c) => c.name === 'Checkout hesitation')!;
    // The product keeps its 20 % control group; this shopper's stable hash simply lands in the exposed 80 %.
    visitorId = Array.from({ length: 100 }, (_, i) => `e2e-shopper-${i}`).find(
      (id) => !isControl(id, hesitation.id, hesitation.controlShare),
    )!;
    // The Sales agent has the console open and is online, so a chat can be offered.
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
    mkdirSync(SHOTS_DIR, { recursive: true });
  });
  after(async () => {
    await sales?.disconnect();
    await browser?.close();
    await srv?.close();
  });

  it('invites a shopper who lingers at checkout with more than $100 in the cart, naming the agent', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(`localStorage.setItem('beckon.vid', ${JSON.stringify(visitorId)})`);
    const page = await context.newPage();
    const log = recordFrames(page);
    const base = `${srv.url}/demo`;
    const invitation = page.locator('beckon-widget').getByRole('alertdialog');

    await page.goto(`${base}/`);
    await page.getByRole('link', { name: 'Shop the collection' }).click();
    await page
      .getByRole('link', { name: /Oak Desk Lamp/ })
      .first()
      .click();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByText('Added 1 to your cart').waitFor();
    await page.getByRole('link', { name: /Cart/ }).first().click();
    await page.getByRole('heading', { name: 'Your cart' }).waitFor();
    // On the way there only the demo's chat button, waiting in the corner.
    await page.locator('beckon-widget').getByRole('button', { name: 'Chat with us' }).waitFor();
    assert.equal(await invitation.count(), 0, 'no invitation on the way there');
    await page.getByRole('link', { name: 'Checkout' }).click();
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();

    await invitation.waitFor({ timeout: 15_000 });
    const invitedAt = Date.now();
    // Time on checkout counts from the page's own page view (the browser's clock is this machine's):
    // the heading can show a second after it on a loaded machine.
    const view = await until(
      () => sentEvents(log).find((e) => e.type === 'page_view' && String(e.url).includes('/checkout')),
      'the checkout page view on the wire',
    );
    const waited = invitedAt - Number(view.ts);
    assert.ok(waited >= (HESITATION_S - 0.5) * 1000, `invited after ${waited} ms on checkout, not before`);
    await invitation.getByText(MESSAGE).waitFor();
    await invitation.getByText('Sales Agent').waitFor();
    await invitation.getByRole('button', { name: 'Start chat' }).waitFor();
    // The invitation comes although the chat button came first: a button holds nothing back.
    const engage = await until(
      () => log.received.find((f) => f.type === 'engage' && f.engagement.type !== 'chat_button'),
      'the engage frame on the wire',
    );
    assert.equal(engage.engagement.type, 'chat_invitation');
    assert.equal(engage.engagement.skillId, srv.demo!.skillIds.sales);
    assert.equal(engage.agentName, 'Sales Agent');
    assert.equal(
      log.sent.find((f) => f.type === 'hello')?.visitorId,
      visitorId,
      'the shopper the test picked',
    );
    await page.waitForTimeout(400); // entrance animation
    await page.screenshot({ path: `${SHOTS_DIR}demo-checkout-hesitation-1280.png` });
    await context.close();
  });
});
