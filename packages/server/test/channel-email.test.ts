import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChannelSendError } from '../src/channels/channel.ts';
import { emailOf } from '../src/channels/email/email-feature.ts';
import { ApiClient } from './helpers/api-client.ts';
import { cookieFor, eventually } from './helpers/chat-fixtures.ts';
import { type SmtpSink, sendMail, startSmtpSink } from './helpers/smtp-sink.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

// A 1×1 PNG: chat keeps images, so a mailed picture becomes an attachment of the line.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

describe('the e-mail channel: SMTP in, replies out, threading, loops and limits', () => {
  let srv: TestServer;
  let sink: SmtpSink;
  let admin: ApiClient;
  let port: number;
  let accountId: string;
  const store = () => srv.node.ctx.store;

  /** The e-mail conversations of the demo account, as the console lists them. */
  const emailConversations = async () => {
    const res = await admin.get('/api/v1/conversations?limit=100');
    assert.equal(res.status, 200);
    return (
      res.body.items as Array<{ id: string; channel: string; topic: string | null; skillId: string | null }>
    ).filter((c) => c.channel === 'email');
  };
  const linesOf = (conversationId: string) => store().messages.after(accountId, conversationId, 0);
  const conversationOf = async (messageId: string) => {
    const row = await store()
      .db.selectFrom('channel_messages')
      .select(['conversation_id', 'seq'])
      .where('account_id', '=', accountId)
      .where('external_id', '=', messageId)
      .executeTakeFirst();
    return row;
  };

  before(async () => {
    sink = await startSmtpSink();
    srv = await startTestServer({
      demo: true,
      env: {
        BECKON_SMTP_PORT: '0',
        BECKON_EMAIL_DOMAIN: 'demo.beckon.local',
        BECKON_EMAIL_FROM: 'Demo Store <support@demo.beckon.local>',
        BECKON_SMTP_URL: sink.url,
        BECKON_EMAIL_MAX_BYTES: '100000',
        BECKON_RATE_EMAIL_SENDER: '0.001/8',
        BECKON_EMAIL_AUTO_PER_HOUR: '1',
      },
    });
    accountId = srv.demo!.accountId;
    port = emailOf(srv.node.ctx).smtpPort!;
    admin = new ApiClient(srv.node.app);
    assert.equal((await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password)).status, 200);
  });
  after(async () => {
    await srv?.close();
    await sink?.close();
  });

  it('a mail sent to the demo address becomes an e-mail conversation with its sender as a contact', async () => {
    const r = await sendMail(port, {
      from: 'Ana Ruiz <Ana@Example.com>',
      to: 'support@demo.beckon.local',
      subject: 'Order 1042',
      messageId: '<m1@example.com>',
      text: 'Where is my order?\n\nOn Mon, 3 Jun 2024 at 10:00, Demo Store <support@demo.beckon.local> wrote:\n> Thanks for your order.\n> It ships soon.\n',
    });
    assert.match(r.response, /^250 /);
    const found = (await emailConversations()).find((c) => c.topic === 'Order 1042');
    assert.ok(found, 'the conversation is listed with channel "email"');
    assert.equal(found.skillId, srv.demo!.skillIds.support, 'support@ lands in the Support queue, not Sales');
    const [line] = await linesOf(found.id);
    assert.equal(line!.text, 'Where is my order?', 'the quoted history is not shown');
    const contacts = await store().contacts.search(accountId, 'ana@example.com', 10);
    assert.equal(contacts.length, 1);
    assert.equal(contacts[0]!.name, 'Ana Ruiz');
    const raw = await admin.get(`/api/v1/conversations/${found.id}/messages/${line!.seq}/raw`);
    assert.equal(raw.status, 200);
    assert.match(String(raw.body), /Thanks for your order\./, 'the raw mail keeps everything');
  });

  it("an agent's reply goes out threaded, and the answers to it (In-Reply-To or reply address) join the thread", async () => {
    const first = (await conversationOf('<m1@example.com>'))!;
    const conversation = await store().conversations.get(accountId, first.conversation_id);
    const contact = await store().contacts.get(accountId, conversation.contactId!);
    const sent = await emailOf(srv.node.ctx).channel.send({
      accountId,
      conversationId: conversation.id,
      seq: 2,
      channel: 'email',
      contact,
      text: 'It left our warehouse today.',
      attachments: [],
      idempotencyKey: `${conversation.id}:2`,
      senderName: 'Sales Agent',
    });
    assert.equal(sent.status, 'sent');
    const mail = sink.mails.at(-1)!;
    assert.deepEqual(mail.to, ['ana@example.com']);
    assert.equal(mail.parsed.messageId, sent.providerId);
    assert.equal(mail.parsed.inReplyTo, '<m1@example.com>');
    assert.ok([mail.parsed.references].flat().includes('<m1@example.com>'));
    assert.equal(mail.parsed.subject, 'Re: Order 1042');
    assert.equal(mail.parsed.text?.trim(), 'It left our warehouse today.');
    assert.equal(mail.parsed.headers.get('auto-submitted'), undefined, "an agent's reply is not automatic");
    const replyTo = mail.parsed.replyTo!.value[0]!.address!;
    assert.match(replyTo, /^reply\+[0-9a-z]{20}@demo\.beckon\.local$/);

    await sendMail(port, {
      from: 'ana@example.com',
      to: 'support@demo.beckon.local',
      subject: 'Re: Order 1042',
      messageId: '<m2@example.com>',
      inReplyTo: sent.providerId,
      references: ['<m1@example.com>', sent.providerId!],
      text: 'Great, thanks!\n\n> It left our warehouse today.\n',
    });
    assert.equal((await conversationOf('<m2@example.com>'))?.conversation_id, conversation.id);
    // A client that drops the threading headers still reaches the thread by the reply address.
    await sendMail(port, {
      from: 'ana@example.com',
      to: replyTo.toUpperCase(),
      subject: 'One more thing',
      messageId: '<m3@example.com>',
      text: 'Can you gift-wrap it?',
    });
    assert.equal((await conversationOf('<m3@example.com>'))?.conversation_id, conversation.id);
    const texts = (await linesOf(conversation.id)).map((m) => m.text);
    assert.ok(texts.includes('Great, thanks!'));
    assert.ok(texts.includes('Can you gift-wrap it?'));
  });

  it('a retried send is the same mail (one Message-ID); refusals say whether to try again', async () => {
    const first = (await conversationOf('<m1@example.com>'))!;
    const msg = {
      accountId,
      conversationId: first.conversation_id,
      seq: 9,
      channel: 'email' as const,
      contact: null,
      text: 'Retry me',
      attachments: [],
      idempotencyKey: `${first.conversation_id}:9`,
      senderName: null,
    };
    sink.failNext(451, 'Try later');
    await assert.rejects(emailOf(srv.node.ctx).channel.send(msg), (err: unknown) => {
      assert.ok(err instanceof ChannelSendError);
      assert.equal(err.retryable, true);
      return true;
    });
    const again = await emailOf(srv.node.ctx).channel.send(msg);
    sink.failNext(550, 'No such user');
    await assert.rejects(
      emailOf(srv.node.ctx).channel.send({ ...msg, seq: 10, idempotencyKey: `${first.conversation_id}:10` }),
      (err: unknown) => err instanceof ChannelSendError && !err.retryable && /No such user/.test(err.reason),
    );
    assert.equal(again.providerId, emailOf(srv.node.ctx).names.messageId(accountId, msg.idempotencyKey));
  });

  it('attachments are stored like chat uploads; types chat cannot show are named and kept in the raw mail', async () => {
    await sendMail(port, {
      from: 'bo@example.com',
      to: 'anything@demo.beckon.local',
      subject: 'Broken item',
      messageId: '<att@example.com>',
      text: 'See the photo.',
      attachments: [
        { filename: 'photo.png', content: PNG, contentType: 'image/png' },
        { filename: 'notes.txt', content: 'plain notes', contentType: 'text/plain' },
      ],
    });
    const at = (await conversationOf('<att@example.com>'))!;
    const [line] = await linesOf(at.conversation_id);
    assert.deepEqual(
      line!.attachments.map((a) => [a.name, a.contentType, a.size]),
      [['photo.png', 'image/png', PNG.length]],
    );
    assert.match(line!.text, /^See the photo\.\n\n\[notes\.txt: kept in the original mail only\]$/);
  });

  it('the same Message-ID twice is stored once', async () => {
    const mail = {
      from: 'cy@example.com',
      to: 'support@demo.beckon.local',
      subject: 'Twice',
      messageId: '<dup@example.com>',
      text: 'Hello twice',
    };
    await sendMail(port, mail);
    await sendMail(port, mail);
    const at = (await conversationOf('<dup@example.com>'))!;
    const lines = await linesOf(at.conversation_id);
    assert.equal(lines.filter((m) => m.text === 'Hello twice').length, 1);
  });

  it('unknown recipients get 550 at RCPT; oversized mail gets 552; neither is stored', async () => {
    const before = (await emailConversations()).length;
    await assert.rejects(
      sendMail(port, { from: 'dee@example.com', to: 'help@elsewhere.example', subject: 'x', text: 'x' }),
      (err: { responseCode?: number }) => err.responseCode === 550,
    );
    await assert.rejects(
      sendMail(port, {
        from: 'dee@example.com',
        to: 'support@demo.beckon.local',
        subject: 'Huge',
        text: 'x'.repeat(150_000),
      }),
      (err: { responseCode?: number }) => err.responseCode === 552,
    );
    assert.equal((await emailConversations()).length, before);
  });

  it('malformed MIME: bytes with no headers are refused (550); a broken multipart is read as well as it can be', async () => {
    await assert.rejects(
      sendMail(port, {
        envelope: { from: 'eve@example.com', to: ['support@demo.beckon.local'] },
        raw: 'this is not a mail at all\r\n',
      }),
      (err: { responseCode?: number }) => err.responseCode === 550,
    );
    const broken = [
      'From: Eve <eve@example.com>',
      'To: support@demo.beckon.local',
      'Subject: Broken parts',
      'Message-ID: <broken@example.com>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="never-closed"',
      '',
      '--never-closed',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      'SGVsbG8gZnJvbSBhIGJyb2tlbiBtYWls!!!',
      '',
    ].join('\r\n');
    const r = await sendMail(port, {
      envelope: { from: 'eve@example.com', to: ['support@demo.beckon.local'] },
      raw: broken,
    });
    assert.match(r.response, /^250 /);
    const at = (await conversationOf('<broken@example.com>'))!;
    const [line] = await linesOf(at.conversation_id);
    assert.match(line!.text, /^Hello from a broken mail/);
  });

  it('automatic mail (Auto-Submitted, bulk, our own address, a bounce) is accepted but starts nothing', async () => {
    const before = (await emailConversations()).length;
    const auto = [
      {
        from: 'fay@example.com',
        headers: { 'Auto-Submitted': 'auto-replied' },
        messageId: '<auto1@example.com>',
      },
      { from: 'fay@example.com', headers: { Precedence: 'bulk' }, messageId: '<auto2@example.com>' },
      { from: 'support@demo.beckon.local', headers: {}, messageId: '<auto3@example.com>' },
      { from: 'MAILER-DAEMON@mx.example.com', headers: {}, messageId: '<auto4@example.com>' },
    ];
    for (const a of auto) {
      const r = await sendMail(port, {
        ...a,
        to: 'support@demo.beckon.local',
        subject: 'Out of office',
        text: 'Away',
      });
      assert.match(r.response, /^250 /);
      assert.equal(await conversationOf(a.messageId), undefined);
    }
    assert.equal((await emailConversations()).length, before);
    const metrics = await srv.node.ctx.metrics.registry.getSingleMetricAsString('beckon_email_dropped_total');
    assert.match(metrics, /reason="auto_submitted"\} 1/);
    assert.match(metrics, /reason="own_address"\} 1/);
  });

  it('a flood from one sender is refused at MAIL FROM with a clear temporary error', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) {
      try {
        await sendMail(port, {
          from: 'flood@example.com',
          to: 'support@demo.beckon.local',
          subject: `Flood ${i}`,
          messageId: `<flood${i}@example.com>`,
          text: 'again',
        });
        codes.push(250);
      } catch (err) {
        codes.push((err as { responseCode: number }).responseCode);
        assert.match(String((err as Error).message), /Too many mails from flood@example\.com/);
      }
    }
    assert.deepEqual(codes, [...Array(8).fill(250), 450, 450]);
  });

  it('the transcript of a web chat goes to the visitor by e-mail, as an automatic mail, at most as often as set', async () => {
    const started = await srv.node.app.inject({
      method: 'POST',
      url: '/api/v1/chat/conversations',
      headers: { 'x-beckon-site-key': srv.demo!.siteKey, origin: srv.url },
      payload: { name: 'Gus', email: 'gus@example.com', text: 'Do you ship to Norway?' },
    });
    assert.equal(started.statusCode, 201, started.body);
    const token = started.json().token as string;
    const send = () =>
      srv.node.app.inject({
        method: 'POST',
        url: '/api/v1/chat/transcript-email',
        headers: { 'x-beckon-chat-token': token, origin: srv.url },
      });
    const sent = await send();
    assert.equal(sent.statusCode, 202, sent.body);
    const mail = await eventually(() => sink.mails.find((m) => m.to.includes('gus@example.com')));
    assert.equal(mail.parsed.headers.get('auto-submitted'), 'auto-generated');
    assert.match(mail.parsed.text!, /Do you ship to Norway\?/);
    const again = await send();
    assert.equal(again.statusCode, 429);
    assert.equal(again.json().error.code, 'rate_limited');
  });

  it('a provider can forward mail to the inbound webhook, authenticated by the account secret', async () => {
    const settings = await admin.get('/api/v1/channels/email');
    assert.equal(settings.status, 200);
    assert.equal(settings.body.smtpPort, port);
    // Any staff member may ask whether replies can leave (the composer asks before the agent writes).
    const agent = new ApiClient(srv.node.app);
    Object.assign(agent, await cookieFor(srv, 'sales@demo.beckon.local'));
    assert.deepEqual((await agent.get('/api/v1/channels/email/outgoing')).body, { outgoing: true });
    assert.ok(
      settings.body.addresses.some((a: { address: string }) => a.address === 'support@demo.beckon.local'),
    );
    const { user, secret } = settings.body.inbound;
    const raw = [
      'From: Hal <hal@example.com>',
      'To: support@demo.beckon.local',
      'Subject: Via the webhook',
      'Message-ID: <hook@example.com>',
      '',
      'Forwarded by a provider.',
      '',
    ].join('\r\n');
    const post = (auth: string) =>
      srv.node.app.inject({
        method: 'POST',
        url: '/api/v1/channels/email/inbound',
        headers: {
          'content-type': 'message/rfc822',
          authorization: `Basic ${Buffer.from(auth).toString('base64')}`,
        },
        payload: raw,
      });
    const wrong = await post(`${user}:not-the-secret`);
    assert.equal(wrong.statusCode, 401);
    assert.equal(await conversationOf('<hook@example.com>'), undefined);
    const ok = await post(`${user}:${secret}`);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { stored: true, duplicate: false, dropped: null });
    const at = (await conversationOf('<hook@example.com>'))!;
    assert.equal((await linesOf(at.conversation_id))[0]!.text, 'Forwarded by a provider.');
    const twice = await post(`${user}:${secret}`);
    assert.equal(twice.json().duplicate, true);
  });
});
