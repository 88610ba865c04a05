import { channelsOf } from '../src/channels/channels-feature.ts';
import { emailOf } from '../src/channels/email/email-feature.ts';
import { type ChannelHarness, channelContract, OUTBOX_TEST_ENV } from './channel-contract.ts';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';
import { sendMail, startSmtpSink } from './helpers/smtp-sink.ts';
import { startTestServer } from './helpers/test-server.ts';

// E-mail against the channel contract: customers write through the SMTP listener, and the far end
// is the mail relay (an SMTP sink) that the replies go to.
channelContract('e-mail', async (): Promise<ChannelHarness> => {
  const sink = await startSmtpSink();
  const srv = await startTestServer({
    demo: true,
    env: {
      ...OUTBOX_TEST_ENV,
      BECKON_SMTP_PORT: '0',
      BECKON_EMAIL_DOMAIN: 'demo.beckon.local',
      BECKON_EMAIL_FROM: 'Demo Store <support@demo.beckon.local>',
      BECKON_SMTP_URL: sink.url,
      BECKON_RATE_EMAIL_SENDER: '0',
      BECKON_RATE_EMAIL_CLIENT: '0',
    },
  });
  const accountId = srv.demo!.accountId;
  // The demo sends mail to Support; the contract's agent works the Sales queue.
  await srv.node.ctx.store.channelSettings.put(accountId, [
    { channel: 'email', defaultSkillId: srv.demo!.skillIds.sales },
  ]);
  const { userId } = await cookieFor(srv, 'sales@demo.beckon.local');
  await srv.node.ctx.store.users.update(accountId, userId, { capacity: 20 });
  const agent = await connectAgent(srv, 'sales@demo.beckon.local');
  const port = emailOf(srv.node.ctx).smtpPort!;
  let n = 0;
  return {
    srv,
    accountId,
    channel: channelsOf(srv.node.ctx).registry.get('email')!,
    agent,
    customer: () => ({ email: `mail-${++n}-${Date.now()}@example.com`, address: 'email' }),
    async open() {
      const from = `reader-${++n}-${Date.now()}@example.com`;
      const sent = await sendMail(port, {
        from,
        to: 'support@demo.beckon.local',
        subject: 'Question about an order',
        text: 'Hello, where is my parcel?',
      });
      const row = await eventually(
        () =>
          srv.node.ctx.store.db
            .selectFrom('channel_messages')
            .select('conversation_id')
            .where('account_id', '=', accountId)
            .where('channel', '=', 'email')
            .where('external_id', '=', sent.messageId)
            .executeTakeFirst(),
        5000,
        'the mail to be stored',
      );
      const id = row.conversation_id;
      await eventually(() => agent.offers.get(id), 5000, 'the offer');
      await agent.accept(id);
      return {
        conversationId: id,
        received: () =>
          sink.mails.filter((m) => m.to.includes(from)).map((m) => (m.parsed.text ?? '').trim()),
      };
    },
    async close() {
      await agent.disconnect();
      await srv.close();
      await sink.close();
    },
  };
});
