import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { FrameSocket, wsUrl } from '@beckon/sdk/frame-socket';
import { chatTopics } from '../src/conversations/chat-events.ts';
import { chatOf } from '../src/conversations/chat-module.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

/** Gone after 0.4 s without a socket; a chat in progress given up 1 s after that. */
const AWAY = 0.4;
const ABANDON = 1;

describe('conversations that outlive the visit: open, pending, snoozed, resolved', () => {
  let srv: TestServer;
  let sales: AgentChatClient;
  let api: ApiClient;
  let accountId: string;
  before(async () => {
    srv = await startTestServer({
      demo: true,
      env: { BECKON_CHAT_VISITOR_AWAY_SECONDS: String(AWAY), BECKON_CHAT_ABANDON_SECONDS: String(ABANDON) },
    });
    accountId = srv.demo!.accountId;
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
    const s = await cookieFor(srv, 'sales@demo.beckon.local');
    api = new ApiClient(srv.node.app);
    api.cookie = s.cookie;
    api.csrf = s.csrf;
  });
  after(async () => {
    await sales.disconnect();
    await srv.close();
  });

  /** A chat in progress with the sales agent. */
  async function chatWithSales(text: string) {
    const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales, text });
    const id = visitor.conversation.id;
    await eventually(() => sales.offers.get(id), 5000, 'the offer');
    await sales.accept(id);
    return { visitor, id };
  }

  const setState = (id: string, body: object) =>
    api.request('POST', `/api/v1/conversations/${id}/state`, body);

  it('pending waits on the customer; their next line opens it again for the agent', async () => {
    const { visitor, id } = await chatWithSales('Do you ship to Norway?');
    const pending = await setState(id, { state: 'pending' });
    assert.equal(pending.status, 200, JSON.stringify(pending.body));
    assert.equal(pending.body.state, 'pending');
    assert.equal(pending.body.status, 'active', 'the agent keeps the conversation');
    await eventually(
      () => sales.conversations.get(id)?.state === 'pending',
      3000,
      'the console to see pending',
    );
    await visitor.send('Yes, to Oslo');
    await eventually(() => sales.conversations.get(id)?.state === 'open', 3000, 'the console to see it open');
    await visitor.close();
    await sales.close(id);
  });

  it('snoozed until a time, then open again; a time in the past or years ahead is refused', async () => {
    const { visitor, id } = await chatWithSales('Call me back next week');
    const soon = await setState(id, { state: 'snoozed', until: new Date(Date.now() + 1000).toISOString() });
    assert.equal(soon.status, 400);
    assert.equal(soon.body.error.code, 'invalid_snooze');
    const late = await setState(id, { state: 'snoozed', until: '2099-01-01T00:00:00Z' });
    assert.equal(late.status, 400);
    const until = new Date(Date.now() + 120_000);
    const snoozed = await setState(id, { state: 'snoozed', until: until.toISOString() });
    assert.equal(snoozed.body.state, 'snoozed');
    assert.equal(snoozed.body.snoozedUntil, until.toISOString());
    const list = await api.request('GET', '/api/v1/conversations?state=snoozed');
    assert.ok(
      list.body.items.some((c: { id: string }) => c.id === id),
      'the snoozed list has it',
    );
    // Two minutes later (simulated): the waker opens it, once, and the console hears it.
    const waker = chatOf(srv.node.ctx)!.snoozes;
    assert.equal(await waker.sweep(Date.now() + 60_000), 0, 'not yet');
    assert.equal(await waker.sweep(until.getTime() + 1), 1);
    assert.equal(await waker.sweep(until.getTime() + 2), 0, 'woken once');
    await eventually(() => sales.conversations.get(id)?.state === 'open', 3000, 'the console to see it open');
    await visitor.close();
    await sales.close(id);
  });

  it('a resolved conversation opened again goes back to its agent', async () => {
    const { visitor, id } = await chatWithSales('Thanks!');
    await sales.close(id);
    const reopened = await setState(id, { state: 'open' });
    assert.equal(reopened.status, 200, JSON.stringify(reopened.body));
    await eventually(() => sales.offers.get(id), 5000, 'the offer back to the same agent');
    await sales.accept(id);
    await sales.close(id);
    await visitor.close();
  });

  it('only its agent or a supervisor sets the state; another account never sees it', async () => {
    const { visitor, id } = await chatWithSales('Who else can see this?');
    const s = await cookieFor(srv, 'support@demo.beckon.local');
    const other = new ApiClient(srv.node.app);
    other.cookie = s.cookie;
    other.csrf = s.csrf;
    const refused = await other.request('POST', `/api/v1/conversations/${id}/state`, { state: 'pending' });
    assert.ok([403, 404].includes(refused.status), String(refused.status));
    const bad = await setState(id, { state: 'resolved' });
    assert.equal(bad.status, 400, 'resolving is closing');
    await sales.close(id);
    await visitor.close();
  });

  it('closing the tab leaves a reachable customer’s chat open and pending; an anonymous one still ends', async () => {
    const known = await chatWithSales('Is the blue one back in stock?');
    const contact = await srv.node.ctx.store.contacts.resolve(accountId, {
      email: 'kim@example.com',
      name: 'Kim',
    });
    await srv.node.ctx.store.conversations.setContact(accountId, known.id, contact.id);
    const anonymous = await chatWithSales('Just browsing');
    await known.visitor.close();
    await anonymous.visitor.close();
    await eventually(
      () => sales.conversations.get(anonymous.id)?.status === 'closed',
      10_000,
      'the anonymous chat to end',
    );
    await eventually(
      () => sales.conversations.get(known.id)?.state === 'pending',
      10_000,
      'the known one pending',
    );
    const kept = await srv.node.ctx.store.conversations.get(accountId, known.id);
    assert.equal(kept.status, 'active', 'still the agent’s, for a later reply');
    assert.equal(kept.assignedAgentId, sales.profile.id);
    // The agent answers later; the customer back on the site opens it again.
    await sales.send(known.id, 'It is back: shall I reserve one?');
    const { VisitorChatClient } = await import('@beckon/sdk/chat-client');
    const back = await VisitorChatClient.connect(srv.url, known.visitor.token);
    await eventually(() => sales.conversations.get(known.id)?.state === 'open', 5000, 'open again');
    await back.waitForMessage((m) => m.text.startsWith('It is back'));
    await back.close();
    await sales.close(known.id);
  });

  it('a customer’s socket closed while it reopens a pending chat lets go of what it listened to', async () => {
    const { visitor, id } = await chatWithSales('Is the blue one in stock?');
    const token = visitor.token;
    await visitor.close();
    const { bus } = srv.node.ctx;
    const topic = chatTopics.conversation(id);
    // The agent's socket listens to the chat; the customer's handler went with its socket.
    const held = await eventually(async () => {
      const n = bus.subscriptions(topic);
      await new Promise((r) => setTimeout(r, 100));
      return n === bus.subscriptions(topic) && n;
    });
    // Each time the chat is pending, so reopening it writes it open again: the socket drops the
    // moment its welcome arrives, while the server is still writing.
    for (let i = 0; i < 12; i++) {
      const set = await setState(id, { state: 'pending' });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      const s = FrameSocket.connect<{ type: string }>(wsUrl(srv.url, '/v1/chat'));
      s.on((f) => {
        if (f.type === 'welcome') s.ws.terminate();
      });
      await s.opened;
      s.send({ type: 'hello', token });
      await s.closed;
    }
    await eventually(
      () => bus.subscriptions(topic) === held,
      5000,
      `the chat back to ${held} handlers (it has ${bus.subscriptions(topic)})`,
    );
    // What /metrics reports is what the bus holds.
    await eventually(async () => {
      const text = await (await fetch(`${srv.url}/metrics`)).text();
      return Number(/^beckon_bus_subscriptions (\d+)/m.exec(text)?.[1]) === bus.subscriptions();
    });
  });
});
