import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { BeckonNode } from '../src/node.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import { agentOn, type NodeCluster, startCluster } from './helpers/node-cluster.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { TEST_REDIS_URL as REDIS_URL, redisSkipReasonNow } from './helpers/redis.ts';

// Asked as the file loads, without awaiting: see helpers/service-probe.ts.
const PG_SKIP = postgresSkipReasonNow();
const REDIS_SKIP = redisSkipReasonNow();

/**
 * Who is here, across two nodes (PostgreSQL + Redis): the agent holding a chat works on node A, an
 * admin opens the same chat on node B; each sees the other looking and typing, live.
 */
describe('who is looking at and typing in a conversation, across two nodes', () => {
  const skip = PG_SKIP ?? REDIS_SKIP;
  let cluster: NodeCluster | undefined;
  let a: BeckonNode;
  let b: BeckonNode;
  let sales: AgentChatClient;
  let admin: AgentChatClient | undefined;
  let visitor: VisitorChatClient;
  let id: string;
  before(async () => {
    if (skip) return;
    cluster = await startCluster(2, REDIS_URL);
    [a, b] = cluster.nodes as [BeckonNode, BeckonNode];
    sales = await agentOn(a, 'sales@demo.beckon.local');
    visitor = await VisitorChatClient.start(a.url, cluster.demo.siteKey, {
      visitorId: `v${Math.random().toString(36).slice(2, 10)}`,
      skillId: cluster.demo.skillIds.sales,
    });
    id = visitor.conversation.id;
    await eventually(() => sales.offers.has(id), 10_000, 'offer');
    await sales.accept(id);
  });
  after(async () => {
    await visitor?.close();
    await admin?.disconnect();
    await sales?.disconnect();
    await cluster?.close();
  });
  const names = (f: { agents: { name: string }[] }) => f.agents.map((x) => x.name);

  it(
    'shows each viewer to the other, their typing with whether it is a note, and lets go on close',
    skip ? { skip } : { timeout: 120_000 },
    async () => {
      const alone = sales.next('viewers', (f) => f.conversationId === id);
      sales.viewing(id, true);
      assert.deepEqual(names(await alone), ['Sales Agent']);

      admin = await agentOn(b, 'admin@demo.beckon.local');
      await admin.watch(id);
      const salesSees = sales.next('viewers', (f) => f.agents.length === 2, 10_000);
      const adminSees = admin.next(
        'viewers',
        (f) => f.conversationId === id && f.agents.length === 2,
        10_000,
      );
      admin.viewing(id, true);
      assert.deepEqual(names(await adminSees), ['Demo Admin', 'Sales Agent']);
      assert.deepEqual(names(await salesSees), ['Demo Admin', 'Sales Agent'], 'across the nodes');

      const noteTyping = admin.next('typing', (f) => f.conversationId === id && f.typing, 10_000);
      sales.typing(id, true, { note: true });
      const t1 = await noteTyping;
      assert.equal(t1.agentId, sales.profile.id);
      assert.equal(t1.name, 'Sales Agent');
      assert.equal(t1.note, true);
      const stopped = admin.next('typing', (f) => f.conversationId === id && !f.typing, 10_000);
      sales.typing(id, false, { note: true });
      await stopped;
      const replyTyping = admin.next('typing', (f) => f.conversationId === id && f.typing, 10_000);
      sales.typing(id, true);
      assert.equal((await replyTyping).note, undefined, 'a reply, not a note');

      // The admin looks away, then comes back and closes the console: the agent sees them go each time.
      const left = sales.next('viewers', (f) => f.agents.length === 1, 10_000);
      admin.viewing(id, false);
      assert.deepEqual(names(await left), ['Sales Agent']);
      admin.viewing(id, true);
      await sales.next('viewers', (f) => f.agents.length === 2, 10_000);
      const gone = sales.next('viewers', (f) => f.agents.length === 1, 10_000);
      await admin.disconnect();
      admin = undefined;
      assert.deepEqual(names(await gone), ['Sales Agent']);
    },
  );

  it(
    'a reminder a colleague schedules on another node reaches the console that follows the chat, live',
    skip ? { skip } : { timeout: 60_000 },
    async () => {
      const { store } = b.ctx;
      const found = await store.users.findForLogin('admin@demo.beckon.local');
      const s = await store.authSessions.create(found!.user.id, found!.accountId, 3600_000);
      const headers = {
        'content-type': 'application/json',
        cookie: `beckon_session=${s.token}`,
        'x-csrf-token': s.csrfToken,
      };
      const base = `${b.url}/api/v1/conversations/${id}/scheduled-messages`;
      const told = () => sales.next('scheduled_changed', (f) => f.conversationId === id, 10_000);
      const added = told();
      const r = await fetch(base, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          text: 'call them back',
          sendAt: new Date(Date.now() + 3600_000).toISOString(),
          note: true,
        }),
      });
      assert.equal(r.status, 201, await r.clone().text());
      await added;
      const { id: messageId } = (await r.json()) as { id: string };
      const cancelled = told();
      const d = await fetch(`${base}/${messageId}`, { method: 'DELETE', headers });
      assert.equal(d.status, 204);
      await cancelled;
    },
  );

  it(
    'refuses to mark a conversation the console does not follow',
    skip ? { skip } : { timeout: 60_000 },
    async () => {
      const err = sales.next('error', () => true, 10_000);
      sales.viewing('conv_not_there', true);
      assert.equal((await err).code, 'not_found');
    },
  );
});
