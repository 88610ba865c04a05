import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { chatOf } from '../packages/server/src/conversations/chat-module.ts';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { type JanusProcess, startJanus } from '../scripts/janus-gateway.mjs';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { FAKE_MEDIA, KEEP_PEERS } from './helpers/fake-media.ts';
import { audioFlowsBothWays, gatewayReady, NO_MDNS, rtp } from './helpers/phone-media.ts';
import { freeUdpPort, lanAddress, startPhone } from './helpers/sip-phone.ts';
import { startRegistrar } from './helpers/sip-registrar.ts';
import { demoAdmin } from './helpers/tag-fixtures.ts';
import { type ConsolePage, goOnline, signedInAs, until } from './helpers/workspace-fixtures.ts';

const SALES = 'sales@demo.beckon.local';
/** The account's number: the caller ID of every call it places. */
const NUMBER = '+4930123456';
/** A phone that answers at once. */
const ANSWERS = '+15550002';
/** A line the trunk reports busy (486). */
const BUSY = '+15550003';
/** A phone that rings and is never picked up. */
const RINGS = '+15550004';
const skip = gatewayReady();

type Trunk = { id: string; status: string; statusReason: string | null };

describe('calls placed through a SIP trunk: click-to-call, callbacks, trunk changes (Janus, baresip, Chromium)', {
  skip,
  timeout: 120_000,
}, () => {
  let janus: JanusProcess;
  let registrar: Awaited<ReturnType<typeof startRegistrar>>;
  let refusing: Awaited<ReturnType<typeof startRegistrar>>;
  let srv: TestServer;
  let browser: Browser;
  let admin: ApiClient;
  let sales: ConsolePage;
  let answering: ReturnType<typeof startPhone>;
  let ringing: ReturnType<typeof startPhone>;
  let trunkId: string;

  const trunkState = async (id: string) =>
    (await admin.get<{ items: Trunk[] }>('/api/v1/phone/trunks')).body.items.find((t) => t.id === id);
  const outcomes = async () => {
    const m = await srv.node.ctx.metrics.phoneCalls.get();
    const n = (outcome: string) =>
      m.values.find((v) => v.labels.direction === 'outbound' && v.labels.outcome === outcome)?.value ?? 0;
    return { answered: n('answered'), busy: n('busy'), noAnswer: n('no_answer') };
  };
  const callsOf = async (number: string) =>
    (
      await srv.node.ctx.store.db.selectFrom('calls').selectAll().where('phone_number', '=', number).execute()
    ).sort((a, b) => Number(a.requested_at) - Number(b.requested_at));

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    // Two phones, each on a port and the next one (baresip's TLS): never side by side.
    const answersOn = await freeUdpPort();
    let ringsOn = await freeUdpPort();
    while (Math.abs(ringsOn - answersOn) <= 1) ringsOn = await freeUdpPort();
    [janus, registrar, refusing, browser] = await Promise.all([
      startJanus({ localIp: lanAddress() }),
      startRegistrar({
        user: 'beckon-trunk',
        password: 'trunk-pass-1',
        routes: {
          [ANSWERS]: { port: answersOn },
          [BUSY]: { answer: 486, reason: 'Busy Here' },
          [RINGS]: { port: ringsOn },
        },
      }),
      startRegistrar({ user: 'x', password: 'x', refuse: true }),
      launchBrowser([...FAKE_MEDIA, NO_MDNS]),
    ]);
    const debug = process.env.SIP_DEBUG ? (l: string) => process.stderr.write(`[phone] ${l}`) : undefined;
    answering = startPhone({ from: ANSWERS, port: answersOn, answer: 'auto', onLog: debug });
    ringing = startPhone({ from: RINGS, port: ringsOn, answer: 'manual' });
    srv = await startTestServer({
      demo: true,
      env: { BECKON_JANUS_URL: janus.url, BECKON_PHONE_RING_SECONDS: '4' },
    });
    admin = await demoAdmin(srv);
    sales = await signedInAs(browser, srv, SALES, '/console/conversations', (ctx) =>
      ctx.addInitScript(KEEP_PEERS),
    );
    await goOnline(sales.page);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
    await answering?.stop();
    await ringing?.stop();
    await janus?.stop();
    await registrar?.close();
    await refusing?.close();
  });

  it('refuses a number not in E.164, a call with no number set up, and one while the trunk is not registered', async () => {
    const notE164 = await admin.post<{ error: { message: string } }>('/api/v1/calls/dial', {
      number: '030 1234567',
    });
    assert.equal(notE164.status, 400);
    assert.match(notE164.body.error.message, /number/);
    const noNumber = await admin.post<{ error: { code: string } }>('/api/v1/calls/dial', { number: ANSWERS });
    assert.equal(noNumber.status, 409);
    assert.equal(noNumber.body.error.code, 'no_number');

    // The first trunk points at a carrier that refuses it: calls cannot go out.
    const trunk = await admin.post<Trunk>('/api/v1/phone/trunks', {
      name: 'Carrier',
      host: '127.0.0.1',
      port: refusing.port,
      username: 'beckon-trunk',
      password: 'wrong-pass',
    });
    assert.equal(trunk.status, 201, JSON.stringify(trunk.body));
    trunkId = trunk.body.id;
    const number = await admin.post('/api/v1/phone/numbers', {
      number: NUMBER,
      trunkId,
      skillId: srv.demo!.skillIds.sales,
    });
    assert.equal(number.status, 201, JSON.stringify(number.body));
    const failed = await until(async () => {
      const t = await trunkState(trunkId);
      return t?.status === 'failed' ? t : null;
    }, 'the refused trunk shows as failed');
    assert.match(failed.statusReason ?? '', /403/);
    const unregistered = await admin.post<{ error: { code: string; message: string } }>(
      '/api/v1/calls/dial',
      {
        number: ANSWERS,
      },
    );
    assert.equal(unregistered.status, 409);
    assert.equal(unregistered.body.error.code, 'trunk_unavailable');

    // Settings › Phone shows the carrier's answer.
    const settings = await signedInAs(browser, srv, 'admin@demo.beckon.local', '/console/settings/phone');
    const row = settings.page.getByTestId('trunk-row').filter({ hasText: 'Carrier' });
    await row.getByTestId('trunk-status').getByText('Failed').waitFor();
    await row.getByTestId('trunk-reason').getByText(/403/).waitFor();
    await settings.page.screenshot({ path: join(SHOTS_DIR, 'phone-settings-trunk-failed.png') });
    // The admin corrects the trunk there: Beckon registers again, with the new password.
    await row.getByRole('button', { name: 'Edit' }).click();
    const dialog = settings.page.getByTestId('trunk-dialog');
    await dialog.getByLabel('Port', { exact: true }).fill(String(registrar.port));
    await dialog.getByLabel('Password', { exact: true }).fill('trunk-pass-1');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await row.getByTestId('trunk-status').getByText('Registered').waitFor({ timeout: 15_000 });
    await settings.page.screenshot({ path: join(SHOTS_DIR, 'phone-settings-trunks.png') });
    await settings.context.close();
    assert.equal((await trunkState(trunkId))?.status, 'registered');
    const audit = await admin.get<{ items: { action: string; targetId: string | null }[] }>(
      '/api/v1/audit-log?limit=20',
    );
    assert.ok(
      audit.body.items.some((e) => e.action === 'phone_trunk.updated'),
      JSON.stringify(audit.body.items.slice(0, 5)),
    );
  });

  it('an agent calls a contact from the console: the phone rings through the trunk with the account number, answers, audio flows both ways, the agent hangs up', async () => {
    const accountId = srv.demo!.accountId;
    const contact = await srv.node.ctx.store.contacts.resolve(accountId, {
      name: 'Grace Customer',
      phone: ANSWERS,
    });
    const before = await outcomes();
    await sales.page.goto(`${srv.url}/console/contacts/${contact.id}`);
    const phoneStrip = sales.page.getByTestId('contact-phone');
    await phoneStrip.getByText(ANSWERS).waitFor();
    await sales.page.screenshot({ path: join(SHOTS_DIR, 'phone-contact-dial-button.png') });
    await phoneStrip.getByRole('button', { name: 'Call phone' }).click();

    // The call opens in the inbox; the phone answers by itself.
    const bar = sales.page.getByTestId('call-bar');
    await bar.waitFor({ timeout: 15_000 });
    await bar.getByText('On a call with Grace Customer').waitFor({ timeout: 15_000 });
    await sales.page.getByText(`${ANSWERS} answered.`).waitFor();
    await audioFlowsBothWays(sales.page, answering.dir);
    // The keypad sends tones on the call (an IVR at the other end would hear them).
    await bar.getByRole('button', { name: 'Keypad' }).click();
    await bar.getByTestId('keypad').waitFor();
    await sales.page.screenshot({ path: join(SHOTS_DIR, 'phone-call-keypad.png') });
    await bar.getByTestId('keypad').getByRole('button', { name: '1', exact: true }).click();
    // The tones can go: the phone's answer, through the gateway, took telephone events (RFC 4733).
    const canTone = await sales.page.evaluate<boolean>(`(() => {
      const pc = (window.__peers ?? []).at(-1);
      const sender = pc?.getSenders().find((s) => s.track?.kind === 'audio');
      return Boolean(sender?.dtmf?.canInsertDTMF);
    })()`);
    assert.ok(canTone, 'the call carries key tones');

    // The trunk saw the account's number as the caller ID.
    const invite = registrar.invites.find((i) => i.to === ANSWERS);
    assert.ok(invite, 'the INVITE went through the trunk');
    assert.match(invite.assertedIdentity ?? '', new RegExp(`sip:\\${NUMBER}@`));

    await bar.getByRole('button', { name: 'Hang up' }).click();
    await bar.waitFor({ state: 'detached', timeout: 15_000 });
    const [call] = await callsOf(ANSWERS);
    assert.ok(call);
    const ended = await until(async () => {
      const row = await srv.node.ctx.store.calls.get(accountId, call.id);
      return row?.state === 'ended' ? row : null;
    }, 'the call is over in the record');
    assert.equal(ended.direction, 'outbound');
    assert.equal(ended.ended_by, 'agent');
    assert.ok(Number(ended.talk_ms) > 0);
    const conversation = await srv.node.ctx.store.conversations.get(accountId, call.conversation_id);
    assert.equal(conversation.contactId, contact.id);
    assert.equal(conversation.channel, 'voice');
    assert.equal((await outcomes()).answered, before.answered + 1);

    // The contact's history lists the call; the calls report counts it as answered.
    const detail = await admin.get<{ conversations: { id: string }[] }>(`/api/v1/contacts/${contact.id}`);
    assert.ok(detail.body.conversations.some((c) => c.id === call.conversation_id));
    const report = await admin.get<{ total: { offered: number; answered: number } }>(
      '/api/v1/reports/calls?channel=voice',
    );
    assert.equal(report.status, 200, JSON.stringify(report.body));
    assert.ok(report.body.total.answered >= 1, JSON.stringify(report.body.total));
  });

  it('the keypad dials a number; the phone hangs up; a busy line and a phone nobody answers show as such and are counted', async () => {
    const accountId = srv.demo!.accountId;
    const before = await outcomes();
    const dial = async (number: string) => {
      await sales.page.goto(`${srv.url}/console/conversations`);
      await sales.page.getByTestId('open-dial-pad').click();
      const pad = sales.page.getByTestId('dial-pad');
      // The pad starts with "+": the digits follow it.
      for (const key of number.replace('+', ''))
        await pad.getByRole('button', { name: key, exact: true }).click();
      return pad;
    };
    const pad = await dial(ANSWERS);
    assert.equal(await pad.getByTestId('dial-number').inputValue(), ANSWERS);
    await sales.page.screenshot({ path: join(SHOTS_DIR, 'phone-dial-pad.png') });
    await pad.getByRole('button', { name: 'Call', exact: true }).click();
    const bar = sales.page.getByTestId('call-bar');
    await bar.getByText(/^On a call with/).waitFor({ timeout: 15_000 });
    await until(async () => ((await rtp(sales.page))?.received ?? 0) > 0, 'audio arrives', 15_000);
    // The phone hangs up: the bar goes, the call ends as hung up by the other side.
    answering.command('/hangup');
    await bar.waitFor({ state: 'detached', timeout: 15_000 });
    const second = (await callsOf(ANSWERS)).at(-1)!;
    const ended = await until(async () => {
      const row = await srv.node.ctx.store.calls.get(accountId, second.id);
      return row?.state === 'ended' ? row : null;
    }, 'the call ended');
    assert.equal(ended.ended_by, 'visitor');

    // A busy line: the agent sees "Busy", and the call ends without an answer.
    await (await dial(BUSY)).getByRole('button', { name: 'Call', exact: true }).click();
    const outcome = sales.page.getByTestId('call-outcome');
    await outcome.getByText('Busy', { exact: true }).waitFor({ timeout: 15_000 });
    await sales.page.screenshot({ path: join(SHOTS_DIR, 'phone-dial-busy.png') });
    const [busy] = await callsOf(BUSY);
    assert.equal(busy?.end_reason, 'busy');
    await outcome.getByRole('button', { name: 'Dismiss' }).click();

    // Nobody answers: after the ring time (4 s here) the call is cancelled as "No answer".
    await (await dial(RINGS)).getByRole('button', { name: 'Call', exact: true }).click();
    await bar.getByText(`Calling ${RINGS}…`).waitFor({ timeout: 10_000 });
    await outcome.getByText('No answer', { exact: true }).waitFor({ timeout: 15_000 });
    const [unanswered] = await callsOf(RINGS);
    assert.equal(unanswered?.end_reason, 'no_answer');
    assert.match(ringing.log(), /Incoming call|incoming call/i);

    const after = await outcomes();
    assert.equal(after.busy, before.busy + 1);
    assert.equal(after.noAnswer, before.noAnswer + 1);
    // Neither counts as abandoned in the calls report.
    const report = await admin.get<{ total: { abandoned: number } }>('/api/v1/reports/calls?channel=voice');
    assert.equal(report.body.total.abandoned, 0, JSON.stringify(report.body.total));
  });

  it('a callback is placed through the trunk when the agent takes it: their console is connected, then the customer’s phone rings and answers', async () => {
    const accountId = srv.demo!.accountId;
    const { store } = srv.node.ctx;
    // The calls before are done: their conversations close, so the agent has room for the task.
    const open = await store.db
      .selectFrom('conversations')
      .select('id')
      .where('account_id', '=', accountId)
      .where('channel', '=', 'voice')
      .where('status', '=', 'active')
      .execute();
    for (const c of open)
      assert.equal((await admin.post(`/api/v1/conversations/${c.id}/close`, {})).status, 200);
    const chat = await store.conversations.create({
      accountId,
      siteId: srv.demo!.siteId,
      visitorId: null,
      channel: 'web',
      source: 'visitor',
      skillId: srv.demo!.skillIds.sales,
      status: 'closed',
      visitorName: 'Lin Callback',
      topic: 'Delivery',
      contactId: null,
      tokenHash: 'x'.repeat(64),
    });
    const now = Date.now();
    const cb = await store.callbacks.create({
      account_id: accountId,
      site_id: srv.demo!.siteId,
      conversation_id: chat.id,
      skill_id: srv.demo!.skillIds.sales,
      // As the visitor wrote it: Beckon dials it in E.164.
      phone: '+1 555 000 2',
      topic: 'Delivery',
      window_start: now + 60_000,
      window_end: now + 3_600_000,
    });
    // Someone else's callback cannot be dialled.
    const notYours = await admin.post<{ error: { code: string } }>('/api/v1/calls/dial', {
      callbackId: cb.id,
    });
    assert.equal(notYours.status, 404);

    assert.equal(await chatOf(srv.node.ctx)!.callbacks.tick(now + 61_000), 1);
    await sales.page.goto(`${srv.url}/console/conversations`);
    // Accepting is enough: Beckon dials the callback through the trunk, with no click on the card.
    await sales.page.getByTestId('offer-card').getByRole('button', { name: 'Accept' }).click();
    const card = sales.page.getByTestId('callback-card');
    const bar = sales.page.getByTestId('call-bar');
    await bar.getByText(/^On a call with/).waitFor({ timeout: 15_000 });
    await until(
      async () => ((await rtp(sales.page))?.received ?? 0) > 25,
      'the customer’s audio arrives',
      15_000,
    );
    const task = (await store.callbacks.get(accountId, cb.id))!.task_conversation_id!;
    const [call] = await store.db
      .selectFrom('calls')
      .selectAll()
      .where('conversation_id', '=', task)
      .execute();
    assert.equal(call?.phone_number, ANSWERS);
    assert.equal(call?.direction, 'outbound');
    await bar.getByRole('button', { name: 'Hang up' }).click();
    await bar.waitFor({ state: 'detached', timeout: 15_000 });
    await card.getByRole('button', { name: 'Reached' }).click();
    await card.locator('.badge').getByText('Reached', { exact: true }).waitFor();
    assert.equal((await store.callbacks.get(accountId, cb.id))?.outcome, 'reached');
  });

  it('deleting the trunk unregisters it and removes its numbers; dialling then says no number is set up', async () => {
    const gone = await admin.delete(`/api/v1/phone/trunks/${trunkId}`);
    assert.equal(gone.status, 204);
    assert.equal((await admin.get<{ items: unknown[] }>('/api/v1/phone/numbers')).body.items.length, 0);
    assert.equal((await admin.delete(`/api/v1/phone/trunks/${trunkId}`)).status, 404);
    const dial = await admin.post<{ error: { code: string } }>('/api/v1/calls/dial', { number: ANSWERS });
    assert.equal(dial.status, 409);
    assert.equal(dial.body.error.code, 'no_number');
    const patch = await admin.patch('/api/v1/phone/trunks/trk_nope', { name: 'x' });
    assert.equal(patch.status, 404);
    const empty = await admin.patch(`/api/v1/phone/trunks/${trunkId}`, {});
    assert.equal(empty.status, 400);
  });
});
