import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

/** This suite's presence TTL: a visitor gone this long stops being offered (the default is 30 s). */
const AWAY_SECONDS = 0.6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A demo server with a skill and an agent of their own, one chat at a time, so who is offered next
 * is plain to see.
 */
async function oneAgentServer(env: Record<string, string>, skill: string, email: string) {
  const srv = await startTestServer({ demo: true, env });
  const { store } = srv.node.ctx;
  const accountId = srv.demo!.accountId;
  const skillId = (await store.skills.create(accountId, { name: skill })).id;
  await store.users.create(accountId, {
    email,
    name: `${skill} Agent`,
    role: 'agent',
    passwordHash: 'x',
    skillIds: [skillId],
    capacity: 1,
  });
  return { srv, skillId, agent: await connectAgent(srv, email) };
}

describe('a waiting visitor who left is not offered to agents, and keeps their place for when they are back', () => {
  let srv: TestServer;
  let agent: AgentChatClient;
  let skillId: string;
  before(async () => {
    ({ srv, skillId, agent } = await oneAgentServer(
      { BECKON_CHAT_VISITOR_AWAY_SECONDS: String(AWAY_SECONDS) },
      'Returns',
      'returns@demo.beckon.local',
    ));
  });
  after(async () => {
    await agent?.disconnect();
    await srv.close();
  });

  /** Accepts the chat offered to the agent and closes it, freeing the agent for the next one. */
  const serve = async (id: string) => {
    await eventually(() => agent.offers.has(id), 5000, `offer of ${id}`);
    await agent.accept(id);
    return async () => agent.close(id);
  };

  it('offers the visitor who is still here first, and the one who left once they are back', async () => {
    const first = await startVisitor(srv, { skillId, text: 'first' });
    const finishFirst = await serve(first.conversation.id);
    // The agent is full. Two more wait; the older one closes their tab.
    const gone = await startVisitor(srv, { skillId, text: 'I will be right back' });
    const here = await startVisitor(srv, { skillId, text: 'still here' });
    await gone.close();
    await sleep(AWAY_SECONDS * 1000 * 2);

    await finishFirst();
    const finishHere = await serve(here.conversation.id);
    assert.equal(agent.offers.has(gone.conversation.id), false, 'the one who left was passed over');
    const { store } = srv.node.ctx;
    const waiting = await store.conversations.get(srv.demo!.accountId, gone.conversation.id);
    assert.equal(waiting.status, 'queued', 'and still waits, in the queue');

    // Back on the site (the widget reconnects with its token): offered as soon as the agent is free.
    const back = await VisitorChatClient.connect(srv.url, gone.token);
    await finishHere();
    const finishBack = await serve(gone.conversation.id);
    await back.waitForConversation((c) => c.status === 'active');
    await finishBack();
    await Promise.all([first.close(), here.close(), back.close()]);
  });

  it('keeps a visitor over REST here for as long as they poll', async () => {
    const holder = await startVisitor(srv, { skillId, text: 'holding the agent' });
    const finishHolder = await serve(holder.conversation.id);
    const api = new ApiClient(srv.node.app);
    const started = await api.request(
      'POST',
      '/api/v1/chat/conversations',
      { skillId, text: 'over REST' },
      { 'x-beckon-site-key': srv.demo!.siteKey },
    );
    assert.equal(started.status, 201);
    const id: string = started.body.conversation.id;
    const auth = { 'x-beckon-chat-token': started.body.token };
    // Polling for longer than the presence TTL keeps the chat routable.
    for (let i = 0; i < 6; i++) {
      assert.equal((await api.request('GET', '/api/v1/chat/messages', undefined, auth)).status, 200);
      await sleep((AWAY_SECONDS * 1000) / 2);
    }
    await finishHolder();
    const finish = await serve(id);
    await finish();
    await holder.close();
  });
});

describe('a chat whose visitor left ends by itself, freeing the agent; a visitor back in time keeps it', () => {
  /** This suite's times: gone after 0.4 s without a socket, ended 2 s after that (defaults 30 s and 10 min). */
  const AWAY = 0.4;
  const ABANDON = 2;
  let srv: TestServer;
  let agent: AgentChatClient;
  let skillId: string;
  before(async () => {
    ({ srv, skillId, agent } = await oneAgentServer(
      { BECKON_CHAT_VISITOR_AWAY_SECONDS: String(AWAY), BECKON_CHAT_ABANDON_SECONDS: String(ABANDON) },
      'Gifts',
      'gifts@demo.beckon.local',
    ));
  });
  after(async () => {
    await agent?.disconnect();
    await srv.close();
  });

  const take = async (id: string) => {
    await eventually(() => agent.offers.has(id), 5000, `offer of ${id}`);
    await agent.accept(id);
  };

  it('keeps a chat whose visitor comes back in time, and ends one whose visitor does not', async () => {
    const shopper = await startVisitor(srv, { skillId, text: 'Can you gift-wrap it?' });
    const id = shopper.conversation.id;
    await take(id);
    // A page change, or a short loss of signal: back before the chat is given up.
    await shopper.close();
    await sleep((AWAY + ABANDON * 0.25) * 1000);
    const back = await VisitorChatClient.connect(srv.url, shopper.token);
    await sleep((AWAY + ABANDON * 1.25) * 1000);
    const { store } = srv.node.ctx;
    const accountId = srv.demo!.accountId;
    assert.equal((await store.conversations.get(accountId, id)).status, 'active', 'the chat goes on');

    // Gone for good: the chat ends by itself, says why, and the agent is free for the next visitor.
    await back.close();
    await eventually(() => agent.conversations.get(id)?.status === 'closed', 10_000, 'the chat to end');
    const ended = await store.conversations.get(accountId, id);
    assert.equal(ended.closedBy, 'visitor');
    const lines = agent.messages(id).map((m) => m.text);
    assert.ok(lines.includes('The visitor left the site; the chat ended.'), lines.join(' | '));
    const next = await startVisitor(srv, { skillId, text: 'Is it in stock?' });
    await take(next.conversation.id);
    await agent.close(next.conversation.id);
    await next.close();
  });
});
