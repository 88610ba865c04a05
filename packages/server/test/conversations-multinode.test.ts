import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import { pageView, VisitorClient } from '@beckon/sdk/index';
import type { DemoSeedResult } from '../src/demo/seed.ts';
import type { BeckonNode } from '../src/node.ts';
import { ApiClient } from './helpers/api-client.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import { agentOn, type NodeCluster, startCluster } from './helpers/node-cluster.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { TEST_REDIS_URL as REDIS_URL, redisSkipReasonNow } from './helpers/redis.ts';

// Asked as the file loads, without awaiting: see helpers/service-probe.ts.
const PG_SKIP = postgresSkipReasonNow();
const REDIS_SKIP = redisSkipReasonNow();

const COOLDOWN_MS = 2000;

/**
 * Two nodes in one process sharing PostgreSQL and Redis, as in a scale-out deployment: a visitor
 * on one node, agents on the other; routing, assignment and delivery must cross between them.
 */
describe('conversations across two nodes (PostgreSQL + Redis)', () => {
  const skip = PG_SKIP ?? REDIS_SKIP;
  let cluster: NodeCluster | undefined;
  let nodes: BeckonNode[] = [];
  let demo: DemoSeedResult;
  before(async () => {
    if (skip) return;
    // 120 chats from one test address: no per-address start limit here. A short decline cool-down.
    cluster = await startCluster(2, REDIS_URL, {
      BECKON_RATE_CHAT_START_ADDRESS: '0',
      BECKON_DECLINE_COOLDOWN_SECONDS: String(COOLDOWN_MS / 1000),
    });
    ({ nodes, demo } = cluster);
  });
  after(async () => {
    await cluster?.close();
  });
  const test = (title: string, fn: () => Promise<void>) =>
    it(title, skip ? { skip } : { timeout: 120_000 }, fn);

  test('a visitor on node B reaches an agent on node A; messages cross both ways in order; the visitor moves nodes', async () => {
    const [a, b] = nodes as [BeckonNode, BeckonNode];
    const agent = await agentOn(a, 'sales@demo.beckon.local');
    try {
      const visitor = await VisitorChatClient.start(b.url, demo.siteKey, {
        skillId: demo.skillIds.sales,
        text: 'from B',
      });
      const id = visitor.conversation.id;
      await eventually(() => agent.offers.has(id), 5000, 'offer across nodes');
      await agent.accept(id);
      await agent.waitForMessage(id, (m) => m.text === 'from B');
      for (let i = 0; i < 20; i++) {
        await visitor.send(`v${i}`);
        await agent.send(id, `a${i}`);
      }
      await visitor.waitForMessage((m) => m.text === 'a19');
      await agent.waitForMessage(id, (m) => m.text === 'v19');
      const seqs = visitor.messages.map((m) => m.seq);
      assert.deepEqual(
        seqs,
        Array.from({ length: seqs.length }, (_, k) => k + 1),
      );
      // The visitor's next page load lands on the other node and continues where it was.
      await visitor.close();
      const again = await VisitorChatClient.connect(a.url, visitor.token, visitor.resumeFrom);
      await agent.send(id, 'still here');
      await again.waitForMessage((m) => m.text === 'still here');
      await again.close();
    } finally {
      await agent.disconnect();
    }
  });

  test('a chat started on node B opens with the invitation node A showed before A wrote it', async () => {
    const [a, b] = nodes as [BeckonNode, BeckonNode];
    const agent = await agentOn(a, 'sales@demo.beckon.local');
    // Node A writes its exposures late (as a backed-up writer would); node B cannot flush A's writer.
    const writer = a.ctx.store.eventsWriter;
    writer.configure({ flushIntervalMs: 1500 });
    const shopper = await VisitorClient.connect(a.url, demo.siteKey, new URL(a.url).origin);
    let id: string | undefined;
    try {
      await shopper.hello({ visitorId: 'invited-on-a', page: { url: `${a.url}/demo/` }, device: 'desktop' });
      await shopper.sendBatch([pageView(`${a.url}/demo/checkout`, ['checkout'])]);
      const api = new ApiClient(a.app);
      await api.login('sales@demo.beckon.local', 'demo-agent-pw');
      const words = 'Can I help with the checkout?';
      const invited = await api.post('/api/v1/visitors/invited-on-a/invite', { message: words });
      assert.equal(invited.status, 201, JSON.stringify(invited.body));
      const { exposureId } = await shopper.nextEngage();
      assert.equal(await b.ctx.store.exposures.get(demo.accountId, exposureId), undefined, 'not written yet');
      const chat = await VisitorChatClient.start(b.url, demo.siteKey, {
        visitorId: 'invited-on-a',
        exposureId,
        skillId: demo.skillIds.sales,
        source: 'invitation',
        text: 'Yes please',
      });
      id = chat.conversation.id;
      await chat.waitForMessage((m) => m.seq === 2);
      assert.deepEqual(
        chat.messages.slice(0, 2).map((m) => [m.senderKind, m.senderName, m.text]),
        [
          ['invitation', 'Sales Agent', words],
          ['visitor', null, 'Yes please'],
        ],
      );
      await chat.close();
    } finally {
      // Closed, pass or fail, so the tests after this one find the queue as they left it.
      const open = id;
      if (open) {
        await eventually(() => agent.offers.has(open), 5000, 'the offer').catch(() => {});
        await agent.accept(open).catch(() => {});
        await agent.close(open).catch(() => {});
      }
      writer.configure({ flushIntervalMs: 10 });
      await shopper.close();
      await agent.disconnect();
    }
  });

  test('an allow-list set on node A holds on node B at once, not after B’s site cache expires', async () => {
    const [a, b] = nodes as [BeckonNode, BeckonNode];
    const shop = 'https://shop.example';
    const elsewhere = 'https://elsewhere.example';
    /** Whether node B welcomes a visitor from `origin` (a refused one is closed with 4403). */
    const welcomedOnB = async (origin: string, visitorId: string) => {
      const c = await VisitorClient.connect(b.url, demo.siteKey, origin);
      try {
        await c.hello({ visitorId, page: { url: `${origin}/` }, device: 'desktop' });
        return true;
      } catch {
        return (await c.closed).code === 4403 ? false : undefined;
      } finally {
        await c.close();
      }
    };
    // Node B has the site cached from this visitor, with its list empty: any origin.
    assert.equal(await welcomedOnB(elsewhere, 'cached-on-b'), true);
    const admin = new ApiClient(a.app);
    assert.equal((await admin.login('admin@demo.beckon.local', 'demo-admin-pw')).status, 200);
    try {
      const set = await admin.patch(`/api/v1/sites/${demo.siteId}`, { allowedOrigins: [shop] });
      assert.equal(set.status, 200);
      // The bus carries the change; B's cache would otherwise admit any origin for 10 s more.
      await eventually(
        async () => (await welcomedOnB(elsewhere, 'refused-on-b')) === false,
        3000,
        'B refuses',
      );
      assert.equal(await welcomedOnB(shop, 'shop-on-b'), true);
    } finally {
      await admin.patch(`/api/v1/sites/${demo.siteId}`, { allowedOrigins: [] });
    }
  });

  test('a chat declined on node A rests for the cool-down whichever node routes next, and comes back on time', async () => {
    const [a, b] = nodes as [BeckonNode, BeckonNode];
    const agent = await agentOn(a, 'sales@demo.beckon.local');
    const visitors: VisitorChatClient[] = [];
    const start = async () => {
      const v = await VisitorChatClient.start(b.url, demo.siteKey, { skillId: demo.skillIds.sales });
      visitors.push(v);
      return v.conversation.id;
    };
    try {
      const declined = await start();
      await eventually(() => agent.offers.has(declined), 5000, 'offer across nodes');
      const declinedAt = Date.now();
      await agent.decline(declined);
      // A chat started on node B makes node B route: it reads the decline from the store.
      const newer = await start();
      await eventually(() => agent.offers.has(newer), 5000, 'the newer chat offered meanwhile');
      assert.equal(agent.offers.has(declined), false, 'not during the cool-down');
      await agent.next('offer', (f) => f.conversation.id === declined, COOLDOWN_MS + 2000);
      const after = Date.now() - declinedAt;
      // The sweep runs every 5 s: an offer this soon after the cool-down came from a timer.
      assert.ok(after >= COOLDOWN_MS - 50 && after < COOLDOWN_MS + 1500, `offered again after ${after} ms`);
    } finally {
      for (const v of visitors) await v.close();
      await agent.disconnect();
      // Leave no chat waiting: the next case counts every slot.
      const ids = visitors.map((v) => v.conversation.id);
      await a.ctx.store.db
        .updateTable('conversations')
        .set({ status: 'closed', offered_to: null })
        .where('id', 'in', ids)
        .execute();
    }
  });

  test('agents on both nodes racing for 120 chats started on both nodes: each assigned exactly once', async () => {
    const { store } = nodes[0]!.ctx;
    await store.db
      .updateTable('users')
      .set({ capacity: 0 })
      .where('account_id', '=', demo.accountId)
      .execute();
    const agents: AgentChatClient[] = [];
    const assigned = new Map<string, string[]>();
    try {
      for (let i = 0; i < 12; i++) {
        const u = await store.users.create(demo.accountId, {
          email: `multi-${i}@demo.beckon.local`,
          name: `Multi ${i}`,
          role: 'agent',
          passwordHash: 'x',
          skillIds: [demo.skillIds.sales],
          capacity: 10,
          status: 'online',
        });
        const a = await agentOn(nodes[i % 2]!, `multi-${i}@demo.beckon.local`);
        a.frames.on((f) => {
          if (f.type === 'offer') a.accept(f.conversation.id).catch(() => {});
          if (f.type === 'queue')
            for (const q of f.items.slice(0, 2))
              if (q.status === 'queued') a.accept(q.conversationId).catch(() => {});
          if (f.type === 'assigned')
            assigned.set(f.conversation.id, [...(assigned.get(f.conversation.id) ?? []), u.id]);
        });
        agents.push(a);
      }
      const starts = Array.from({ length: 120 }, (_, i) =>
        fetch(`${nodes[i % 2]!.url}/api/v1/chat/conversations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-beckon-site-key': demo.siteKey },
          body: JSON.stringify({ skillId: demo.skillIds.sales, visitorId: `m${i}` }),
        }),
      );
      assert.ok((await Promise.all(starts)).every((r) => r.status === 201));
      await eventually(
        async () => {
          const active = await store.db
            .selectFrom('conversations')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('account_id', '=', demo.accountId)
            .where('status', '=', 'active')
            .where('visitor_id', 'like', 'm%')
            .executeTakeFirstOrThrow();
          return Number(active.n) === 120;
        },
        60_000,
        'all 120 assigned',
      );
      const loads = await store.routing.agents(demo.accountId);
      for (const l of loads.filter((x) => x.name.startsWith('Multi')))
        assert.ok(l.load <= l.capacity, `${l.name} ${l.load}/${l.capacity}`);
      await eventually(() => assigned.size === 120, 5000, 'assigned frames');
      for (const [id, who] of assigned) assert.equal(who.length, 1, `${id} assigned once`);
    } finally {
      for (const a of agents) await a.disconnect();
    }
  });
});
