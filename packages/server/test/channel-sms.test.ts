import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';
import { JPEG } from './helpers/sample-files.ts';
import { postSigned, smsFields, startSms } from './helpers/twilio-server.ts';

describe('SMS through Twilio Programmable Messaging', () => {
  let sms: Awaited<ReturnType<typeof startSms>>;
  let agent: AgentChatClient;
  let n = 0;
  const phone = () => `+1555${String(Date.now()).slice(-5)}${String(++n).padStart(2, '0')}`;

  before(async () => {
    sms = await startSms();
    const { userId } = await cookieFor(sms.srv, 'sales@demo.beckon.local');
    await sms.srv.node.ctx.store.users.update(sms.accountId, userId, { capacity: 20 });
    agent = await connectAgent(sms.srv, 'sales@demo.beckon.local');
  });
  after(async () => {
    await agent?.disconnect();
    await sms?.close();
  });

  const conversationOf = async (sid: string) => {
    const row = await sms.srv.node.ctx.store.db
      .selectFrom('channel_messages')
      .select('conversation_id')
      .where('channel', '=', 'sms')
      .where('external_id', '=', sid)
      .executeTakeFirst();
    return row?.conversation_id;
  };
  const lines = async (id: string) =>
    (await sms.srv.node.ctx.store.messages.after(sms.accountId, id, 0)).map((m) => m.text);

  /** A customer texts in; the agent takes the conversation. */
  const held = async (from: string, text = 'Hello, is my order ready?') => {
    const f = smsFields(from, text);
    assert.equal((await postSigned(sms.hook, f)).status, 200);
    const id = (await conversationOf(f.MessageSid))!;
    await eventually(() => agent.offers.get(id), 5000, 'the offer');
    await agent.accept(id);
    return id;
  };

  it('a signed SMS is stored once and answered with empty TwiML; a forged or missing signature gets 401', async () => {
    const from = phone();
    const f = smsFields(from, 'Do you open on Sunday?');
    assert.equal((await postSigned(sms.hook, f, 'bm90IGEgc2lnbmF0dXJl')).status, 401);
    assert.equal((await postSigned(sms.hook, f, null)).status, 401);
    // Signed for another URL (a different connection): still refused.
    const elsewhere = await fetch(sms.hook, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': (await import('./helpers/twilio-server.ts')).signedForm(`${sms.hook}x`, f)
          .signature,
      },
      body: new URLSearchParams(f).toString(),
    });
    assert.equal(elsewhere.status, 401);
    assert.equal(await conversationOf(f.MessageSid), undefined);

    const ok = await postSigned(sms.hook, f);
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-type') ?? '', /^text\/xml/);
    assert.match(await ok.text(), /<Response\/>$/);
    assert.equal((await postSigned(sms.hook, f)).status, 200, 'a redelivery is acknowledged');
    const id = (await conversationOf(f.MessageSid))!;
    assert.deepEqual(await lines(id), ['Do you open on Sunday?']);
    const conversation = await sms.srv.node.ctx.store.conversations.get(sms.accountId, id);
    assert.equal(conversation.channel, 'sms');
    const contact = await sms.srv.node.ctx.store.contacts.get(sms.accountId, conversation.contactId!);
    assert.equal(contact.phone, from);
  });

  it("an MMS's file is downloaded into the line", async () => {
    const photo = sms.twilio.media.add({ bytes: JPEG, contentType: 'image/jpeg' });
    const f = smsFields(phone(), 'Here is the damage', {
      NumMedia: '1',
      MediaUrl0: sms.twilio.mediaUrl(photo),
      MediaContentType0: 'image/jpeg',
    });
    assert.equal((await postSigned(sms.hook, f)).status, 200);
    const id = (await conversationOf(f.MessageSid))!;
    const [line] = (await sms.srv.node.ctx.store.messages.after(sms.accountId, id, 0)).filter(
      (m) => m.senderKind === 'visitor',
    );
    assert.equal(line!.text, 'Here is the damage');
    assert.equal(line!.attachments.length, 1);
    assert.equal(line!.attachments[0]!.contentType, 'image/jpeg');
  });

  it("an agent's reply goes out with Basic auth and the right form, and shows delivered on Twilio's signed callback", async () => {
    const from = phone();
    const id = await held(from);
    const ack = await agent.send(id, 'Yes, it is ready for pick-up.');
    const sent = await eventually(() => sms.twilio.sent.find((s) => s.To === from));
    assert.equal(sent.Body, 'Yes, it is ready for pick-up.');
    assert.equal(sent.From, '+15005550006');
    assert.equal(sent.StatusCallback, `${sms.hook}?status=1`);
    await eventually(() => agent.delivery(id, ack.seq)?.status === 'sent');
    assert.equal((await sms.srv.node.ctx.store.outbox.get(sms.accountId, id, ack.seq)).provider_id, sent.sid);

    assert.equal((await sms.twilio.report(sent, 'delivered', undefined, 'Zm9yZ2Vk')).status, 401);
    assert.equal((await sms.twilio.report(sent, 'sent')).status, 200);
    assert.equal((await sms.twilio.report(sent, 'delivered')).status, 200);
    await eventually(() => agent.delivery(id, ack.seq)?.status === 'delivered', 5000, 'delivered');
  });

  it('an undelivered callback marks the line failed with the carrier error', async () => {
    const from = phone();
    const id = await held(from);
    const ack = await agent.send(id, 'Your code is 1234');
    const sent = await eventually(() => sms.twilio.sent.find((s) => s.To === from));
    await eventually(() => agent.delivery(id, ack.seq)?.status === 'sent');
    assert.equal((await sms.twilio.report(sent, 'undelivered', '30003')).status, 200);
    const failed = await eventually(() => {
      const d = agent.delivery(id, ack.seq);
      return d?.status === 'failed' ? d : null;
    });
    assert.match(failed.reason ?? '', /undelivered, Twilio error 30003/);
  });

  it('Twilio answering 500 is retried and the reply goes out once; a 400 fails for good with its message and code', async () => {
    const from = phone();
    const id = await held(from);
    sms.twilio.fail.push({ status: 500, code: 20500, message: 'Internal Server Error' });
    const ack = await agent.send(id, 'Sorry for the wait.');
    await eventually(async () => {
      const r = await sms.srv.node.ctx.store.outbox.get(sms.accountId, id, ack.seq);
      return r.status === 'sent' ? r : null;
    });
    assert.equal(sms.twilio.sent.filter((s) => s.To === from).length, 1);
    assert.equal((await sms.srv.node.ctx.store.outbox.get(sms.accountId, id, ack.seq)).attempts, 2);

    sms.twilio.fail.push({ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    const refused = await agent.send(id, 'Are you still there?');
    const failed = await eventually(() => {
      const d = agent.delivery(id, refused.seq);
      return d?.status === 'failed' ? d : null;
    });
    assert.equal(
      failed.reason,
      'the provider answered 400: Attempt to send to unsubscribed recipient (21610)',
    );
    assert.equal((await sms.srv.node.ctx.store.outbox.get(sms.accountId, id, refused.seq)).attempts, 1);
  });

  it('STOP is a line the agent sees and blocks every reply until START', async () => {
    const from = phone();
    const id = await held(from);
    assert.equal((await postSigned(sms.hook, smsFields(from, ' Stop '))).status, 200);
    await eventually(async () => (await lines(id)).includes(' Stop '), 5000, 'the STOP line');
    const ack = await agent.send(id, 'We are sorry to see you go');
    const failed = await eventually(() => {
      const d = agent.delivery(id, ack.seq);
      return d?.status === 'failed' ? d : null;
    });
    assert.equal(failed.reason, 'the customer opted out of SMS (STOP)');
    assert.equal(sms.twilio.sent.filter((s) => s.To === from).length, 0, 'nothing reached Twilio');

    assert.equal((await postSigned(sms.hook, smsFields(from, 'HELP'))).status, 200);
    assert.equal((await postSigned(sms.hook, smsFields(from, 'start'))).status, 200);
    await eventually(async () => (await lines(id)).includes('start'), 5000, 'the START line');
    const back = await agent.send(id, 'Welcome back');
    const sent = await eventually(() => sms.twilio.sent.find((s) => s.To === from));
    assert.equal(sent.Body, 'Welcome back');
    await eventually(() => agent.delivery(id, back.seq)?.status === 'sent');
  });

  it('refuses an SMS connection without a valid sender', async () => {
    const res = await fetch(`${sms.srv.url}/api/v1/channels`, {
      method: 'POST',
      headers: {
        cookie: sms.admin.cookie,
        'x-csrf-token': sms.admin.csrf,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ type: 'sms', accountSid: 'AC1', authToken: 't', from: 'my shop' }),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'invalid_request');
  });

  it("test connection answers the Twilio account's name, or Twilio's reason", async () => {
    const test = (id: string) =>
      fetch(`${sms.srv.url}/api/v1/channels/${id}/test`, {
        method: 'POST',
        headers: { cookie: sms.admin.cookie, 'x-csrf-token': sms.admin.csrf },
      });
    const good = (await (await test(sms.created.id)).json()) as { ok: boolean; identity: string };
    assert.equal(good.ok, true);
    assert.match(good.identity, /^Demo Store SMS \(\+/);
    const store = sms.srv.node.ctx.store;
    const wrong = await store.channelConnections.create(sms.accountId, {
      type: 'sms',
      name: 'Old number',
      config: { accountSid: sms.created.id.replace(/./g, 'A'), authToken: 'stale', from: '+15550100' },
      apiBaseUrl: sms.twilio.url,
      defaultSkillId: null,
    });
    const bad = (await (await test(wrong.id)).json()) as { ok: boolean; reason: string };
    assert.equal(bad.ok, false);
    assert.match(bad.reason, /Authenticate/);
  });
});
