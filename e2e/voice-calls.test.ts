import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chatOf } from '../packages/server/src/conversations/chat-module.ts';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { cookieFor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { FAKE_MEDIA, KEEP_PEERS } from './helpers/fake-media.ts';
import { brokenText } from './helpers/layout.ts';
import { demoAdmin, recordFrames, until } from './helpers/tag-fixtures.ts';
import { type ConsolePage, goAway, goOnline, signedInAs, watch } from './helpers/workspace-fixtures.ts';

const SALES = 'sales@demo.beckon.local';
const SUPPORT = 'support@demo.beckon.local';

interface AudioStats {
  bytesReceived: number;
  audioLevel: number;
  state: string;
}
/** Inbound audio of the page's newest peer connection. */
const inbound = (page: Page): Promise<AudioStats | null> =>
  page.evaluate(`(async () => {
    const pc = (window.__peers ?? []).at(-1);
    if (!pc) return null;
    let found = null;
    (await pc.getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'audio')
        found = { bytesReceived: r.bytesReceived ?? 0, audioLevel: r.audioLevel ?? 0, state: pc.connectionState };
    });
    return found;
  })()`);

/** Audio arrives on this page: received bytes grow and the level is above zero at some point. */
async function hears(page: Page, who: string): Promise<void> {
  const first = await until(
    async () => {
      const s = await inbound(page);
      return s && s.bytesReceived > 0 ? s : null;
    },
    `${who} receives audio`,
    15_000,
  );
  await until(
    async () => {
      const s = await inbound(page);
      return s && s.bytesReceived > first.bytesReceived && s.audioLevel > 0;
    },
    `${who}'s received audio grows, with a level above zero`,
    15_000,
  );
}

/** How the call bar lays out: on how many rows its line is drawn, and whether the timer is whole inside the bar. */
const callBarLayout = (page: Page) =>
  page.evaluate<{ lineRows: number; timerShown: boolean }>(`(() => {
    const bar = document.querySelector('[data-testid="call-bar"]').getBoundingClientRect();
    const line = document.querySelector('[data-testid="call-line"]');
    const rows = new Set([...line.getClientRects()].map((r) => Math.round(r.top))).size;
    const lineHeight = parseFloat(getComputedStyle(line).lineHeight) || 18;
    const el = document.querySelector('[data-testid="call-timer"]');
    const r = el.getBoundingClientRect();
    return {
      lineRows: Math.max(rows, Math.round(line.getBoundingClientRect().height / lineHeight)),
      timerShown: r.width >= el.scrollWidth && r.left >= bar.left && r.right <= bar.right && r.top >= bar.top && r.bottom <= bar.bottom,
    };
  })()`);

describe('calls between the widget and the console (Chromium, fake microphones)', {
  timeout: 300_000,
}, () => {
  let srv: TestServer;
  let browser: Browser;
  let admin: ApiClient;
  before(async () => {
    ensureTagBuilt();
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([
      startTestServer({
        demo: true,
        env: { BECKON_CALL_RING_SECONDS: '4', BECKON_CALL_RECONNECT_SECONDS: '2' },
      }),
      launchBrowser(FAKE_MEDIA),
    ]);
    admin = await demoAdmin(srv);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  const agentIn = async (email: string): Promise<ConsolePage> => {
    const c = await signedInAs(browser, srv, email, '/console/conversations', (ctx) =>
      ctx.addInitScript(KEEP_PEERS),
    );
    await goOnline(c.page);
    return c;
  };

  /** A shopper on the demo store chatting with `agent` (invited, pre-chat, accepted in the console). */
  async function shopperChatting(agent: ConsolePage, name: string, on: Browser = browser) {
    const context: BrowserContext = await on.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(KEEP_PEERS);
    const page = await context.newPage();
    const watched = watch(context, page);
    const log = recordFrames(page);
    await page.goto(`${srv.url}/demo/product-lamp`);
    const hello = await until(
      () => log.sent.find((f) => f.type === 'hello' && f.visitorId),
      'the tag’s hello',
    );
    await until(() => log.received.find((f) => f.type === 'welcome'), 'the tag’s welcome');
    const res = await admin.post(`/api/v1/visitors/${hello.visitorId}/invite`, {
      message: 'Can I help you choose?',
      skillId: srv.demo!.skillIds.sales,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const widget = page.locator('beckon-widget');
    await widget.getByRole('alertdialog').getByRole('button', { name: 'Start chat' }).click();
    const form = widget.getByRole('form', { name: 'Before we start' });
    await form.getByLabel('Name').fill(name);
    await form.getByRole('button', { name: 'Start chat' }).click();
    const offer = agent.page.getByTestId('offer-card').filter({ hasText: name });
    await offer.getByRole('button', { name: 'Accept' }).click();
    await agent.page.getByTestId('chat-name').getByText(name).waitFor();
    const panel = widget.getByRole('dialog');
    return { context, page, watched, widget, panel };
  }

  it('a visitor calls: the agent answers, audio flows both ways, hold and resume, the visitor hangs up', async () => {
    const sales = await agentIn(SALES);
    const shopper = await shopperChatting(sales, 'Grace Hopper');
    // The visitor asks for a call: first why the microphone, then the browser asks.
    await shopper.panel.getByRole('button', { name: 'Call us' }).click();
    await shopper.panel.getByText('Your browser will ask to use your microphone').waitFor();
    await shopper.page.screenshot({ path: `${SHOTS_DIR}voice-widget-explain.png` });
    await shopper.panel.getByRole('button', { name: 'Start call' }).click();
    await shopper.panel.getByText('Waiting for an agent to answer.').waitFor();
    // The agent's console rings with who calls; they answer.
    const ringing = sales.page.getByTestId('call-ringing');
    await ringing.getByText('Incoming call from Grace Hopper').waitFor();
    await sales.page.screenshot({ path: `${SHOTS_DIR}voice-console-ringing.png` });
    await ringing.getByRole('button', { name: 'Answer' }).click();
    await shopper.panel.locator('.call').getByText('On a call with Sales Agent').waitFor();
    const bar = sales.page.getByTestId('call-bar');
    await bar.getByText('On a call with Grace Hopper').waitFor({ timeout: 15_000 });
    await Promise.all([hears(shopper.page, 'the visitor'), hears(sales.page, 'the agent')]);
    await shopper.panel
      .locator('.call .timer')
      .getByText(/^0:0[1-9]|^0:[1-5]\d/)
      .waitFor();
    await bar.getByTestId('call-timer').waitFor();
    // At 1280 px the line reads whole beside the timer, and the buttons keep their words.
    await sales.page.setViewportSize({ width: 1280, height: 800 });
    assert.deepEqual(await brokenText(sales.page, '[data-testid="call-bar"]'), []);
    assert.deepEqual(await callBarLayout(sales.page), { lineRows: 1, timerShown: true });
    await sales.page.screenshot({ path: `${SHOTS_DIR}voice-console-call.png` });
    await shopper.page.screenshot({ path: `${SHOTS_DIR}voice-widget-call.png` });
    // Hold and resume.
    await bar.getByRole('button', { name: 'Hold' }).click();
    await shopper.panel.locator('.call').getByText('On hold', { exact: true }).waitFor();
    await bar.getByText('On hold — the visitor hears nothing').waitFor();
    assert.deepEqual(await brokenText(sales.page, '[data-testid="call-bar"]'), []);
    assert.deepEqual(await callBarLayout(sales.page), { lineRows: 1, timerShown: true }, 'on hold too');
    await sales.page.screenshot({ path: `${SHOTS_DIR}voice-console-call-held.png` });
    await bar.getByRole('button', { name: 'Resume' }).click();
    await shopper.panel.locator('.call').getByText('On a call with Sales Agent').waitFor();
    // The visitor hangs up: both sides see it, and the timeline has every step.
    await shopper.panel.getByRole('button', { name: 'Hang up' }).click();
    await bar.waitFor({ state: 'detached' });
    await shopper.panel.locator('.call').getByText('Call ended.').waitFor();
    const chat = sales.page.getByTestId('chat');
    for (const line of [
      'The visitor asked for a call.',
      'Call answered by Sales Agent.',
      'Call on hold.',
      'Call resumed.',
    ])
      await chat.getByText(line).waitFor();
    await chat.getByText(/Call ended \(hung up by the visitor\) after/).waitFor();
    // The chat goes on.
    await shopper.panel.getByRole('textbox').fill('Thanks for the call!');
    await shopper.panel.getByRole('textbox').press('Enter');
    await chat.getByText('Thanks for the call!').waitFor();
    assert.deepEqual([...sales.errors, ...shopper.watched.errors], []);
    await shopper.context.close();
    await sales.context.close();
  });

  it('an unanswered ring passes to the next agent; a transfer rings the other agent, whose console sets up audio anew', async () => {
    const sales = await agentIn(SALES);
    const support = await agentIn(SUPPORT);
    // Support is away while the chat is offered, so Sales gets it.
    await goAway(support.page);
    const shopper = await shopperChatting(sales, 'Ada Lovelace');
    await goOnline(support.page);
    await shopper.panel.getByRole('button', { name: 'Call us' }).click();
    await shopper.panel.getByRole('button', { name: 'Start call' }).click();
    // Sales's console rings first (their chat) and nobody answers: Support's rings next.
    await sales.page.getByTestId('call-ringing').getByText('Incoming call from Ada Lovelace').waitFor();
    const supportRing = support.page.getByTestId('call-ringing');
    await supportRing.getByText('Incoming call from Ada Lovelace').waitFor({ timeout: 10_000 });
    await sales.page.getByTestId('call-ringing').waitFor({ state: 'detached' });
    await supportRing.getByRole('button', { name: 'Answer' }).click();
    await shopper.panel.locator('.call').getByText('On a call with Support Agent').waitFor();
    await hears(support.page, 'the support agent');
    // Support transfers the call to Sales.
    await support.page.getByTestId('call-bar').getByRole('button', { name: 'Transfer call' }).click();
    const dialog = support.page.getByTestId('transfer-dialog');
    await dialog.getByLabel('Agent', { exact: true }).selectOption({ label: 'Sales Agent — Online' });
    await dialog.getByTestId('transfer-submit').click();
    await shopper.panel.locator('.call').getByText('Transferring your call…').waitFor();
    const salesRing = sales.page.getByTestId('call-ringing');
    await salesRing.getByRole('button', { name: 'Answer' }).click();
    await shopper.panel.locator('.call').getByText('On a call with Sales Agent').waitFor();
    await Promise.all([hears(sales.page, 'the sales agent'), hears(shopper.page, 'the visitor')]);
    // The agent's network goes: the console's tab is gone. The call ends on the visitor's side, and in the record.
    await sales.page.close();
    await shopper.panel.locator('.call').getByText('Call ended.').waitFor({ timeout: 15_000 });
    const calls = await srv.node.ctx.store.calls.busyAgents(srv.demo!.accountId);
    assert.equal(calls.onCall.size, 0, 'no agent left busy');
    const last = await srv.node.ctx.store.db
      .selectFrom('calls')
      .selectAll()
      .orderBy('requested_at', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(last.end_reason, 'network_lost');
    assert.equal(Number(last.transfers), 1);
    await shopper.context.close();
    await sales.context.close();
    await support.context.close();
  });

  it('a visitor who does not allow the microphone is told so, and the chat goes on', async () => {
    const denying = await launchBrowser(['--use-fake-device-for-media-stream', '--deny-permission-prompts']);
    try {
      const sales = await agentIn(SALES);
      const shopper = await shopperChatting(sales, 'Linus', denying);
      await shopper.panel.getByRole('button', { name: 'Call us' }).click();
      await shopper.panel.getByRole('button', { name: 'Start call' }).click();
      await shopper.panel.getByText('Your browser did not allow the microphone').waitFor();
      await shopper.page.screenshot({ path: `${SHOTS_DIR}voice-widget-denied.png` });
      assert.equal(await sales.page.getByTestId('call-ringing').count(), 0, 'no call rang');
      await shopper.panel.getByRole('textbox').fill('I will type instead');
      await shopper.panel.getByRole('textbox').press('Enter');
      await sales.page.getByTestId('chat').getByText('I will type instead').waitFor();
      await shopper.context.close();
      await sales.context.close();
    } finally {
      await denying.close();
    }
  });

  it('a missed call becomes a callback: the visitor leaves a number, it is offered at its time, the agent dials and records the outcome', async () => {
    // Support, who holds no chat yet (the tests above left theirs with Sales).
    const support = await agentIn(SUPPORT);
    const shopper = await shopperChatting(support, 'Hedy Lamarr');
    await shopper.panel.getByRole('button', { name: 'Call us' }).click();
    await shopper.panel.getByRole('button', { name: 'Start call' }).click();
    // Nobody answers within the ring time.
    const strip = shopper.panel.locator('.call');
    await strip.getByText('No one could take the call right now').waitFor({ timeout: 15_000 });
    await strip.getByRole('button', { name: 'Call me back' }).click();
    const form = shopper.panel.getByRole('form', { name: 'Ask for a callback' });
    // Not "As soon as possible" (the default while the skill is open): the suggested time, later.
    await form.getByLabel('When').selectOption('later');
    await form.getByLabel('Phone number').fill('+44 20 7946 0958');
    await form.getByLabel('Topic (optional)').fill('Lamp delivery');
    await shopper.page.screenshot({ path: `${SHOTS_DIR}voice-widget-callback.png` });
    await form.getByRole('button', { name: 'Call me back' }).click();
    await strip.getByText('we will call you back').waitFor();
    const row = await until(
      () =>
        srv.node.ctx.store.db
          .selectFrom('callbacks')
          .selectAll()
          .where('phone', '=', '+44 20 7946 0958')
          .executeTakeFirst(),
      'the callback stored',
    );
    // Its time comes (the scheduler's clock, moved on): it is offered like a chat.
    assert.equal(await chatOf(srv.node.ctx)!.callbacks.tick(Number(row.window_start) + 1000), 1);
    const offer = support.page.getByTestId('offer-card').filter({ hasText: 'Hedy Lamarr' });
    await offer.getByRole('button', { name: 'Accept' }).click();
    const card = support.page.getByTestId('callback-card');
    const dial = card.getByRole('link', { name: '+44 20 7946 0958' });
    assert.equal(await dial.getAttribute('href'), 'tel:+442079460958');
    await support.page.screenshot({ path: `${SHOTS_DIR}voice-console-callback.png` });
    await card.getByRole('button', { name: 'Reached' }).click();
    // The outcome's badge, not its button ("Reached" matches both): the outcome is stored by then.
    await card.locator('.badge').getByText('Reached', { exact: true }).waitFor();
    const done = await srv.node.ctx.store.callbacks.get(srv.demo!.accountId, row.id);
    assert.equal(done?.outcome, 'reached');
    await shopper.context.close();
    await support.context.close();
  });

  it('a site that records calls: both sides are told, the console records both voices, and the recording plays only for staff who may read the chat', async () => {
    // An admin turns recording on for the site, in Settings › Sites.
    const owner = await signedInAs(browser, srv, 'admin@demo.beckon.local', '/console/settings/sites');
    const card = owner.page.getByTestId('site-card').first();
    await card.getByRole('button', { name: /^Edit / }).click();
    const dialog = owner.page.getByTestId('site-dialog');
    await dialog.getByTestId('site-record-calls').getByRole('checkbox').check();
    await owner.page.screenshot({ path: `${SHOTS_DIR}voice-site-recording.png` });
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await card.getByTestId('site-record-calls-fact').getByText('Recorded', { exact: true }).waitFor();
    await owner.context.close();
    // Stored, not only shown (a failure below then points at the call, not at the setting).
    const sites = await srv.node.ctx.store.sites.list(srv.demo!.accountId);
    assert.deepEqual(
      sites.map((s) => [s.siteKey === srv.demo!.siteKey, s.recordCalls]),
      sites.map((s) => [s.siteKey === srv.demo!.siteKey, s.siteKey === srv.demo!.siteKey]),
      'the demo store’s site records calls',
    );

    // The earlier tests left Sales holding three chats, a full load: give them room for this one.
    const users = await admin.get('/api/v1/users');
    const salesUser = (users.body.items as Array<{ id: string; email: string }>).find(
      (u) => u.email === SALES,
    );
    assert.ok(salesUser, JSON.stringify(users.body));
    const roomier = await admin.request('PATCH', `/api/v1/users/${salesUser.id}`, { capacity: 6 });
    assert.equal(roomier.status, 200, JSON.stringify(roomier.body));
    const sales = await agentIn(SALES);
    const shopper = await shopperChatting(sales, 'Katherine Johnson');
    // The visitor reads that the call is recorded before the microphone is asked for, and during the call.
    await shopper.panel.getByRole('button', { name: 'Call us' }).click();
    await shopper.panel.getByText('This call is recorded.').waitFor();
    await shopper.panel.getByRole('button', { name: 'Start call' }).click();
    await shopper.panel.locator('.call').getByText('This call is recorded.').waitFor();
    await sales.page.getByTestId('call-ringing').getByRole('button', { name: 'Answer' }).click();
    await shopper.panel.locator('.call').getByText('On a call with Sales Agent').waitFor();
    await shopper.panel.locator('.call').getByText('This call is recorded.').waitFor();
    // The agent sees the recording sign; the timeline says when it started.
    const bar = sales.page.getByTestId('call-bar');
    await bar
      .getByTestId('call-recording')
      .getByText('Recording', { exact: true })
      .waitFor({ timeout: 15_000 });
    await Promise.all([hears(shopper.page, 'the visitor'), hears(sales.page, 'the agent')]);
    const chat = sales.page.getByTestId('chat');
    await chat.getByText('Recording started.').waitFor();
    await sales.page.screenshot({ path: `${SHOTS_DIR}voice-console-recording.png` });
    await shopper.page.screenshot({ path: `${SHOTS_DIR}voice-widget-recorded.png` });
    // Some seconds of talk, then the agent hangs up.
    const uploaded = async () =>
      (await srv.node.ctx.store.db.selectFrom('call_recordings').selectAll().executeTakeFirst()) ?? null;
    await until(
      async () => {
        const r = await uploaded();
        return r && Number(r.chunks) >= 2 ? r : null;
      },
      'a few slices uploaded',
      15_000,
    );
    await bar.getByRole('button', { name: 'Hang up' }).click();
    await bar.waitFor({ state: 'detached' });
    // The recording is an attachment of the conversation, with a player in the timeline.
    const player = chat.getByTestId('recording');
    await player.waitFor({ timeout: 15_000 });
    await sales.page.screenshot({ path: `${SHOTS_DIR}voice-console-recording-player.png` });
    const url = await player.locator('audio').getAttribute('src');
    assert.ok(url?.startsWith('/api/v1/conversations/'), url ?? 'no src');
    // It decodes as WebM audio of some length, read in the console's own page with its cookie.
    const decoded = await sales.page.evaluate(async (src: string) => {
      const res = await fetch(src, { credentials: 'same-origin' });
      const bytes = new Uint8Array(await res.arrayBuffer());
      const magic = Array.from(bytes.slice(0, 4));
      type Decoded = { duration: number; getChannelData(i: number): Float32Array };
      type Decoder = { decodeAudioData(b: ArrayBuffer): Promise<Decoded> };
      const Offline = (
        globalThis as unknown as {
          OfflineAudioContext: new (ch: number, len: number, rate: number) => Decoder;
        }
      ).OfflineAudioContext;
      const ctx = new Offline(1, 1, 48_000);
      const audio = await ctx.decodeAudioData(bytes.slice().buffer);
      let peak = 0;
      for (const v of audio.getChannelData(0)) peak = Math.max(peak, Math.abs(v));
      return {
        status: res.status,
        type: res.headers.get('content-type'),
        size: bytes.length,
        magic,
        duration: audio.duration,
        peak,
      };
    }, url!);
    assert.equal(decoded.status, 200);
    assert.equal(decoded.type, 'audio/webm');
    assert.deepEqual(decoded.magic, [0x1a, 0x45, 0xdf, 0xa3], 'a WebM (EBML) file');
    assert.ok(decoded.size > 4000, `a recording of some size: ${decoded.size} bytes`);
    assert.ok(decoded.duration > 1, `some seconds of audio: ${decoded.duration} s`);
    assert.ok(decoded.peak > 0, 'not silence');
    const row = await uploaded();
    assert.equal(row?.status, 'complete');
    assert.equal(Number(row?.size), decoded.size);
    // Someone of another account, and an agent who may not read this chat, cannot play it.
    const { store } = srv.node.ctx;
    const other = await store.accounts.create('Elsewhere');
    await store.users.create(other.id, {
      email: 'owner@elsewhere.example',
      name: 'Else',
      role: 'owner',
      passwordHash: 'x',
    });
    for (const email of ['owner@elsewhere.example', SUPPORT]) {
      const { cookie } = await cookieFor(srv, email);
      const res = await fetch(`${srv.url}${url}`, { headers: { cookie } });
      assert.equal(res.status, 404, email);
    }
    assert.deepEqual([...sales.errors, ...shopper.watched.errors], []);
    await shopper.context.close();
    await sales.context.close();
  });

  it('a recorded call transferred: the new agent’s console goes on recording, and both legs are kept', async () => {
    const { db } = srv.node.ctx.store;
    const sales = await agentIn(SALES);
    const support = await agentIn(SUPPORT);
    await goAway(support.page);
    const shopper = await shopperChatting(sales, 'Mary Jackson');
    await goOnline(support.page);
    await shopper.panel.getByRole('button', { name: 'Call us' }).click();
    await shopper.panel.getByRole('button', { name: 'Start call' }).click();
    await sales.page.getByTestId('call-ringing').getByRole('button', { name: 'Answer' }).click();
    const recordingSign = (c: ConsolePage) =>
      c.page
        .getByTestId('call-bar')
        .getByTestId('call-recording')
        .getByText('Recording', { exact: true })
        .waitFor({ timeout: 15_000 });
    await recordingSign(sales);
    const call = await db
      .selectFrom('calls')
      .selectAll()
      .orderBy('requested_at', 'desc')
      .executeTakeFirstOrThrow();
    const legs = () =>
      db.selectFrom('call_recordings').selectAll().where('call_id', '=', call.id).orderBy('leg').execute();
    await until(
      async () => Number((await legs())[0]?.chunks ?? 0) >= 2,
      'Sales records a few slices',
      15_000,
    );
    // Sales transfers the call to Support, whose console answers and goes on recording.
    await sales.page.getByTestId('call-bar').getByRole('button', { name: 'Transfer call' }).click();
    const dialog = sales.page.getByTestId('transfer-dialog');
    await dialog.getByLabel('Agent', { exact: true }).selectOption({ label: 'Support Agent — Online' });
    await dialog.getByTestId('transfer-submit').click();
    await support.page.getByTestId('call-ringing').getByRole('button', { name: 'Answer' }).click();
    await shopper.panel.locator('.call').getByText('On a call with Support Agent').waitFor();
    await shopper.panel.locator('.call').getByText('This call is recorded.').waitFor();
    await recordingSign(support);
    await Promise.all([hears(support.page, 'the support agent'), hears(shopper.page, 'the visitor')]);
    await until(
      async () => Number((await legs())[1]?.chunks ?? 0) >= 2,
      'Support records a few slices',
      15_000,
    );
    await support.page.screenshot({ path: `${SHOTS_DIR}voice-console-recording-transferred.png` });
    await support.page.getByTestId('call-bar').getByRole('button', { name: 'Hang up' }).click();
    // Both legs are complete recordings of the conversation, by each agent, each in a note.
    const done = await until(
      async () => {
        const rows = await legs();
        return rows.length === 2 && rows.every((r) => r.status === 'complete' && r.attachment_id)
          ? rows
          : null;
      },
      'both legs finished',
      20_000,
    );
    const [salesUser, supportUser] = await Promise.all(
      [SALES, SUPPORT].map((email) =>
        db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow(),
      ),
    );
    assert.deepEqual(
      done.map((r) => r.agent_id),
      [salesUser!.id, supportUser!.id],
    );
    assert.ok(done.every((r) => Number(r.size) > 2000, 'each leg holds audio'));
    // The note follows the finished row: the server marks the leg complete, then sends its note.
    const lines = await until(
      async () => {
        const rows = await db
          .selectFrom('messages')
          .select('body')
          .where('conversation_id', '=', call.conversation_id)
          .execute();
        return rows.filter((m) => /^Call recording/.test(m.body)).length >= 2 ? rows : null;
      },
      'a note for each leg',
      10_000,
    );
    assert.ok(lines.some((m) => m.body === 'Recording continues with Support Agent.'));
    assert.equal(lines.filter((m) => /^Call recording/.test(m.body)).length, 2);
    await admin.patch(`/api/v1/sites/${srv.demo!.siteId}`, { recordCalls: false });
    await shopper.context.close();
    await sales.context.close();
    await support.context.close();
  });
});
