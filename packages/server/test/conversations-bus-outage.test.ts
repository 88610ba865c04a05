import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@beckon/protocol/chat-api';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import { chatOf } from '../src/conversations/chat-module.ts';
import type { DemoSeedResult } from '../src/demo/seed.ts';
import type { BeckonNode } from '../src/node.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import { agentOn, type NodeCluster, startCluster } from './helpers/node-cluster.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { PrivateRedis } from './helpers/private-redis.ts';

// Asked as the file loads, without awaiting: see helpers/service-probe.ts.
const PG_SKIP = postgresSkipReasonNow();

// Longer than the nodes' reconnect backoff takes to reach its 2 s cap (3.1 s): Redis comes back
// while they retry at their slowest pace, the case the catch-up bound below is about.
const OUTAGE_MS = 4_000;
const SALES = 'sales@demo.beckon.local';

/**
 * Two nodes in one process on the shared PostgreSQL and a Redis of this test's own, which it stops
 * for four seconds mid-chat: the store is up, so both sides keep sending and get their acks; when
 * Redis is back, each socket catches up from the store without its client reconnecting.
 */
describe('a chat across two nodes while Redis stops and starts again', () => {
  const skip = PG_SKIP ?? PrivateRedis.skipReason();
  const faults: unknown[] = [];
  const onFault = (err: unknown) => faults.push(err);
  let redis: PrivateRedis | undefined;
  let cluster: NodeCluster | undefined;
  let nodes: BeckonNode[] = [];
  let demo: DemoSeedResult;
  before(async () => {
    if (skip) return;
    process.on('unhandledRejection', onFault);
    process.on('uncaughtException', onFault);
    redis = await PrivateRedis.start();
    cluster = await startCluster(2, redis.url, { BECKON_RATE_CHAT_START_ADDRESS: '0' });
    ({ nodes, demo } = cluster);
  });
  after(async () => {
    await cluster?.close();
    await redis?.stop();
    process.off('unhandledRejection', onFault);
    process.off('uncaughtException', onFault);
  });

  const readyz = async (node: BeckonNode) => {
    const r = await fetch(`${node.url}/readyz`);
    return {
      code: r.status,
      body: (await r.json()) as { status: string; bus: { ok: boolean; reason?: string } },
    };
  };

  it('loses nothing, delivers each line once and in order without a reconnect, and routes new chats', {
    skip: skip ?? false,
    timeout: 90_000,
  }, async () => {
    const [a, b] = nodes as [BeckonNode, BeckonNode];
    const agent = await agentOn(b, SALES);
    const visitor = await VisitorChatClient.start(a.url, demo.siteKey, {
      skillId: demo.skillIds.sales,
      text: 'hello',
    });
    const later: VisitorChatClient[] = [];
    try {
      const id = visitor.conversation.id;
      await eventually(() => agent.offers.has(id), 5000, 'offer across nodes');
      await agent.accept(id);
      await agent.waitForMessage(id, (m) => m.text === 'hello');
      await visitor.waitForConversation((c) => c.status === 'active');
      // Every `message` frame each socket gets from here on, as sent.
      const toVisitor: Message[] = [];
      const toAgent: Message[] = [];
      visitor.frames.on((f) => {
        if (f.type === 'message') toVisitor.push(f.message as Message);
      });
      agent.frames.on((f) => {
        if (f.type === 'message' && f.message.conversationId === id) toAgent.push(f.message);
      });

      await redis!.stop();
      await eventually(() => !a.ctx.bus.health().ok && !b.ctx.bus.health().ok, 3000, 'both buses down');
      // The store is up: the node stays in the load balancer, saying the bus is down.
      const degraded = await readyz(a);
      assert.equal(degraded.code, 200);
      assert.equal(degraded.body.status, 'degraded');
      assert.equal(degraded.body.bus.ok, false);
      assert.match(degraded.body.bus.reason ?? '', /Redis/);

      // Both sides keep writing through the outage; every line is stored and acknowledged.
      let lines = 0;
      for (const end = Date.now() + OUTAGE_MS; Date.now() < end; lines++) {
        assert.equal((await visitor.send(`v-out-${lines}`)).type, 'ack');
        assert.equal((await agent.send(id, `a-out-${lines}`)).type, 'ack');
        await sleep(200);
      }
      // The routing presence survived on both nodes: the agent is still seen online.
      for (const node of nodes) {
        const present = await chatOf(node.ctx)!.presence.connected(demo.accountId);
        assert.ok(present.has(agent.profile.id), 'agent present while the bus is down');
      }

      await redis!.start(); // empty: no persistence
      const restarted = Date.now();
      const outageLines = (got: Message[], prefix: string) =>
        got.filter((m) => m.text.startsWith(prefix)).map((m) => m.text);
      const expected = (prefix: string) => Array.from({ length: lines }, (_, i) => `${prefix}${i}`);
      await eventually(
        () =>
          outageLines(toVisitor, 'a-out-').length >= lines && outageLines(toAgent, 'v-out-').length >= lines,
        3000,
        "each side has the other's lines",
      );
      const caughtUpMs = Date.now() - restarted;
      await sleep(300); // anything sent twice would arrive about now
      // Exactly once and in order, and nobody gets their own acknowledged lines back.
      assert.deepEqual(outageLines(toVisitor, 'a-out-'), expected('a-out-'));
      assert.deepEqual(outageLines(toAgent, 'v-out-'), expected('v-out-'));
      assert.deepEqual(outageLines(toVisitor, 'v-out-'), []);
      assert.deepEqual(outageLines(toAgent, 'a-out-'), []);
      for (const got of [toVisitor, toAgent]) {
        const seqs = got.map((m) => m.seq);
        assert.deepEqual(
          seqs,
          [...seqs].sort((x, y) => x - y),
          'in sequence order',
        );
        assert.equal(new Set(seqs).size, seqs.length, 'no sequence number twice');
      }
      assert.ok(visitor.frames.open && agent.frames.open, 'neither socket reconnected');
      assert.ok(caughtUpMs < 3000, `caught up ${caughtUpMs} ms after the restart`);

      await eventually(async () => (await readyz(a)).body.status === 'ready', 3000, 'ready again');
      // A chat started after the restart goes to the agent who is online, not to the offline flow.
      const next = await VisitorChatClient.start(a.url, demo.siteKey, { skillId: demo.skillIds.sales });
      later.push(next);
      assert.notEqual(next.conversation.status, 'offline');
      await eventually(() => agent.offers.has(next.conversation.id), 3000, 'new chat offered');
      assert.deepEqual(faults, [], 'no unhandled rejection or exception on either node');
    } finally {
      if (!redis!.running) await redis!.start(); // for the case after this one
      for (const v of [visitor, ...later]) await v.close();
      await agent.disconnect();
    }
  });
  it("keeps a stopping node's agents present while they reconnect elsewhere: chats meanwhile are not sent offline", {
    skip: skip ?? false,
    timeout: 30_000,
  }, async () => {
    const [a, b] = nodes as [BeckonNode, BeckonNode];
    const onB = await agentOn(b, SALES);
    const presence = chatOf(a.ctx)!.presence;
    await eventually(
      async () => (await presence.connected(demo.accountId)).has(onB.profile.id),
      3000,
      'present',
    );
    // Node B stops gracefully (last in this suite): its consoles are closed with 1001.
    await b.close();
    assert.ok((await presence.connected(demo.accountId)).has(onB.profile.id), 'still present on node A');
    const visitor = await VisitorChatClient.start(a.url, demo.siteKey, { skillId: demo.skillIds.sales });
    assert.notEqual(visitor.conversation.status, 'offline');
    // The console reconnects to the node that is left and finds the chat offered to it.
    const onA = await agentOn(a, SALES);
    try {
      await eventually(() => onA.offers.has(visitor.conversation.id), 5000, 'offered after the move');
      assert.deepEqual(faults, []);
    } finally {
      await visitor.close();
      await onA.disconnect();
    }
  });
});
