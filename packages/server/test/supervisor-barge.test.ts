import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '@beckon/protocol/chat-api';
import { AgentChatClient } from '@beckon/sdk/agent-client';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { BeckonNode } from '../src/node.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { agentOn, type NodeCluster, startCluster } from './helpers/node-cluster.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { TEST_REDIS_URL as REDIS_URL, redisSkipReasonNow } from './helpers/redis.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

// Asked as the file loads, without awaiting: see helpers/service-probe.ts.
const REDIS_SKIP = redisSkipReasonNow();

const pgSkip = postgresSkipReasonNow();

/** What the visitor's socket carried, as text: nothing of the team's timeline may be in it. */
const carried = (frames: string[], text: string) => frames.some((f) => f.includes(text));

for (const store of ['sqlite', 'postgres'] as const) {
  const skip = store === 'postgres' ? pgSkip : undefined;
  describe(`barge-in and the supervisor's timeline (${store})`, {
    timeout: 90_000,
    ...(skip ? { skip } : {}),
  }, () => {
    let srv: TestServer;
    let sales: AgentChatClient;
    let admin: AgentChatClient;
    let support: AgentChatClient;
    let visitor: VisitorChatClient;
    let id: string;
    const frames: string[] = [];

    /** A fresh visitor chat held by the sales agent, followed by the admin. */
    async function liveChat(): Promise<{ id: string; visitor: VisitorChatClient }> {
      const v = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
      const cid = v.conversation.id;
      await eventually(() => sales.offers.has(cid), 3000, 'offer');
      await sales.accept(cid);
      await admin.watch(cid);
      return { id: cid, visitor: v };
    }

    before(async () => {
      srv = await startTestServer({ demo: true, store });
      sales = await connectAgent(srv, 'sales@demo.beckon.local');
      admin = await connectAgent(srv, DEMO_ADMIN.email, false);
      support = await connectAgent(srv, 'support@demo.beckon.local', false);
      visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
      visitor.frames.on((f) => frames.push(JSON.stringify(f)));
      id = visitor.conversation.id;
      await eventually(() => sales.offers.has(id), 3000, 'offer');
      await sales.accept(id);
    });
    after(async () => {
      for (const c of [sales, admin, support]) await c?.disconnect();
      await visitor?.close();
      await srv?.close();
    });

    it('records that the admin started monitoring, once, for the agents only', async () => {
      await admin.watch(id);
      const entry = await sales.waitForMessage(
        id,
        (m) => m.text === 'Demo Admin started monitoring the chat.',
      );
      assert.equal(entry.senderKind, 'note');
      assert.equal(entry.senderName, 'Demo Admin');
      assert.match(entry.echoId ?? '', /^timeline:/);
      // Another console of the same admin (a second tab) looks too.
      const tab = await AgentChatClient.connect(srv.url, {
        cookie: (await cookieFor(srv, DEMO_ADMIN.email)).cookie,
      });
      try {
        await tab.watch(id);
      } finally {
        await tab.disconnect();
      }
      await sales.send(id, 'after the second look');
      await visitor.waitForMessage((m) => m.text === 'after the second look');
      const entries = sales.messages(id).filter((m) => m.text.endsWith('started monitoring the chat.'));
      assert.equal(entries.length, 1, 'a second look is not a second entry');
      assert.equal(carried(frames, 'monitoring'), false, 'the visitor never hears of it');
    });

    it('lets the admin barge in: the visitor reads the join line and the admin’s line under their name', async () => {
      await admin.join(id);
      await visitor.waitForMessage(
        (m) => m.senderKind === 'system' && m.text === 'Demo Admin joined the chat.',
      );
      await eventually(() => admin.conversations.get(id)?.joinedAgentId === admin.profile.id, 3000, 'joined');
      await eventually(
        () => sales.conversations.get(id)?.joinedAgentId === admin.profile.id,
        3000,
        'agent told',
      );
      const ack = await admin.send(id, 'Hello, I am the team lead.');
      const seen = await visitor.waitForMessage((m) => m.seq === ack.seq);
      assert.equal(seen.senderKind, 'agent');
      assert.equal(seen.senderName, 'Demo Admin');
      const atAgent = await sales.waitForMessage(id, (m) => m.seq === ack.seq);
      assert.equal(atAgent.senderName, 'Demo Admin');
      // The agent still holds it, and the admin reads the agent in real time.
      const line = await sales.send(id, 'Thanks, I will carry on.');
      await admin.waitForMessage(id, (m) => m.seq === line.seq);
      const held = await srv.node.ctx.store.conversations.get(srv.demo!.accountId, id);
      assert.equal(held.assignedAgentId, sales.profile.id);
      assert.equal(held.joinedAgentId, admin.profile.id);
    });

    it('lets one supervisor barge in at a time: a second one is told who is there (409)', async () => {
      const { store: db } = srv.node.ctx;
      const accountId = srv.demo!.accountId;
      const lead = await db.users.create(accountId, {
        email: `lead-${store}@demo.example`,
        name: 'Team Lead',
        role: 'admin',
        passwordHash: 'x',
      });
      const session = await db.authSessions.create(lead.id, accountId, 3600_000);
      const second = await AgentChatClient.connect(srv.url, { cookie: `beckon_session=${session.token}` });
      try {
        await assert.rejects(second.join(id), /Demo Admin has joined this chat already/);
        const rest = new ApiClient(srv.node.app);
        rest.cookie = `beckon_session=${session.token}`;
        rest.csrf = session.csrfToken;
        const res = await rest.post(`/api/v1/conversations/${id}/join`);
        assert.equal(res.status, 409);
        assert.equal(res.body.error.code, 'joined');
        assert.equal((await db.conversations.get(accountId, id)).joinedAgentId, admin.profile.id);
      } finally {
        await second.disconnect();
      }
    });

    it('keeps the barge-in across a reconnect: it is stored', async () => {
      const { cookie } = await cookieFor(srv, DEMO_ADMIN.email);
      await admin.disconnect();
      admin = await AgentChatClient.connect(srv.url, { cookie });
      await admin.watch(id);
      const ack = await admin.send(id, 'Still here after a reload.');
      await visitor.waitForMessage((m) => m.seq === ack.seq);
    });

    it('refuses barge-in to agents, and never reaches another account’s chat', async () => {
      await assert.rejects(support.join(id), /owners and admins/);
      const rest = new ApiClient(srv.node.app);
      const supportSession = await cookieFor(srv, 'support@demo.beckon.local');
      rest.cookie = supportSession.cookie;
      rest.csrf = supportSession.csrf;
      assert.equal((await rest.post(`/api/v1/conversations/${id}/join`)).status, 403);

      const { store: db } = srv.node.ctx;
      const other = await db.accounts.create('Other Co');
      const owner = await db.users.create(other.id, {
        email: 'owner@other.example',
        name: 'Other Owner',
        role: 'owner',
        passwordHash: 'x',
      });
      const session = await db.authSessions.create(owner.id, other.id, 3600_000);
      const stranger = await AgentChatClient.connect(srv.url, { cookie: `beckon_session=${session.token}` });
      try {
        await assert.rejects(stranger.join(id), /not found/i);
      } finally {
        await stranger.disconnect();
      }
      const outsider = new ApiClient(srv.node.app);
      outsider.cookie = `beckon_session=${session.token}`;
      outsider.csrf = session.csrfToken;
      assert.equal((await outsider.post(`/api/v1/conversations/${id}/join`)).status, 404);
      assert.equal(
        sales.messages(id).some((m) => m.text.includes('Other Owner')),
        false,
      );
    });

    it('refuses a send that poses as a timeline entry', async () => {
      const rest = new ApiClient(srv.node.app);
      const s = await cookieFor(srv, DEMO_ADMIN.email);
      rest.cookie = s.cookie;
      rest.csrf = s.csrf;
      const forged = await rest.post(`/api/v1/conversations/${id}/messages`, {
        echoId: 'timeline:monitor',
        text: 'Someone else started monitoring the chat.',
        note: true,
      });
      assert.equal(forged.status, 400);
    });

    it('lets the admin leave: the visitor reads it, and the admin may no longer write to them', async () => {
      await admin.leave(id);
      await visitor.waitForMessage(
        (m) => m.senderKind === 'system' && m.text === 'Demo Admin left the chat.',
      );
      await eventually(() => sales.conversations.get(id)?.joinedAgentId === null, 3000, 'left');
      await assert.rejects(admin.send(id, 'one more'), /not assigned to you/);
      await assert.rejects(admin.leave(id), /not joined/);
    });

    it('records a take-over in the timeline; the admin then holds the chat alone', async () => {
      await admin.join(id);
      await visitor.waitForMessage((m) => m.text === 'Demo Admin joined the chat.' && m.seq > 0);
      await admin.transfer(id, { agentId: admin.profile.id });
      const entry = await admin.waitForMessage(id, (m: Message) =>
        m.text.startsWith('Demo Admin took over the chat from Sales Agent'),
      );
      assert.equal(entry.senderKind, 'note');
      await visitor.waitForMessage((m) => m.text === 'You are now chatting with Demo Admin.');
      const now = await srv.node.ctx.store.conversations.get(srv.demo!.accountId, id);
      assert.equal(now.assignedAgentId, admin.profile.id);
      assert.equal(now.joinedAgentId, null, 'no longer a second agent');
      await assert.rejects(sales.send(id, 'still mine?'), /not assigned to you/);
      assert.equal(carried(frames, 'took over'), false, 'the visitor never hears of the take-over note');
    });

    it('ends the barge-in when the agent closes the chat', async () => {
      const chat = await liveChat();
      try {
        await admin.join(chat.id);
        await chat.visitor.waitForMessage((m) => m.text === 'Demo Admin joined the chat.');
        await sales.close(chat.id);
        await eventually(() => admin.conversations.get(chat.id)?.status === 'closed', 3000, 'closed');
        assert.equal(admin.conversations.get(chat.id)?.joinedAgentId, null);
        await assert.rejects(admin.send(chat.id, 'after the end'), /closed/);
      } finally {
        await chat.visitor.close();
      }
    });
  });
}

/** The admin's console on `node`, not taking chats (so routing offers them to the agent). */
async function supervisorOn(node: BeckonNode): Promise<AgentChatClient> {
  const found = await node.ctx.store.users.findForLogin(DEMO_ADMIN.email);
  const { token } = await node.ctx.store.authSessions.create(found!.user.id, found!.accountId, 3600_000);
  return AgentChatClient.connect(node.url, { cookie: `beckon_session=${token}` });
}

/** Two nodes sharing PostgreSQL and Redis: the supervisor, the agent and the visitor on different nodes. */
describe('barge-in across two nodes (PostgreSQL + Redis)', () => {
  const skip = pgSkip ?? REDIS_SKIP;
  let cluster: NodeCluster | undefined;
  before(async () => {
    if (!skip) cluster = await startCluster(2, REDIS_URL);
  });
  after(async () => {
    await cluster?.close();
  });

  it(
    'reaches the agent on one node and the visitor on the other, and holds when the supervisor moves nodes',
    skip ? { skip } : { timeout: 60_000 },
    async () => {
      const [a, b] = cluster!.nodes as [BeckonNode, BeckonNode];
      const { demo } = cluster!;
      const sales = await agentOn(a, 'sales@demo.beckon.local');
      let admin = await supervisorOn(b);
      const visitor = await VisitorChatClient.start(b.url, demo.siteKey, {
        skillId: demo.skillIds.sales,
        text: 'hi',
      });
      try {
        const id = visitor.conversation.id;
        await eventually(() => sales.offers.has(id), 5000, 'offer across nodes');
        await sales.accept(id);
        await admin.watch(id);
        await admin.join(id);
        await visitor.waitForMessage((m) => m.text === 'Demo Admin joined the chat.');
        await eventually(
          () => sales.conversations.get(id)?.joinedAgentId === admin.profile.id,
          5000,
          'joined',
        );
        const ack = await admin.send(id, 'from the supervisor on B');
        const seen = await sales.waitForMessage(id, (m) => m.seq === ack.seq);
        assert.equal(seen.senderName, 'Demo Admin');
        // The supervisor's next console opens on node A: the barge-in is in the store, not in B's memory.
        await admin.disconnect();
        admin = await supervisorOn(a);
        await admin.watch(id);
        const again = await admin.send(id, 'and now from A');
        await visitor.waitForMessage((m) => m.seq === again.seq);
      } finally {
        await visitor.close();
        await sales.disconnect();
        await admin.disconnect();
      }
    },
  );
});
