import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import type { TestServer } from '../packages/server/test/helpers/test-server.ts';
import { SHOTS_DIR } from './helpers/browser.ts';
import { gatewayReady, heardBytes, heardLevel, heardTone, rtp } from './helpers/phone-media.ts';
import { addTrunk, type PhoneRig, startPhoneRig } from './helpers/phone-rig.ts';
import { startPhone } from './helpers/sip-phone.ts';
import { type ConsolePage, signedInAs, until } from './helpers/workspace-fixtures.ts';

const MENU_NUMBER = '+4930200001';
const CLOSED_NUMBER = '+4930200002';
const CALLER = '+15550011';
const skip = gatewayReady();

describe('phone menu, wait and voicemail, heard by a real caller', { skip, timeout: 200_000 }, () => {
  let rig: PhoneRig;
  let srv: TestServer;
  let admin: ApiClient;
  let sales: ConsolePage;
  let registration: { host: string; port: number };

  const menuOutcome = async (outcome: string) =>
    (await srv.node.ctx.metrics.phoneMenu.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;

  before(async () => {
    rig = await startPhoneRig();
    ({ srv, admin, sales } = rig);
    const { trunkId, ...at } = await addTrunk(rig);
    registration = at;
    const { sales: salesSkill, support } = srv.demo!.skillIds;
    const menu = await admin.post('/api/v1/phone/numbers', {
      number: MENU_NUMBER,
      trunkId,
      menu: {
        greeting: 'Welcome to Demo.',
        choices: [
          { digit: '1', label: 'Support', skillId: support },
          { digit: '2', label: 'Sales', skillId: salesSkill },
        ],
      },
    });
    assert.equal(menu.status, 201, JSON.stringify(menu.body));
    // Never open: no opening hours on any day.
    const closed = await admin.post('/api/v1/phone/numbers', {
      number: CLOSED_NUMBER,
      trunkId,
      skillId: salesSkill,
      hours: { timeZone: 'UTC', weekly: [], holidays: [] },
      afterHours: { action: 'message', message: 'We are closed.' },
    });
    assert.equal(closed.status, 201, JSON.stringify(closed.body));
  });
  after(() => rig?.close());

  it('the caller hears the menu, a wrong key plays it again, 2 reaches Sales: answered in the console, audio both ways', async () => {
    const accountId = srv.demo!.accountId;
    const phone = startPhone({
      uri: `sip:${MENU_NUMBER}@${registration.host}:${registration.port}`,
      from: CALLER,
    });
    try {
      // The greeting: the phone decodes a second of speech, loud enough to hear. The first prompt
      // of a call may take 45 s on a loaded machine (load 13–15 with four test processes), as in
      // phone-transfer.test.ts.
      await until(() => heardBytes(phone.dir) > 44 + 16_000, 'the caller hears the greeting', 45_000);
      assert.ok(heardLevel(phone.dir) > 100, `the greeting is audible (level ${heardLevel(phone.dir)})`);
      const noMatch = await menuOutcome('no_match');
      phone.command('9');
      await until(
        async () => (await menuOutcome('no_match')) > noMatch,
        'a key that matches no choice is counted',
      );
      const chosen = await menuOutcome('chosen');
      phone.command('2');
      await until(async () => (await menuOutcome('chosen')) > chosen, 'the choice is counted');

      // The call waits in the Sales queue and rings its agent; the caller hears their place and music.
      const ringing = sales.page.getByTestId('call-ringing');
      await ringing.waitFor({ timeout: 15_000 });
      const call = await until(async () => {
        const rows = await srv.node.ctx.store.calls.open();
        return rows.find((r) => r.account_id === accountId && r.phone_number === CALLER);
      }, 'the phone call is stored');
      const conversation = await srv.node.ctx.store.conversations.get(accountId, call.conversation_id);
      assert.equal(conversation.skillId, srv.demo!.skillIds.sales);
      const waiting = heardBytes(phone.dir);
      await until(() => heardBytes(phone.dir) > waiting + 16_000, 'the caller hears their place and music');
      await ringing.getByRole('button', { name: 'Answer' }).click();
      await sales.page.getByTestId('call-bar').waitFor();

      // The hub relays: the caller's tone reaches the browser; then (the music stopped) the agent reaches the caller.
      const first = await until(
        async () => {
          const s = await rtp(sales.page);
          return s && s.received > 25 && s.level > 0 ? s : null;
        },
        'the console hears the caller',
        15_000,
      );
      const linked = heardBytes(phone.dir);
      await until(
        async () => {
          const s = await rtp(sales.page);
          return s && s.received > first.received + 50 && heardBytes(phone.dir) > linked + 16_000;
        },
        'audio keeps flowing both ways',
        15_000,
      );
      await sales.page.screenshot({ path: join(SHOTS_DIR, 'phone-menu-answered.png') });
      await sales.page.getByTestId('call-bar').getByRole('button', { name: 'Hang up' }).click();
      await until(
        async () => (await srv.node.ctx.store.calls.get(accountId, call.id))?.state === 'ended',
        'the call ends',
      );
    } finally {
      await phone.stop();
    }
  });

  it('after hours, the caller hears the message and leaves a voicemail, found in the conversation', async () => {
    const accountId = srv.demo!.accountId;
    // The admin turns on voicemail for the closed number in Settings › Phone.
    const settings = await signedInAs(rig.browser, srv, 'admin@demo.beckon.local', '/console/settings/phone');
    try {
      const row = settings.page.getByTestId('number-row').filter({ hasText: CLOSED_NUMBER });
      await row.getByRole('button', { name: 'Edit' }).click();
      const dialog = settings.page.getByTestId('number-dialog');
      await dialog.getByLabel('After hours').selectOption('voicemail');
      await dialog.getByLabel('After-hours message').fill('We are closed. Leave us a message.');
      await settings.page.screenshot({ path: join(SHOTS_DIR, 'phone-number-dialog.png') });
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      await row.getByText('Message, then voicemail').waitFor();
      await settings.page.screenshot({ path: join(SHOTS_DIR, 'phone-numbers.png') });
    } finally {
      await settings.context.close();
    }
    const before = await srv.node.ctx.metrics.phoneCalls.get();
    const phone = startPhone({
      uri: `sip:${CLOSED_NUMBER}@${registration.host}:${registration.port}`,
      from: CALLER,
    });
    try {
      await until(
        () => heardBytes(phone.dir) > 44 + 16_000,
        'the caller hears the after-hours message',
        45_000,
      );
      // The message, the voicemail prompt, then the 1 kHz tone: once the caller heard it, they speak
      // for 2.5 s (the phone's own tone) and hang up.
      await until(() => heardTone(phone.dir, 1000), 'the caller hears the tone', 30_000);
      await new Promise((r) => setTimeout(r, 2500));
      phone.command('/hangup');
      const message = await until(
        async () => {
          const rows = await srv.node.ctx.store.db
            .selectFrom('messages')
            .select(['conversation_id as conversationId', 'body as text'])
            .where('account_id', '=', accountId)
            .where('body', 'like', 'Voicemail (%')
            .execute();
          return rows[0];
        },
        'the voicemail is in a conversation',
        20_000,
      );
      assert.match(String(message.text), /^Voicemail \(\d+ s\)\.$/);
      const conversation = await srv.node.ctx.store.conversations.get(accountId, message.conversationId);
      const contact = await srv.node.ctx.store.contacts.resolve(accountId, { phone: CALLER });
      assert.equal(conversation.contactId, contact.id);
      const n = (m: typeof before, o: string) =>
        m.values.find((v) => v.labels.direction === 'inbound' && v.labels.outcome === o)?.value ?? 0;
      // The call is counted once its voicemail is kept, a moment after the line is written.
      const after = await until(async () => {
        const m = await srv.node.ctx.metrics.phoneCalls.get();
        return n(m, 'voicemail') > n(before, 'voicemail') ? m : null;
      }, 'the voicemail is counted');
      assert.equal(n(after, 'voicemail'), n(before, 'voicemail') + 1);
      assert.equal(n(after, 'after_hours'), n(before, 'after_hours') + 1);

      // In the console: the voicemail plays in the thread.
      await sales.page.goto(`${srv.url}/console/conversations/history/${message.conversationId}`);
      const audio = sales.page
        .getByRole('region')
        .or(sales.page.locator('body'))
        .getByLabel(/^Voicemail, /)
        .first();
      await audio.waitFor({ timeout: 15_000 });
      const seconds = await until(
        () =>
          audio.evaluate((a: { duration: number }) =>
            Number.isFinite(a.duration) && a.duration > 0 ? a.duration : null,
          ),
        'the voicemail has a length',
      );
      assert.ok(seconds > 1, `the voicemail lasts ${seconds} s`);
      await sales.page.screenshot({ path: join(SHOTS_DIR, 'phone-voicemail.png') });
    } finally {
      await phone.stop();
    }
  });
});
