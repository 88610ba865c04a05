import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { connectAgent, startVisitor } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

describe('conversations: a visitor and agents over real WebSockets', () => {
  let srv: TestServer;
  let sales: AgentChatClient;
  before(async () => {
    srv = await startTestServer({ demo: true });
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
  });
  after(async () => {
    await sales?.disconnect();
    await srv.close();
  });

  it('offers a new chat to the online agent, who accepts; messages flow both ways in order', async () => {
    const offered = sales.next('offer');
    const visitor = await startVisitor(srv, {
      name: 'Ada',
      topic: 'Sales',
      text: 'Hi, do you ship to Oslo?',
    });
    assert.equal(visitor.conversation.status, 'queued');
    assert.ok(visitor.token.startsWith('ct_'));
    const offer = await offered;
    assert.equal(offer.conversation.id, visitor.conversation.id);
    assert.equal(offer.conversation.visitorName, 'Ada');
    await sales.accept(offer.conversation.id);
    const id = offer.conversation.id;
    await sales.waitForMessage(id, (m) => m.text === 'Hi, do you ship to Oslo?');
    await visitor.waitForConversation((c) => c.status === 'active' && c.agentName === 'Sales Agent');
    const ack = await sales.send(id, 'We do! Two days.');
    assert.ok(ack.seq > 1);
    const got = await visitor.waitForMessage((m) => m.text === 'We do! Two days.');
    assert.equal(got.senderKind, 'agent');
    assert.equal(got.senderName, 'Sales Agent');
    await visitor.send('Great');
    await sales.waitForMessage(id, (m) => m.text === 'Great');
    const seqs = visitor.messages.map((m) => m.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
    await visitor.close();
  });

  it('tells the visitor their chat was accepted when that happened before their socket listened', async () => {
    // On two nodes an agent can accept between the visitor's welcome and the moment the visitor's
    // node listens to the conversation. Here the visitor socket's listening (the conversation's
    // first subscription; the agent's comes after accepting) waits until the agent has accepted.
    const bus = srv.node.ctx.bus;
    const subscribe = bus.subscribe.bind(bus);
    let release!: () => void;
    const accepted = new Promise<void>((resolve) => {
      release = resolve;
    });
    bus.subscribe = async (topic, handler) => {
      if (topic.startsWith('chat.conv.')) {
        bus.subscribe = subscribe;
        await accepted;
      }
      return subscribe(topic, handler);
    };
    try {
      const offered = sales.next('offer');
      const visitor = await startVisitor(srv, { text: 'Is the lamp in stock?' });
      const offer = await offered;
      await sales.accept(offer.conversation.id);
      release();
      const shown = await visitor.waitForConversation((c) => c.status === 'active');
      assert.equal(shown.agentName, 'Sales Agent');
      await visitor.close();
    } finally {
      bus.subscribe = subscribe;
      release();
    }
  });
});
