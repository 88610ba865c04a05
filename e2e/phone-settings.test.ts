import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { CallRequests } from '../packages/sdk/src/call-requests.ts';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { connectAgent } from '../packages/server/test/helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { type JanusProcess, startJanus } from '../scripts/janus-gateway.mjs';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { gatewayReady } from './helpers/phone-media.ts';
import { startRegistrar } from './helpers/sip-registrar.ts';
import { demoAdmin } from './helpers/tag-fixtures.ts';
import { signedInAs, until } from './helpers/workspace-fixtures.ts';

interface Trunk {
  id: string;
  status: string;
  statusReason: string | null;
  retryAt: string | null;
}

const skip = gatewayReady();

/** A SIP INVITE with an audio offer, as a phone on `port` would send it from `caller` to `to`. */
function invite(to: { host: string; port: number }, number: string, caller: string, port: number): string {
  const sdp = [
    'v=0',
    `o=- ${Date.now()} 1 IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    'm=audio 40000 RTP/AVP 0',
    'a=rtpmap:0 PCMU/8000',
    'a=sendrecv',
    '',
  ].join('\r\n');
  const tag = randomBytes(4).toString('hex');
  return [
    `INVITE sip:${number}@${to.host}:${to.port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
    'Max-Forwards: 70',
    `From: <sip:${caller}@127.0.0.1>;tag=${tag}`,
    `To: <sip:${number}@${to.host}>`,
    `Call-ID: ${randomBytes(8).toString('hex')}@127.0.0.1`,
    'CSeq: 1 INVITE',
    `Contact: <sip:${caller}@127.0.0.1:${port}>`,
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(sdp)}`,
    '',
    sdp,
  ].join('\r\n');
}

describe('Settings › Phone: a failed registration heals on its own; numbers changed and deleted', {
  skip,
  timeout: 90_000,
}, () => {
  let janus: JanusProcess;
  let flaky: Awaited<ReturnType<typeof startRegistrar>>;
  let refusing: Awaited<ReturnType<typeof startRegistrar>>;
  let srv: TestServer;
  let browser: Browser;
  let admin: ApiClient;

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [janus, flaky, refusing, browser] = await Promise.all([
      startJanus(),
      // The carrier's registrar is down for the first REGISTER, then answers as usual.
      startRegistrar({ user: 'beckon-trunk', password: 'trunk-pass-1', unavailable: 1 }),
      startRegistrar({ user: 'other', password: 'x', refuse: true }),
      launchBrowser(),
    ]);
    srv = await startTestServer({
      demo: true,
      env: {
        BECKON_JANUS_URL: janus.url,
        BECKON_PHONE_RETRY_SECONDS: '2',
        BECKON_PHONE_RETRY_MAX_SECONDS: '600',
        BECKON_PHONE_INVITES_PER_MINUTE: '3',
      },
    });
    admin = await demoAdmin(srv);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
    await janus?.stop();
    await flaky?.close();
    await refusing?.close();
  });

  const trunkOf = async (id: string) =>
    (await admin.get<{ items: Trunk[] }>('/api/v1/phone/trunks')).body.items.find((t) => t.id === id);
  const registrations = async (outcome: string) =>
    (await srv.node.ctx.metrics.phoneRegistrations.get()).values.find((v) => v.labels.outcome === outcome)
      ?.value ?? 0;

  it('a trunk whose carrier answers 503 shows failed with its next try, then registers without an edit', async () => {
    const created = await admin.post<Trunk>('/api/v1/phone/trunks', {
      name: 'Carrier',
      host: '127.0.0.1',
      port: flaky.port,
      username: 'beckon-trunk',
      password: 'trunk-pass-1',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const failed = await until(async () => {
      const t = await trunkOf(created.body.id);
      return t?.status === 'failed' ? t : null;
    }, 'the trunk shows the outage');
    assert.match(failed.statusReason ?? '', /503/);
    assert.ok(failed.retryAt, 'the next try is shown');
    const wait = Date.parse(failed.retryAt!) - Date.now();
    assert.ok(wait > 0 && wait <= 2_000, `the first retry comes after the first delay, in ${wait} ms`);

    await until(async () => (await trunkOf(created.body.id))?.status === 'registered', 'the retry registers');
    const healed = (await trunkOf(created.body.id))!;
    assert.equal(healed.retryAt, null);
    assert.equal(healed.statusReason, null);
    assert.ok(flaky.attempts.length >= 2, 'the gateway asked the registrar again');
    assert.equal(await registrations('failed'), 1);
    assert.equal(await registrations('registered'), 1);
  });

  it('malformed SIP and a flood of INVITEs from one caller leave the gateway and node up; the flood is counted; the next good call rings; INVITEs beyond the trunk’s lines are counted busy', async () => {
    const gateway = await flaky.registered();
    const carrier = (await admin.get<{ items: Trunk[] }>('/api/v1/phone/trunks')).body.items[0]!;
    // Registered means every line of the trunk can ring: a flood sooner would meet a busy gateway.
    await until(async () => (await trunkOf(carrier.id))?.status === 'registered', 'the trunk is registered');
    const number = await admin.post<{ id: string }>('/api/v1/phone/numbers', {
      number: '+4930999001',
      trunkId: carrier.id,
      skillId: srv.demo!.skillIds.sales,
    });
    assert.equal(number.status, 201);
    const inbound = async (outcome: string) =>
      (await srv.node.ctx.metrics.phoneCalls.get()).values.find(
        (v) => v.labels.direction === 'inbound' && v.labels.outcome === outcome,
      )?.value ?? 0;
    const floods = () => inbound('flood');
    const socket = createSocket('udp4');
    const answers: string[] = [];
    /** The Call-ID of each 486 the phone got. */
    const busy: string[] = [];
    socket.on('message', (b, from) => {
      const lines = b.toString().split('\r\n');
      answers.push(lines[0]!);
      const header = (name: string) => lines.find((l) => l.toLowerCase().startsWith(`${name}:`)) ?? '';
      if (/^SIP\/2\.0 486 /.test(lines[0]!)) busy.push(header('call-id').replace(/^call-id:\s*/i, ''));
      // The gateway's hub ends a call it answered (no agent was free) with a BYE: the phone agrees.
      if (/^BYE /.test(lines[0]!)) {
        const ok = ['SIP/2.0 200 OK', header('via'), header('from'), header('to'), header('call-id')];
        socket.send(
          [...ok, header('cseq'), 'Content-Length: 0', '', ''].join('\r\n'),
          from.port,
          from.address,
        );
        return;
      }
      // A phone acknowledges a final answer (RFC 3261 17.1.1.3, 13.2.2.4), so the gateway frees its line.
      const code = Number(/^SIP\/2\.0 (\d{3})/.exec(lines[0]!)?.[1] ?? 0);
      if (code < 200 || !/INVITE/.test(header('cseq'))) return;
      const ack = [
        `ACK ${/^To:\s*<([^>]+)>/i.exec(header('to'))?.[1] ?? ''} SIP/2.0`,
        header('via'),
        'Max-Forwards: 70',
        header('from'),
        header('to'),
        header('call-id'),
        'CSeq: 1 ACK',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      socket.send(ack, from.port, from.address);
    });
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    const me = socket.address().port;
    const send = (text: string | Buffer) =>
      new Promise<void>((r) => socket.send(text, gateway.port, gateway.host, () => r()));
    try {
      // Malformed: garbage, a request line and nothing else, headers without a body they announce.
      await send(randomBytes(512));
      await send('INVITE sip:%%%@@@ SIP/2.0\r\n\r\n');
      await send(
        invite(gateway, '+4930999001', '+15550666', me).replace(
          /Content-Length: \d+/,
          'Content-Length: 9999',
        ),
      );
      await send('SIP/2.0 200 OK\r\nVia: nonsense\r\n\r\n');
      // A flood: 20 INVITEs from one caller in a burst (3 a minute are allowed).
      for (let i = 0; i < 20; i++) await send(invite(gateway, '+4930999001', '+15550666', me));
      // Under a full run's load the gateway takes a while over 20 INVITEs at once.
      await until(async () => (await floods()) >= 1, 'the flood is counted', 30_000);
      await until(
        async () => answers.filter((a) => / 486 /.test(a)).length >= 1,
        'the flood is refused with 486',
        30_000,
      );

      // Both stay up: the gateway's process, the node's health, the trunk's registration.
      assert.doesNotThrow(() => process.kill(janus.pid!, 0), 'Janus still runs');
      assert.equal((await admin.get('/healthz')).status, 200);
      assert.equal((await trunkOf(carrier.id))?.status, 'registered');

      // The next good call, from another caller, rings the agent.
      const agent = await connectAgent(srv, 'sales@demo.beckon.local');
      try {
        const calls = new CallRequests(agent.frames as never);
        // Every INVITE of the flood has had its final answer: 486 beyond the allowed three, which
        // the gateway's hub answers (200) to say no agent is free and hang up.
        await until(
          async () => answers.filter((a) => /^SIP\/2\.0 [2-6]\d\d /.test(a)).length >= 20,
          'every INVITE of the flood is answered',
          30_000,
        );
        const ringing = calls.nextCall(
          (c) => c.state === 'ringing' && c.phone?.number === '+15550777',
          30_000,
        );
        ringing.catch(() => {});
        // A phone whose INVITE found no free line (486 from the gateway) dials again a moment later.
        let rang = false;
        void ringing.then(() => {
          rang = true;
        });
        await until(async () => {
          if (rang) return true;
          await send(invite(gateway, '+4930999001', '+15550777', me));
          await new Promise((r) => setTimeout(r, 2_000));
          return rang;
        }, 'the good call rings the agent');
        const call = await ringing;
        assert.equal(call.phone?.direction, 'inbound');
        await calls.decline(call.id).catch(() => {});
      } finally {
        await agent.disconnect();
      }

      // More INVITEs at once than the trunk has lines (a registered handle and 4 helpers), each
      // from its own caller, so none is a flood. Those that find every line busy get 486 from the
      // gateway itself, which only tells Beckon (`missed_call`): each is counted as `busy`.
      const busyBefore = await inbound('busy');
      const burst: string[] = [];
      for (let i = 0; i < 9; i++) {
        const text = invite(gateway, '+4930999001', `+1555088${i}`, me);
        burst.push(/^Call-ID: (\S+)/m.exec(text)![1]!);
        await send(text);
      }
      const refused = () => busy.filter((id) => burst.includes(id)).length;
      await until(
        async () => refused() >= 1 && (await inbound('busy')) - busyBefore === refused(),
        'every INVITE the gateway refused as busy is counted',
        30_000,
      );
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal((await inbound('busy')) - busyBefore, refused(), 'each busy INVITE counted once');
    } finally {
      socket.close();
      await admin.delete(`/api/v1/phone/numbers/${number.body.id}`);
    }
  });

  it('Settings › Phone shows when a refused trunk is tried next; a number is changed in a dialog and deleted after a confirm', async () => {
    const refused = await admin.post<Trunk>('/api/v1/phone/trunks', {
      name: 'Refusing carrier',
      host: '127.0.0.1',
      port: refusing.port,
      username: 'beckon-trunk',
      password: 'wrong-pass',
    });
    assert.equal(refused.status, 201);
    const trunks = (await admin.get<{ items: Trunk[] }>('/api/v1/phone/trunks')).body.items;
    const carrier = trunks.find((t) => t.id !== refused.body.id)!;
    const number = await admin.post<{ id: string }>('/api/v1/phone/numbers', {
      number: '+4930123456',
      trunkId: carrier.id,
      skillId: srv.demo!.skillIds.sales,
    });
    assert.equal(number.status, 201);

    const settings = await signedInAs(browser, srv, 'admin@demo.beckon.local', '/console/settings/phone');
    const { page } = settings;
    try {
      const row = page.getByTestId('trunk-row').filter({ hasText: 'Refusing carrier' });
      await row.getByTestId('trunk-reason').getByText(/403/).waitFor({ timeout: 15_000 });
      await row
        .getByTestId('trunk-retry')
        .getByText(/^Next try at /)
        .waitFor({ timeout: 15_000 });

      const numberRow = page.getByTestId('number-row').filter({ hasText: '+4930123456' });
      await numberRow.getByText('Sales').waitFor();
      await numberRow.getByRole('button', { name: 'Edit +4930123456' }).click();
      const dialog = page.getByTestId('number-dialog');
      await dialog.getByLabel('Number', { exact: true }).fill('+49 30 123 457');
      await dialog.getByLabel('Skill', { exact: true }).selectOption({ label: 'Support' });
      await page.screenshot({ path: join(SHOTS_DIR, 'phone-settings-number-edit.png') });
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      const changed = page.getByTestId('number-row').filter({ hasText: '+4930123457' });
      await changed.getByText('Support').waitFor();
      await page.screenshot({ path: join(SHOTS_DIR, 'phone-settings-numbers.png') });
      const stored = await srv.node.ctx.store.phone.number(srv.demo!.accountId, number.body.id);
      assert.equal(stored?.number, '+4930123457');
      assert.equal(stored?.skill_id, srv.demo!.skillIds.support);

      await changed.getByRole('button', { name: 'Delete +4930123457' }).click();
      await page.getByRole('button', { name: 'Delete number' }).click();
      await page.getByTestId('numbers-empty').waitFor();
      assert.equal((await admin.get<{ items: unknown[] }>('/api/v1/phone/numbers')).body.items.length, 0);
    } finally {
      await settings.context.close();
    }
  });
});
