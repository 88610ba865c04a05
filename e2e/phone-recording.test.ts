import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import type { TestServer } from '../packages/server/test/helpers/test-server.ts';
import { SHOTS_DIR } from './helpers/browser.ts';
import { audioFlowsBothWays, gatewayReady, heardBytes, heardLevel } from './helpers/phone-media.ts';
import { addTrunk, type PhoneRig, startPhoneRig } from './helpers/phone-rig.ts';
import { startPhone } from './helpers/sip-phone.ts';
import { type ConsolePage, signedInAs, until } from './helpers/workspace-fixtures.ts';

const NUMBER = '+4930300001';
const CALLER = '+15550031';
const ZONE = 'Europe/Berlin';
const skip = gatewayReady();

/** Today's weekday in `zone` (0 = Sunday), and its English name as Settings › Phone labels it. */
function today(zone: string): { day: number; name: string } {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'long' }).format(new Date());
  const day = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'].indexOf(name);
  return { day, name };
}

describe('a recorded phone call: hours and recording set in Settings › Phone, the caller told, the agent’s console records', {
  skip,
  timeout: 120_000,
}, () => {
  let rig: PhoneRig;
  let srv: TestServer;
  let admin: ApiClient;
  let sales: ConsolePage;
  let registration: { host: string; port: number };
  let numberId: string;

  before(async () => {
    rig = await startPhoneRig();
    ({ srv, admin, sales } = rig);
    const { trunkId, ...at } = await addTrunk(rig);
    registration = at;
    const number = await admin.post<{ id: string; recordCalls: boolean; language: string }>(
      '/api/v1/phone/numbers',
      { number: NUMBER, trunkId, skillId: srv.demo!.skillIds.sales },
    );
    assert.equal(number.status, 201, JSON.stringify(number.body));
    assert.equal(number.body.recordCalls, false, 'a number records nothing unless asked');
    assert.equal(number.body.language, 'en');
    numberId = number.body.id;
  });
  after(() => rig?.close());

  it('the admin sets the number’s hours (with a time zone) and recording from the keyboard', async () => {
    const { day, name } = today(ZONE);
    const settings = await signedInAs(rig.browser, srv, 'admin@demo.beckon.local', '/console/settings/phone');
    try {
      const { page } = settings;
      const row = page.getByTestId('number-row').filter({ hasText: NUMBER });
      await row.getByTestId('number-hours').getByText('The skill’s hours').waitFor();
      await row.getByRole('button', { name: 'Edit' }).focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByTestId('number-dialog');
      await dialog.waitFor();
      await dialog.getByLabel('Set hours for this number').focus();
      await page.keyboard.press('Space');
      const zone = dialog.getByLabel('Time zone');
      await zone.focus();
      await zone.selectOption(ZONE);
      // Open all of today: a new interval on today's row, from midnight to 23:59.
      await dialog.getByRole('button', { name: `Add hours on ${name}` }).focus();
      await page.keyboard.press('Enter');
      const opens = dialog.getByLabel(`${name} opens at`).last();
      await opens.focus();
      await opens.fill('00:00');
      const closes = dialog.getByLabel(`${name} closes at`).last();
      await closes.focus();
      await closes.fill('23:59');
      await dialog.getByLabel(/^Record calls/).focus();
      await page.keyboard.press('Space');
      await page.screenshot({ path: join(SHOTS_DIR, 'phone-number-hours.png') });
      await dialog.getByRole('button', { name: 'Save' }).focus();
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'detached' });
      await row.getByTestId('number-recorded').waitFor();
      assert.match((await row.getByTestId('number-hours').textContent()) ?? '', /Europe\/Berlin/);
    } finally {
      await settings.context.close();
    }
    const list = await admin.get<{
      items: Array<{
        id: string;
        recordCalls: boolean;
        hours: { timeZone: string; weekly: Array<{ day: number; from: string; to: string }> } | null;
      }>;
    }>('/api/v1/phone/numbers');
    const saved = list.body.items.find((n) => n.id === numberId)!;
    assert.equal(saved.recordCalls, true);
    assert.equal(saved.hours?.timeZone, ZONE);
    assert.ok(
      saved.hours?.weekly.some((w) => w.day === day && w.from === '00:00' && w.to === '23:59'),
      JSON.stringify(saved.hours),
    );
  });

  it('the caller hears that the call may be recorded before it rings; the recording has sound', async () => {
    const accountId = srv.demo!.accountId;
    const phone = startPhone({
      uri: `sip:${NUMBER}@${registration.host}:${registration.port}`,
      from: CALLER,
    });
    try {
      // The call is stored (and rings) only after the announcement: by then the phone heard
      // more than a second of speech, loud enough to hear.
      const call = await until(
        async () => {
          const rows = await srv.node.ctx.store.calls.open();
          return rows.find((r) => r.account_id === accountId && r.phone_number === CALLER);
        },
        'the phone call is stored',
        20_000,
      );
      const heard = heardBytes(phone.dir);
      const level = heardLevel(phone.dir);
      assert.ok(heard > 44 + 16_000, `the caller heard the announcement first (${heard} bytes)`);
      assert.ok(level > 100, `the announcement is audible (level ${level})`);
      assert.equal(Number(call.recorded), 1, 'the call is recorded, as its number says');

      const ringing = sales.page.getByTestId('call-ringing');
      await ringing.waitFor({ timeout: 15_000 });
      await ringing.getByRole('button', { name: 'Answer' }).click();
      const bar = sales.page.getByTestId('call-bar');
      await bar.getByText('Recording', { exact: true }).waitFor({ timeout: 15_000 });
      await audioFlowsBothWays(sales.page, phone.dir);
      // A few slices of the recording reach the server while both talk.
      await until(
        async () =>
          Number((await srv.node.ctx.store.recordings.forCall(accountId, call.id))?.chunks ?? 0) >= 3,
        'the console uploads the recording',
        20_000,
      );
      await sales.page.screenshot({ path: join(SHOTS_DIR, 'phone-call-recorded.png') });
      await bar.getByRole('button', { name: 'Hang up' }).click();

      const note = await until(
        async () =>
          srv.node.ctx.store.db
            .selectFrom('messages')
            .select(['conversation_id as conversationId', 'body as text'])
            .where('account_id', '=', accountId)
            .where('conversation_id', '=', call.conversation_id)
            .where('body', 'like', 'Call recording (%')
            .executeTakeFirst(),
        'the recording is a note in the conversation',
        20_000,
      );
      assert.match(String(note.text), /^Call recording \(.+\)\.$/);
      const attachment = await srv.node.ctx.store.db
        .selectFrom('attachments')
        .select(['id', 'content_type'])
        .where('account_id', '=', accountId)
        .where('conversation_id', '=', call.conversation_id)
        .where('content_type', '=', 'audio/webm')
        .executeTakeFirstOrThrow();
      // The agent's browser fetches the attachment and decodes it: the audio is not silent.
      const url = `/api/v1/conversations/${call.conversation_id}/attachments/${attachment.id}`;
      const decoded = await sales.page.evaluate<{
        status: number;
        seconds: number;
        rms: number;
      }>(`(async () => {
        const res = await fetch(${JSON.stringify(url)}, { credentials: 'same-origin' });
        const audio = await new AudioContext().decodeAudioData(await res.arrayBuffer());
        const data = audio.getChannelData(0);
        let sum = 0;
        for (const v of data) sum += v * v;
        return { status: res.status, seconds: audio.duration, rms: Math.sqrt(sum / data.length) };
      })()`);
      assert.equal(decoded.status, 200);
      assert.ok(decoded.seconds > 2, `the recording lasts ${decoded.seconds} s`);
      assert.ok(decoded.rms > 0.01, `the recording is not silent (RMS ${decoded.rms})`);
    } finally {
      await phone.stop();
    }
  });
});
