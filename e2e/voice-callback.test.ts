import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { chatOf } from '../packages/server/src/conversations/chat-module.ts';
import { engagementOf } from '../packages/server/src/engagement/engagement-runtime.ts';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { demoAdmin, until } from './helpers/tag-fixtures.ts';
import { goOnline, signedInAs } from './helpers/workspace-fixtures.ts';

const PHONE = '+44 20 7946 0958';

describe('a callback asked for from the page, with no chat before it (Chromium)', {
  timeout: 240_000,
}, () => {
  let srv: TestServer;
  let browser: Browser;
  let admin: ApiClient;
  before(async () => {
    ensureTagBuilt();
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    admin = await demoAdmin(srv);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('no agent free: the call button becomes "Call me back"; the task comes at its time, the agent dials and records the outcome, and it shows in history and the calls report', async () => {
    // Only this campaign runs: a call on the lamp's page that offers a callback while no one can answer.
    const { items } = (await admin.get('/api/v1/campaigns')).body as { items: { id: string }[] };
    for (const c of items) await admin.patch(`/api/v1/campaigns/${c.id}`, { status: 'paused' });
    const created = await admin.post('/api/v1/campaigns', {
      name: 'Call about lamps',
      status: 'active',
      goal: { type: 'purchase' },
      targeting: { field: 'page.url', op: 'contains', value: 'product-lamp' },
      engagement: { type: 'call', skillId: srv.demo!.skillIds.sales, offline: 'callback' },
      controlShare: 0,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));

    // No agent is online: the visitor is offered "Call me back" instead of "Call us".
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${srv.url}/demo/product-lamp`);
    const widget = page.locator('beckon-widget');
    await widget.getByRole('button', { name: 'Call me back' }).click();
    const panel = widget.getByRole('dialog');
    const form = panel.getByRole('form', { name: 'Ask for a callback' });
    // A number that is none is refused next to its field, before anything is sent.
    await form.getByLabel('Phone number').fill('call me');
    await form.getByRole('button', { name: 'Call me back' }).click();
    await form.getByText('Enter a phone number like +44 20 7946 0958.').waitFor();
    // Not "As soon as possible" (the default while the skill is open): the suggested time, later.
    await form.getByLabel('When').selectOption('later');
    await form.getByLabel('Phone number').fill(PHONE);
    await form.getByLabel('Topic (optional)').fill('Lamp delivery');
    await page.screenshot({ path: `${SHOTS_DIR}voice-widget-callback-standalone.png` });
    await form.getByRole('button', { name: 'Call me back' }).click();
    await panel.getByText('Callback booked').waitFor();
    await panel.getByText(`We will call ${PHONE}`).waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}voice-widget-callback-booked.png` });
    const row = await until(
      () =>
        srv.node.ctx.store.db
          .selectFrom('callbacks')
          .selectAll()
          .where('phone', '=', PHONE)
          .executeTakeFirst(),
      'the callback stored',
    );
    assert.equal(row.status, 'scheduled');
    assert.equal(row.topic, 'Lamp delivery');
    assert.ok(Number(row.window_start) > Date.now(), 'the window starts later');

    // The agent sees it scheduled, with its window, before it falls due.
    const sales = await signedInAs(browser, srv, 'sales@demo.beckon.local', '/console/conversations');
    await goOnline(sales.page);
    await sales.page.getByTestId('inbox-tab-callbacks').click();
    const scheduled = sales.page.getByTestId('callback-row').filter({ hasText: PHONE });
    await scheduled.getByText('Scheduled').waitFor();
    await scheduled.getByText('Lamp delivery').waitFor();
    await sales.page.screenshot({ path: `${SHOTS_DIR}voice-console-callbacks-scheduled.png` });

    // Its time comes (the scheduler's clock moved on): it is offered like a chat.
    assert.equal(await chatOf(srv.node.ctx)!.callbacks.tick(Number(row.window_start) + 1000), 1);
    await sales.page.getByTestId('inbox-tab-mine').click();
    await sales.page.getByTestId('offer-card').getByRole('button', { name: 'Accept' }).click();
    const card = sales.page.getByTestId('callback-card');
    const dial = card.getByRole('link', { name: PHONE });
    assert.equal(await dial.getAttribute('href'), 'tel:+442079460958');
    await card.getByRole('button', { name: 'Reached' }).click();
    // The outcome's badge, not its button ("Reached" matches both): the outcome is stored by then.
    await card.locator('.badge').getByText('Reached', { exact: true }).waitFor();
    const done = await srv.node.ctx.store.callbacks.get(srv.demo!.accountId, row.id);
    assert.equal(done?.outcome, 'reached');
    assert.equal(done?.status, 'done');

    // The calls report counts it; history lists the closed callback with its topic.
    const report = await admin.get('/api/v1/reports/calls');
    assert.equal(report.status, 200, JSON.stringify(report.body));
    assert.equal(report.body.callbacks.requested, 1);
    assert.equal(report.body.callbacks.reached, 1);
    await sales.page.goto(`${srv.url}/console/conversations/history`);
    await sales.page.getByTestId('history-row').filter({ hasText: 'Lamp delivery' }).first().waitFor();
    await sales.page.screenshot({ path: `${SHOTS_DIR}voice-console-callback-history.png` });
    await context.close();
    await sales.context.close();
    // The agent's console is closed: wait until the engagement's view of who can take calls has it.
    const voice = () =>
      engagementOf(srv.node.ctx).capacity.capacity(srv.demo!.accountId, srv.demo!.skillIds.sales, 'voice');
    await until(() => voice() === 'busy', 'no agent free for calls once the console closed');

    // On a phone the same form fits the screen.
    const phone = await browser.newContext({ viewport: { width: 375, height: 740 } });
    const small = await phone.newPage();
    await small.goto(`${srv.url}/demo/product-lamp`);
    await small.locator('beckon-widget').getByRole('button', { name: 'Call me back' }).click();
    await small.locator('beckon-widget').getByRole('form', { name: 'Ask for a callback' }).waitFor();
    await small.screenshot({ path: `${SHOTS_DIR}voice-widget-callback-375.png` });
    await phone.close();

    // Outside the skill's hours the form says when, and its window starts at the next opening.
    const opens = new Date(Date.now() + 2 * 86_400_000);
    const hours = {
      timeZone: 'UTC',
      weekly: [{ day: opens.getUTCDay(), from: '09:00', to: '17:00' }],
      holidays: [],
    };
    const sales2 = srv.demo!.skillIds.sales;
    assert.equal((await admin.patch(`/api/v1/skills/${sales2}`, { hours })).status, 200);
    const later = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'UTC' });
    const closed = await later.newPage();
    await closed.goto(`${srv.url}/demo/product-lamp`);
    const away = closed.locator('beckon-widget');
    await away.getByRole('button', { name: 'Call me back' }).click();
    await away.getByText(/^We call you back on \w+ at 9:00/).waitFor();
    const early = away.getByRole('form', { name: 'Ask for a callback' });
    assert.equal(await early.getByLabel('Day').inputValue(), opens.toISOString().slice(0, 10));
    assert.equal(await early.getByLabel('From').inputValue(), '09:00');
    await closed.screenshot({ path: `${SHOTS_DIR}voice-widget-callback-closed.png` });
    await later.close();
    await admin.patch(`/api/v1/skills/${sales2}`, { hours: null });

    // The campaign editor offers the callback button, with its preview.
    const owner = await signedInAs(browser, srv, 'admin@demo.beckon.local', '/console/campaigns');
    await owner.page.getByRole('link', { name: 'New campaign' }).click();
    await owner.page.getByRole('radio', { name: /Callback button/ }).check();
    await owner.page.locator('.preview-pill').getByText('Call me back').waitFor();
    await owner.page.getByRole('radio', { name: /Callback button/ }).scrollIntoViewIfNeeded();
    await owner.page.screenshot({ path: `${SHOTS_DIR}voice-console-campaign-callback.png` });
    await owner.context.close();
  });
});
