import { channelsOf } from '../src/channels/channels-feature.ts';
import { type ChannelHarness, channelContract } from './channel-contract.ts';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';
import { postWebhook, waMessageDelivery } from './helpers/graph-api-server.ts';
import { startWhatsApp, WA } from './helpers/whatsapp-fixture.ts';

// WhatsApp against the channel contract: customers write through the signed webhook, and the far
// end is the local Graph API that the replies are sent to.
channelContract('whatsapp', async (): Promise<ChannelHarness> => {
  const wa = await startWhatsApp();
  const { srv, accountId } = wa;
  const { userId } = await cookieFor(srv, 'sales@demo.beckon.local');
  await srv.node.ctx.store.users.update(accountId, userId, { capacity: 20 });
  const agent = await connectAgent(srv, 'sales@demo.beckon.local');
  let n = 0;
  const number = () => `1444${String(Date.now()).slice(-6)}${String(++n).padStart(2, '0')}`;
  return {
    srv,
    accountId,
    channel: channelsOf(srv.node.ctx).registry.get('whatsapp')!,
    agent,
    customer: () => ({ phone: `+${number()}`, address: 'phone' }),
    async open() {
      const from = number();
      const d = waMessageDelivery(WA.phoneNumberId, from, 'Hello, where is my parcel?');
      const res = await postWebhook(wa.hook, d.body, WA.appSecret);
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      const row = await eventually(() =>
        srv.node.ctx.store.db
          .selectFrom('channel_messages')
          .select('conversation_id')
          .where('account_id', '=', accountId)
          .where('external_id', '=', d.id)
          .executeTakeFirst(),
      );
      const id = row.conversation_id;
      await eventually(() => agent.offers.get(id), 5000, 'the offer');
      await agent.accept(id);
      return {
        conversationId: id,
        received: () => wa.graph.sent.filter((s) => s.to === from).map((s) => s.body),
      };
    },
    async close() {
      await agent.disconnect();
      await wa.close();
    },
  };
});
