import type { VisitorServerFrame } from '@beckon/protocol/chat-protocol';
import { channelsOf } from '../src/channels/channels-feature.ts';
import { type ChannelHarness, channelContract, OUTBOX_TEST_ENV } from './channel-contract.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { startTestServer } from './helpers/test-server.ts';

// Web chat against the channel contract: its far end is the visitor's socket.
channelContract('web chat', async (): Promise<ChannelHarness> => {
  const srv = await startTestServer({ demo: true, env: OUTBOX_TEST_ENV });
  const accountId = srv.demo!.accountId;
  const { userId } = await cookieFor(srv, 'sales@demo.beckon.local');
  // Room for every conversation the contract opens.
  await srv.node.ctx.store.users.update(accountId, userId, { capacity: 20 });
  const agent = await connectAgent(srv, 'sales@demo.beckon.local');
  const visitors: { close(): Promise<unknown> }[] = [];
  let n = 0;
  return {
    srv,
    accountId,
    channel: channelsOf(srv.node.ctx).registry.get('web')!,
    agent,
    customer: () => ({ email: `web-${++n}-${Date.now()}@example.com`, address: 'email' }),
    async open() {
      const visitor = await startVisitor(srv, { name: 'Wes', text: 'Hi there' });
      visitors.push(visitor);
      const lines: string[] = [];
      visitor.frames.on((f: VisitorServerFrame) => {
        if (f.type === 'message' && f.message.senderKind === 'agent') lines.push(f.message.text);
      });
      const id = visitor.conversation.id;
      await eventually(() => agent.offers.get(id), 5000, 'the offer');
      await agent.accept(id);
      return { conversationId: id, received: () => lines };
    },
    async close() {
      for (const v of visitors) await v.close();
      await agent.disconnect();
      await srv.close();
    },
  };
});
