import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

describe('transfer, supervisor reassign, close with disposition, CSAT, transcript', () => {
  let srv: TestServer;
  let sales: AgentChatClient;
  let support: AgentChatClient;
  let admin: AgentChatClient;
  before(async () => {
    srv = await startTestServer({ demo: true });
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
    support = await connectAgent(srv, 'support@demo.beckon.local');
    admin = await connectAgent(srv, DEMO_ADMIN.email, false);
  });
  after(async () => {
    for (const a of [sales, support, admin]) await a?.disconnect();
    await srv.close();
  });

  /** A visitor chatting with `holder` (the other online agent is set away meanwhile). */
  async function chatWith(holder: AgentChatClient, other: AgentChatClient, input = {}) {
    await other.setStatus('away');
    const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales, name: 'Grace', ...input });
    const id = visitor.conversation.id;
    await eventually(() => holder.offers.has(id), 3000, 'offer');
    await holder.accept(id);
    await other.setStatus('online');
    return { visitor, id };
  }

  it('transfers to another agent with the conversation and a note of context the visitor never sees', async () => {
    const { visitor, id } = await chatWith(sales, support, { text: 'My order #123 is late' });
    const answeredAt = sales.conversations.get(id)?.assignedAt;
    assert.ok(answeredAt);
    await sales.send(id, 'Let me get a colleague');
    const unassigned = sales.next('unassigned', (f) => f.conversationId === id);
    await sales.transfer(id, {
      agentId: support.profile.id,
      note: 'VIP customer, order #123 delayed by carrier',
    });
    assert.equal((await unassigned).reason, 'transferred');
    await eventually(
      () => support.conversations.get(id)?.assignedAgentId === support.profile.id,
      3000,
      'assigned to support',
    );
    // The wait ended when Sales answered; the transfer does not move it.
    assert.equal(support.conversations.get(id)?.assignedAt, answeredAt);
    // The new agent gets the whole conversation so far, the note included.
    await support.waitForMessage(id, (m) => m.text === 'My order #123 is late');
    await support.waitForMessage(id, (m) => m.text === 'Let me get a colleague');
    const note = await support.waitForMessage(id, (m) => m.senderKind === 'note');
    assert.equal(note.text, 'VIP customer, order #123 delayed by carrier');
    await visitor.waitForConversation((c) => c.agentName === 'Support Agent' && c.status === 'active');
    await support.send(id, 'Hi Grace, I am on it');
    await visitor.waitForMessage((m) => m.text === 'Hi Grace, I am on it');
    // The old agent can no longer write; the visitor never saw the note.
    await assert.rejects(sales.send(id, 'still here?'), { code: 'not_assigned' });
    assert.equal(
      visitor.messages.some((m) => m.text.includes('VIP')),
      false,
    );
    // …but still finds the chat they worked on in their history, and can read it.
    const salesApi = new ApiClient(srv.node.app);
    const session = await cookieFor(srv, 'sales@demo.beckon.local');
    salesApi.cookie = session.cookie;
    salesApi.csrf = session.csrf;
    const history = await salesApi.get('/api/v1/conversations?q=order%20%23123');
    assert.deepEqual(
      history.body.items.map((c: { id: string }) => c.id),
      [id],
    );
    const read = await salesApi.get(`/api/v1/conversations/${id}`);
    assert.equal(read.status, 200);
    assert.ok(read.body.messages.some((m: { text: string }) => m.text === 'Hi Grace, I am on it'));
    await visitor.close();
  });

  it('transfers back into a skill queue, where routing picks the next agent', async () => {
    const { visitor, id } = await chatWith(sales, support);
    await support.setStatus('online');
    await sales.transfer(id, { skillId: srv.demo!.skillIds.support });
    await eventually(() => support.offers.has(id), 3000, 'offer to support');
    await support.accept(id);
    await visitor.waitForConversation((c) => c.agentName === 'Support Agent');
    await visitor.waitForMessage((m) => /another team/.test(m.text));
    await visitor.close();
  });

  it('lets a supervisor watch any conversation read-only and reassign it', async () => {
    const { visitor, id } = await chatWith(sales, support);
    await visitor.send('hello?');
    await admin.watch(id);
    await admin.waitForMessage(id, (m) => m.text === 'hello?');
    await assert.rejects(admin.send(id, 'I am just watching'), { code: 'not_assigned' });
    await admin.send(id, 'coach: offer free shipping', { note: true });
    await sales.waitForMessage(id, (m) => m.text === 'coach: offer free shipping');
    const gone = sales.next('unassigned', (f) => f.conversationId === id);
    await admin.transfer(id, { agentId: support.profile.id });
    assert.equal((await gone).reason, 'reassigned');
    await eventually(
      () => support.conversations.get(id)?.assignedAgentId === support.profile.id,
      3000,
      'reassigned',
    );
    // Agents cannot reassign what is not theirs.
    await assert.rejects(sales.transfer(id, { agentId: sales.profile.id }), { code: 'not_assigned' });
    await visitor.close();
  });

  it('closes with a disposition and tags; the visitor rates it; the transcript downloads as text', async () => {
    const { visitor, id } = await chatWith(sales, support, { text: 'Need help choosing' });
    await sales.send(id, 'Sure!');
    await sales.close(id, { disposition: 'sale', tags: ['shoes', 'upsell'] });
    await visitor.waitForConversation((c) => c.status === 'closed');
    await visitor.waitForMessage((m) => m.text === 'The chat has ended.');
    visitor.csat(5, 'Very helpful');
    await visitor.waitForConversation((c) => c.csatScore === 5);
    const api = new ApiClient(srv.node.app);
    api.cookie = (await cookieFor(srv, 'sales@demo.beckon.local')).cookie;
    const got = await api.get(`/api/v1/conversations/${id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(
      [
        got.body.conversation.disposition,
        got.body.conversation.tags,
        got.body.conversation.csatScore,
        got.body.conversation.csatComment,
      ],
      ['sale', ['shoes', 'upsell'], 5, 'Very helpful'],
    );
    const found = await api.get(`/api/v1/conversations?csatMin=5&q=${encodeURIComponent('choosing')}`);
    assert.deepEqual(
      found.body.items.map((c: { id: string }) => c.id),
      [id],
    );
    const transcript = await api.get(`/api/v1/conversations/${id}/transcript`);
    assert.equal(transcript.status, 200);
    assert.match(String(transcript.headers['content-type']), /^text\/plain/);
    assert.match(String(transcript.headers['content-disposition']), /attachment/);
    const text = String(transcript.body);
    assert.match(text, /Visitor: Need help choosing/);
    assert.match(text, /Sales Agent: Sure!/);
    assert.match(text, /CSAT: 5\/5/);
    // A closed chat takes no more messages.
    await assert.rejects(visitor.send('one more thing'), { code: 'conversation_closed' });
    await visitor.close();
  });

  it('lets the visitor end the chat; the agent sees it end', async () => {
    const { visitor, id } = await chatWith(sales, support);
    visitor.end();
    await eventually(() => sales.conversations.get(id)?.status === 'closed', 3000, 'closed for the agent');
    assert.equal(sales.conversations.get(id)?.closedBy, 'visitor');
    await visitor.close();
  });
});
