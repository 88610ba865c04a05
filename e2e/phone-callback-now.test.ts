import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';
import { type JanusProcess, startJanus } from '../scripts/janus-gateway.mjs';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { FAKE_MEDIA, KEEP_PEERS } from './helpers/fake-media.ts';
import { audioFlowsBothWays, gatewayReady, NO_MDNS } from './helpers/phone-media.ts';
import { freeUdpPort, lanAddress, startPhone } from './helpers/sip-phone.ts';
import { startRegistrar } from './helpers/sip-registrar.ts';
import { demoAdmin } from './helpers/tag-fixtures.ts';
import { type ConsolePage, goOnline, signedInAs, until } from './helpers/workspace-fixtures.ts';

/** The account's number: the caller ID of the callback. */
const NUMBER = '+4930123456';
/** The customer's phone, as the visitor writes it in the form. */
const CUSTOMER = '+1 555 000 7';
const skip = gatewayReady();

describe('a callback asked for "as soon as possible" is placed by Beckon through the trunk (widget, console, Janus, baresip)', {
  skip,
  timeout: 300_000,
}, () => {
  let janus: JanusProcess;
  let registrar: Awaited<ReturnType<typeof startRegistrar>>;
  let srv: TestServer;
  let browser: Browser;
  let admin: ApiClient;
  let sales: ConsolePage;
  let phone: ReturnType<typeof startPhone>;

  before(async () => {
    ensureTagBuilt();
    mkdirSync(SHOTS_DIR, { recursive: true });
    const port = await freeUdpPort();
    [janus, registrar, browser] = await Promise.all([
      startJanus({ localIp: lanAddress() }),
      startRegistrar({
        user: 'beckon-trunk',
        password: 'trunk-pass-1',
        routes: { [CUSTOMER.replace(/ /g, '')]: { port } },
      }),
      launchBrowser([...FAKE_MEDIA, NO_MDNS]),
    ]);
    phone = startPhone({ from: CUSTOMER.replace(/ /g, ''), port, answer: 'manual' });
    srv = await startTestServer({ demo: true, env: { BECKON_JANUS_URL: janus.url } });
    admin = await demoAdmin(srv);
    const trunk = await admin.post<{ id: string }>('/api/v1/phone/trunks', {
      name: 'Carrier',
      host: '127.0.0.1',
      port: registrar.port,
      username: 'beckon-trunk',
      password: 'trunk-pass-1',
    });
    assert.equal(trunk.status, 201, JSON.stringify(trunk.body));
    const number = await admin.post('/api/v1/phone/numbers', {
      number: NUMBER,
      trunkId: trunk.body.id,
      skillId: srv.demo!.skillIds.sales,
    });
    assert.equal(number.status, 201, JSON.stringify(number.body));
    await until(async () => {
      const { items } = (await admin.get<{ items: { id: string; status: string }[] }>('/api/v1/phone/trunks'))
        .body;
      return items.find((t) => t.id === trunk.body.id)?.status === 'registered';
    }, 'the trunk registers');
    sales = await signedInAs(browser, srv, 'sales@demo.beckon.local', '/console/conversations', (ctx) =>
      ctx.addInitScript(KEEP_PEERS),
    );
    await goOnline(sales.page);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
    await phone?.stop();
    await janus?.stop();
    await registrar?.close();
  });

  it('the visitor asks to be called now from a campaign’s button; the agent accepts; Beckon dials; the phone rings, answers, and audio flows both ways', async () => {
    const { store } = srv.node.ctx;
    const accountId = srv.demo!.accountId;
    // Only this campaign runs: a "Call me back" button on the lamp's page.
    const { items } = (await admin.get<{ items: { id: string }[] }>('/api/v1/campaigns')).body;
    for (const c of items) await admin.patch(`/api/v1/campaigns/${c.id}`, { status: 'paused' });
    const campaign = await admin.post<{ id: string }>('/api/v1/campaigns', {
      name: 'Lamp callbacks',
      status: 'active',
      goal: { type: 'purchase' },
      targeting: { field: 'page.url', op: 'contains', value: 'product-lamp' },
      engagement: { type: 'callback', skillId: srv.demo!.skillIds.sales, label: 'Call me back' },
      controlShare: 0,
    });
    assert.equal(campaign.status, 201, JSON.stringify(campaign.body));

    const visitor = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await visitor.newPage();
    await page.goto(`${srv.url}/demo/product-lamp`);
    const widget = page.locator('beckon-widget');
    await widget.getByRole('button', { name: 'Call me back' }).click();
    const panel = widget.getByRole('dialog');
    const form = panel.getByRole('form', { name: 'Ask for a callback' });
    // The skill is open: "As soon as possible" is chosen, and no day or time is asked for.
    assert.equal(await form.getByLabel('When').inputValue(), 'soon');
    assert.equal(await form.getByLabel('Day').isVisible(), false);
    await form.getByLabel('Phone number').fill(CUSTOMER);
    await form.getByLabel('Topic (optional)').fill('Lamp wiring');
    await page.screenshot({ path: join(SHOTS_DIR, 'phone-widget-callback-now.png') });
    await form.getByRole('button', { name: 'Call me back' }).click();
    await panel.getByText(`We will call ${CUSTOMER} in a few minutes.`).waitFor();

    // Due at once: the scheduler queues it within a second, and it is offered like a call.
    const offer = sales.page.getByTestId('offer-card');
    await offer.getByRole('button', { name: 'Accept' }).click({ timeout: 15_000 });
    // Nobody clicks "Call through Beckon": Beckon dials, and the customer's phone rings.
    await until(() => /Incoming call|incoming call/i.test(phone.log()), 'the customer’s phone rings', 15_000);
    const invite = registrar.invites.find((i) => i.to === CUSTOMER.replace(/ /g, ''));
    assert.ok(invite, 'the INVITE went through the trunk');
    assert.match(invite.assertedIdentity ?? '', new RegExp(`sip:\\${NUMBER}@`));
    const bar = sales.page.getByTestId('call-bar');
    await bar.waitFor({ timeout: 15_000 });
    await sales.page.screenshot({ path: join(SHOTS_DIR, 'phone-callback-dialled-by-beckon.png') });
    phone.command('/accept');
    await bar.getByText(/^On a call with/).waitFor({ timeout: 15_000 });
    await audioFlowsBothWays(sales.page, phone.dir);

    const cb = await until(
      () => store.db.selectFrom('callbacks').selectAll().where('phone', '=', CUSTOMER).executeTakeFirst(),
      'the callback stored',
    );
    const task = await store.conversations.get(accountId, cb.task_conversation_id!);
    // The task keeps the campaign's exposure: a purchase after the call counts for the campaign.
    const record = await store.conversations.get(accountId, cb.conversation_id);
    assert.ok(record.originExposureId, 'the request carries the button’s exposure');
    assert.equal(task.originExposureId, record.originExposureId);
    const [call] = await store.calls.ofConversation(accountId, task.id);
    assert.equal(call?.direction, 'outbound');
    assert.equal(call?.phone_number, CUSTOMER.replace(/ /g, ''));

    await bar.getByRole('button', { name: 'Hang up' }).click();
    await bar.waitFor({ state: 'detached', timeout: 15_000 });
    const card = sales.page.getByTestId('callback-card');
    await card.getByRole('button', { name: 'Reached' }).click();
    await card.locator('.badge').getByText('Reached', { exact: true }).waitFor();

    // The calls report counts the call, answered, and the callback reached.
    const report = await admin.get<{
      total: { answered: number };
      callbacks: { requested: number; reached: number };
    }>('/api/v1/reports/calls');
    assert.equal(report.status, 200, JSON.stringify(report.body));
    assert.ok(report.body.total.answered >= 1, JSON.stringify(report.body.total));
    assert.equal(report.body.callbacks.requested, 1);
    assert.equal(report.body.callbacks.reached, 1);
    await visitor.close();
  });

  it('a second callback finds the line unanswered: "No answer" is the outcome offered, and "Call through Beckon" tries again', async () => {
    const { store } = srv.node.ctx;
    const accountId = srv.demo!.accountId;
    const api = await fetch(`${srv.url}/api/v1/chat/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-beckon-site-key': srv.demo!.siteKey },
      body: JSON.stringify({
        phone: CUSTOMER,
        windowStart: new Date().toISOString(),
        windowEnd: new Date(Date.now() + 3_600_000).toISOString(),
        skillId: srv.demo!.skillIds.sales,
      }),
    });
    assert.equal(api.status, 201, await api.text());
    const rings = phone.log().length;
    await sales.page
      .getByTestId('offer-card')
      .getByRole('button', { name: 'Accept' })
      .click({ timeout: 15_000 });
    await until(() => /incoming call/i.test(phone.log().slice(rings)), 'the phone rings again', 15_000);
    const bar = sales.page.getByTestId('call-bar');
    await bar.waitFor({ timeout: 15_000 });
    // The customer rejects it: the card offers "No answer", and the dial button is back for a second try.
    phone.command('/hangup');
    const card = sales.page.getByTestId('callback-card');
    await card.getByTestId('callback-last-call').waitFor({ timeout: 15_000 });
    await card.getByRole('button', { name: 'Call through Beckon' }).waitFor();
    assert.match(
      (await card.getByRole('button', { name: 'No answer' }).getAttribute('class')) ?? '',
      /button-primary/,
    );
    await sales.page.screenshot({ path: join(SHOTS_DIR, 'phone-callback-no-answer.png') });
    // A second try from the card rings the phone again; it is rejected again.
    const again = phone.log().length;
    await card.getByRole('button', { name: 'Call through Beckon' }).click();
    await until(
      () => /incoming call/i.test(phone.log().slice(again)),
      'the phone rings a second time',
      15_000,
    );
    await bar.waitFor({ timeout: 15_000 });
    phone.command('/hangup');
    await card.getByRole('button', { name: 'Call through Beckon' }).waitFor({ timeout: 15_000 });
    await card.getByRole('button', { name: 'No answer' }).click();
    await card.locator('.badge').getByText('No answer', { exact: true }).waitFor();
    const cb = await store.db
      .selectFrom('callbacks')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    assert.equal(cb?.outcome, 'no_answer');
    // Two tries, each a call in the task that reached nobody.
    const tries = await store.calls.ofConversation(accountId, cb!.task_conversation_id!);
    assert.equal(tries.length, 2);
    assert.ok(
      tries.every((c) => c.answered_at === null),
      JSON.stringify(tries.map((c) => c.end_reason)),
    );
  });
});
