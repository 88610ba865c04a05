import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChannelFigures, ChannelsReport, ConversationsReport } from '@beckon/protocol/reports-api';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { hashPassword } from '../src/auth/passwords.ts';
import { channelsOf } from '../src/channels/channels-feature.ts';
import { BOT_TOKEN, startBotApi, tgUpdate } from './helpers/bot-api-server.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { postWebhook, waMessageDelivery } from './helpers/graph-api-server.ts';
import { postSigned, smsFields, startTwilioApi, TWILIO } from './helpers/twilio-server.ts';
import { startWhatsApp, WA } from './helpers/whatsapp-fixture.ts';

/**
 * Reports by channel, from conversations that came in the way customers write: signed WhatsApp,
 * Telegram and Twilio webhooks from the local provider servers, web chat over the visitor socket,
 * and an e-mail through the channel inbox.
 */
describe('reports by channel: conversations, first response and CSAT per channel', () => {
  let wa: Awaited<ReturnType<typeof startWhatsApp>>;
  let bot: Awaited<ReturnType<typeof startBotApi>>;
  let twilio: Awaited<ReturnType<typeof startTwilioApi>>;
  let agent: AgentChatClient;
  let tgHook = '';
  let tgSecret = '';
  let smsHook = '';
  const ids: Record<string, string[]> = {};
  const keep = (channel: string, id: string) => {
    ids[channel] = [...(ids[channel] ?? []), id];
  };

  const api = (path: string, init: RequestInit = {}, who = wa.admin) =>
    fetch(`${wa.srv.url}${path}`, {
      ...init,
      headers: {
        cookie: who.cookie,
        'x-csrf-token': who.csrf,
        'content-type': 'application/json',
        ...init.headers,
      },
    });
  const store = () => wa.srv.node.ctx.store;
  const byExternal = async (channel: string, like: string) =>
    eventually(async () => {
      const row = await store()
        .db.selectFrom('channel_messages')
        .select('conversation_id')
        .where('channel', '=', channel as 'sms')
        .where('external_id', 'like', like)
        .executeTakeFirst();
      return row?.conversation_id;
    });

  /** The agent takes the offer, answers if asked, and ends it; the customer's survey is recorded. */
  const work = async (id: string, opts: { answer?: boolean; csat?: number } = {}) => {
    await eventually(() => agent.offers.get(id), 5000, `the offer of ${id}`);
    await agent.accept(id);
    if (opts.answer) await agent.send(id, 'Happy to help');
    if (opts.csat !== undefined) {
      await agent.close(id);
      // Surveys are off here (channel-csat-surveys.test.ts sends them): record the answer as one would.
      await store().conversations.setCsat(wa.accountId, id, opts.csat, null);
    }
  };

  before(async () => {
    wa = await startWhatsApp();
    const { userId } = await cookieFor(wa.srv, 'sales@demo.beckon.local');
    await store().users.update(wa.accountId, userId, { capacity: 30 });
    agent = await connectAgent(wa.srv, 'sales@demo.beckon.local');

    bot = await startBotApi(BOT_TOKEN);
    const tg = await api('/api/v1/channels', {
      method: 'POST',
      body: JSON.stringify({ type: 'telegram', botToken: BOT_TOKEN, apiBaseUrl: bot.url }),
    });
    assert.equal(tg.status, 201, await tg.clone().text());
    tgHook = ((await tg.json()) as { webhookUrl: string }).webhookUrl;
    tgSecret = bot.webhooks.at(-1)!.secret_token!;

    twilio = await startTwilioApi();
    const sms = await api('/api/v1/channels', {
      method: 'POST',
      body: JSON.stringify({ type: 'sms', name: 'Texts', ...TWILIO, apiBaseUrl: twilio.url }),
    });
    assert.equal(sms.status, 201, await sms.clone().text());
    smsHook = `${wa.srv.url}/hooks/sms/${((await sms.json()) as { id: string }).id}`;

    // WhatsApp: three customers; two answered (CSAT 4 and 2), one left waiting.
    for (const [i, plan] of [{ answer: true, csat: 4 }, { answer: true, csat: 2 }, {}].entries()) {
      const d = waMessageDelivery(WA.phoneNumberId, `15550100${i}`, `WhatsApp question ${i}`);
      assert.equal((await postWebhook(wa.hook, d.body, WA.appSecret)).status, 200);
      const id = await byExternal('whatsapp', d.id);
      keep('whatsapp', id);
      if ('answer' in plan) await work(id, plan);
    }
    // Telegram: two customers, one answered.
    for (const [i, user] of [710_000_001, 710_000_002].entries()) {
      const res = await fetch(tgHook, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': tgSecret },
        body: JSON.stringify(tgUpdate(user, `Telegram question ${i}`, 1)),
      });
      assert.equal(res.status, 200);
      const id = await byExternal('telegram', `%${user}:1`);
      keep('telegram', id);
      if (i === 0) await work(id, { answer: true, csat: 5 });
    }
    // SMS: one customer, answered, no survey.
    const fields = smsFields('+15005550100', 'SMS question');
    assert.equal((await postSigned(smsHook, fields)).status, 200);
    const smsId = await byExternal('sms', fields.MessageSid);
    keep('sms', smsId);
    await work(smsId, { answer: true });
    // Web chat: one visitor answered and rating the chat 5 over the socket, one never answered.
    const visitor = await startVisitor(wa.srv, { text: 'Web question' });
    keep('web', visitor.conversation.id);
    await work(visitor.conversation.id, { answer: true });
    await agent.close(visitor.conversation.id);
    await visitor.waitForConversation((c) => c.status === 'closed');
    visitor.csat(5);
    await eventually(async () => {
      const c = await store().conversations.get(wa.accountId, visitor.conversation.id);
      return c.csatScore === 5;
    });
    await visitor.close();
    const quiet = await startVisitor(wa.srv, { text: 'Anyone?' });
    keep('web', quiet.conversation.id);
    await quiet.close();
    // E-mail, through the channel seam the SMTP listener feeds.
    const mail = await channelsOf(wa.srv.node.ctx).inbox.receive({
      channel: 'email',
      accountId: wa.accountId,
      siteId: null,
      from: { email: 'reports@example.com', address: 'email' },
      externalId: '<reports-1@example.com>',
      text: 'E-mail question',
    });
    keep('email', mail.conversation.id);
  });

  after(async () => {
    await agent?.disconnect();
    await wa?.close();
    await bot?.close();
    await twilio?.close();
  });

  const report = async (q = '', who = wa.admin) => {
    const res = await api(`/api/v1/reports/channels${q}`, {}, who);
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as ChannelsReport;
  };
  const row = (r: ChannelsReport, channel: string) => r.channels.find((c) => c.channel === channel);

  /** What the stored conversations of a channel say, computed here from their rows. */
  const expected = async (channel: string) => {
    const rows = await Promise.all(ids[channel]!.map((id) => store().conversations.get(wa.accountId, id)));
    const answered = rows.filter((c) => c.firstResponseAt !== null);
    const rated = rows.filter((c) => c.csatScore !== null);
    return {
      conversations: rows.length,
      firstResponse:
        answered.length === 0
          ? null
          : answered.reduce((s, c) => s + Date.parse(c.firstResponseAt!) - Date.parse(c.enqueuedAt), 0) /
            answered.length /
            1000,
      csat: rated.length === 0 ? null : rated.reduce((s, c) => s + c.csatScore!, 0) / rated.length,
      csatResponses: rated.length,
    };
  };

  it('splits conversations by channel, busiest first, adding up to the conversations report', async () => {
    const r = await report();
    assert.deepEqual(
      r.channels.map((c) => [c.channel, c.conversations]),
      [
        ['whatsapp', 3],
        ['telegram', 2],
        ['web', 2],
        ['email', 1],
        ['sms', 1],
      ],
    );
    const conv = (await (await api('/api/v1/reports/conversations')).json()) as ConversationsReport;
    assert.equal(r.total.conversations, 9);
    assert.equal(r.total.conversations, conv.total.conversations);
    assert.equal(r.total.answered, conv.total.answered);
    assert.equal(r.total.csatResponses, conv.total.csatResponses);
    assert.equal(row(r, 'whatsapp')!.answered, 2);
    assert.equal(row(r, 'telegram')!.answered, 1);
    assert.equal(row(r, 'email')!.answered, 0);
  });

  it('gives each channel its own first response time and CSAT', async () => {
    const r = await report();
    for (const channel of ['whatsapp', 'telegram', 'sms', 'web', 'email']) {
      const want = await expected(channel);
      const got = row(r, channel) as ChannelFigures;
      assert.equal(got.conversations, want.conversations, channel);
      if (want.firstResponse === null) assert.equal(got.avgFirstResponseSeconds, null, channel);
      else assert.ok(Math.abs(got.avgFirstResponseSeconds! - want.firstResponse) < 0.002, channel);
      assert.equal(got.csatAverage, want.csat, channel);
      assert.equal(got.csatResponses, want.csatResponses, channel);
    }
    assert.equal(row(r, 'whatsapp')!.csatAverage, 3);
    assert.equal(row(r, 'whatsapp')!.csatSatisfied, 0.5);
    assert.equal(row(r, 'telegram')!.csatAverage, 5);
    assert.equal(row(r, 'web')!.csatAverage, 5);
    assert.equal(row(r, 'sms')!.csatAverage, null, 'no survey answered');
    assert.equal(row(r, 'email')!.avgFirstResponseSeconds, null, 'never answered');
  });

  it('follows the date range and the site filter', async () => {
    const empty = await report('?from=2020-01-01&to=2020-01-31');
    assert.deepEqual(empty.channels, []);
    assert.equal(empty.total.conversations, 0);
    // Web chat belongs to the demo site; provider channels to no site, so a site shows only its chats.
    const site = await report(`?siteId=${wa.srv.demo!.siteId}`);
    assert.deepEqual(
      site.channels.map((c) => [c.channel, c.conversations]),
      [['web', 2]],
    );
    assert.equal(site.period.siteId, wa.srv.demo!.siteId);
  });

  it('exports a CSV with a row per channel and the total', async () => {
    const res = await api('/api/v1/reports/channels?format=csv');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(
      res.headers.get('content-disposition') ?? '',
      /^attachment; filename="beckon-channels-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = (await res.text()).trim().split('\r\n');
    assert.ok(lines[0]!.startsWith('channel,conversations,answered,missed,abandoned,transferred,avg_wait_s'));
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(',').slice(0, 3).join(',')),
      ['whatsapp,3,2', 'telegram,2,1', 'web,2,1', 'email,1,0', 'sms,1,1', 'total,9,5'],
    );
    assert.ok(lines[1]!.endsWith(',2,3,0.5'), 'WhatsApp: two answers averaging 3, half satisfied');
  });

  it('is for owners, admins and analysts only, and shows another account nothing', async () => {
    const sales = await cookieFor(wa.srv, 'sales@demo.beckon.local');
    assert.equal((await api('/api/v1/reports/channels', {}, sales)).status, 403);
    assert.equal((await fetch(`${wa.srv.url}/api/v1/reports/channels`)).status, 401);
    const acct = await store().accounts.create('Other Co');
    await store().users.create(acct.id, {
      email: 'owner@other-channels.example',
      name: 'Other',
      role: 'owner',
      passwordHash: await hashPassword('other-owner-pw'),
    });
    const other = await cookieFor(wa.srv, 'owner@other-channels.example');
    const theirs = await report('', other);
    assert.deepEqual(theirs.channels, []);
    const bad = await api('/api/v1/reports/channels?from=yesterday');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /from/);
  });
});
