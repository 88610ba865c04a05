import { channelsOf } from '../src/channels/channels-feature.ts';
import { type ChannelHarness, channelContract } from './channel-contract.ts';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';
import { startMessenger } from './helpers/messenger-fixture.ts';
import { customerMessage } from './helpers/messenger-graph-server.ts';

// Messenger and Instagram against the channel contract: customers write through the signed
// webhook, and the far end is the local Graph API's Send API that the replies reach.
for (const type of ['messenger', 'instagram'] as const) {
  channelContract(type, async (): Promise<ChannelHarness> => {
    const m = await startMessenger(type);
    const { srv, accountId } = m;
    const { userId } = await cookieFor(srv, 'sales@demo.beckon.local');
    await srv.node.ctx.store.users.update(accountId, userId, { capacity: 20 });
    const agent = await connectAgent(srv, 'sales@demo.beckon.local');
    let n = 0;
    const psid = () =>
      `${type === 'messenger' ? '2' : '5'}${String(Date.now()).slice(-9)}${String(++n).padStart(4, '0')}`;
    return {
      srv,
      accountId,
      channel: channelsOf(srv.node.ctx).registry.get(type)!,
      agent,
      customer: () => ({ platform: { kind: type, id: psid() } }),
      async open() {
        const from = psid();
        const c = customerMessage(from, { text: 'Hello, is the blue one in stock?' });
        const res = await m.post(c.event);
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
        const id = await eventually(() => m.conversationOf(c.mid));
        await eventually(() => agent.offers.get(id), 5000, 'the offer');
        await agent.accept(id);
        return {
          conversationId: id,
          received: () => m.graph.sent.filter((s) => s.recipient === from && s.text).map((s) => s.text!),
        };
      },
      async close() {
        await agent.disconnect();
        await m.close();
      },
    };
  });
}
