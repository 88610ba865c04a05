import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const PER_SIDE = 300;

describe('reconnects: sockets cut mid-conversation lose nothing, duplicate nothing, keep order', () => {
  let srv: TestServer;
  let agent: AgentChatClient;
  let visitor: VisitorChatClient;
  let id: string;
  before(async () => {
    // Both sides send as fast as the store acknowledges (over 100 lines a second on a fast machine):
    // the frame limits, which protect a node from people, are off, as in the crash test.
    srv = await startTestServer({
      demo: true,
      env: {
        BECKON_RATE_CHAT_FRAME: '0',
        BECKON_RATE_CHAT_FRAME_ADDRESS: '0',
        BECKON_RATE_AGENT_FRAME: '0',
        BECKON_RATE_AGENT_FRAME_USER: '0',
      },
    });
    agent = await connectAgent(srv, 'sales@demo.beckon.local');
    visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    id = visitor.conversation.id;
    await eventually(() => agent.offers.has(id), 3000, 'offer');
    await agent.accept(id);
    await visitor.waitForConversation((c) => c.status === 'active');
  });
  after(async () => {
    await agent.disconnect();
    await visitor.close();
    await srv.close();
  });

  it('streams from both sides while both sockets are cut again and again', { timeout: 60_000 }, async () => {
    let running = true;
    let cuts = 0;
    // Cut one side or the other every few milliseconds, reconnecting right away (like a flaky network).
    const chaos = (async () => {
      while (running) {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 15));
        if (!running) break;
        if (Math.random() < 0.5) await visitor.reconnect();
        else await agent.reconnect();
        cuts++;
      }
    })();
    const visitorSends = (async () => {
      for (let i = 0; i < PER_SIDE; i++) await visitor.send(`v${i}`);
    })();
    const agentSends = (async () => {
      for (let i = 0; i < PER_SIDE; i++) await agent.send(id, `a${i}`);
    })();
    await Promise.all([visitorSends, agentSends]);
    running = false;
    await chaos;
    assert.ok(cuts >= 10, `cut ${cuts} times`);

    // Each side ends up with every message exactly once, in sequence order, each sender's in send order.
    const api = new ApiClient(srv.node.app);
    const stored = (
      await api.request('GET', `/api/v1/chat/messages?afterSeq=0&limit=1000`, undefined, {
        'x-beckon-chat-token': visitor.token,
      })
    ).body.items as Array<{ seq: number; text: string }>;
    const expected = (prefix: string) => Array.from({ length: PER_SIDE }, (_, i) => `${prefix}${i}`);
    const texts = (list: Array<{ text: string }>, prefix: string) =>
      list.map((m) => m.text).filter((t) => /^[va]\d+$/.test(t) && t[0] === prefix);
    assert.deepEqual(
      texts(stored, 'v'),
      expected('v'),
      'the store holds each visitor message once, in order',
    );
    assert.deepEqual(texts(stored, 'a'), expected('a'), 'the store holds each agent message once, in order');

    // Without asking for anything again, each client converges on exactly what is stored.
    const same = (list: Array<{ seq: number; text: string }>) =>
      JSON.stringify(list.map((m) => [m.seq, m.text])) === JSON.stringify(stored.map((m) => [m.seq, m.text]));
    await eventually(() => same(visitor.messages), 5000, 'the visitor to hold exactly what is stored');
    await eventually(() => same(agent.messages(id)), 5000, 'the agent to hold exactly what is stored');
    const seqs = visitor.messages.map((m) => m.seq);
    assert.deepEqual(
      seqs,
      Array.from({ length: seqs.length }, (_, i) => i + 1),
      'no gaps, no repeats',
    );
  });

  it('a retried send after a cut is stored once and acknowledged with the original sequence number', async () => {
    // The ack is taken as lost: the retry repeats the first attempt's echo id and afterSeq.
    const before = visitor.lastSeq;
    const first = await visitor.send('only once', 'echo-retry-1');
    await visitor.reconnect();
    const again = await visitor.send('only once (retry)', 'echo-retry-1', [], before);
    assert.equal(again.seq, first.seq);
    assert.equal(again.duplicate, true);
    const { store } = srv.node.ctx;
    const rows = await store.db
      .selectFrom('messages')
      .selectAll()
      .where('echo_id', '=', 'echo-retry-1')
      .execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.body, 'only once');
  });
});
