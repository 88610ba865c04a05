import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { chatOf } from '../src/conversations/chat-module.ts';
import { runtime, visitor } from './engagement-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

const SALES = 'sales@demo.beckon.local';
const SUPPORT = 'support@demo.beckon.local';
/** The decline cool-down of this suite's server (shortened from the default minute). */
const COOLDOWN_MS = 1500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('routing through the server: queue order, least loaded, offer timeout, overflow', () => {
  let srv: TestServer;
  const open: AgentChatClient[] = [];
  const agent = async (email: string, online = true) => {
    const a = await connectAgent(srv, email, online);
    open.push(a);
    return a;
  };
  /** Sales online with Support away: a Sales chat can only go to Sales. */
  const salesAlone = async () => {
    const sales = await agent(SALES);
    await (await agent(SUPPORT)).setStatus('away');
    return sales;
  };
  const skills = (patch: { offer_timeout_seconds?: number; max_wait_seconds?: number }) =>
    srv.node.ctx.store.db
      .updateTable('skills')
      .set(patch)
      .where('account_id', '=', srv.demo!.accountId)
      .execute();

  before(async () => {
    srv = await startTestServer({
      demo: true,
      env: { BECKON_DECLINE_COOLDOWN_SECONDS: String(COOLDOWN_MS / 1000) },
    });
  });
  afterEach(async () => {
    for (const a of open.splice(0)) await a.disconnect();
    const { store } = srv.node.ctx;
    // Each case starts with no open conversations and everyone offline.
    await store.db.updateTable('conversations').set({ status: 'closed', offered_to: null }).execute();
    await store.db.updateTable('users').set({ status: 'offline', capacity: 3 }).execute();
    await store.db.deleteFrom('agent_states').execute();
    await skills({ offer_timeout_seconds: 30, max_wait_seconds: 120 });
  });
  after(() => srv.close());

  it('sends a chat to the available agent with the fewest active chats', async () => {
    const sales = await agent(SALES);
    const support = await agent(SUPPORT);
    const first = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    const holder = await eventually(
      () => [sales, support].find((a) => a.offers.has(first.conversation.id)),
      3000,
      'first offer',
    );
    await holder.accept(first.conversation.id);
    const other = holder === sales ? support : sales;
    const second = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    await eventually(
      () => other.offers.has(second.conversation.id),
      3000,
      'the second offer to the other agent',
    );
    assert.equal(holder.offers.has(second.conversation.id), false);
  });

  it('serves campaign priority first, then visitor value, then the longest waiting', async () => {
    const chat = chatOf(srv.node.ctx)!;
    const previous = chat.visitors.originResolver;
    // Stands in for the engagement runtime: exposure "p3_v10" means priority 3, cart value 10.
    chat.visitors.originResolver = async (q) => {
      const m = /^p(\d+)_v(\d+)/.exec(q.exposureId ?? '');
      return m ? { priority: Number(m[1]), value: Number(m[2]) } : undefined;
    };
    try {
      await srv.node.ctx.store.db.updateTable('users').set({ capacity: 1 }).execute();
      const sales = await agent(SALES);
      const busy = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
      await eventually(() => sales.offers.has(busy.conversation.id), 3000, 'first offer');
      await sales.accept(busy.conversation.id);
      const oldPlain = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales, exposureId: 'p0_v0_a' });
      const bigCart = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales, exposureId: 'p0_v250_b' });
      const vip = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales, exposureId: 'p3_v0_c' });
      const newPlain = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales, exposureId: 'p0_v0_d' });
      assert.equal(vip.conversation.queuePosition, 1);
      assert.equal(newPlain.conversation.queuePosition, 4);
      const order: string[] = [];
      for (let i = 0; i < 4; i++) {
        const current = [...sales.conversations.values()].find(
          (c) => c.status === 'active' && c.assignedAgentId === sales.profile.id,
        );
        const offered = sales.next('offer');
        await sales.close(current!.id);
        const next = await offered;
        order.push(next.conversation.id);
        await sales.accept(next.conversation.id);
      }
      assert.deepEqual(
        order,
        [vip, bigCart, oldPlain, newPlain].map((v) => v.conversation.id),
      );
    } finally {
      chat.visitors.originResolver = previous;
    }
  });

  it('orders by the live cart total of the visitor who starts the chat, even from another node’s snapshot', async () => {
    await srv.node.ctx.store.db.updateTable('users').set({ capacity: 1 }).execute();
    const sales = await agent(SALES);
    const skillId = srv.demo!.skillIds.sales;
    const busy = await startVisitor(srv, { skillId });
    await eventually(() => sales.offers.has(busy.conversation.id), 3000, 'first offer');
    await sales.accept(busy.conversation.id);
    const origin = new URL(srv.url).origin;
    const shopper = async (visitorId: string, total: number) => {
      const tag = await visitor(srv, srv.demo!.siteKey, visitorId, { origin });
      const items = [{ sku: 'lamp', price: total, quantity: 1 }];
      await tag.sendBatch([
        { type: 'attr', attrType: 'cart', value: { items, total, currency: 'USD' }, ts: Date.now() },
      ]);
      return tag;
    };
    const small = await shopper('cart-small', 20);
    const gone = await shopper('cart-gone', 150);
    await gone.close();
    // Its state leaves this node's memory; only the stored snapshot knows the cart now.
    await runtime(srv).tracker.sweep(Date.now() + 3600_000, 0);
    assert.equal(runtime(srv).tracker.peek(srv.demo!.siteId, 'cart-gone'), undefined);
    const big = await shopper('cart-big', 300);
    // Each comes first when it arrives (a bigger cart than everyone waiting): the place it is welcomed with,
    // read before live frames move it down.
    const arrivals: Array<number | null> = [];
    const arrive = async (visitorId: string) => {
      const v = await startVisitor(srv, { skillId, visitorId });
      arrivals.push(v.conversation.queuePosition);
      return v;
    };
    const none = await arrive('no-cart');
    const a = await arrive('cart-small');
    const b = await arrive('cart-gone');
    const c = await arrive('cart-big');
    assert.deepEqual(arrivals, [1, 1, 1, 1]);
    await eventually(
      () => [c, b, a, none].map((v) => v.conversation.queuePosition).join() === '1,2,3,4',
      3000,
      'live queue places',
    );
    const { store } = srv.node.ctx;
    const values = await Promise.all(
      [none, a, b, c].map(
        async (v) => (await store.conversations.get(srv.demo!.accountId, v.conversation.id)).value,
      ),
    );
    assert.deepEqual(values, [0, 20, 150, 300]);
    const offered = sales.next('offer');
    await sales.close(busy.conversation.id);
    assert.equal((await offered).conversation.id, c.conversation.id, 'the biggest cart is served first');
    for (const v of [busy, none, a, b, c]) await v.close();
    await small.close();
    await big.close();
  });

  it('passes over an agent who does not answer in time to one who has not passed on it', async () => {
    await skills({ offer_timeout_seconds: 2 });
    const sales = await agent(SALES);
    const support = await agent(SUPPORT);
    await support.setStatus('away');
    const v1 = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    await eventually(() => sales.offers.has(v1.conversation.id), 3000, 'offer to sales');
    const revoked = sales.next('offer_revoked', (f) => f.conversationId === v1.conversation.id, 5000);
    await support.setStatus('online');
    assert.equal((await revoked).reason, 'timeout');
    await eventually(() => support.offers.has(v1.conversation.id), 3000, 'offer to support');
    assert.equal(sales.offers.has(v1.conversation.id), false);
    await support.accept(v1.conversation.id);
  });

  it('offers a chat again to its only agent after a missed offer; a second miss sets them away, and says why', async () => {
    await skills({ offer_timeout_seconds: 1 });
    const sales = await salesAlone();
    const v = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    const id = v.conversation.id;
    await eventually(() => sales.offers.has(id), 3000, 'offer to sales');
    await sales.next('offer_revoked', (f) => f.conversationId === id && f.reason === 'timeout', 4000);
    // Nobody else can take it: it is not stranded, it comes back to the agent who missed it.
    await eventually(() => sales.offers.has(id), 3000, 'the offer again');
    assert.equal(sales.profile.status, 'online', 'one miss is not enough to be set away');
    // Missing it again sets them away, and their console is told why.
    await eventually(() => sales.profile.status === 'away', 4000, 'sales set away');
    assert.deepEqual([sales.profile.statusReason, sales.profile.missedOffers], ['missed_offers', 2]);
    const { store } = srv.node.ctx;
    assert.equal((await store.users.get(srv.demo!.accountId, sales.profile.id)).status, 'away');
    // A console opened afterwards (a reload) still says why.
    const reloaded = await agent(SALES, false);
    assert.deepEqual(
      [reloaded.profile.status, reloaded.profile.statusReason, reloaded.profile.missedOffers],
      ['away', 'missed_offers', 2],
    );
    // Back online: a fresh start, and the chat that waited meanwhile is offered again.
    await reloaded.setStatus('online');
    await eventually(() => reloaded.offers.has(id), 3000, 'offer once back online');
    assert.equal(reloaded.profile.statusReason, undefined);
    assert.equal(await store.assignment.missedOffers(srv.demo!.accountId, sales.profile.id), 0);
    await reloaded.accept(id);
  });

  it('serves an older chat before a newer one after its agent missed it', async () => {
    await srv.node.ctx.store.db.updateTable('users').set({ capacity: 1 }).execute();
    await skills({ offer_timeout_seconds: 1 });
    const sales = await salesAlone();
    const older = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    await eventually(() => sales.offers.has(older.conversation.id), 3000, 'offer of the older chat');
    const newer = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    assert.equal(newer.conversation.status, 'queued', 'sales is full with the pending offer');
    const revoked = sales.next('offer_revoked', (f) => f.conversationId === older.conversation.id, 3000);
    assert.equal((await revoked).reason, 'timeout');
    await eventually(() => sales.offers.has(older.conversation.id), 3000, 'the older chat offered again');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sales.offers.has(newer.conversation.id), false);
    const { store } = srv.node.ctx;
    const waiting = await store.conversations.get(srv.demo!.accountId, newer.conversation.id);
    assert.equal(waiting.status, 'queued');
  });

  it('a declined offer goes to the next agent, and back to the first once everyone declined and their cool-down ended', async () => {
    const sales = await agent(SALES);
    const support = await agent(SUPPORT);
    const v = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    const id = v.conversation.id;
    const first = await eventually(() => [sales, support].find((a) => a.offers.has(id)), 3000, 'offer');
    const second = first === sales ? support : sales;
    const declinedAt = Date.now();
    await first.decline(id);
    await eventually(() => second.offers.has(id), 3000, 'offer to the other agent');
    assert.equal(first.offers.has(id), false, 'not back to the one who declined while another can take it');
    const revoked = second.next('offer_revoked', (f) => f.conversationId === id, 3000);
    await second.decline(id);
    await revoked;
    // Both passed: the one whose pass is oldest gets it again once their cool-down is over, rather
    // than it waiting for nobody.
    await first.next('offer', (f) => f.conversation.id === id, COOLDOWN_MS + 1500);
    assert.ok(Date.now() - declinedAt >= COOLDOWN_MS - 50, 'not during the first agent’s cool-down');
    assert.equal(second.offers.has(id), false);
  });

  it('keeps a declined chat from its only agent for the cool-down, offers newer chats meanwhile, then offers it again on time', async () => {
    const sales = await salesAlone();
    const declined = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    const id = declined.conversation.id;
    await eventually(() => sales.offers.has(id), 3000, 'first offer');
    const declinedAt = Date.now();
    await sales.decline(id);
    // Not straight back to the agent who just said no: it waits, and a newer chat may reach them.
    const newer = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    await eventually(() => sales.offers.has(newer.conversation.id), 3000, 'the newer chat offered');
    await sleep(300);
    assert.equal(sales.offers.has(id), false, 'not during the cool-down');
    const { store } = srv.node.ctx;
    assert.equal((await store.conversations.get(srv.demo!.accountId, id)).status, 'queued');
    // When it ends, routing looks again by itself (the sweep runs only every 5 s): the chat is back.
    await sales.next('offer', (f) => f.conversation.id === id, COOLDOWN_MS + 1500);
    const after = Date.now() - declinedAt;
    assert.ok(after >= COOLDOWN_MS - 50 && after < COOLDOWN_MS + 1000, `offered again after ${after} ms`);
  });

  it('going away withdraws pending offers: no pass, not a missed offer in the agents report', async () => {
    const from = new Date().toISOString();
    const sales = await salesAlone();
    const v = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    const id = v.conversation.id;
    await eventually(() => sales.offers.has(id), 3000, 'offer');
    await sales.setStatus('away');
    const { store } = srv.node.ctx;
    await eventually(
      async () => (await store.conversations.get(srv.demo!.accountId, id)).status === 'queued',
      3000,
      'the offer withdrawn',
    );
    const passes = await store.db
      .selectFrom('conversation_passes')
      .select('reason')
      .where('conversation_id', '=', id)
      .execute();
    assert.deepEqual(passes, [], 'going away is no pass');
    const admin = new ApiClient(srv.node.app);
    await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    const report = await admin.get(`/api/v1/reports/agents?from=${encodeURIComponent(from)}`);
    assert.equal(report.status, 200);
    const row = report.body.agents.find((a: { agentId: string }) => a.agentId === sales.profile.id);
    assert.equal(row.missedOffers, 0);
    // Back online, the chat comes to them like to anyone who never passed on it.
    await sales.setStatus('online');
    await eventually(() => sales.offers.has(id), 3000, 'offer once back online');
  });

  it('takes an offer back when its agent’s console closes, without counting a miss; it returns when they reconnect', async () => {
    await skills({ offer_timeout_seconds: 1 });
    const sales = await salesAlone();
    const v = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    const id = v.conversation.id;
    await eventually(() => sales.offers.has(id), 3000, 'offer to sales');
    await sales.next('offer_revoked', (f) => f.conversationId === id && f.reason === 'timeout', 4000);
    await eventually(() => sales.offers.has(id), 3000, 'the offer again');
    // One miss so far: a second would set sales away. A reload in the middle of the offer is none.
    await sales.disconnect();
    const { store } = srv.node.ctx;
    const accountId = srv.demo!.accountId;
    await eventually(
      async () => (await store.conversations.get(accountId, id)).status === 'queued',
      3000,
      'the offer taken back',
    );
    await new Promise((r) => setTimeout(r, 1500)); // past the offer timeout
    assert.equal((await store.users.get(accountId, sales.profile.id)).status, 'online');
    assert.equal(await store.assignment.missedOffers(accountId, sales.profile.id), 1);
    const passes = await store.db
      .selectFrom('conversation_passes')
      .select('reason')
      .where('conversation_id', '=', id)
      .execute();
    assert.deepEqual(
      passes.map((p) => p.reason),
      ['timeout'],
      'the disconnect is no pass',
    );
    const back = await agent(SALES, false);
    assert.equal(back.profile.status, 'online');
    await eventually(() => back.offers.has(id), 3000, 'offer after reconnecting');
    await back.accept(id);
  });

  it('past the maximum wait it overflows to the transfer target skill, then to the offline flow', async () => {
    await srv.node.ctx.store.db.updateTable('users').set({ capacity: 0 }).execute();
    await skills({ max_wait_seconds: 1 });
    await agent(SALES); // online but full: the chat waits
    const v = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    assert.equal(v.conversation.status, 'queued');
    await v.waitForConversation((c) => c.skillId === srv.demo!.skillIds.support, 4000);
    await v.waitForConversation((c) => c.status === 'offline', 4000);
    const line = await v.waitForMessage((m) => m.senderKind === 'system' && /leave a message/i.test(m.text));
    assert.ok(line);
  });

  it('goes straight to the offline flow when no agent of the skill is online; availability says so', async () => {
    const anon = new ApiClient(srv.node.app);
    const headers = { 'x-beckon-site-key': srv.demo!.siteKey };
    const none = await anon.request(
      'GET',
      `/api/v1/chat/availability?skillId=${srv.demo!.skillIds.support}`,
      undefined,
      headers,
    );
    assert.equal(none.status, 200);
    assert.deepEqual([none.body.available, none.body.agentsOnline], [false, 0]);
    const v = await startVisitor(srv, { skillId: srv.demo!.skillIds.support, text: 'anyone?' });
    assert.equal(v.conversation.status, 'offline');
    await v.waitForMessage((m) => /leave a message/i.test(m.text));
    await agent(SUPPORT);
    const some = await anon.request('GET', '/api/v1/chat/availability?topic=support', undefined, headers);
    assert.deepEqual([some.body.available, some.body.agentsOnline, some.body.freeSlots], [true, 1, 3]);
  });

  it('lets an agent take a waiting chat of their skill from the queue, not one of another skill', async () => {
    await srv.node.ctx.store.db.updateTable('users').set({ capacity: 0 }).execute();
    const sales = await agent(SALES);
    const support = await agent(SUPPORT);
    const v = await startVisitor(srv, { skillId: srv.demo!.skillIds.support });
    await eventually(
      () => support.queue.some((q) => q.conversationId === v.conversation.id),
      3000,
      'queue snapshot',
    );
    assert.equal(
      sales.queue.some((q) => q.conversationId === v.conversation.id),
      false,
      'sales does not see support queue',
    );
    await srv.node.ctx.store.db.updateTable('users').set({ capacity: 3 }).execute();
    await assert.rejects(sales.accept(v.conversation.id), { code: 'forbidden' });
    await support.accept(v.conversation.id).catch(async (err) => {
      // The router may have offered it to support in the meantime; accepting the offer is the same.
      if (err.code !== 'taken') throw err;
    });
    await v.waitForConversation((c) => c.status === 'active' && c.agentName === 'Support Agent');
  });
});
