import { channelsOf } from '../src/channels/channels-feature.ts';
import { type ChannelHarness, channelContract } from './channel-contract.ts';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';
import { postSigned, smsFields, startSms } from './helpers/twilio-server.ts';

// SMS against the channel contract: customers text in through the signed webhook, and the far
// end is the local Twilio API that the replies are sent to.
channelContract('sms', async (): Promise<ChannelHarness> => {
  const sms = await startSms();
  const { srv, accountId } = sms;
  const { userId } = await cookieFor(srv, 'sales@demo.beckon.local');
  await srv.node.ctx.store.users.update(accountId, userId, { capacity: 20 });
  const agent = await connectAgent(srv, 'sales@demo.beckon.local');
  let n = 0;
  const number = () => `+1666${String(Date.now()).slice(-5)}${String(++n).padStart(2, '0')}`;
  return {
    srv,
    accountId,
    channel: channelsOf(srv.node.ctx).registry.get('sms')!,
    agent,
    customer: () => ({ phone: number(), address: 'phone' }),
    async open() {
      const from = number();
      const f = smsFields(from, 'Hello, where is my parcel?');
      const res = await postSigned(sms.hook, f);
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      const row = await eventually(() =>
        srv.node.ctx.store.db
          .selectFrom('channel_messages')
          .select('conversation_id')
          .where('account_id', '=', accountId)
          .where('external_id', '=', f.MessageSid)
          .executeTakeFirst(),
      );
      const id = row.conversation_id;
      await eventually(() => agent.offers.get(id), 5000, 'the offer');
      await agent.accept(id);
      return {
        conversationId: id,
        received: () => sms.twilio.sent.filter((s) => s.To === from).map((s) => s.Body),
      };
    },
    async close() {
      await agent.disconnect();
      await sms.close();
    },
  };
});
