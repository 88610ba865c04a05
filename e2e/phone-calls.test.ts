import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import type { TestServer } from '../packages/server/test/helpers/test-server.ts';
import { SHOTS_DIR } from './helpers/browser.ts';
import { audioFlowsBothWays, gatewayReady } from './helpers/phone-media.ts';
import { type PhoneRig, startPhoneRig } from './helpers/phone-rig.ts';
import { startPhone } from './helpers/sip-phone.ts';
import { startRegistrar } from './helpers/sip-registrar.ts';
import { type ConsolePage, until } from './helpers/workspace-fixtures.ts';

const NUMBER = '+4930123456';
const CALLER = '+15550001';
const skip = gatewayReady();

describe('phone calls through a SIP trunk (Janus, baresip, Chromium)', { skip, timeout: 60_000 }, () => {
  let rig: PhoneRig;
  let registrar: PhoneRig['registrar'];
  let srv: TestServer;
  let admin: ApiClient;
  let sales: ConsolePage;

  before(async () => {
    rig = await startPhoneRig();
    ({ registrar, srv, admin, sales } = rig);
  });
  after(() => rig?.close());

  it('refuses bad trunks and numbers with a clear 400 or 404', async () => {
    const noPassword = await admin.post('/api/v1/phone/trunks', {
      name: 'x',
      host: '127.0.0.1',
      username: 'u',
    });
    assert.equal(noPassword.status, 400);
    const bothTargets = await admin.post('/api/v1/phone/numbers', {
      number: '+4930999999',
      trunkId: 'trk_nope',
      skillId: srv.demo!.skillIds.sales,
      menu: { greeting: 'Hi', choices: [{ digit: '1', label: 'Sales', skillId: srv.demo!.skillIds.sales }] },
    });
    assert.equal(bothTargets.status, 400);
    const noTrunk = await admin.post('/api/v1/phone/numbers', {
      number: '+4930999999',
      trunkId: 'trk_nope',
      skillId: srv.demo!.skillIds.sales,
    });
    assert.equal(noTrunk.status, 404);
    const badNumber = await admin.post('/api/v1/calls/dial', { number: '030 123' });
    assert.equal(badNumber.status, 400);
  });

  it('a caller dials the number: the call rings in the console, is answered, audio flows both ways, the caller hangs up', async () => {
    const accountId = srv.demo!.accountId;
    // The caller is a known contact: the call lands in their history.
    const known = await srv.node.ctx.store.contacts.resolve(accountId, { name: 'Ada Caller', phone: CALLER });

    const trunk = await admin.post<{ id: string; status: string }>('/api/v1/phone/trunks', {
      name: 'Carrier',
      host: '127.0.0.1',
      port: registrar.port,
      username: 'beckon-trunk',
      password: 'trunk-pass-1',
    });
    assert.equal(trunk.status, 201, JSON.stringify(trunk.body));
    const registration = await registrar.registered();
    await until(async () => {
      const list = await admin.get<{ items: { id: string; status: string }[] }>('/api/v1/phone/trunks');
      return list.body.items.find((t) => t.id === trunk.body.id)?.status === 'registered';
    }, 'the trunk shows as registered');
    const number = await admin.post('/api/v1/phone/numbers', {
      number: NUMBER,
      trunkId: trunk.body.id,
      skillId: srv.demo!.skillIds.sales,
    });
    assert.equal(number.status, 201, JSON.stringify(number.body));

    // The trunk delivers the caller's INVITE where the gateway registered.
    const phone = startPhone({
      uri: `sip:${NUMBER}@${registration.host}:${registration.port}`,
      from: CALLER,
    });
    try {
      const ringing = sales.page.getByTestId('call-ringing');
      await ringing.getByText('Ada Caller').waitFor({ timeout: 15_000 });
      await ringing.getByRole('button', { name: 'Answer' }).click();
      await sales.page.getByTestId('call-bar').waitFor();

      // Audio both ways: the caller's tone reaches the browser, the agent's microphone the caller.
      await audioFlowsBothWays(sales.page, phone.dir);
      await sales.page.screenshot({ path: join(SHOTS_DIR, 'phone-call-answered.png') });

      const call = await until(async () => {
        const rows = await srv.node.ctx.store.calls.open();
        return rows.find((r) => r.account_id === accountId && r.direction === 'inbound');
      }, 'the phone call is stored');
      assert.equal(call.phone_number, CALLER);
      const conversation = await srv.node.ctx.store.conversations.get(accountId, call.conversation_id);
      assert.equal(conversation.channel, 'voice');
      assert.equal(conversation.contactId, known.id);

      // The caller hangs up: the call ends in the console and in the record.
      phone.command('/hangup');
      await sales.page.getByTestId('call-bar').waitFor({ state: 'detached', timeout: 15_000 });
      const ended = await until(async () => {
        const row = await srv.node.ctx.store.calls.get(accountId, call.id);
        return row?.state === 'ended' ? row : null;
      }, 'the call is over in the record');
      assert.equal(ended.ended_by, 'visitor');
      assert.ok(Number(ended.talk_ms) > 0);
    } finally {
      await phone.stop();
    }
  });
  it('a caller who hangs up while it rings leaves no ring behind; a trunk that refuses registration shows why', async () => {
    const accountId = srv.demo!.accountId;
    const registration = await registrar.registered();
    const phone = startPhone({
      uri: `sip:${NUMBER}@${registration.host}:${registration.port}`,
      from: CALLER,
    });
    try {
      const ringing = sales.page.getByTestId('call-ringing');
      await ringing.waitFor({ timeout: 15_000 });
      phone.command('/hangup');
      await ringing.waitFor({ state: 'detached', timeout: 15_000 });
      const rows = await srv.node.ctx.store.calls.open();
      assert.equal(rows.filter((r) => r.account_id === accountId).length, 0, 'no call stays open');
    } finally {
      await phone.stop();
    }

    const refusing = await startRegistrar({ user: 'other', password: 'x', refuse: true });
    try {
      const trunk = await admin.post<{ id: string }>('/api/v1/phone/trunks', {
        name: 'Refusing carrier',
        host: '127.0.0.1',
        port: refusing.port,
        username: 'beckon-trunk',
        password: 'wrong-pass',
      });
      assert.equal(trunk.status, 201);
      const failed = await until(async () => {
        const list = await admin.get<{
          items: { id: string; status: string; statusReason: string | null }[];
        }>('/api/v1/phone/trunks');
        const t = list.body.items.find((i) => i.id === trunk.body.id);
        return t?.status === 'failed' ? t : null;
      }, 'the refused trunk shows as failed');
      assert.match(failed.statusReason ?? '', /403/);
    } finally {
      await refusing.close();
    }
  });
});
