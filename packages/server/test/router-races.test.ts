// Changes that meet the router half-way: each reads a chat, the router offers it (or an offer ends)
// and commits, and only then does the change write. On PostgreSQL the two interleave (SQLite runs
// one writer at a time); a held row makes the race happen every time (helpers/row-hold.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { connectAgent, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { holdConversationRow } from './helpers/row-hold.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const PG_SKIP = postgresSkipReasonNow();

describe('changes that meet the router half-way (PostgreSQL)', { skip: PG_SKIP ?? false }, () => {
  let srv: TestServer;
  let sales: AgentChatClient;
  before(async () => {
    srv = await startTestServer({ demo: true, store: 'postgres' });
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
  });
  after(async () => {
    await sales?.disconnect();
    await srv?.close();
  });

  it('a visitor who ends the chat as its offer ends: the chat ends as they asked', async () => {
    const visitor = await startVisitor(srv, {
      name: 'Ada',
      skillId: srv.demo!.skillIds.sales,
      text: 'Hello?',
    });
    const id = visitor.conversation.id;
    const { accountId } = srv.demo!;
    await eventually(() => sales.offers.has(id), 8000, 'the offer to the sales agent');
    const held = await holdConversationRow(srv.node.ctx.store.db, id, {
      status: 'queued',
      offered_to: null,
      offered_at: null,
    });
    visitor.end();
    await held.waited();
    await held.commit();
    const ended = await eventually(
      async () => {
        const c = await srv.node.ctx.store.conversations.get(accountId, id);
        return c.status === 'closed' ? c : null;
      },
      8000,
      'the chat ended',
    );
    assert.equal(ended.closedBy, 'visitor');
    await eventually(
      () => visitor.messages.some((m) => m.text === 'The visitor ended the chat.'),
      8000,
      'the line that says so',
    );
    await visitor.close();
  });
});
