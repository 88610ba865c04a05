import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentChatClient } from '@beckon/sdk/agent-client';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
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
    const hold = holdSubscription(srv, (topic, n) => topic.startsWith('chat.conv.') && n === 1);
    try {
      const offered = sales.next('offer');
      const visitor = await startVisitor(srv, { text: 'Is the lamp in stock?' });
      const offer = await offered;
      await sales.accept(offer.conversation.id);
      hold.release();
      const shown = await visitor.waitForConversation((c) => c.status === 'active');
      assert.equal(shown.agentName, 'Sales Agent');
      await visitor.close();
    } finally {
      hold.restore();
    }
  });

  it('tells the agent the visitor ended the chat when that happened before the agent’s socket listened', async () => {
    // The conversation's first subscription is the visitor socket's; the second, the agent's, made
    // once the chat is accepted, waits here until the visitor has ended the chat.
    const hold = holdSubscription(srv, (topic, n) => topic.startsWith('chat.conv.') && n === 2);
    try {
      const offered = sales.next('offer');
      const visitor = await startVisitor(srv, { text: 'Never mind, found it' });
      const id = (await offered).conversation.id;
      const assigned = sales.next('assigned', (f) => f.conversation.id === id);
      await sales.accept(id);
      assert.equal((await assigned).conversation.status, 'active');
      visitor.end();
      await visitor.waitForConversation((c) => c.status === 'closed');
      hold.release();
      await eventually(() => sales.conversations.get(id)?.status === 'closed', 5000, 'the chat closed');
      await visitor.close();
    } finally {
      hold.restore();
    }
  });

  /** A chat the sales agent accepted; `endWhileHeld` ends it while a new listener's subscription waits. */
  async function acceptedChat(text: string) {
    const offered = sales.next('offer');
    const visitor = await startVisitor(srv, { text });
    const id = (await offered).conversation.id;
    await sales.accept(id);
    const hold = holdSubscription(srv, (topic) => topic === `chat.conv.${id}`);
    const endWhileHeld = async (listener: string) => {
      await eventually(() => hold.holding, 5000, listener);
      visitor.end();
      await visitor.waitForConversation((c) => c.status === 'closed');
      hold.release();
    };
    return { visitor, id, hold, endWhileHeld };
  }

  it('leaves a chat the visitor ended while the console was connecting out of its inbox', async () => {
    // A second console of the same agent lists the chat as active, then listens to it: that
    // subscription (the visitor's and the first console's are made already) waits until the
    // visitor has ended the chat.
    const { visitor, id, hold, endWhileHeld } = await acceptedChat('Just browsing');
    try {
      const { cookie } = await cookieFor(srv, 'sales@demo.beckon.local');
      const second = AgentChatClient.connect(srv.url, { cookie });
      await endWhileHeld('the console listening');
      const console2 = await second;
      assert.equal(console2.conversations.get(id)?.status, undefined, 'not listed as open');
      await console2.disconnect();
      await visitor.close();
    } finally {
      hold.restore();
    }
  });

  it('shows a watcher a chat that ended between the watch and its listening', async () => {
    const admin = await connectAgent(srv, 'admin@demo.beckon.local', false);
    // The admin's console opens the chat read-only; its listening waits until the visitor has ended it.
    const { visitor, id, hold, endWhileHeld } = await acceptedChat('Is the sofa in stock?');
    try {
      const watched = admin.watch(id);
      await endWhileHeld('the watcher listening');
      await watched;
      await eventually(
        () => admin.conversations.get(id)?.status === 'closed',
        5000,
        'the watcher sees it ended',
      );
      await visitor.close();
    } finally {
      hold.restore();
      await admin.disconnect();
    }
  });
});

/**
 * Holds back one subscription on the node's bus — the first whose topic and count (the how-manieth
 * subscription to that topic from now on) `pick` chooses — until `release`, as a slow Redis
 * subscriber on another node would. `restore` puts the bus back and lets a held one go.
 */
function holdSubscription(srv: TestServer, pick: (topic: string, n: number) => boolean) {
  const bus = srv.node.ctx.bus;
  const subscribe = bus.subscribe.bind(bus);
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const counts = new Map<string, number>();
  const hold = {
    holding: false,
    release,
    restore: () => {
      bus.subscribe = subscribe;
      release();
    },
  };
  bus.subscribe = async (topic, handler) => {
    const n = (counts.get(topic) ?? 0) + 1;
    counts.set(topic, n);
    if (pick(topic, n)) {
      bus.subscribe = subscribe;
      hold.holding = true;
      await released;
    }
    return subscribe(topic, handler);
  };
  return hold;
}
