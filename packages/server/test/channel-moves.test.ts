import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { emailOf } from '../src/channels/email/email-feature.ts';
import { chatOf } from '../src/conversations/chat-module.ts';
import { connectAgent, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { type SmtpSink, sendMail, startSmtpSink } from './helpers/smtp-sink.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

describe('a web chat answered by e-mail moves to e-mail', () => {
  let srv: TestServer;
  let sink: SmtpSink;
  let sales: AgentChatClient;
  before(async () => {
    sink = await startSmtpSink();
    srv = await startTestServer({
      demo: true,
      env: {
        BECKON_SMTP_PORT: '0',
        BECKON_SMTP_URL: sink.url,
        BECKON_EMAIL_DOMAIN: 'demo.beckon.local',
        BECKON_OUTBOX_POLL_MS: '50',
      },
    });
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
  });
  after(async () => {
    await sales.disconnect();
    await srv.close();
    await sink.close();
  });

  it('the mailed reply is answered by mail; the agent’s next line goes out by mail, threaded', async () => {
    const accountId = srv.demo!.accountId;
    const store = srv.node.ctx.store;
    const visitor = await startVisitor(srv, {
      skillId: srv.demo!.skillIds.sales,
      text: 'Is the lamp dimmable?',
    });
    const id = visitor.conversation.id;
    const contact = await store.contacts.resolve(accountId, { email: 'ola@example.com' });
    await store.conversations.setContact(accountId, id, contact.id);
    await eventually(() => sales.offers.get(id), 5000, 'the offer');
    await sales.accept(id);
    await visitor.close();
    await sales.send(id, 'It is, with any dimmer switch.');
    assert.equal(await chatOf(srv.node.ctx)!.unseenReplies.sweep(Date.now() + 11 * 60_000), 1);
    const notice = await eventually(
      () => sink.mails.find((m) => m.to.includes('ola@example.com')),
      5000,
      'the notice',
    );
    const replyTo = notice.parsed.replyTo!.value[0]!.address!;

    // The customer answers the mail from their mail client.
    await sendMail(emailOf(srv.node.ctx).smtpPort!, {
      from: 'ola@example.com',
      to: replyTo,
      subject: `Re: ${notice.parsed.subject}`,
      inReplyTo: notice.parsed.messageId,
      text: 'Great, then I will take two.\n\nOn Monday, Demo Store wrote:\n> It is, with any dimmer switch.',
    });
    await eventually(
      () => sales.messages(id).some((m) => m.text === 'Great, then I will take two.'),
      5000,
      'the answer',
    );
    assert.equal((await store.conversations.get(accountId, id)).channel, 'email');

    await sales.send(id, 'Two are on their way.');
    const reply = await eventually(
      () =>
        sink.mails.find(
          (m) => m.to.includes('ola@example.com') && (m.parsed.text ?? '').includes('Two are on their way'),
        ),
      5000,
      'the reply by mail',
    );
    assert.ok(reply.parsed.inReplyTo, 'threaded under the customer’s mail');
  });
});
