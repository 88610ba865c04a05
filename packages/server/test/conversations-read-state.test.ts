import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentChatClient } from '@beckon/sdk/agent-client';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

describe('read receipts that survive reloads, and the visitor’s live place in the queue', {
  timeout: 60_000,
}, () => {
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

  it('stores each side’s read position, relays it live, and hands it back after a reconnect', async () => {
    const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales, text: 'hi' });
    const id = visitor.conversation.id;
    assert.deepEqual([visitor.conversation.visitorReadSeq, visitor.conversation.agentReadSeq], [0, 0]);
    await eventually(() => sales.offers.has(id), 3000, 'offer');
    await sales.accept(id);
    await sales.send(id, 'Hello!');
    const last = await sales.send(id, 'How can I help?');

    const seen = sales.next('read', (f) => f.conversationId === id && f.by === 'visitor');
    visitor.read(last.seq);
    assert.equal((await seen).seq, last.seq);
    const seenByVisitor = visitor.frames.next((f) => f.type === 'read' && f.by === 'agent');
    sales.read(id, 1);
    assert.equal(((await seenByVisitor) as { seq: number }).seq, 1);

    // A stale receipt changes nothing and is not relayed; one past the end is clamped.
    const quiet = sales.next('read', (f) => f.conversationId === id, 300);
    visitor.read(1);
    await assert.rejects(quiet, /no matching frame/);
    const newest = await sales.send(id, 'Anything else?');
    const clamped = sales.next('read', (f) => f.conversationId === id);
    visitor.read(newest.seq + 50);
    assert.equal((await clamped).seq, newest.seq, 'never past the last message');

    await visitor.close();
    const again = await VisitorChatClient.connect(srv.url, visitor.token, last.seq);
    assert.deepEqual([again.conversation.visitorReadSeq, again.conversation.agentReadSeq], [newest.seq, 1]);
    await again.close();

    const { cookie } = await cookieFor(srv, 'sales@demo.beckon.local');
    const console2 = await AgentChatClient.connect(srv.url, { cookie });
    const c = console2.conversations.get(id)!;
    assert.deepEqual([c.visitorReadSeq, c.agentReadSeq], [newest.seq, 1], 'the ready frame carries them');
    await console2.disconnect();
  });

  it('takes read receipts over REST too, and ignores a supervisor who only watches', async () => {
    const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales, text: 'one' });
    const id = visitor.conversation.id;
    await eventually(() => sales.offers.has(id), 3000, 'offer');
    await sales.accept(id);
    const ack = await sales.send(id, 'two');
    const anon = new ApiClient(srv.node.app);
    const auth = { 'x-beckon-chat-token': visitor.token };
    assert.equal((await anon.request('POST', '/api/v1/chat/read', { seq: ack.seq }, auth)).status, 204);
    assert.equal((await anon.request('POST', '/api/v1/chat/read', { seq: -1 }, auth)).status, 400);
    await eventually(
      async () =>
        (await anon.request('GET', '/api/v1/chat/conversation', undefined, auth)).body.visitorReadSeq ===
        ack.seq,
      3000,
      'visitor read position stored',
    );

    const admin = await connectAgent(srv, DEMO_ADMIN.email, false);
    await admin.watch(id);
    admin.read(id, ack.seq);
    const s = await cookieFor(srv, 'support@demo.beckon.local');
    const supportApi = new ApiClient(srv.node.app);
    supportApi.cookie = s.cookie;
    supportApi.csrf = s.csrf;
    assert.equal((await supportApi.post(`/api/v1/conversations/${id}/read`, { seq: ack.seq })).status, 404);
    const agentApi = new ApiClient(srv.node.app);
    const mine = await cookieFor(srv, 'sales@demo.beckon.local');
    agentApi.cookie = mine.cookie;
    agentApi.csrf = mine.csrf;
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await agentApi.get(`/api/v1/conversations/${id}`)).body.conversation.agentReadSeq, 0);
    assert.equal((await agentApi.post(`/api/v1/conversations/${id}/read`, { seq: 1 })).status, 204);
    await eventually(
      async () => (await agentApi.get(`/api/v1/conversations/${id}`)).body.conversation.agentReadSeq === 1,
      3000,
      'agent read position stored',
    );
    await admin.disconnect();
    await visitor.close();
  });

  it('tells each waiting visitor their place as the queue moves', async () => {
    const { store } = srv.node.ctx;
    await store.db.updateTable('conversations').set({ status: 'closed', offered_to: null }).execute();
    await store.db.updateTable('users').set({ capacity: 1 }).where('id', '=', sales.profile.id).execute();
    const skillId = srv.demo!.skillIds.sales;
    const busy = await startVisitor(srv, { skillId });
    await eventually(() => sales.offers.has(busy.conversation.id), 3000, 'offer');
    await sales.accept(busy.conversation.id);

    const [a, b, c] = [
      await startVisitor(srv, { skillId }),
      await startVisitor(srv, { skillId }),
      await startVisitor(srv, { skillId }),
    ];
    assert.deepEqual(
      [a, b, c].map((v) => [v.conversation.status, v.conversation.queuePosition]),
      [
        ['queued', 1],
        ['queued', 2],
        ['queued', 3],
      ],
    );
    a.end();
    await b.waitForConversation((x) => x.queuePosition === 1);
    await c.waitForConversation((x) => x.queuePosition === 2);

    await sales.close(busy.conversation.id);
    await eventually(() => sales.offers.has(b.conversation.id), 3000, 'the next offer');
    await sales.accept(b.conversation.id);
    const active = await b.waitForConversation((x) => x.status === 'active');
    assert.equal(active.queuePosition, null);
    await c.waitForConversation((x) => x.queuePosition === 1);
    for (const v of [busy, a, b, c]) await v.close();
    await store.db.updateTable('users').set({ capacity: 3 }).where('id', '=', sales.profile.id).execute();
  });
});
