import { channelsOf } from '../src/channels/channels-feature.ts';
import { type ChannelHarness, channelContract } from './channel-contract.ts';
import { startTelegram, tgUpdate } from './helpers/bot-api-server.ts';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';

// Telegram against the channel contract: customers write through the bot's webhook, and the far
// end is the local Bot API that the replies are sent to.
channelContract('telegram', async (): Promise<ChannelHarness> => {
  const tg = await startTelegram();
  const { srv, accountId } = tg;
  const { userId } = await cookieFor(srv, 'sales@demo.beckon.local');
  await srv.node.ctx.store.users.update(accountId, userId, { capacity: 20 });
  const agent = await connectAgent(srv, 'sales@demo.beckon.local');
  let user = 800_000_000;
  return {
    srv,
    accountId,
    channel: channelsOf(srv.node.ctx).registry.get('telegram')!,
    agent,
    customer: () => ({ name: 'Tess', platform: { kind: 'telegram', id: String(++user) } }),
    async open() {
      const from = ++user;
      const res = await tg.post(tgUpdate(from, 'Hello, where is my parcel?', 1));
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      const row = await eventually(() =>
        srv.node.ctx.store.db
          .selectFrom('channel_messages')
          .select('conversation_id')
          .where('account_id', '=', accountId)
          .where('external_id', 'like', `%:${from}:1`)
          .executeTakeFirst(),
      );
      const id = row.conversation_id;
      await eventually(() => agent.offers.get(id), 5000, 'the offer');
      await agent.accept(id);
      return {
        conversationId: id,
        received: () => tg.bot.sent.filter((s) => s.chat_id === from).map((s) => s.text),
      };
    },
    async close() {
      await agent.disconnect();
      await tg.close();
    },
  };
});
