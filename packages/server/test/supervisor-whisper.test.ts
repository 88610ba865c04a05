import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import { connectAgent, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

describe('whisper: a supervisor writes to the agents of a live chat, never to the visitor', {
  timeout: 60_000,
}, () => {
  let srv: TestServer;
  let sales: AgentChatClient;
  let supervisor: AgentChatClient;
  let support: AgentChatClient;
  let visitor: VisitorChatClient;
  let id: string;
  const seen: string[] = [];

  before(async () => {
    srv = await startTestServer({ demo: true });
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
    supervisor = await connectAgent(srv, DEMO_ADMIN.email, false);
    support = await connectAgent(srv, 'support@demo.beckon.local', false);
    visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    visitor.frames.on((f) => seen.push(JSON.stringify(f)));
    id = visitor.conversation.id;
    await eventually(() => sales.offers.has(id), 3000, 'offer');
    await sales.accept(id);
  });
  after(async () => {
    for (const c of [sales, supervisor, support]) await c?.disconnect();
    await visitor?.close();
    await srv?.close();
  });

  it('reaches the agent who holds the chat as a note from the supervisor, and the visitor never sees it', async () => {
    await supervisor.watch(id);
    const ack = await supervisor.send(id, 'whisper: offer the 10 % code', { note: true });
    const got = await sales.waitForMessage(id, (m) => m.seq === ack.seq);
    assert.equal(got.senderKind, 'note');
    assert.equal(got.senderName, 'Demo Admin');
    await sales.send(id, 'public line after the whisper');
    await visitor.waitForMessage((m) => m.text === 'public line after the whisper');
    assert.equal(
      visitor.messages.some((m) => m.seq === ack.seq),
      false,
    );
    assert.equal(
      seen.some((f) => f.includes('whisper:')),
      false,
      'no frame to the visitor carries it',
    );
  });

  it('refuses a whisper from an agent below supervisor who does not hold the chat', async () => {
    await assert.rejects(support.send(id, 'whisper: not mine', { note: true }), /not assigned to you/);
  });
});
