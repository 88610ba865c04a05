import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChannelsReport } from '@beckon/protocol/reports-api';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { channelsOf } from '../src/channels/channels-feature.ts';
import { BOT_TOKEN, startBotApi, tgUpdate } from './helpers/bot-api-server.ts';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';
import { postWebhook, waListReply, waMessageDelivery } from './helpers/graph-api-server.ts';
import { PAGE } from './helpers/messenger-fixture.ts';
import { customerMessage, messagingDelivery, startPageGraphApi } from './helpers/messenger-graph-server.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { postSigned, smsFields, startTwilioApi, TWILIO } from './helpers/twilio-server.ts';
import { WebhookReceiver } from './helpers/webhook-receiver.ts';
import { startWhatsApp, WA } from './helpers/whatsapp-fixture.ts';

/**
 * Satisfaction surveys on the customer's own channel: an agent resolves a conversation, the survey
 * leaves through each local provider server in that provider's idiom, and the customer's answer
 * (a button, a list row, a bare digit, an e-mail's rating page) becomes the conversation's CSAT —
 * counted in the report by channel and sent as `csat.submitted` — without reopening it.
 */
describe('CSAT surveys on WhatsApp, Messenger, Telegram, SMS and e-mail', () => {
  let wa: Awaited<ReturnType<typeof startWhatsApp>>;
  let bot: Awaited<ReturnType<typeof startBotApi>>;
  let twilio: Awaited<ReturnType<typeof startTwilioApi>>;
  let page: Awaited<ReturnType<typeof startPageGraphApi>>;
  let sink: SmtpSink;
  let rx: WebhookReceiver;
  let agent: AgentChatClient;
  let tgHook = '';
  let tgSecret = '';
  let smsHook = '';
  let pageHook = '';
  let n = 0;
  const phone = () => `1556${String(Date.now()).slice(-5)}${String(++n).padStart(2, '0')}`;

  const store = () => wa.srv.node.ctx.store;
  const api = (path: string, init: RequestInit = {}) => wa.api(path, init);
  const conversationOf = (channel: string, externalLike: string) =>
    eventually(async () => {
      const row = await store()
        .db.selectFrom('channel_messages')
        .select('conversation_id')
        .where('channel', '=', channel as 'sms')
        .where('external_id', 'like', externalLike)
        .executeTakeFirst();
      return row?.conversation_id;
    });
  const get = (id: string) => store().conversations.get(wa.accountId, id);
  /** The agent takes the offer, answers, and resolves the conversation. */
  const resolve = async (id: string) => {
    await eventually(() => agent.offers.get(id), 5000, `the offer of ${id}`);
    await agent.accept(id);
    await agent.send(id, 'Happy to help');
    await agent.close(id);
  };
  const channelReport = async (channel: string) => {
    const res = await api('/api/v1/reports/channels');
    assert.equal(res.status, 200);
    return ((await res.json()) as ChannelsReport).channels.find((c) => c.channel === channel);
  };
  const rated = (id: string, score: number) =>
    eventually(async () => (await get(id)).csatScore === score, 5000, `the rating ${score}`);

  before(async () => {
    sink = await startSmtpSink();
    wa = await startWhatsApp({
      BECKON_EMAIL_DOMAIN: 'demo.beckon.local',
      BECKON_EMAIL_FROM: 'Demo Store <support@demo.beckon.local>',
      BECKON_SMTP_URL: sink.url,
      BECKON_WEBHOOKS_ALLOW_PRIVATE: '1',
      // A busy machine may take more than the contract's 400 ms to hand a mail to the relay.
      BECKON_OUTBOX_LEASE_MS: '10000',
    });
    const { userId } = await cookieFor(wa.srv, 'support@demo.beckon.local');
    await store().users.update(wa.accountId, userId, { capacity: 40 });
    agent = await connectAgent(wa.srv, 'support@demo.beckon.local');

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

    page = await startPageGraphApi({ ...PAGE, pageName: 'Demo Store' });
    const fb = await api('/api/v1/channels', {
      method: 'POST',
      body: JSON.stringify({ type: 'messenger', ...PAGE, apiBaseUrl: page.url }),
    });
    assert.equal(fb.status, 201, await fb.clone().text());
    pageHook = `${wa.srv.url}/hooks/messenger/${((await fb.json()) as { id: string }).id}`;

    rx = await WebhookReceiver.start();
    const hook = await api('/api/v1/webhooks', {
      method: 'POST',
      body: JSON.stringify({ url: rx.url, events: ['csat.submitted'] }),
    });
    assert.equal(hook.status, 201, await hook.clone().text());
  });
  after(async () => {
    await agent?.disconnect();
    await wa?.close();
    await bot?.close();
    await twilio?.close();
    await page?.close();
    await sink?.close();
    await rx?.close();
  });

  it('is off until an admin turns it on per channel; web chat has its own survey', async () => {
    const res = await api('/api/v1/channels/settings');
    const { items } = (await res.json()) as { items: { channel: string; csatSurvey: boolean }[] };
    assert.ok(items.every((i) => i.csatSurvey === false));
    // Off: a resolved conversation gets no survey.
    const from = phone();
    const d = waMessageDelivery(WA.phoneNumberId, from, 'Where is my parcel?');
    assert.equal((await postWebhook(wa.hook, d.body, WA.appSecret)).status, 200);
    const id = await conversationOf('whatsapp', d.id);
    await resolve(id);
    await channelsOf(wa.srv.node.ctx).surveys.resolved(wa.accountId, await get(id));
    assert.equal(await store().csatSurveys.find(wa.accountId, id), undefined);
    assert.ok(!wa.graph.sent.some((s) => s.to === from && s.raw.type === 'interactive'));

    const web = await api('/api/v1/channels/settings', {
      method: 'PUT',
      body: JSON.stringify({ items: [{ channel: 'web', csatSurvey: true }] }),
    });
    assert.equal(web.status, 400);
    assert.equal(((await web.json()) as { error: { code: string } }).error.code, 'survey_not_supported');
    const on = await api('/api/v1/channels/settings', {
      method: 'PUT',
      body: JSON.stringify({
        items: ['whatsapp', 'messenger', 'telegram', 'sms', 'email'].map((channel) => ({
          channel,
          csatSurvey: true,
        })),
      }),
    });
    assert.equal(on.status, 200, await on.clone().text());
    const saved = (await on.json()) as { items: { channel: string; csatSurvey: boolean; weight: number }[] };
    assert.equal(saved.items.find((i) => i.channel === 'sms')?.csatSurvey, true);
    assert.equal(saved.items.find((i) => i.channel === 'web')?.csatSurvey, false);
    assert.equal(saved.items.find((i) => i.channel === 'email')?.weight, 0.25, 'other settings are kept');
  });

  it('WhatsApp: a list of scores; the pick rates the conversation once, without reopening it', async () => {
    const from = phone();
    const d = waMessageDelivery(WA.phoneNumberId, from, 'Can I change my address?');
    assert.equal((await postWebhook(wa.hook, d.body, WA.appSecret)).status, 200);
    const id = await conversationOf('whatsapp', d.id);
    await resolve(id);
    const survey = await eventually(
      () => wa.graph.sent.find((s) => s.to === from && s.raw.type === 'interactive'),
      5000,
      'the survey',
    );
    const list = survey.raw.interactive as {
      type: string;
      body: { text: string };
      action: { button: string; sections: { rows: { id: string; title: string }[] }[] };
    };
    assert.equal(list.type, 'list');
    assert.match(list.body.text, /rate/);
    const rows = list.action.sections[0]!.rows;
    assert.deepEqual(
      rows.map((r) => r.id),
      ['csat:5', 'csat:4', 'csat:3', 'csat:2', 'csat:1'],
    );
    const before = await get(id);
    const pick = waListReply(WA.phoneNumberId, from, rows[1]!);
    assert.equal((await postWebhook(wa.hook, pick.body, WA.appSecret)).status, 200);
    await rated(id, 4);
    // A redelivery rates once.
    assert.equal((await postWebhook(wa.hook, pick.body, WA.appSecret)).status, 200);
    const after = await get(id);
    assert.equal(after.status, 'closed', 'the answer does not reopen the conversation');
    assert.equal(after.lastSeq, before.lastSeq, 'the answer is not a line');
    const events = await eventually(
      () => {
        const e = rx.events('csat.submitted').filter((x) => x.data.conversationId === id);
        return e.length > 0 ? e : null;
      },
      5000,
      'csat.submitted',
    );
    assert.equal(events.length, 1);
    assert.equal(events[0]!.data.score, 4);
    const row = await channelReport('whatsapp');
    assert.equal(row?.csatResponses, 1);
    assert.equal(row?.csatAverage, 4);
  });

  it('an answer after the survey window, or any other text, is a message that reopens the conversation', async () => {
    const from = phone();
    const d = waMessageDelivery(WA.phoneNumberId, from, 'Do you ship to Canada?');
    assert.equal((await postWebhook(wa.hook, d.body, WA.appSecret)).status, 200);
    const id = await conversationOf('whatsapp', d.id);
    await resolve(id);
    await eventually(() => store().csatSurveys.find(wa.accountId, id), 5000, 'the survey');
    // The survey's day has passed.
    await store()
      .db.updateTable('csat_surveys')
      .set({ expires_at: Date.now() - 1000 })
      .where('conversation_id', '=', id)
      .execute();
    const late = waMessageDelivery(WA.phoneNumberId, from, '5');
    assert.equal((await postWebhook(wa.hook, late.body, WA.appSecret)).status, 200);
    const reopened = await eventually(async () => {
      const c = await get(id);
      return c.status !== 'closed' ? c : null;
    });
    assert.equal(reopened.csatScore, null);
    const lines = await store().messages.after(wa.accountId, id, 0);
    assert.equal(lines.at(-1)?.text, '5');
    assert.equal(lines.at(-1)?.senderKind, 'visitor');
  });

  it('Messenger: scores as quick replies; the tapped payload rates the conversation', async () => {
    const psid = `24${String(Date.now()).slice(-8)}${++n}`;
    const first = customerMessage(psid, { text: 'Is the blue one in stock?' });
    assert.equal(
      (await postWebhook(pageHook, messagingDelivery('page', PAGE.pageId, first.event), PAGE.appSecret))
        .status,
      200,
    );
    const id = await conversationOf('messenger', first.mid);
    await resolve(id);
    const survey = await eventually(
      () => page.sent.find((s) => s.recipient === psid && s.quickPayloads),
      5000,
      'the survey',
    );
    assert.deepEqual(survey.quickPayloads, ['csat:5', 'csat:4', 'csat:3', 'csat:2', 'csat:1']);
    assert.equal(survey.quickReplies?.[3], '2 · Poor');
    const tap = customerMessage(psid, { text: '2 · Poor', quick_reply: { payload: 'csat:2' } });
    assert.equal(
      (await postWebhook(pageHook, messagingDelivery('page', PAGE.pageId, tap.event), PAGE.appSecret)).status,
      200,
    );
    await rated(id, 2);
    assert.equal((await get(id)).status, 'closed');
  });

  it('Telegram: an inline keyboard; the tap rates the conversation and its spinner is answered', async () => {
    const user = 720_000_000 + (Date.now() % 100_000);
    const send = (update: unknown) =>
      fetch(tgHook, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': tgSecret },
        body: JSON.stringify(update),
      });
    assert.equal((await send(tgUpdate(user, 'Hi, a question about my order', 1))).status, 200);
    const id = await conversationOf('telegram', `%:${user}:1`);
    await resolve(id);
    const survey = await eventually(
      () => bot.sent.find((s) => s.chat_id === user && s.reply_markup),
      5000,
      'the survey',
    );
    const keys = (survey.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] })
      .inline_keyboard[0]!;
    assert.deepEqual(
      keys.map((k) => k.callback_data),
      ['csat:1', 'csat:2', 'csat:3', 'csat:4', 'csat:5'],
    );
    const query = {
      update_id: 20_001,
      callback_query: {
        id: '4382bfdwdsb323b2d9',
        from: { id: user, is_bot: false, first_name: 'Ada' },
        message: {
          message_id: survey.message_id,
          chat: { id: user, type: 'private' },
          date: Math.floor(Date.now() / 1000),
          text: survey.text,
        },
        chat_instance: '-4254178466395488113',
        data: 'csat:5',
      },
    };
    assert.equal((await send(query)).status, 200);
    await rated(id, 5);
    assert.equal((await get(id)).status, 'closed');
    await eventually(() => bot.answered.find((a) => a.callback_query_id === query.callback_query.id));
  });

  it('SMS: "Reply 1–5" and a bare digit rates it; an opted-out number gets no survey', async () => {
    const from = `+${phone()}`;
    const first = smsFields(from, 'Is my table booked for 8?');
    assert.equal((await postSigned(smsHook, first)).status, 200);
    const id = await conversationOf('sms', first.MessageSid);
    await resolve(id);
    const survey = await eventually(
      () => twilio.sent.find((s) => s.To === from && /Reply with a number/.test(s.Body)),
      5000,
      'the survey',
    );
    assert.match(survey.Body, /1 \(very poor\) to 5 \(excellent\)/);
    assert.equal((await postSigned(smsHook, smsFields(from, ' 3 '))).status, 200);
    await rated(id, 3);
    assert.equal((await get(id)).status, 'closed');

    const stopped = `+${phone()}`;
    const hello = smsFields(stopped, 'Hello');
    assert.equal((await postSigned(smsHook, hello)).status, 200);
    const other = await conversationOf('sms', hello.MessageSid);
    assert.equal((await postSigned(smsHook, smsFields(stopped, 'STOP'))).status, 200);
    await eventually(async () => {
      const c = await get(other);
      return c.contactId && (await store().contacts.smsOptedOut(wa.accountId, c.contactId));
    });
    await eventually(() => agent.offers.get(other), 5000, 'the offer');
    await agent.accept(other);
    await agent.close(other);
    await channelsOf(wa.srv.node.ctx).surveys.resolved(wa.accountId, await get(other));
    assert.equal(await store().csatSurveys.find(wa.accountId, other), undefined);
    assert.ok(!twilio.sent.some((s) => s.To === stopped));
  });

  it('e-mail: one link per score to a signed rating page; a scanner opening it rates nothing', async () => {
    const received = await channelsOf(wa.srv.node.ctx).inbox.receive({
      channel: 'email',
      accountId: wa.accountId,
      siteId: null,
      from: { email: 'rater@example.com', address: 'email' },
      externalId: '<csat-1@example.com>',
      text: 'Can I return a gift?',
      topic: 'Returns',
    });
    const id = received.conversation.id;
    await resolve(id);
    const mail = await eventually(
      () =>
        sink.mails.find(
          (m) => m.to.includes('rater@example.com') && /Rate it with one click/.test(m.parsed.text ?? ''),
        ),
      15_000,
      'the survey mail',
    );
    const links = [...(mail.parsed.text ?? '').matchAll(/^(\d) · [^:]+: (\S+)$/gm)].map((m) => ({
      score: Number(m[1]),
      url: m[2]!,
    }));
    assert.deepEqual(
      links.map((l) => l.score),
      [5, 4, 3, 2, 1],
    );
    const four = links.find((l) => l.score === 4)!.url;
    const path = four.slice(four.indexOf('/csat/rate'));
    const opened = await fetch(`${wa.srv.url}${path}`);
    assert.equal(opened.status, 200);
    const html = await opened.text();
    assert.match(html, /class="chosen" autofocus>4 · Good/);
    assert.equal((await get(id)).csatScore, null, 'opening the link rates nothing');
    const forged = await fetch(`${wa.srv.url}${path.replace(/t=[^&]+/, 't=aaaaaaaaaaaaaaaaaaaaaaaaaa')}`, {
      method: 'POST',
    });
    assert.equal(forged.status, 404);
    const posted = await fetch(`${wa.srv.url}${path}`, { method: 'POST' });
    assert.equal(posted.status, 200);
    assert.match(await posted.text(), /Thank you/);
    assert.equal((await get(id)).csatScore, 4);
    assert.equal((await channelReport('email'))?.csatResponses, 1);
  });
});
